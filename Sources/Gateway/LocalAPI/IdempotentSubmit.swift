import JSON
import MicroHTTPServer

// `Idempotency-Key` on `POST /v1/transcriptions`: the first request with a key takes it in the store (one atomic
// insert, so two racing requests never both submit), submits, and stores its answer; a repeat with the same
// request gets that answer again (same status and body, `Idempotent-Replayed: true`) without a second submit; the
// same key with a different request is 422 `idempotency_key_reused`; a repeat while the first is still running is
// 409 `idempotency_key_in_progress`. A failed submit gives the key back, so a retry can submit. Keys are global to
// the gateway and pruned with the retention.

/// Runs a submit at most once per `Idempotency-Key`.
struct IdempotentSubmit: Sendable {
    let store: any JobStore

    /// The request's key: nil when absent; 400 when not 1–255 visible ASCII characters.
    static func key(_ head: HTTPRequestHead) throws -> String? {
        guard let key = head.headers["Idempotency-Key"] else { return nil }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw GatewayError.invalidRequest("Idempotency-Key must be 1 to 255 visible ASCII characters", param: "Idempotency-Key")
        }
        return key
    }

    /// What identifies "the same request": method, path, query, content type and the body (FNV-1a 64 over it; for a
    /// raw audio body streamed to storage, which is never held whole, its declared length stands for it).
    static func fingerprint(_ request: HTTPRequest) -> String {
        var hash = FNV1a()
        hash.add(request.head.method)
        hash.add(request.head.path)
        for item in request.head.query { hash.add(item.name); hash.add(item.value) }
        hash.add(request.head.headers["Content-Type"] ?? "")
        if let stream = request.bodyStream {
            hash.add("streamed:\(stream.declaredLength.map(String.init) ?? "?")")
        } else {
            hash.add(request.body)
        }
        return "fnv1a64:" + String(hash.value, radix: 16)
    }

    /// The stored answer of an earlier submit with this key, or `submit()`'s answer (stored for repeats).
    func run(key: String, _ request: HTTPRequest, submit: () async throws -> HTTPResponse) async throws -> HTTPResponse {
        let reservation = try await store.reserveKey(key, fingerprint: Self.fingerprint(request), now: JobKeeper.now())
        if reservation != .reserved, let stream = request.bodyStream {
            // A raw audio body still arriving is read to its end (and dropped), so the client gets its answer on a
            // clean exchange; nothing is uploaded.
            for try await _ in stream {}
        }
        switch reservation {
        case .completed(let status, let body):
            // The stored bytes themselves, so the repeat is byte for byte the first answer.
            var headers: HTTPHeaders = ["Content-Type": "application/json", "Idempotent-Replayed": "true"]
            if let id = JSONValue.parse(body)?["task_id"]?.stringValue { headers.replace("Location", "/v1/transcriptions/\(id)") }
            return HTTPResponse(status: status, headers: headers, body: .bytes(body))
        case .inProgress:
            throw GatewayError(
                status: 409, code: "idempotency_key_in_progress",
                message: "a submit with this Idempotency-Key is still running; repeat it once that one has answered")
        case .mismatch:
            throw GatewayError(
                status: 422, code: "idempotency_key_reused",
                message: "this Idempotency-Key was already used with a different request; use a new key for a new submit")
        case .reserved:
            break
        }
        let response: HTTPResponse
        do {
            response = try await submit()
        } catch {
            try? await store.releaseKey(key)
            throw error
        }
        if case .bytes(let body) = response.body {
            try? await store.completeKey(key, status: response.status, body: body)
        }
        return response
    }
}

/// 64-bit FNV-1a: a fast, dependency-free fingerprint (not a security hash: the key's owner is the only one who can
/// make two bodies collide, and only against itself).
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            value = (value ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        value = (value ^ 0xff) &* 0x100_0000_01b3  // a separator, so ("ab","c") and ("a","bc") differ
    }

    mutating func add(_ text: String) { add(text.utf8) }
}
