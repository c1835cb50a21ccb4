/// The multipart/form-data reader: any body under a fixed boundary parses or fails with a typed error, never
/// crashes, every part it returns respects its cap, and the incremental reader fed the body in pieces (cut where
/// the input's own bytes say) finds exactly the same parts as the whole-body parse.
func fuzzOne(_ input: [UInt8]) {
    let limit = 4096
    let whole = try? MultipartForm.parse(input, contentType: "multipart/form-data; boundary=fz", limit: { _ in limit })
    for part in whole ?? [] {
        precondition(part.body.count <= limit, "a part passed its cap")
    }
    precondition(pieced(input, limit: limit) == whole, "the pieced reader disagrees with the whole-body parse")
}

/// The parts read by feeding `input` in pieces whose lengths come from its first bytes; nil when it fails.
private func pieced(_ input: [UInt8], limit: Int) -> [FormPart]? {
    var reader = MultipartStreamReader(boundary: "fz", limit: { _ in limit })
    var parts: [FormPart] = []
    var offset = 0
    var cut = 0
    do {
        while offset < input.count {
            let length = 1 + Int(input[cut % input.count] % 17)
            cut += 1
            for event in try reader.feed(Array(input[offset..<min(input.count, offset + length)])) {
                switch event {
                case .partStart(let part): parts.append(part)
                case .content(let bytes): parts[parts.count - 1].body += bytes
                case .partEnd: break
                }
            }
            offset += length
        }
        try reader.finish()
    } catch {
        return nil
    }
    return parts
}
