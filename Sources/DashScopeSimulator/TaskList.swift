import FoundationEssentials
import MicroHTTPServer

/// `GET /api/v1/tasks[/]`: filters, 24-hour window, paging, flat answer (§4).
enum TaskList {
    /// The flat list answer, or a 400 for malformed filters.
    static func body(
        query head: HTTPRequestHead, tasks: [TaskSnapshot], now: Date, requestID: String
    ) -> Result<OrderedJSON, SimulatedError> {
        let day: TimeInterval = 24 * 3600
        var start: Date?
        var end: Date?
        for (name, slot) in [("start_time", 0), ("end_time", 1)] {
            guard let text = head.queryValue(name), !text.isEmpty else { continue }
            guard let date = BeijingTime.parseCompact(text) else {
                return .failure(.invalidParameter("Parameter \"\(name)\" must be formatted as YYYYMMDDhhmmss."))
            }
            if slot == 0 { start = date } else { end = date }
        }
        switch (start, end) {
        case (nil, nil): (start, end) = (now.addingTimeInterval(-day), now)
        case (let from?, nil): end = from.addingTimeInterval(day)
        case (nil, let to?): start = to.addingTimeInterval(-day)
        case (let from?, let to?):
            guard from <= to, to.timeIntervalSince(from) <= day else {
                return .failure(.invalidParameter("The interval between start_time and end_time must not exceed 24 hours."))
            }
        }
        guard let pageNo = positiveInt(head.queryValue("page_no"), default: 1),
            let pageSize = positiveInt(head.queryValue("page_size"), default: 10)
        else { return .failure(.invalidParameter("Parameters \"page_no\" and \"page_size\" must be positive integers.")) }
        if let status = head.queryValue("status"), !status.isEmpty, SimulatedTaskStatus(rawValue: status) == nil {
            return .failure(.invalidParameter("Parameter \"status\" must be one of PENDING, RUNNING, SUCCEEDED, FAILED, CANCELED, UNKNOWN."))
        }
        guard let from = start, let to = end else { return .failure(.invalidParameter("Invalid time window.")) }
        let matching = tasks.filter { snapshot in
            let task = snapshot.task
            if let id = nonEmpty(head.queryValue("task_id")), task.id != id { return false }
            if let status = nonEmpty(head.queryValue("status")), snapshot.status.rawValue != status { return false }
            if let model = nonEmpty(head.queryValue("model_name")), task.model != model { return false }
            return task.submittedAt >= from && task.submittedAt <= to
        }
        let pages = (matching.count + pageSize - 1) / pageSize
        let page = matching.dropFirst((pageNo - 1) * pageSize).prefix(pageSize)
        return .success(.obj([
            "total": .int(matching.count),
            "data": .array(page.map(item)),
            "total_page": .int(pages),
            "page_no": .int(pageNo),
            "request_id": .string(requestID),
            "page_size": .int(pageSize),
        ]))
    }

    private static func item(_ snapshot: TaskSnapshot) -> OrderedJSON {
        let task = snapshot.task
        let ms = { (date: Date) in OrderedJSON.int(Int(BeijingTime.epochMilliseconds(date))) }
        return .obj([
            "api_key_id": .string(task.apiKeyID),
            "caller_parent_id": .string("1000000000000000"),
            "caller_uid": .string("1000000000000000"),
            "end_time": snapshot.endedAt.map(ms),
            "gmt_create": ms(task.submittedAt),
            "model_name": .string(task.model),
            "region": .string("cn-beijing"),
            "request_id": .string(task.requestID),
            "start_time": snapshot.scheduledAt.map(ms),
            "status": .string(snapshot.status.rawValue),
            "task_id": .string(task.id),
            "user_api_unique_key": .string("apikey:v1:audio:asr:transcription:\(task.model)"),
        ])
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }

    private static func positiveInt(_ text: String?, default fallback: Int) -> Int? {
        guard let text = nonEmpty(text) else { return fallback }
        guard let value = Int(text), value >= 1 else { return nil }
        return value
    }
}
