import NIOCore
import NIOHTTP1

/// Writes a whole-answer request's head as HTTP/1.1 bytes in one buffer, checking as it copies that the target
/// has no space or control byte and no header name or value could end its line. It stands in for NIO's request
/// encoder and header validator (together ~16k instructions per call in `make profile`): this path's heads are
/// always complete (`Host`, `Content-Length` set by `NIOWholeAnswerClient`), so neither framing fix-ups nor
/// per-header look-ups are needed. Bodies pass as they are; the response decoder still observes every part.
final class WholeAnswerRequestEncoder: ChannelOutboundHandler {
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = IOData

    /// A head that cannot be sent as it is (a byte that would end a line, or a space in the target).
    struct InvalidHead: Error {}

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            var buffer = context.channel.allocator.buffer(capacity: 256)
            guard Self.encode(head, into: &buffer) else {
                promise?.fail(InvalidHead())
                context.fireErrorCaught(InvalidHead())
                return
            }
            context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: promise)
        case .body(let body):
            context.write(wrapOutboundOut(body), promise: promise)
        case .end:
            promise?.succeed(())
        }
    }

    /// Appends `METHOD target HTTP/1.1`, the fields and the blank line; false when a part cannot be sent. Measured
    /// first, then written in one pass into the buffer's memory (a `ByteBuffer` write per piece cost ~230
    /// instructions each, a dozen per head).
    static func encode(_ head: HTTPRequestHead, into buffer: inout ByteBuffer) -> Bool {
        let method = head.method.rawValue
        let uri = head.uri
        var size = method.utf8.count + 1 + uri.utf8.count + 11 + 2
        for field in head.headers { size += field.name.utf8.count + 2 + field.value.utf8.count + 2 }
        let written = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { memory in
            var out = HeadBytes(memory: memory)
            guard !method.isEmpty, out.append(method, allowing: isTokenByte) else { return 0 }
            out.append(" ")
            guard out.append(uri, allowing: { $0 > 0x20 && $0 != 0x7F }) else { return 0 }
            out.append(" HTTP/1.1\r\n")
            for field in head.headers {
                guard !field.name.isEmpty, out.append(field.name, allowing: isTokenByte) else { return 0 }
                out.append(": ")
                guard out.append(field.value, allowing: { $0 >= 0x20 ? $0 != 0x7F : $0 == 0x09 }) else { return 0 }
                out.append("\r\n")
            }
            out.append("\r\n")
            return out.count
        }
        return written == size
    }

    /// A head being written into memory measured for it.
    private struct HeadBytes {
        let memory: UnsafeMutableRawBufferPointer
        var count = 0

        /// Copies `text` when every byte is allowed; false (nothing copied) otherwise.
        @inline(__always)
        mutating func append(_ text: String, allowing allowed: (UInt8) -> Bool) -> Bool {
            var text = text
            let at = count
            let copied = text.withUTF8 { bytes -> Bool in
                for byte in bytes where !allowed(byte) { return false }
                UnsafeMutableRawBufferPointer(rebasing: memory[at..<(at + bytes.count)]).copyMemory(from: UnsafeRawBufferPointer(bytes))
                return true
            }
            if copied { count += text.utf8.count }
            return copied
        }

        /// Copies fixed text.
        @inline(__always)
        mutating func append(_ text: StaticString) {
            let at = count
            text.withUTF8Buffer { bytes in
                UnsafeMutableRawBufferPointer(rebasing: memory[at..<(at + bytes.count)]).copyMemory(from: UnsafeRawBufferPointer(bytes))
            }
            count += text.utf8CodeUnitCount
        }
    }

    /// RFC 9110 token characters (header names).
    @inline(__always)
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
