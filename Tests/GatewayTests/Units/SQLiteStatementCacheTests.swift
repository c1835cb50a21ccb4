@testable import Gateway
import Testing

/// SQLiteDatabase keeps each statement prepared: a repeated text is not prepared again, a kept statement never holds
/// its read transaction or its bindings past the call (even after a failed step), and texts past the limit still run.
@Suite struct SQLiteStatementCacheTests {
    static func database(_ path: String) throws -> SQLiteDatabase {
        let database = try SQLiteDatabase(path: path)
        try database.query("PRAGMA journal_mode=WAL")
        return database
    }

    @Test func aRepeatedStatementIsPreparedOnceAndSeesEachCallsValues() throws {
        let database = try SQLiteDatabase(path: ":memory:")
        try database.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)")
        for index in 0..<5 {
            try database.query("INSERT INTO t (k, v) VALUES (?, ?)", [.text("k\(index)"), .integer(Int64(index))])
        }
        let kept = database.keptStatements
        for index in 0..<5 {
            #expect(try database.query("SELECT v FROM t WHERE k = ?", [.text("k\(index)")]) == [[.integer(Int64(index))]])
        }
        #expect(database.keptStatements == kept + 1, "one SELECT text, prepared once")
        // A parameter not bound this time is NULL, not the previous call's value.
        #expect(try database.query("SELECT ? IS NULL", []) == [[.integer(1)]])
    }

    @Test func aKeptStatementReleasesItsReadTransactionEvenAfterAFailedStep() throws {
        let path = SQLiteJobStoreTests.temporaryPath()
        let reader = try Self.database(path)
        let writer = try Self.database(path)
        try writer.execute("CREATE TABLE t (k TEXT PRIMARY KEY)")
        try writer.query("INSERT INTO t (k) VALUES (?)", [.text("a")])
        try writer.query("INSERT INTO t (k) VALUES (?)", [.text("b")])
        // The reader stops after reading rows: a statement left mid-step would pin the WAL and the checkpoint below
        // could not finish (busy = 1).
        #expect(try reader.query("SELECT k FROM t ORDER BY k").count == 2)
        #expect(throws: SQLiteError.self) { try reader.query("INSERT INTO t (k) VALUES (?)", [.text("a")]) }
        try writer.query("INSERT INTO t (k) VALUES (?)", [.text("c")])
        let checkpoint = try writer.query("PRAGMA wal_checkpoint(TRUNCATE)")
        #expect(checkpoint.first?.first == .integer(0), "the checkpoint was not blocked by a reader: \(checkpoint)")
        #expect(try reader.query("SELECT k FROM t ORDER BY k").count == 3, "the reader sees the latest write")
        #expect(try reader.query("INSERT INTO t (k) VALUES (?)", [.text("d")]).isEmpty, "the failed statement runs again")
    }

    @Test func textsPastTheLimitRunWithoutBeingKept() throws {
        let database = try SQLiteDatabase(path: ":memory:")
        for number in 0..<(SQLiteDatabase.keptStatementLimit + 10) {
            #expect(try database.query("SELECT \(number)") == [[.integer(Int64(number))]])
        }
        #expect(database.keptStatements == SQLiteDatabase.keptStatementLimit)
    }
}
