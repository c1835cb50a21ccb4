import Foundation
import MicroHTTPServer
import Testing
@testable import DashScopeSimulator

@Suite struct UploadTests {
    @Test func getPolicyShape() async throws {
        let h = Harness()
        let response = await h.send("GET", "/api/v1/uploads", query: [("action", "getPolicy"), ("model", "fun-asr")])
        #expect(response.status == 200)
        #expect(response.text.hasPrefix(#"{"request_id":""#))
        let data = try #require(response.object["data"] as? [String: Any])
        #expect(Set(data.keys) == [
            "policy", "signature", "upload_dir", "upload_host", "expire_in_seconds", "max_file_size_mb",
            "capacity_limit_mb", "oss_access_key_id", "x_oss_object_acl", "x_oss_forbid_overwrite",
        ])
        #expect(data["upload_host"] as? String == "http://sim.test:8000/oss-upload")
        #expect(data["expire_in_seconds"] as? Int == 300)
        #expect(data["max_file_size_mb"] as? Int == 100)
        #expect(data["x_oss_forbid_overwrite"] as? String == "true")
        #expect((data["upload_dir"] as? String)?.hasPrefix("dashscope-instant/") == true)
        let policy = try #require(Data(base64Encoded: data["policy"] as? String ?? ""))
        let document = try #require(try JSONSerialization.jsonObject(with: policy) as? [String: Any])
        #expect(document["expiration"] is String)
        let conditions = try #require(document["conditions"] as? [Any])
        #expect(conditions.contains { ($0 as? [Any])?.first as? String == "content-length-range" })
        #expect(response.object["output"] == nil)
    }

    @Test func getPolicyErrors() async {
        let h = Harness()
        #expect(await h.send("GET", "/api/v1/uploads", query: [("action", "getPolicy")]).status == 400)
        #expect(await h.send("GET", "/api/v1/uploads", query: [("model", "fun-asr")]).status == 400)
        #expect(await h.send("GET", "/api/v1/uploads", query: [("action", "getPolicy"), ("model", "fun-asr")], key: nil)
            .status == 401)
    }

    /// A getPolicy answer's `data`.
    func policy(_ h: Harness, model: String = "fun-asr") async throws -> [String: String] {
        let response = await h.send("GET", "/api/v1/uploads", query: [("action", "getPolicy"), ("model", model)])
        let data = try #require(response.object["data"] as? [String: Any])
        return data.compactMapValues { $0 as? String }
    }

    /// The PostObject form DashScope's SDK sends, with `changes` applied (nil removes a field); `file` last.
    func form(
        _ policy: [String: String], name: String = "a.wav", file: String = "RIFF....WAVE",
        changes: [String: String?] = [:]
    ) -> [(String, String)] {
        var fields: [(String, String)] = [
            ("OSSAccessKeyId", policy["oss_access_key_id"] ?? ""), ("Signature", policy["signature"] ?? ""),
            ("policy", policy["policy"] ?? ""), ("key", (policy["upload_dir"] ?? "") + "/" + name),
            ("x-oss-object-acl", policy["x_oss_object_acl"] ?? ""),
            ("x-oss-forbid-overwrite", policy["x_oss_forbid_overwrite"] ?? ""), ("success_action_status", "200"),
        ]
        for (name, value) in changes {
            fields.removeAll { $0.0 == name }
            if let value { fields.append((name, value)) }
        }
        return fields + [("file", file)]
    }

    func encode(_ fields: [(String, String)], boundary: String = "XyZ") -> String {
        fields.map { name, value in
            let filename = name == "file" ? "; filename=\"a.wav\"\r\nContent-Type: audio/wav" : ""
            return "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\(filename)\r\n\r\n\(value)\r\n"
        }.joined() + "--\(boundary)--\r\n"
    }

    func post(_ h: Harness, _ fields: [(String, String)], key: String? = nil) async -> HTTPResponse {
        await h.send(
            "POST", "/oss-upload", headers: [("Content-Type", "multipart/form-data; boundary=XyZ")],
            body: encode(fields), key: key)
    }

    @Test func aSignedFormIsStoredAndItsObjectResolvesOnlyWithTheResolveHeader() async throws {
        let h = Harness()
        let p = try await policy(h)
        let stored = await post(h, form(p, file: "RIFF-audio-bytes"))
        #expect(stored.status == 200)
        #expect(stored.bytes.isEmpty)
        let key = p["upload_dir"]! + "/a.wav"
        let objects = h.simulator.uploadedObjects()
        #expect(objects.map(\.key) == [key])
        #expect(objects.first?.size == "RIFF-audio-bytes".utf8.count)
        #expect(objects.first?.fingerprint == Fingerprint.fnv1a(Array("RIFF-audio-bytes".utf8)))

        let body = #"{"model":"fun-asr","input":{"file_urls":["oss://\#(key)"]},"parameters":{}}"#
        let async = [("X-DashScope-Async", "enable")]
        #expect(await h.send("POST", submitPath, headers: async, body: body).code == "InvalidURL")
        let accepted = await h.send(
            "POST", submitPath, headers: async + [("X-DashScope-OssResourceResolve", "enable")], body: body)
        let id = try #require((accepted.object["output"] as? [String: Any])?["task_id"] as? String)
        h.clock.advance(by: .seconds(5))
        let output = try #require(await h.query(id)["output"] as? [String: Any])
        #expect(output["task_status"] as? String == "SUCCEEDED")
    }

    @Test func anOSSURLFailsToDownloadWhenNothingWasUploadedOrUnderAnotherModel() async throws {
        let h = Harness()
        let p = try await policy(h, model: "fun-asr-mtl")
        #expect(await post(h, form(p)).status == 200)
        let headers = [("X-DashScope-Async", "enable"), ("X-DashScope-OssResourceResolve", "enable")]
        for url in ["oss://\(p["upload_dir"]!)/a.wav", "oss://\(p["upload_dir"]!)/missing.wav"] {
            let accepted = await h.send(
                "POST", submitPath, headers: headers,
                body: #"{"model":"fun-asr","input":{"file_urls":["\#(url)"]},"parameters":{}}"#)
            let id = try #require((accepted.object["output"] as? [String: Any])?["task_id"] as? String)
            h.clock.advance(by: .seconds(5))
            let output = try #require(await h.query(id)["output"] as? [String: Any])
            #expect(output["task_status"] as? String == "FAILED")
            #expect(output["code"] as? String == "InvalidFile.DownloadFailed")
        }
    }

    @Test func flashReadsAnUploadedObjectWithTheResolveHeader() async throws {
        let h = Harness()
        let model = "fun-asr-flash-2026-06-15"
        let p = try await policy(h, model: model)
        #expect(await post(h, form(p)).status == 200)
        func recognize(_ url: String, resolve: Bool) async -> HTTPResponse {
            await h.send(
                "POST", generationPath, headers: resolve ? [("X-DashScope-OssResourceResolve", "enable")] : [],
                body: #"{"model":"\#(model)","input":{"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"\#(url)"}}]}]},"parameters":{"format":"wav"}}"#)
        }
        let url = "oss://\(p["upload_dir"]!)/a.wav"
        #expect(await recognize(url, resolve: true).status == 200)
        #expect(await recognize(url, resolve: false).code == "InvalidURL")
        #expect(await recognize(url + ".missing", resolve: true).code == "BadRequest.InputDownloadFailed")
    }

    @Test func refusalsAreOSSStyleXML() async throws {
        let h = Harness { $0.uploadMaxFileSizeMB = 1 }
        let p = try await policy(h)
        let cases: [(changes: [String: String?], status: Int, code: String)] = [
            (["Signature": "Zm9yZ2Vk"], 403, "SignatureDoesNotMatch"),
            (["OSSAccessKeyId": "LTAIsomeoneElse"], 403, "InvalidAccessKeyId"),
            (["policy": nil, "Signature": nil], 403, "AccessDenied"),
            (["key": "dashscope-instant/elsewhere/a.wav"], 403, "AccessDenied"),
            (["x-oss-object-acl": "public-read"], 403, "AccessDenied"),
            (["key": nil], 400, "InvalidArgument"),
        ]
        for item in cases {
            let refused = await post(h, form(p, changes: item.changes))
            #expect(refused.status == item.status, "\(item.changes)")
            #expect(refused.text.contains("<Code>\(item.code)</Code>"), "\(item.changes)")
            #expect(refused.headers["Content-Type"] == "application/xml")
        }
        let tooLarge = await post(h, form(p, file: String(repeating: "x", count: 1024 * 1024 + 1)))
        #expect(tooLarge.status == 400)
        #expect(tooLarge.text.contains("<Code>EntityTooLarge</Code>"))
        #expect(h.simulator.uploadedObjects().isEmpty)
    }

    @Test func fieldsAfterTheFileAreIgnoredAndTheKeyCannotBeOverwritten() async throws {
        let h = Harness()
        let p = try await policy(h)
        var late = form(p)
        let key = late.first { $0.0 == "key" }!
        late.removeAll { $0.0 == "key" }
        late.append(key)
        #expect(await post(h, late).status == 400)
        #expect(await post(h, form(p)).status == 200)
        let again = await post(h, form(p))
        #expect(again.status == 409)
        #expect(again.text.contains("<Code>FileAlreadyExists</Code>"))
        #expect(await post(h, form(p, name: "b.wav", changes: ["success_action_status": nil])).status == 204)
    }

    @Test func anExpiredPolicyIsRefused() async throws {
        let h = Harness()
        let p = try await policy(h)
        h.clock.advance(by: .seconds(301))
        let refused = await post(h, form(p))
        #expect(refused.status == 403)
        #expect(refused.text.contains("Policy expired"))
    }

    @Test func theFormIsSignedNotAuthorized() async throws {
        let h = Harness()
        let p = try await policy(h)
        let refused = await post(h, form(p), key: testKey)
        #expect(refused.status == 400)
        #expect(refused.text.contains("<Code>InvalidArgument</Code>"))
        #expect(await h.send("POST", "/oss-upload", body: encode(form(p)), key: nil).status == 400)
    }

    @Test func quotedBoundary() {
        let form = OSSForm.parse(
            contentType: "multipart/form-data; boundary=\"b1\"; charset=utf-8",
            body: Array("--b1\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n--b1--\r\n".utf8))
        #expect(form?.fields == ["key": "k"])
        #expect(form?.file == nil)
    }
}
