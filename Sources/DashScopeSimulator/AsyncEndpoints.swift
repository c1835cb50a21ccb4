import FoundationEssentials
import JSON
import MicroHTTPServer

/// Submit validation and the JSON of submit, query and cancel (§3.1, §3.2, §4).
enum AsyncEndpoints {
    /// Model ids the async endpoint serves (§2).
    static let models: Set<String> = [
        "fun-asr", "fun-asr-2025-11-07", "fun-asr-2025-08-25", "fun-asr-mtl", "fun-asr-mtl-2025-08-25",
    ]

    /// Validates a submit request and builds its task, or the synchronous error DashScope answers.
    ///
    /// 1–`maxFileURLs` URLs are accepted (default 100, the older documented limit): the current doc's
    /// "one URL per request" (§13.1) is unverified, and a tighter double would hide gateway bugs with batches.
    /// An `oss://` URL needs the resolve header, and its file fails to download unless `uploads` holds it under
    /// this key's and model's upload policy.
    static func submit(
        _ request: HTTPRequest, apiKey: String, requestID: String, now: Date, configuration: SimulatorConfiguration,
        uploads: UploadedObjects = UploadedObjects()
    ) -> Result<SimulatedTask, SimulatedError> {
        let head = request.head
        guard head.headers["X-DashScope-Async"]?.lowercased() == "enable" else { return .failure(.syncNotSupported) }
        guard let json = JSONValue.parse(request.body), json.objectValue != nil else { return .failure(.malformedJSON) }
        guard let modelValue = json["model"], modelValue != .null else { return .failure(.emptyModel) }
        guard let model = modelValue.stringValue else { return .failure(.invalidParameter("Parameter \"model\" must be a string.")) }
        guard models.contains(model) else { return .failure(.modelNotExist) }
        guard let input = json["input"], input.objectValue != nil, let urlsValue = input["file_urls"] else {
            return .failure(.emptyInput)
        }
        guard let items = urlsValue.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
            return .failure(.invalidParameter("Parameter \"input.file_urls\" must be an array of strings."))
        }
        let urls = items.compactMap(\.stringValue)
        guard (1...configuration.maxFileURLs).contains(urls.count) else {
            return .failure(.invalidParameter(
                "Parameter \"input.file_urls\" must contain between 1 and \(configuration.maxFileURLs) URLs."))
        }
        let ossAllowed = head.headers["X-DashScope-OssResourceResolve"]?.lowercased() == "enable"
        for url in urls {
            let scheme = URLComponents(string: url)?.scheme?.lowercased()
            guard scheme == "http" || scheme == "https" || (scheme == "oss" && ossAllowed) else {
                return .failure(.invalidURL)
            }
        }
        let parameters = json["parameters"]
        if let parameters, parameters.objectValue == nil {
            return .failure(.invalidParameter("Parameter \"parameters\" must be an object."))
        }
        let options: TranscriptionOptions
        switch transcriptionOptions(parameters) {
        case .success(let parsed): options = parsed
        case .failure(let error): return .failure(error)
        }
        let missing = parameters == nil
        return .success(SimulatedTask(
            id: UUID().uuidString.lowercased(), requestID: requestID, model: model, apiKeyID: apiKeyID(apiKey),
            fileURLs: urls,
            outcomes: urls.map { url in
                if url.lowercased().hasPrefix("oss://"), !missing,
                   uploads.resolve(url, apiKey: apiKey, model: model, at: now) == nil {
                    return .failed(code: "InvalidFile.DownloadFailed", message: "The audio file cannot be downloaded.")
                }
                return SubtaskOutcome.forFile(url, parametersMissing: missing)
            },
            options: options, submittedAt: now))
    }

    private static func transcriptionOptions(_ parameters: JSONValue?) -> Result<TranscriptionOptions, SimulatedError> {
        var options = TranscriptionOptions()
        guard let parameters else { return .success(options) }
        if let channels = parameters["channel_id"] {
            guard let list = channels.arrayValue, !list.isEmpty, list.allSatisfy({ ($0.intValue ?? -1) >= 0 }) else {
                return .failure(.invalidParameter("Parameter \"parameters.channel_id\" must be an array of non-negative integers."))
            }
            options.channelIDs = list.compactMap(\.intValue)
        }
        if let diarization = parameters["diarization_enabled"] {
            guard let flag = diarization.boolValue else {
                return .failure(.invalidParameter("Parameter \"parameters.diarization_enabled\" must be a boolean."))
            }
            options.diarization = flag
        }
        if let count = parameters["speaker_count"] {
            guard let value = count.intValue, (2...100).contains(value) else {
                return .failure(.invalidParameter("Parameter \"parameters.speaker_count\" must be an integer from 2 to 100."))
            }
            options.speakerCount = value
        }
        return .success(options)
    }

    /// A stable, non-secret id for an API key (what the list endpoint shows as `api_key_id`).
    static func apiKeyID(_ key: String) -> String {
        String(Fingerprint.fnv1a(Array(key.utf8)) % 1_000_000)
    }

    /// The submit answer: `{"request_id","output":{"task_id","task_status"}}`.
    static func submitBody(_ task: SimulatedTask) -> OrderedJSON {
        .obj([
            "request_id": .string(task.requestID),
            "output": .obj(["task_id": .string(task.id), "task_status": .string(SimulatedTaskStatus.pending.rawValue)]),
        ])
    }

    /// The query answer for a task (or UNKNOWN when `snapshot` is nil).
    static func queryBody(
        taskID: String, snapshot: TaskSnapshot?, requestID: String, baseURL: String, retentionSeconds: Double
    ) -> OrderedJSON {
        guard let snapshot else {
            return .obj([
                "request_id": .string(requestID),
                "output": .obj(["task_id": .string(taskID), "task_status": .string(SimulatedTaskStatus.unknown.rawValue)]),
            ])
        }
        let task = snapshot.task
        var output: [(key: String, value: OrderedJSON)] = [
            (key: "task_id", value: .string(task.id)),
            (key: "task_status", value: .string(snapshot.status.rawValue)),
            (key: "submit_time", value: .string(BeijingTime.format(task.submittedAt))),
        ]
        if let scheduled = snapshot.scheduledAt {
            output.append((key: "scheduled_time", value: .string(BeijingTime.format(scheduled))))
        }
        if let ended = snapshot.endedAt {
            output.append((key: "end_time", value: .string(BeijingTime.format(ended))))
        }
        var usage: OrderedJSON?
        if snapshot.hasRun, let ended = snapshot.endedAt {
            if snapshot.status == .failed, let first = task.outcomes.first(where: { $0 != .succeeded }),
                case .failed(let code, let message) = first {
                output.append((key: "code", value: .string(code)))
                output.append((key: "message", value: .string(message)))
            }
            let expires = Int64((ended.timeIntervalSince1970 + retentionSeconds).rounded(.down))
            let results: [OrderedJSON] = zip(task.fileURLs, task.outcomes).enumerated().map { index, pair in
                switch pair.1 {
                case .succeeded:
                    let url = ResultDocuments.signedURL(baseURL: baseURL, taskID: task.id, index: index, expires: expires)
                    return .obj([
                        "file_url": .string(pair.0), "transcription_url": .string(url),
                        "subtask_status": .string("SUCCEEDED"),
                    ])
                case .failed(let code, let message):
                    return .obj([
                        "file_url": .string(pair.0), "code": .string(code), "message": .string(message),
                        "subtask_status": .string("FAILED"),
                    ])
                }
            }
            output.append((key: "results", value: .array(results)))
            let succeeded = task.outcomes.filter { $0 == .succeeded }.count
            output.append((key: "task_metrics", value: .obj([
                "TOTAL": .int(task.outcomes.count), "SUCCEEDED": .int(succeeded),
                "FAILED": .int(task.outcomes.count - succeeded),
            ])))
            if snapshot.status == .succeeded {
                let billed = zip(task.fileURLs, task.outcomes).filter { $0.1 == .succeeded }.reduce(0) {
                    $0 + ResultDocuments.billedMilliseconds(fileURL: $1.0, options: task.options)
                }
                usage = .obj(["duration": .int((billed + 999) / 1000)])
            }
        }
        return .obj(["request_id": .string(requestID), "output": .object(output), "usage": usage])
    }

    /// The cancel answer.
    static func cancelBody(requestID: String) -> OrderedJSON {
        .obj(["request_id": .string(requestID)])
    }
}
