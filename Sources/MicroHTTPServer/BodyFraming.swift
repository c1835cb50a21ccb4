/// How a request delimits its body, read from its head alone (RFC 9112 §6).
enum BodyFraming: Equatable {
    /// No Content-Length and no Transfer-Encoding: no body.
    case none
    /// A body of exactly this many bytes.
    case length(Int)
    /// A chunked body of unknown length.
    case chunked
    /// Ambiguous or unsupported framing (a smuggling vector): refuse with 400 and close the connection.
    case invalid(String)

    /// Reads `Content-Length` and `Transfer-Encoding`; anything a second parser could read differently is invalid.
    init(headers: HTTPHeaders) {
        let encodings = headers.values("Transfer-Encoding")
        let lengths = headers.values("Content-Length")
        if !encodings.isEmpty {
            guard lengths.isEmpty else {
                self = .invalid("a request must not carry both Content-Length and Transfer-Encoding")
                return
            }
            let codings = encodings.flatMap { $0.split(separator: ",") }.map { $0.trimmingWhitespace().lowercased() }
            if codings == ["chunked"] {
                self = .chunked
            } else if codings.last != "chunked" {
                self = .invalid("Transfer-Encoding must end in chunked")
            } else {
                self = .invalid("only Transfer-Encoding: chunked is supported")
            }
            return
        }
        let values = lengths.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .map { $0.trimmingWhitespace() }
        guard let first = values.first else {
            self = .none
            return
        }
        guard values.allSatisfy({ $0 == first }) else {
            self = .invalid("several differing Content-Length values")
            return
        }
        guard (1...18).contains(first.utf8.count), first.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let length = Int(first) else {
            self = .invalid("Content-Length is not a decimal number")
            return
        }
        self = .length(length)
    }

    /// True when a body follows the head.
    var hasBody: Bool {
        switch self {
        case .none: false
        case .length(let length): length > 0
        case .chunked, .invalid: true
        }
    }
}
