import JSON

// Hot-word vocabularies (`POST /api/v1/services/audio/asr/customization`, model `speech-biasing`): one endpoint,
// the operation named by `input.action`, as the official SDK's VocabularyService sends it.
extension DashScopeClient {
    /// The model the customization endpoint serves.
    static let vocabularyModel = "speech-biasing"

    /// Creates a vocabulary for `targetModel`; returns its id.
    public func createVocabulary(targetModel: String, prefix: String, words: [HotWord], _ call: CallContext) async throws(DashScopeError) -> String {
        let json = try await vocabularyCall([
            "action": "create_vocabulary", "target_model": .string(targetModel), "prefix": .string(prefix),
            "vocabulary": .array(words.map(\.json)),
        ], call, idempotent: false)
        return try decoded(json, call) { json throws(JSONShapeError) in try JSONObjectReader(json).object("output").string("vocabulary_id") }
    }

    /// A page of the account's vocabularies (`pageIndex` from 0), optionally only those with `prefix`.
    public func listVocabularies(prefix: String?, pageIndex: Int, pageSize: Int, _ call: CallContext) async throws(DashScopeError) -> [VocabularySummary] {
        var input: [String: JSONValue] = [
            "action": "list_vocabulary", "page_index": .number(Double(pageIndex)), "page_size": .number(Double(pageSize)),
        ]
        if let prefix { input["prefix"] = .string(prefix) }
        let json = try await vocabularyCall(input, call, idempotent: true)
        return try decoded(json, call) { json throws(JSONShapeError) in try VocabularySummary.list(json: json) }
    }

    /// One vocabulary with its words.
    public func vocabulary(_ id: String, _ call: CallContext) async throws(DashScopeError) -> Vocabulary {
        let json = try await vocabularyCall(["action": "query_vocabulary", "vocabulary_id": .string(id)], call, idempotent: true)
        return try decoded(json, call) { json throws(JSONShapeError) in try Vocabulary(id: id, json: json) }
    }

    /// Replaces every word of a vocabulary.
    public func updateVocabulary(_ id: String, words: [HotWord], _ call: CallContext) async throws(DashScopeError) {
        _ = try await vocabularyCall([
            "action": "update_vocabulary", "vocabulary_id": .string(id), "vocabulary": .array(words.map(\.json)),
        ], call, idempotent: false)
    }

    /// Deletes a vocabulary.
    public func deleteVocabulary(_ id: String, _ call: CallContext) async throws(DashScopeError) {
        _ = try await vocabularyCall(["action": "delete_vocabulary", "vocabulary_id": .string(id)], call, idempotent: false)
    }

    /// `idempotent`: a list or a query may be retried on 429/5xx; a change only when it was never sent.
    private func vocabularyCall(_ input: [String: JSONValue], _ call: CallContext, idempotent: Bool) async throws(DashScopeError) -> JSONValue {
        let body: JSONValue = .object([
            "model": .string(Self.vocabularyModel), "input": .object(input), "parameters": .object([:]),
        ])
        return try await jsonCall(.json(DashScopePaths.customization, body: body.serialized()), call, idempotent: idempotent)
    }
}
