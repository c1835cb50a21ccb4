import FoundationEssentials
import MicroHTTPServer

/// A request the simulator received, kept for tests to assert on.
public struct RecordedRequest: Sendable {
    /// The method, e.g. `POST`.
    public var method: String
    /// The path without the query.
    public var path: String
    /// The query arguments in order.
    public var query: [(name: String, value: String)]
    /// The header fields as received.
    public var headers: HTTPHeaders
    /// The body bytes.
    public var body: [UInt8]
    /// When the simulator's clock says it arrived.
    public var receivedAt: Date

    /// Creates a record from a request, keeping at most `keepingBodyBytes` of its body.
    public init(_ request: HTTPRequest, receivedAt: Date, keepingBodyBytes: Int = .max) {
        method = request.head.method
        path = request.head.path
        query = request.head.query
        headers = request.head.headers
        body = request.body.count <= keepingBodyBytes ? request.body : Array(request.body.prefix(keepingBodyBytes))
        self.receivedAt = receivedAt
    }

    /// The body as UTF-8 text (lossy).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The first value of a header, compared case-insensitively.
    public func header(_ name: String) -> String? { headers[name] }

    /// The first value of a query argument.
    public func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }

    /// The record as JSON for `GET /simulator/requests` (body as text, headers as pairs).
    var json: OrderedJSON {
        .obj([
            "method": .string(method),
            "path": .string(path),
            "query": .array(query.map { .array([.string($0.name), .string($0.value)]) }),
            "headers": .array(headers.fields.map { .array([.string($0.name), .string($0.value)]) }),
            "body": .string(bodyText),
            "received_at": .string(BeijingTime.format(receivedAt)),
        ])
    }
}
