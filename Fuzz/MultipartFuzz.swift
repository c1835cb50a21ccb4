/// The multipart/form-data reader: any body under a fixed boundary parses or fails with a typed error, never
/// crashes, and every part it returns respects its cap.
func fuzzOne(_ input: [UInt8]) {
    let limit = 4096
    guard let parts = try? MultipartForm.parse(input, contentType: "multipart/form-data; boundary=fz", limit: { _ in limit }) else {
        return
    }
    for part in parts {
        precondition(part.body.count <= limit, "a part passed its cap")
    }
}
