import Foundation
@testable import Gateway
import Testing

/// The SQLite job store on its own: a reopened file keeps everything, migrations are versioned, pruning keeps
/// open jobs, and the memory store behaves the same.
@Suite struct SQLiteJobStoreTests {
    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("jobs-\(UUID().uuidString).sqlite").path
    }

    static func stores() throws -> [any JobStore] {
        [MemoryJobStore(), try SQLiteJobStore(path: temporaryPath())]
    }

    @Test func aReopenedFileKeepsJobsDocumentsAndKeys() async throws {
        let path = Self.temporaryPath()
        do {
            let store = try SQLiteJobStore(path: path)
            try await store.insert(StoredJob(taskID: "t1", model: "fun-asr", label: "x", submittedAt: 1000))
            try await store.update("t1", status: "SUCCEEDED", upstreamView: Array("{}".utf8), endedAt: 2000)
            try await store.saveDocument("t1", file: 0, Array("doc".utf8))
            try await store.markDocumentsKept("t1")
            #expect(try await store.reserveKey("k", fingerprint: "f", now: 1000) == .reserved)
            try await store.completeKey("k", status: 202, body: Array("answer".utf8))
        }
        let reopened = try SQLiteJobStore(path: path)
        let job = try #require(try await reopened.job("t1"))
        #expect(job.status == "SUCCEEDED" && job.label == "x" && job.documentsKept && job.endedAt == 2000)
        #expect(try await reopened.document("t1", file: 0) == Array("doc".utf8))
        #expect(try await reopened.reserveKey("k", fingerprint: "f", now: 1001) == .completed(status: 202, body: Array("answer".utf8)))
        #expect(try await reopened.reserveKey("k", fingerprint: "g", now: 1001) == .mismatch)
        let database = try SQLiteDatabase(path: path)
        #expect(try database.query("PRAGMA user_version").first?.first?.int == Int64(JobStoreSchema.steps.count))
        #expect(try database.query("PRAGMA journal_mode").first?.first?.string == "wal")
    }

    @Test func aDatabaseFromANewerGatewayIsRefused() throws {
        let path = Self.temporaryPath()
        try SQLiteDatabase(path: path).execute("PRAGMA user_version = 99")
        #expect(throws: JobStoreError.self) { _ = try SQLiteJobStore(path: path) }
    }

    @Test func bothStoresBehaveAlike() async throws {
        for store in try Self.stores() {
            try await store.insert(StoredJob(taskID: "old", model: "m", submittedAt: 1, endedAt: nil))
            try await store.update("old", status: "FAILED", upstreamView: [], endedAt: 10)
            try await store.insert(StoredJob(taskID: "open", model: "m", label: "l", submittedAt: 2))
            try await store.insert(StoredJob(taskID: "open", model: "other", submittedAt: 3))
            #expect(try await store.job("open")?.model == "m", "a second insert leaves the first record")
            try await store.saveDocument("old", file: 0, [1, 2, 3])
            try await store.saveDocument("nobody", file: 0, [1])
            #expect(try await store.document("nobody", file: 0) == nil)

            var filter = JobFilter()
            #expect(try await store.list(filter).map(\.taskID) == ["open", "old"])
            filter.label = "l"
            #expect(try await store.list(filter).map(\.taskID) == ["open"])
            filter = JobFilter()
            filter.status = "FAILED"
            #expect(try await store.list(filter).map(\.taskID) == ["old"])

            #expect(try await store.reserveKey("k", fingerprint: "f", now: 5) == .reserved)
            #expect(try await store.reserveKey("k", fingerprint: "f", now: 6) == .inProgress)
            try await store.releaseKey("k")
            #expect(try await store.reserveKey("k", fingerprint: "f", now: 7) == .reserved)

            #expect(try await store.prune(before: 100) == 1)
            #expect(try await store.job("old") == nil)
            #expect(try await store.document("old", file: 0) == nil)
            #expect(try await store.job("open") != nil, "a job not seen to end is never pruned")
            #expect(try await store.reserveKey("k", fingerprint: "f", now: 200) == .reserved, "old keys are pruned")
            #expect(try await store.delete("open"))
            #expect(try await store.delete("open") == false)
        }
    }
}
