import DashScope
import JSON
import MicroHTTPServer

/// `/v1/vocabularies`: hot-word lists for better recognition of names and terms, by `vocabulary_id` in
/// `POST /v1/transcriptions`, `/v1/flash` and `/v1/realtime`. DashScope's one customization endpoint with an
/// `action` member becomes plain REST: create, list, get, replace the words, delete.
struct VocabularyRoutes: Sendable {
    let client: DashScopeClient

    var routes: [Route] {
        [
            Route("POST", "/v1/vocabularies", name: "vocabularies.create", handler: create),
            Route("GET", "/v1/vocabularies", name: "vocabularies.list", handler: list),
            Route("GET", "/v1/vocabularies/{id}", name: "vocabularies.get", handler: get),
            Route("PUT", "/v1/vocabularies/{id}", name: "vocabularies.update", handler: update),
            Route("DELETE", "/v1/vocabularies/{id}", name: "vocabularies.delete", handler: delete),
        ]
    }

    /// 201 with `vocabulary_id` and `Location`.
    func create(_ context: RouteContext) async throws -> HTTPResponse {
        let input = try VocabularyInput(body: context.request.body, creating: true)
        let id = try await client.createVocabulary(
            targetModel: input.targetModel, prefix: input.prefix ?? "", words: input.words, context.upstream)
        return JSONResponse.make(
            .object(["vocabulary_id": .string(id), "target_model": .string(input.targetModel), "words": Self.words(input.words)]),
            status: 201, headers: ["Location": "/v1/vocabularies/\(id)"])
    }

    /// `?prefix=`, `page` (from 1), `page_size` (1–100).
    func list(_ context: RouteContext) async throws -> HTTPResponse {
        let head = context.request.head
        let page = try Self.integer(head.queryValue("page"), default: 1, range: 1...100_000, field: "page")
        let pageSize = try Self.integer(head.queryValue("page_size"), default: 10, range: 1...100, field: "page_size")
        let prefix = head.queryValue("prefix")
        if let prefix, !VocabularyInput.isValidPrefix(prefix) {
            throw GatewayError.invalidRequest("prefix must be 1 to 9 lowercase letters or digits", param: "prefix")
        }
        let items = try await client.listVocabularies(prefix: prefix, pageIndex: page - 1, pageSize: pageSize, context.upstream)
        return JSONResponse.make(.object([
            "vocabularies": .array(items.map { item in
                Self.view(["vocabulary_id": .string(item.id)], status: item.status, created: item.created, modified: item.modified)
            }),
            "page": .number(Double(page)), "page_size": .number(Double(pageSize)),
        ]))
    }

    /// The vocabulary with its words.
    func get(_ context: RouteContext) async throws -> HTTPResponse {
        let vocabulary = try await client.vocabulary(try TaskID.from(context), context.upstream)
        var members: [String: JSONValue] = ["vocabulary_id": .string(vocabulary.id), "words": Self.words(vocabulary.words)]
        members["target_model"] = vocabulary.targetModel.map(JSONValue.string)
        return JSONResponse.make(Self.view(members, status: vocabulary.status, created: vocabulary.created, modified: vocabulary.modified))
    }

    /// Replaces every word; answers the new list.
    func update(_ context: RouteContext) async throws -> HTTPResponse {
        let id = try TaskID.from(context)
        let input = try VocabularyInput(body: context.request.body, creating: false)
        try await client.updateVocabulary(id, words: input.words, context.upstream)
        return JSONResponse.make(.object(["vocabulary_id": .string(id), "words": Self.words(input.words)]))
    }

    /// 204.
    func delete(_ context: RouteContext) async throws -> HTTPResponse {
        try await client.deleteVocabulary(try TaskID.from(context), context.upstream)
        return HTTPResponse(status: 204, headers: [:], body: .bytes([]))
    }

    static func words(_ words: [HotWord]) -> JSONValue {
        .array(words.map { word in
            var members: [String: JSONValue] = ["text": .string(word.text), "weight": .number(Double(word.weight))]
            members["lang"] = word.language.map(JSONValue.string)
            return .object(members)
        })
    }

    /// Adds `status` and ISO 8601 `created_at`/`modified_at` (DashScope writes Beijing time) when DashScope sent them.
    static func view(_ members: [String: JSONValue], status: String?, created: String?, modified: String?) -> JSONValue {
        var members = members
        members["status"] = status.map(JSONValue.string)
        members["created_at"] = created.map { .string(TaskView.isoTime(fromDashScope: $0)) }
        members["modified_at"] = modified.map { .string(TaskView.isoTime(fromDashScope: $0)) }
        return .object(members)
    }

    static func integer(_ text: String?, default fallback: Int, range: ClosedRange<Int>, field: String) throws -> Int {
        guard let text else { return fallback }
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text), range.contains(value) else {
            throw GatewayError.invalidRequest("\(field) must be a whole number from \(range.lowerBound) to \(range.upperBound)", param: field)
        }
        return value
    }
}
