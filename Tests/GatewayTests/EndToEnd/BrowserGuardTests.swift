import Foundation
import Gateway
import Testing

/// Without local tokens on loopback (the default), a web page must not drive the gateway: DNS rebinding (a foreign
/// Host) and cross-site requests (Origin, Sec-Fetch-Site) get 403; curl-like clients and health stay unaffected.
@Suite struct BrowserGuardTests {
    static let submit = #"{"file_url": "https://example.com/a.wav"}"#

    @Test func textPlainCSRFPostFromAnotherOriginIs403() async throws {
        try await GatewayHarness.with { h in
            let response = try await h.request(
                "POST", "/v1/transcriptions", body: jsonBody(Self.submit),
                headers: [("Content-Type", "text/plain"), ("Origin", "https://evil.example")])
            #expect(response.status == 403)
            #expect(response.error["code"] as? String == "cross_site_request")
            #expect(h.simulator.receivedRequests().isEmpty)
        }
    }

    @Test func crossSiteMultipartPostIs403InOpenAIShape() async throws {
        try await GatewayHarness.with { h in
            let boundary = "b0undary"
            let form = "--\(boundary)\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n"
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\nRIFF....\r\n--\(boundary)--\r\n"
            let response = try await h.request(
                "POST", "/v1/audio/transcriptions", body: Array(form.utf8),
                headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)"), ("Sec-Fetch-Site", "cross-site")])
            #expect(response.status == 403)
            #expect(response.error["code"] as? String == "cross_site_request")
            #expect(response.error["type"] as? String == "permission_error")
            #expect(h.simulator.receivedRequests().isEmpty)
        }
    }

    @Test(arguments: ["null", "http://127.0.0.1.evil.example", "http://localhost.evil.example:8080"])
    func nonLoopbackOriginsAreCrossSite(origin: String) async throws {
        try await GatewayHarness.with { h in
            let response = try await h.request("GET", "/v1/transcriptions", headers: [("Origin", origin)])
            #expect(response.status == 403)
            #expect(response.error["code"] as? String == "cross_site_request")
        }
    }

    @Test func dnsRebindingHostIs403ButHealthStaysOpen() async throws {
        try await GatewayHarness.with { h in
            let port = h.gateway.port
            let (list, health) = try await offPool {
                let connection = try RawHTTPConnection(port: port)
                try connection.send("GET /v1/transcriptions HTTP/1.1\r\nHost: evil.example:8080\r\n\r\n")
                let list = try connection.readResponse()
                try connection.send("GET /healthz HTTP/1.1\r\nHost: evil.example:8080\r\n\r\n")
                return (list, try connection.readResponse())
            }
            #expect(list.status == 403)
            #expect(list.errorCode == "forbidden_host")
            #expect(health.status == 200)
            #expect(h.simulator.receivedRequests().isEmpty)
        }
    }

    @Test func curlLikeAndSameOriginRequestsPass() async throws {
        try await GatewayHarness.with { h in
            #expect(try await h.request("GET", "/v1/transcriptions").status == 200)
            let sameOrigin = try await h.request(
                "POST", "/v1/transcriptions", body: jsonBody(Self.submit),
                headers: [("Content-Type", "application/json"), ("Origin", h.base), ("Sec-Fetch-Site", "same-origin")])
            #expect(sameOrigin.status == 202)
            let port = h.gateway.port
            let statuses = try await offPool {
                let connection = try RawHTTPConnection(port: port)
                var statuses: [Int] = []
                for host in ["localhost:\(port)", "app.localhost", "127.1.2.3:\(port)", "[::1]:\(port)"] {
                    try connection.send("GET /v1/transcriptions HTTP/1.1\r\nHost: \(host)\r\n\r\n")
                    statuses.append(try connection.readResponse().status)
                }
                return statuses
            }
            #expect(statuses == [200, 200, 200, 200])
        }
    }

    @Test func withTokensTheChecksAreOff() async throws {
        try await GatewayHarness.with(configure: { $0.tokens = [GatewayHarness.token] }) { h in
            let response = try await h.request(
                "GET", "/v1/transcriptions",
                headers: [("Authorization", "Bearer \(GatewayHarness.token)"), ("Origin", "https://evil.example"),
                          ("Sec-Fetch-Site", "cross-site")])
            #expect(response.status == 200)
            let port = h.gateway.port
            let rebound = try await offPool {
                let connection = try RawHTTPConnection(port: port)
                try connection.send(
                    "GET /v1/transcriptions HTTP/1.1\r\nHost: evil.example\r\nAuthorization: Bearer \(GatewayHarness.token)\r\n\r\n")
                return try connection.readResponse()
            }
            #expect(rebound.status == 200)
        }
    }

    @Test func aNonLoopbackListenerAcceptsAnyHost() async throws {
        try await GatewayHarness.with(configure: {
            $0.listen = ListenAddress(host: "0.0.0.0", port: 0)
            $0.allowUnauthenticated = true
        }) { h in
            let port = h.gateway.port
            let response = try await offPool {
                let connection = try RawHTTPConnection(port: port)
                try connection.send("GET /v1/transcriptions HTTP/1.1\r\nHost: funasr.internal:8080\r\n\r\n")
                return try connection.readResponse()
            }
            #expect(response.status == 200)
        }
    }
}
