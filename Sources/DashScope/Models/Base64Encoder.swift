/// Standard base64 (RFC 4648 §4, padded) written incrementally: bytes may arrive in pieces of any size, and the
/// text is appended to the caller's buffer without an intermediate copy.
public struct Base64Encoder: Sendable {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    /// Up to two bytes waiting for the rest of their three-byte group.
    private var carry: (UInt8, UInt8) = (0, 0)
    private var carried = 0

    /// An encoder with nothing pending.
    public init() {}

    /// The length of the padded text for `count` bytes.
    public static func encodedLength(of count: Int) -> Int {
        (count + 2) / 3 * 4
    }

    /// Encodes `bytes` after what came before, appending every complete four-character group to `output`.
    public mutating func encode(_ bytes: some Collection<UInt8>, into output: inout [UInt8]) {
        var iterator = bytes.makeIterator()
        // Complete the group left over from the previous piece.
        while carried > 0, carried < 3, let byte = iterator.next() {
            if carried == 1 { carry.1 = byte; carried = 2 } else { emit(carry.0, carry.1, byte, into: &output); carried = 0 }
        }
        while let first = iterator.next() {
            guard let second = iterator.next() else { carry = (first, 0); carried = 1; return }
            guard let third = iterator.next() else { carry = (first, second); carried = 2; return }
            emit(first, second, third, into: &output)
        }
    }

    /// Appends the last, padded group (if any bytes are pending); the encoder is then empty again.
    public mutating func finish(into output: inout [UInt8]) {
        let table = Self.alphabet
        let equals = UInt8(ascii: "=")
        switch carried {
        case 1:
            output.append(contentsOf: [table[Int(carry.0 >> 2)], table[Int((carry.0 & 0x03) << 4)], equals, equals])
        case 2:
            output.append(contentsOf: [
                table[Int(carry.0 >> 2)], table[Int((carry.0 & 0x03) << 4 | carry.1 >> 4)], table[Int((carry.1 & 0x0F) << 2)], equals,
            ])
        default:
            break
        }
        carried = 0
    }

    private func emit(_ a: UInt8, _ b: UInt8, _ c: UInt8, into output: inout [UInt8]) {
        let table = Self.alphabet
        output.append(table[Int(a >> 2)])
        output.append(table[Int((a & 0x03) << 4 | b >> 4)])
        output.append(table[Int((b & 0x0F) << 2 | c >> 6)])
        output.append(table[Int(c & 0x3F)])
    }
}
