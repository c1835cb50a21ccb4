/// DashScope's SSE frames, byte for byte (§12): no space after colons, ids from 1, a status comment line.
enum SSEFraming {
    /// `id:N`, `event:NAME`, `:HTTP_STATUS/S`, `data:JSON`, blank line; `lineEnding` is `\n` unless a fault asks for CRLF.
    static func frame(id: Int, event: String, status: Int, data: String, lineEnding: String = "\n") -> [UInt8] {
        let lines = ["id:\(id)", "event:\(event)", ":HTTP_STATUS/\(status)", "data:\(data)"]
        return Array((lines.joined(separator: lineEnding) + lineEnding + lineEnding).utf8)
    }

    /// A `result` frame.
    static func result(id: Int, data: String, lineEnding: String = "\n") -> [UInt8] {
        frame(id: id, event: "result", status: 200, data: data, lineEnding: lineEnding)
    }

    /// An `error` frame with a DashScope error envelope.
    static func error(id: Int, status: Int, code: String, message: String, requestID: String, lineEnding: String = "\n") -> [UInt8] {
        let body = OrderedJSON.obj(["code": .string(code), "message": .string(message), "request_id": .string(requestID)])
        return frame(id: id, event: "error", status: status, data: body.serialized(), lineEnding: lineEnding)
    }
}
