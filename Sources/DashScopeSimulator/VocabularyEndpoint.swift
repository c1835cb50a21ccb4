import FoundationEssentials
import JSON
import MicroHTTPServer

/// Hot-word lists: `POST /api/v1/services/audio/asr/customization`, every action on one path.
///
/// Answers are `{"output":{…},"usage":{"count":1},"request_id"}`; `output` holds `vocabulary_id` (create),
/// `vocabulary_list` (list: `gmt_create`, `gmt_modified`, `status`, `vocabulary_id`), the list itself (query:
/// `gmt_create`, `gmt_modified`, `status`, `target_model`, `vocabulary`) or nothing (update, delete). Times are
/// Beijing wall-clock `yyyy-MM-dd HH:mm:ss`; a list is `OK` (usable) as soon as it exists here.
enum VocabularyEndpoint {
    /// Validates, applies the action to `store` and answers as DashScope would.
    static func respond(
        to request: HTTPRequest, store: inout VocabularyStore, now: Date, requestID: String
    ) -> HTTPResponse {
        let output: OrderedJSON
        switch VocabularyRequest.parse(request.body) {
        case .failure(let error): return error.response(requestID: requestID)
        case .success(.create(let targetModel, let prefix, let entries)):
            let created = store.create(prefix: prefix, targetModel: targetModel, entries: entries, now: now)
            output = .obj(["vocabulary_id": .string(created.id)])
        case .success(.list(let prefix, let pageIndex, let pageSize)):
            let page = store.page(prefix: prefix, index: pageIndex, size: pageSize)
            output = .obj(["vocabulary_list": .array(page.map(listItem))])
        case .success(.query(let id)):
            guard let vocabulary = store.find(id) else { return SimulatedError.vocabularyNotFound(id).response(requestID: requestID) }
            output = detail(vocabulary)
        case .success(.update(let id, let entries)):
            guard store.update(id, entries: entries, now: now) else {
                return SimulatedError.vocabularyNotFound(id).response(requestID: requestID)
            }
            output = .object([])
        case .success(.delete(let id)):
            guard store.delete(id) else { return SimulatedError.vocabularyNotFound(id).response(requestID: requestID) }
            output = .object([])
        }
        let body = OrderedJSON.obj(["output": output, "usage": .obj(["count": .int(1)]), "request_id": .string(requestID)])
        return .dashScopeJSON(status: 200, body: body, requestID: requestID)
    }

    /// One `vocabulary_list` item.
    static func listItem(_ vocabulary: SimulatedVocabulary) -> OrderedJSON {
        .obj([
            "gmt_create": .string(timestamp(vocabulary.createdAt)),
            "gmt_modified": .string(timestamp(vocabulary.modifiedAt)),
            "status": .string("OK"),
            "vocabulary_id": .string(vocabulary.id),
        ])
    }

    /// The `query_vocabulary` output: the list's times, status, target model and words.
    static func detail(_ vocabulary: SimulatedVocabulary) -> OrderedJSON {
        .obj([
            "gmt_create": .string(timestamp(vocabulary.createdAt)),
            "gmt_modified": .string(timestamp(vocabulary.modifiedAt)),
            "status": .string("OK"),
            "target_model": .string(vocabulary.targetModel),
            "vocabulary": .value(.array(vocabulary.entries)),
        ])
    }

    /// `2025-12-19 11:47:11`: Beijing time to the second.
    static func timestamp(_ date: Date) -> String {
        String(BeijingTime.format(date).prefix(19))
    }
}

extension SimulatedError {
    /// An unknown (or deleted) `vocabulary_id`. DashScope's exact code and message for this are not documented;
    /// this is the double's best guess, in the shape of its other parameter errors.
    static func vocabularyNotFound(_ id: String) -> SimulatedError {
        .invalidParameter("Vocabulary \(id) does not exist.")
    }
}
