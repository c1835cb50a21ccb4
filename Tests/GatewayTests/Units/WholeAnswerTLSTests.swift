@testable import DashScope
import NIOCore
import NIOPosix
import NIOSSL
import Testing

/// The NIO whole-answer path over TLS, as it reaches DashScope in production (`https`): the call is encrypted, the
/// upstream's certificate must be trusted and must name the host, and a refused handshake fails the call at once
/// with an error that says why (never a hang), and again on the next call.
@Suite struct WholeAnswerTLSTests {
    static func withClient(
        _ upstream: ScriptedUpstream, host: String, tls: TLSConfiguration?, _ body: (NIOWholeAnswerClient) async throws -> Void
    ) async throws {
        try await NIOWholeAnswerClientTests.withClient(upstream, scheme: "https", host: host, tls: tls, body)
    }

    static func tlsUpstream() async throws -> ScriptedUpstream {
        try await ScriptedUpstream(tls: LocalhostCertificate.serverContext()) { index, _ in
            .bytes(NIOWholeAnswerClientTests.ok(#"{"n":\#(index)}"#))
        }
    }

    @Test func aTrustedUpstreamIsCalledOverTLSAndItsChannelKeptAlive() async throws {
        let upstream = try await Self.tlsUpstream()
        try await Self.withClient(upstream, host: "localhost", tls: try LocalhostCertificate.trustingClient()) { client in
            for index in 0..<2 {
                let response = try await NIOWholeAnswerClientTests.call(client).get()
                #expect(response.status == 200)
                #expect(String(decoding: response.body, as: UTF8.self) == #"{"n":\#(index)}"#)
            }
            #expect(upstream.connections == 1, "one TLS channel, kept alive")
            let received = try #require(upstream.received.first)
            #expect(received.head.headers["Host"] == ["localhost:\(upstream.port)"])
            #expect(received.head.headers["Authorization"] == ["Bearer sk-k"])
        }
    }

    @Test func anUntrustedCertificateFailsTheCallAndNothingIsReceived() async throws {
        let upstream = try await Self.tlsUpstream()
        // The system trust store, as in production: a self-signed certificate is not in it.
        try await Self.withClient(upstream, host: "localhost", tls: nil) { client in
            for _ in 0..<2 {
                let failure = try #require(Self.failure(await NIOWholeAnswerClientTests.call(client)))
                #expect(failure.error.code == "upstream_unreachable")
                #expect(Self.reason(failure).contains("certificate is not trusted"), "\(failure.error)")
            }
            #expect(upstream.received.isEmpty, "no request crossed a refused handshake")
        }
    }

    @Test func aCertificateThatDoesNotNameTheHostFailsTheCall() async throws {
        let upstream = try await Self.tlsUpstream()
        // Trusted, but it names localhost and the call goes to 127.0.0.1.
        try await Self.withClient(upstream, host: "127.0.0.1", tls: try LocalhostCertificate.trustingClient()) { client in
            let failure = try #require(Self.failure(await NIOWholeAnswerClientTests.call(client)))
            #expect(Self.reason(failure).contains("does not name the host"), "\(failure.error)")
            #expect(upstream.received.isEmpty)
        }
    }

    @Test func asyncHTTPClientsCallsSayWhyTheHandshakeFailedToo() async throws {
        // Streams, uploads and result downloads go through async-http-client, with the system trust store.
        let upstream = try await Self.tlsUpstream()
        let endpoint = try DashScopeEndpoint(region: .beijing, baseURL: "https://localhost:\(upstream.port)")
        // async-http-client's pool dials again after a failed handshake until the connect timeout, then reports the
        // last error: each call below takes that long (1 s here, 5 s by default).
        let transport = HTTPTransport(
            endpoint: endpoint, apiKey: APIKey("sk-k"), timeouts: UpstreamTimeouts(connect: .seconds(1)),
            wholeAnswers: .asyncHTTPClient)
        let request = UpstreamRequest(method: "GET", path: "/api/v1/tasks/t1", query: [], headers: [], body: nil)
        var reasons: [String] = []
        do throws(TransportFailure) {
            _ = try await transport.send(request)
        } catch {
            reasons.append(Self.reason(error))
        }
        do throws(TransportFailure) {
            _ = try await transport.stream(request)
        } catch {
            reasons.append(Self.reason(error))
        }
        await transport.shutdown()
        await upstream.shutdown()
        #expect(reasons.count == 2)
        #expect(reasons.allSatisfy { $0.contains("certificate is not trusted") }, "\(reasons)")
        #expect(upstream.received.isEmpty)
    }

    static func reason(_ failure: TransportFailure) -> String {
        if case .unreachable(let reason) = failure.error { return reason }
        return "\(failure.error)"
    }

    static func failure(_ result: Result<UpstreamResponse, TransportFailure>) -> TransportFailure? {
        if case .failure(let failure) = result { return failure }
        return nil
    }
}
