import Foundation
import Testing

/// Decisions made from the request head before a byte of body is read: framing (smuggling), local auth, the cap,
/// and the global budget for buffered bodies. Raw sockets, because an HTTP client library will not misbehave.
@Suite struct HeadTimeDecisionTests {
    @Test(arguments: [
        "Content-Length: LEN\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: chunked\r\nContent-Length: LEN\r\n",
        "Content-Length: LEN\r\nContent-Length: 0\r\n",
        "Transfer-Encoding: gzip, chunked\r\n",
        "Transfer-Encoding: chunked, identity\r\n",
    ])
    func ambiguousFramingIs400AndTheTailIsNeverServed(framing: String) async throws {
        try await GatewayHarness.with { h in
            let smuggled = "GET /v1/transcriptions HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            let body = "0\r\n\r\n" + smuggled
            let head = "POST /v1/transcriptions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + framing.replacingOccurrences(of: "LEN", with: String(body.utf8.count)) + "\r\n"
            let port = h.gateway.port
            let (response, rest) = try await offPool {
                let connection = try RawHTTPConnection(port: port)
                try connection.send(head + body)
                return (try connection.readResponse(), try connection.readToEnd())
            }
            #expect(response.status == 400)
            #expect(response.errorCode == "bad_request_framing")
            #expect(response.header("Connection")?.lowercased() == "close")
            #expect(rest.isEmpty, "a second response followed: \(String(decoding: rest, as: UTF8.self))")
            #expect(h.simulator.receivedRequests().isEmpty)
        }
    }

    @Test func missingTokenIs401BeforeAnyBodyByteIsSent() async throws {
        try await GatewayHarness.with(configure: { $0.tokens = [GatewayHarness.token] }) { h in
            let port = h.gateway.port
            let (response, rest) = try await offPool {
                let connection = try RawHTTPConnection(port: port, receiveTimeoutSeconds: 10)
                try connection.send(
                    "POST /v1/flash HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: audio/wav\r\n"
                        + "Content-Length: 20000000\r\n\r\n")
                return (try connection.readResponse(), try connection.readToEnd())
            }
            #expect(response.status == 401)
            #expect(response.errorCode == "unauthorized")
            #expect(response.header("WWW-Authenticate") == "Bearer")
            #expect(rest.isEmpty)
            #expect(h.simulator.receivedRequests().isEmpty)
        }
    }

    @Test func unknownRouteAndOversizeAreAnsweredFromTheHead() async throws {
        try await GatewayHarness.with { h in
            let port = h.gateway.port
            let (notFound, tooLarge) = try await offPool {
                let first = try RawHTTPConnection(port: port, receiveTimeoutSeconds: 10)
                try first.send("POST /v1/nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 20000000\r\n\r\n")
                let second = try RawHTTPConnection(port: port, receiveTimeoutSeconds: 10)
                try second.send("POST /v1/flash HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 900000000\r\n\r\n")
                return (try first.readResponse(), try second.readResponse())
            }
            #expect(notFound.status == 404)
            #expect(tooLarge.status == 413)
            #expect(tooLarge.errorCode == "payload_too_large")
        }
    }

    @Test func bodyMemoryBudgetRefusesWith503AndReleasesReservations() async throws {
        let size = 600_000
        try await GatewayHarness.with(configure: { $0.bodyMemoryLimit = 1_000_000 }) { h in
            let port = h.gateway.port
            let head = "POST /v1/flash HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: audio/wav\r\nContent-Length: \(size)\r\n\r\n"
            let audio = [UInt8](repeating: 0x52, count: size)
            // The first upload reserves its declared length and stays mid-body.
            let first = try RawHTTPConnection(port: port)
            try first.send(head)
            try first.send(Array(audio[..<1000]))
            // The gateway must have read the first head (and reserved its length) before the second arrives.
            let headSeen = ContinuousClock.now.advanced(by: .seconds(10))
            while h.gateway.activeRequests < 1, ContinuousClock.now < headSeen { try await Task.sleep(for: .milliseconds(5)) }
            let refused = try await offPool {
                let second = try RawHTTPConnection(port: port, receiveTimeoutSeconds: 10)
                try second.send(head)
                return (try second.readResponse(), try second.readToEnd())
            }
            #expect(refused.0.status == 503)
            #expect(refused.0.header("Retry-After") == "1")
            #expect(refused.0.errorCode == "server_busy")
            #expect(refused.1.isEmpty)
            // The first finishes; its reservation goes back and the next upload is accepted.
            let finished = try await offPool {
                try first.send(Array(audio[1000...]))
                return try first.readResponse()
            }
            #expect(finished.status == 200)
            let next = try await h.request("POST", "/v1/flash", body: audio, headers: [("Content-Type", "audio/wav")])
            #expect(next.status == 200)
            // A client that leaves mid-body releases its reservation too.
            let leaver = try RawHTTPConnection(port: port)
            try leaver.send(head)
            try leaver.send(Array(audio[..<1000]))
            leaver.hangUp()
            var status = 0
            let deadline = ContinuousClock.now + .seconds(5)
            repeat {
                status = try await h.request("POST", "/v1/flash", body: audio, headers: [("Content-Type", "audio/wav")]).status
                if status == 503 { try await Task.sleep(for: .milliseconds(20)) }
            } while status == 503 && ContinuousClock.now < deadline
            #expect(status == 200)
        }
    }
}
