import Foundation
import Testing

extension BinaryProcessTests {
    /// The gateway process loads FoundationEssentials only, while this test process loads all of Foundation (and
    /// ICU): anything that behaves differently without FoundationInternationalization (time zones by name,
    /// calendars, locale formatting) passes in-process tests and fails in the binary. These run the real binary.
    @Suite struct BinaryWithoutFoundationTests {
        @Test func theBinaryDoesNotLinkFoundationOrICU() throws {
            let image = try Data(contentsOf: gatewayBinary)
            for library in ["libFoundation.so", "libFoundationInternationalization.so", "lib_FoundationICU.so"] {
                #expect(image.range(of: Data((library + "\0").utf8)) == nil, "\(library) is linked again")
            }
        }

        @Test func everyDateAndListRouteAnswersFromTheBinary() async throws {
            let token = "binary-test-token"
            let gateway = try GatewayProcess(["--simulate", "--listen", "127.0.0.1:0"], environment: ["FUNASR_GATEWAY_TOKENS": token])
            let base = "http://127.0.0.1:\(try await gateway.port())"
            let auth = [("Authorization", "Bearer \(token)")]
            let models = try await send("GET", base + "/v1/models", headers: auth)
            #expect(models.status == 200)
            let created = ((models.json["data"] as? [[String: Any]]) ?? []).compactMap { $0["created"] as? Int }
            #expect(!created.isEmpty && created.contains { $0 > 1_700_000_000 })
            let policy = try await send("GET", base + "/api/v1/uploads?action=getPolicy&model=fun-asr", headers: auth)
            #expect(policy.status == 200)
            let submitted = try await send(
                "POST", base + "/v1/transcriptions", body: Array(#"{"file_url": "https://e.com/a.wav"}"#.utf8),
                headers: auth + [("Content-Type", "application/json")])
            let id = try #require(submitted.json["task_id"] as? String)
            let done = try await send("GET", base + "/v1/transcriptions/\(id)?wait=30", headers: auth)
            #expect(done.json["status"] as? String == "SUCCEEDED")
            #expect((done.json["results_expire_at"] as? String)?.isEmpty == false)
            for format in ["json", "text", "srt", "vtt"] {
                let transcript = try await send("GET", base + "/v1/transcriptions/\(id)/transcript?format=\(format)", headers: auth)
                #expect(transcript.status == 200, "transcript as \(format)")
            }
            let list = try await send("GET", base + "/v1/transcriptions", headers: auth)
            #expect(list.status == 200)
            for path in ["/metrics", "/openapi.yaml", "/readyz", "/healthz"] {
                #expect(try await send("GET", base + path, headers: auth).status == 200, "\(path)")
            }
            #expect(gateway.process.isRunning)
        }
    }
}
