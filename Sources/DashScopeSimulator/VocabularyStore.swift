import FoundationEssentials
import JSON

/// One hot-word list as the double keeps it (DashScope's custom vocabulary, `speech-biasing`).
struct SimulatedVocabulary: Sendable, Equatable {
    /// `vocab-<prefix>-<32 hex digits>`.
    var id: String
    /// The prefix given at creation (the list filter).
    var prefix: String
    /// The ASR model the list is for (DashScope applies it only to that exact model).
    var targetModel: String
    /// The hot words, each `{"text", "weight"[, "lang"]}`.
    var entries: [JSONValue]
    /// When it was created.
    var createdAt: Date
    /// When it was last created or replaced.
    var modifiedAt: Date
}

/// The hot-word lists of one simulator, oldest first; in memory, for the simulator's lifetime.
struct VocabularyStore: Sendable {
    private(set) var vocabularies: [SimulatedVocabulary] = []

    /// Adds a list with a fresh id.
    mutating func create(prefix: String, targetModel: String, entries: [JSONValue], now: Date) -> SimulatedVocabulary {
        let hex = UUID().uuidString.lowercased().replacing("-", with: "")
        let vocabulary = SimulatedVocabulary(
            id: "vocab-\(prefix)-\(hex)", prefix: prefix, targetModel: targetModel, entries: entries,
            createdAt: now, modifiedAt: now)
        vocabularies.append(vocabulary)
        return vocabulary
    }

    /// The list with this id, or nil.
    func find(_ id: String) -> SimulatedVocabulary? {
        vocabularies.first { $0.id == id }
    }

    /// Replaces a list's words (the whole list, as DashScope does); false when the id is unknown.
    mutating func update(_ id: String, entries: [JSONValue], now: Date) -> Bool {
        guard let index = vocabularies.firstIndex(where: { $0.id == id }) else { return false }
        vocabularies[index].entries = entries
        vocabularies[index].modifiedAt = now
        return true
    }

    /// Removes a list; false when the id is unknown.
    mutating func delete(_ id: String) -> Bool {
        guard let index = vocabularies.firstIndex(where: { $0.id == id }) else { return false }
        vocabularies.remove(at: index)
        return true
    }

    /// One page (`index` from 0) of the lists, only those created with `prefix` when one is given.
    func page(prefix: String?, index: Int, size: Int) -> ArraySlice<SimulatedVocabulary> {
        let matching = vocabularies.filter { prefix == nil || $0.prefix == prefix }
        let (start, overflow) = index.multipliedReportingOverflow(by: size)
        guard !overflow, start < matching.count else { return [] }
        return matching[start...].prefix(size)
    }
}
