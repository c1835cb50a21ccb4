import CSQLite

// The only file that calls SQLite's C API. Every return code is checked on the spot and becomes a `SQLiteError`.
// Each distinct statement text is prepared once and kept (reset after every call): preparing parsed the SQL on
// every call, ~230k of the ~750k instructions of a local task query in `make profile`. Values are copied in and out,
// so no pointer outlives a call. A connection is used by one thread at a time: SQLiteJobStore runs every call on its
// own serial queue.

/// A SQLite failure: the result code and SQLite's own message.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// SQLite's (extended) result code.
    public var code: Int32
    /// SQLite's message, with what the gateway was doing.
    public var message: String

    /// A readable one-line description.
    public var description: String { "SQLite error \(code): \(message)" }
}

/// One value of a bound parameter or a result column.
enum SQLiteValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])

    var int: Int64? { if case .integer(let value) = self { value } else { nil } }
    var string: String? { if case .text(let value) = self { value } else { nil } }
    var bytes: [UInt8]? {
        switch self {
        case .blob(let value): value
        case .text(let value): Array(value.utf8)
        default: nil
        }
    }
}

/// One open SQLite connection (an `OpaquePointer` owned by this object, closed on deinit). Not thread-safe by
/// itself: its owner serialises every call (hence `@unchecked Sendable`).
final class SQLiteDatabase: @unchecked Sendable {
    /// Statements kept past this many are prepared per call (the store's texts are a few dozen at most; a bound keeps
    /// an unforeseen stream of distinct texts from growing the cache).
    static let keptStatementLimit = 64

    private let handle: OpaquePointer
    /// Prepared statements by their SQL text, reset and unbound between calls.
    private var kept: [String: OpaquePointer] = [:]

    /// Opens (creating it if needed) the database at `path`; `:memory:` for a private in-memory one.
    init(path: String) throws(SQLiteError) {
        var opened: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &opened, flags, nil)
        guard status == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let opened { sqlite3_close_v2(opened) }
            throw SQLiteError(code: status, message: "cannot open \(path): \(message)")
        }
        handle = opened
        sqlite3_extended_result_codes(handle, 1)
    }

    deinit {
        for statement in kept.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    /// Waits up to `milliseconds` for a lock held by another connection before answering SQLITE_BUSY.
    func setBusyTimeout(milliseconds: Int32) throws(SQLiteError) {
        try check(sqlite3_busy_timeout(handle, milliseconds), "busy_timeout")
    }

    /// Runs one or more statements without parameters or results (schema steps, pragmas, BEGIN/COMMIT).
    func execute(_ sql: String) throws(SQLiteError) {
        var errorText: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &errorText)
        if status != SQLITE_OK {
            let message = errorText.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errorText)
            throw SQLiteError(code: status, message: message)
        }
    }

    /// Runs one statement with `values` bound to its `?` parameters and returns every row it yields.
    @discardableResult
    func query(_ sql: String, _ values: [SQLiteValue] = []) throws(SQLiteError) -> [[SQLiteValue]] {
        let statement: OpaquePointer
        let keep: Bool
        if let found = kept[sql] {
            statement = found
            keep = true
        } else {
            var prepared: OpaquePointer?
            try check(sqlite3_prepare_v2(handle, sql, -1, &prepared, nil), "prepare")
            guard let prepared else { return [] }  // only whitespace or a comment
            statement = prepared
            keep = kept.count < Self.keptStatementLimit
            if keep { kept[sql] = prepared }
        }
        // A kept statement left mid-step would hold its read transaction open (and its bindings' copies alive).
        defer {
            if keep {
                sqlite3_reset(statement)
                sqlite3_clear_bindings(statement)
            } else {
                sqlite3_finalize(statement)
            }
        }
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1), in: statement)
        }
        var rows: [[SQLiteValue]] = []
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { return rows }
            guard status == SQLITE_ROW else { throw error(status, "step") }
            let count = sqlite3_column_count(statement)
            rows.append((0..<count).map { column(statement, $0) })
        }
    }

    /// How many prepared statements are kept (for tests).
    var keptStatements: Int { kept.count }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int { Int(sqlite3_changes(handle)) }

    private func bind(_ value: SQLiteValue, at index: Int32, in statement: OpaquePointer) throws(SQLiteError) {
        let status: Int32
        switch value {
        case .null:
            status = sqlite3_bind_null(statement, index)
        case .integer(let number):
            status = sqlite3_bind_int64(statement, index, number)
        case .text(let text):
            status = text.withCString { csqlite_bind_text_copy(statement, index, $0, Int32(text.utf8.count)) }
        case .blob(let bytes):
            // A zero-length blob needs a non-null pointer, or SQLite stores NULL.
            status = bytes.isEmpty
                ? sqlite3_bind_zeroblob(statement, index, 0)
                : bytes.withUnsafeBytes { csqlite_bind_blob_copy(statement, index, $0.baseAddress, Int32($0.count)) }
        }
        try check(status, "bind")
    }

    private func column(_ statement: OpaquePointer, _ index: Int32) -> SQLiteValue {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(statement, index))
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(statement, index) else { return .text("") }
            let count = Int(sqlite3_column_bytes(statement, index))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, index))
            guard count > 0, let bytes = sqlite3_column_blob(statement, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        case SQLITE_FLOAT:
            return .integer(Int64(sqlite3_column_double(statement, index)))
        default:
            return .null
        }
    }

    private func check(_ status: Int32, _ step: String) throws(SQLiteError) {
        guard status == SQLITE_OK else { throw error(status, step) }
    }

    private func error(_ status: Int32, _ step: String) -> SQLiteError {
        SQLiteError(code: status, message: "\(step): \(String(cString: sqlite3_errmsg(handle)))")
    }
}
