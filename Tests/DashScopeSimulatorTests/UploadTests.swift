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
        #expect(data["x_oss_forbid_overwrite"] as? String == "true")
        #expect((data["upload_dir"] as? String)?.hasPrefix("dashscope-instant/") == true)
        let policy = try #require(Data(base64Encoded: data["policy"] as? String ?? ""))
        #expect(String(decoding: policy, as: UTF8.self).contains("expiration"))
        #expect(response.object["output"] == nil)
    }

    @Test func getPolicyErrors() async {
        let h = Harness()
        #expect(await h.send("GET", "/api/v1/uploads", query: [("action", "getPolicy")]).status == 400)
        #expect(await h.send("GET", "/api/v1/uploads", query: [("model", "fun-asr")]).status == 400)
        #expect(await h.send("GET", "/api/v1/uploads", query: [("action", "getPolicy"), ("model", "fun-asr")], key: nil)
            .status == 401)
    }

    func form(_ fields: [(String, String)], boundary: String = "XyZ") -> String {
        fields.map { name, value in
            let filename = name == "file" ? "; filename=\"a.wav\"\r\nContent-Type: audio/wav" : ""
            return "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\(filename)\r\n\r\n\(value)\r\n"
        }.joined() + "--\(boundary)--\r\n"
    }

    @Test func ossUploadNeedsKeyAndFile() async {
        let h = Harness()
        let headers = [("Content-Type", "multipart/form-data; boundary=XyZ")]
        let ok = form([("OSSAccessKeyId", "x"), ("policy", "p"), ("key", "dashscope-instant/x/a.wav"),
                       ("success_action_status", "200"), ("file", "RIFF....")])
        #expect(await h.send("POST", "/oss-upload", headers: headers, body: ok, key: nil).status == 200)
        let noFile = form([("key", "dashscope-instant/x/a.wav")])
        let refused = await h.send("POST", "/oss-upload", headers: headers, body: noFile, key: nil)
        #expect(refused.status == 400)
        #expect(refused.text.contains("<Code>InvalidArgument</Code>"))
        #expect(await h.send("POST", "/oss-upload", body: ok, key: nil).status == 400)
    }

    @Test func quotedBoundary() {
        let names = UploadEndpoints.formFieldNames(
            contentType: "multipart/form-data; boundary=\"b1\"; charset=utf-8",
            body: Array("--b1\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n--b1--\r\n".utf8))
        #expect(names == ["key"])
    }
}
