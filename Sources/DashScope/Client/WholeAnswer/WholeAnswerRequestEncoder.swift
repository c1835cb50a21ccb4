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

    /// Appends `METHOD target HTTP/1.1`, the fields and the blank line; false when a part cannot be sent. Gathered
    /// into one array measured for it, then written to the buffer once (a `ByteBuffer` write per piece cost ~230
    /// instructions each, a dozen per head).
    static func encode(_ head: HTTPRequestHead, into buffer: inout ByteBuffer) -> Bool {
        let method = head.method.rawValue
        var size = method.utf8.count + 1 + head.uri.utf8.count + 11 + 2
        for field in head.headers { size += field.name.utf8.count + 2 + field.value.utf8.count + 2 }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        guard !method.isEmpty, append(method, to: &bytes, allowing: isTokenByte) else { return false }
        bytes.append(UInt8(ascii: " "))
        guard append(head.uri, to: &bytes, allowing: { $0 > 0x20 && $0 != 0x7F }) else { return false }
        bytes.append(contentsOf: " HTTP/1.1\r\n".utf8)
        for field in head.headers {
            guard !field.name.isEmpty, append(field.name, to: &bytes, allowing: isTokenByte) else { return false }
            bytes.append(contentsOf: ": ".utf8)
            guard append(field.value, to: &bytes, allowing: { $0 >= 0x20 ? $0 != 0x7F : $0 == 0x09 }) else { return false }
            bytes.append(contentsOf: "\r\n".utf8)
        }
        bytes.append(contentsOf: "\r\n".utf8)
        buffer.writeBytes(bytes)
        return true
    }

    /// Appends `text` when every byte is allowed; false (nothing appended) otherwise.
    @inline(__always)
    private static func append(_ text: String, to bytes: inout [UInt8], allowing allowed: (UInt8) -> Bool) -> Bool {
        var text = text
        return text.withUTF8 { utf8 in
            guard utf8.allSatisfy(allowed) else { return false }
            bytes.append(contentsOf: utf8)
            return true
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
