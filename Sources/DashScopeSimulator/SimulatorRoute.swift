/// Which simulated endpoint a method and path name.
enum SimulatorRoute: Sendable, Equatable {
    case submit
    case query(taskID: String)
    case list
    case cancel(taskID: String)
    case uploadPolicy
    case ossUpload
    case result(taskID: String, index: Int)
    case generation
    case customization
    case liveAudio

    /// The fault target of the route.
    var endpoint: SimulatorEndpoint {
        switch self {
        case .submit: .submit
        case .query: .query
        case .list: .list
        case .cancel: .cancel
        case .uploadPolicy: .uploadPolicy
        case .ossUpload: .ossUpload
        case .result: .result
        case .generation: .generation
        case .customization: .customization
        case .liveAudio: .liveAudio
        }
    }

    /// True for the routes that need `Authorization: Bearer` (the DashScope API, not the OSS-like ones).
    var needsAPIKey: Bool {
        switch self {
        case .ossUpload, .result: false
        default: true
        }
    }

    /// Resolves a request; 404 for unknown paths, 405 for a known path with the wrong method.
    ///
    /// Only the list accepts a trailing slash (`/api/v1/tasks/`, as §4 documents it); the query accepts GET and POST.
    static func resolve(method: String, path: String) -> Result<SimulatorRoute, SimulatedError> {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let segments = Array(parts.dropFirst())
        func allow(_ route: SimulatorRoute, _ methods: Set<String>) -> Result<SimulatorRoute, SimulatedError> {
            methods.contains(method) ? .success(route) : .failure(.methodNotAllowed)
        }
        switch segments {
        case ["api", "v1", "services", "audio", "asr", "transcription"]: return allow(.submit, ["POST"])
        case ["api", "v1", "services", "aigc", "multimodal-generation", "generation"]: return allow(.generation, ["POST"])
        case ["api", "v1", "services", "audio", "asr", "customization"]: return allow(.customization, ["POST"])
        case ["api", "v1", "tasks"], ["api", "v1", "tasks", ""]: return allow(.list, ["GET"])
        case ["api", "v1", "uploads"]: return allow(.uploadPolicy, ["GET"])
        case ["oss-upload"]: return allow(.ossUpload, ["POST"])
        case ["api-ws", "v1", "inference"], ["api-ws", "v1", "inference", ""]: return allow(.liveAudio, ["GET"])
        default: break
        }
        if segments.count == 4, segments.starts(with: ["api", "v1", "tasks"]), !segments[3].isEmpty {
            return allow(.query(taskID: segments[3]), ["GET", "POST"])
        }
        if segments.count == 5, segments.starts(with: ["api", "v1", "tasks"]), !segments[3].isEmpty, segments[4] == "cancel" {
            return allow(.cancel(taskID: segments[3]), ["POST"])
        }
        if segments.count == 3, segments[0] == "results", segments[2].hasSuffix(".json"),
            let index = Int(segments[2].dropLast(5)), index >= 0 {
            return allow(.result(taskID: segments[1], index: index), ["GET", "HEAD"])
        }
        return .failure(.notFound)
    }
}
