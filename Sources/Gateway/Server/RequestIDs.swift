import Synchronization

/// New request ids in the lowercase UUID version-4 form, made without a system call or a formatter per request
/// (`UUID().uuidString` cost ~7k instructions of every request): a counter from a random start, mixed by
/// SplitMix64's finalizer (a bijection, so ids never repeat within a process) and written as hex.
enum RequestIDs {
    private static let seed: (high: UInt64, low: UInt64) = {
        var random = SystemRandomNumberGenerator()
        return (random.next(), random.next())
    }()
    private static let counter = Atomic<UInt64>(0)

    /// The next id, e.g. `3f2a…-…`: 36 characters, version 4, RFC 4122 variant.
    static func next() -> String {
        let count = counter.wrappingAdd(1, ordering: .relaxed).oldValue
        let high = (mix(seed.high &+ count) & ~0xF000) | 0x4000
        let low = (mix(seed.low ^ (count &* 0x9E37_79B9_7F4A_7C15)) & ~(0xC << 60)) | (0x8 << 60)
        return String(unsafeUninitializedCapacity: 36) { buffer in
            let hex: StaticString = "0123456789abcdef"
            var index = 0
            func put(_ value: UInt64, nibbles: Int) {
                hex.withUTF8Buffer { digits in
                    for shift in stride(from: (nibbles - 1) * 4, through: 0, by: -4) {
                        buffer[index] = digits[Int((value >> UInt64(shift)) & 0xF)]
                        index += 1
                    }
                }
            }
            func dash() {
                buffer[index] = UInt8(ascii: "-")
                index += 1
            }
            put(high >> 32, nibbles: 8); dash(); put(high >> 16, nibbles: 4); dash(); put(high, nibbles: 4); dash()
            put(low >> 48, nibbles: 4); dash(); put(low, nibbles: 12)
            return index
        }
    }

    /// SplitMix64's output function.
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
