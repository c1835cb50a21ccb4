@testable import Gateway
import Testing

/// The store list's query rules: the same model rule as DashScope's list, the window parameters pointed at it.
@Suite struct StoredJobQueryTests {
    @Test func anEmptyOrSpacedModelIsRefusedAndAModelFilters() throws {
        for bad in ["", "fun asr"] {
            #expect(throws: RequestValidationError.self) { try StoredJobQuery(query: [("model", bad)]) }
        }
        #expect(try StoredJobQuery(query: [("model", "fun-asr")]).filter.model == "fun-asr")
    }

    @Test func dashScopesWindowParametersNameTheSourceToUse() {
        #expect(throws: RequestValidationError.self) { try StoredJobQuery(query: [("start_time", "2026-01-01 00:00:00")]) }
    }
}
