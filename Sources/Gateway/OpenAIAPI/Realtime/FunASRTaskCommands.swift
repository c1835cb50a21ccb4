import FoundationEssentials
import JSON

/// The client commands of DashScope's live-audio protocol that the Realtime bridge sends (realtime-websocket.md A4,
/// A6), and the event header it reads back. Pure.
enum FunASRTaskCommands {
    /// A new task id: 32 hex digits, as the official SDK makes them.
    static func newTaskID() -> String {
        UUID().uuidString.lowercased().filter { $0 != "-" }
    }

    /// `run-task` for `config`'s model and parameters.
    static func runTask(taskID: String, config: RealtimeSessionConfig) -> [UInt8] {
        JSONValue.object([
            "header": .object(["action": .string("run-task"), "task_id": .string(taskID), "streaming": .string("duplex")]),
            "payload": .object([
                "task_group": .string("audio"), "task": .string("asr"), "function": .string("recognition"),
                "model": .string(config.model), "parameters": config.taskParameters, "input": .object([:]),
            ]),
        ]).serialized()
    }

    /// `finish-task`.
    static func finishTask(taskID: String) -> [UInt8] {
        JSONValue.object([
            "header": .object(["action": .string("finish-task"), "task_id": .string(taskID), "streaming": .string("duplex")]),
            "payload": .object(["input": .object([:])]),
        ]).serialized()
    }

    /// One server event: its name (`header.event`), the task it is about, the error of a `task-failed`, and the payload.
    struct Event: Sendable, Equatable {
        /// `task-started`, `result-generated`, `task-finished` or `task-failed`.
        var name: String
        /// The task id in the header.
        var taskID: String
        /// `header.error_code` and `header.error_message` of a `task-failed`.
        var error: (code: String, message: String)? {
            guard name == "task-failed" else { return nil }
            return (errorCode, errorMessage)
        }
        var errorCode: String
        var errorMessage: String
        /// The payload object.
        var payload: JSONValue

        /// Parses a text message; nil when it is not a DashScope event.
        init?(_ text: some Collection<UInt8>) {
            guard let json = JSONValue.parse(text), let name = json["header"]?["event"]?.stringValue else { return nil }
            self.name = name
            self.taskID = json["header"]?["task_id"]?.stringValue ?? ""
            self.errorCode = json["header"]?["error_code"]?.stringValue ?? "InternalError"
            self.errorMessage = json["header"]?["error_message"]?.stringValue ?? "the task failed"
            self.payload = json["payload"] ?? .null
        }
    }
}
