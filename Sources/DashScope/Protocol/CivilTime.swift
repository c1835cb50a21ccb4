/// Calendar arithmetic at fixed UTC offsets, done with integers so the machine's time zone never matters.
public enum CivilTime {
    /// Offset of Beijing time (UTC+8), in which DashScope writes times.
    public static let beijingOffsetSeconds = 8 * 3600

    /// Milliseconds since 1970-01-01T00:00:00Z of a wall-clock time at `offsetSeconds`; nil when out of range.
    public static func epochMilliseconds(
        year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int = 0,
        offsetSeconds: Int
    ) -> Int64? {
        guard (1...9999).contains(year), (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second),
              (0...999).contains(millisecond)
        else { return nil }
        let days = Int64(daysFromCivil(year: year, month: month, day: day))
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        return seconds * 1000 + Int64(millisecond)
    }

    /// ISO 8601 with milliseconds at `offsetSeconds`: `Z` for 0, else `+hh:mm`/`-hh:mm`.
    public static func iso8601(epochMilliseconds: Int64, offsetSeconds: Int) -> String {
        let local = epochMilliseconds + Int64(offsetSeconds) * 1000
        let millisecondOfDay = Int(((local % 86_400_000) + 86_400_000) % 86_400_000)
        let days = Int((local - Int64(millisecondOfDay)) / 86_400_000)
        let (year, month, day) = civilFromDays(days)
        let magnitude = abs(offsetSeconds) / 60
        // Written digit by digit into one buffer: it stamps every log line, and interpolation cost ~7k instructions.
        return String(unsafeUninitializedCapacity: 29) { buffer in
            var index = 0
            func put(_ byte: UInt8) {
                buffer[index] = byte
                index += 1
            }
            func digits(_ value: Int, _ width: Int) {
                var divisor = 1
                for _ in 1..<width { divisor *= 10 }
                var value = max(0, value)
                if width == 4, value > 9999 { value = 9999 }
                while divisor > 0 {
                    put(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                    divisor /= 10
                }
            }
            digits(year, 4); put(UInt8(ascii: "-")); digits(month, 2); put(UInt8(ascii: "-")); digits(day, 2)
            put(UInt8(ascii: "T"))
            digits(millisecondOfDay / 3_600_000, 2); put(UInt8(ascii: ":"))
            digits(millisecondOfDay / 60_000 % 60, 2); put(UInt8(ascii: ":"))
            digits(millisecondOfDay / 1000 % 60, 2); put(UInt8(ascii: "."))
            digits(millisecondOfDay % 1000, 3)
            if offsetSeconds == 0 {
                put(UInt8(ascii: "Z"))
            } else {
                put(offsetSeconds < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
                digits(magnitude / 60, 2); put(UInt8(ascii: ":")); digits(magnitude % 60, 2)
            }
            return index
        }
    }

    /// `YYYYMMDDhhmmss` of an instant at `offsetSeconds` (fractions of a second dropped).
    public static func compact(epochMilliseconds: Int64, offsetSeconds: Int) -> String {
        let iso = iso8601(epochMilliseconds: epochMilliseconds, offsetSeconds: offsetSeconds)
        return String(iso.prefix(19).filter(\.isNumber))
    }

    // `?` is `T` or a space; the zone is `Z`, `±hh:mm`, `±hhmm` or `±hh`; fractions beyond milliseconds are dropped.
    /// Parses `YYYY-MM-DD?hh:mm:ss[.fff][zone]`; without a zone `defaultOffsetSeconds` applies (nil: zone required).
    public static func parse(_ text: String, defaultOffsetSeconds: Int?) -> Int64? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ width: Int) -> Int? {
            guard index + width <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + width] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            index += width
            return value
        }
        func expect(_ allowed: String) -> Bool {
            guard index < bytes.count, allowed.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              expect("T "), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
              let second = number(2)
        else { return nil }
        var millisecond = 0
        if expect(".") {
            var digits = 0
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                if digits < 3 { millisecond = millisecond * 10 + Int(bytes[index] - 0x30) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 3) { millisecond *= 10 }
        }
        var offset: Int
        if index == bytes.count {
            guard let defaultOffsetSeconds else { return nil }
            offset = defaultOffsetSeconds
        } else if expect("Zz") {
            offset = 0
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let negative = bytes[index] == UInt8(ascii: "-")
            index += 1
            guard let hours = number(2), hours <= 23 else { return nil }
            var minutes = 0
            if index < bytes.count {
                _ = expect(":")
                guard let value = number(2), value <= 59 else { return nil }
                minutes = value
            }
            offset = (hours * 3600 + minutes * 60) * (negative ? -1 : 1)
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        return epochMilliseconds(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second,
            millisecond: millisecond, offsetSeconds: offset
        )
    }

    /// Parses `YYYYMMDDhhmmss` read at `offsetSeconds`.
    public static func parseCompact(_ text: String, offsetSeconds: Int) -> Int64? {
        let digits = Array(text.utf8)
        guard digits.count == 14, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        func field(_ start: Int, _ width: Int) -> Int {
            digits[start..<start + width].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        return epochMilliseconds(
            year: field(0, 4), month: field(4, 2), day: field(6, 2), hour: field(8, 2), minute: field(10, 2),
            second: field(12, 2), offsetSeconds: offsetSeconds
        )
    }

    /// Number of days in a month of the proleptic Gregorian calendar.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a date (Howard Hinnant's algorithm).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day number since 1970-01-01 (inverse of `daysFromCivil`).
    public static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
