import DashScope
import JSON
import MicroHTTPServer

/// The routes' answers from the job store: a kept job, the store's listing, and forgetting a job.
extension TranscriptionRoutes {
    /// The task view, with the client's label and the webhook's state and attempts when the store knows the job.
    static func view(_ task: TaskQueryResponse, job: StoredJob?, rendered: JSONValue? = nil) -> JSONValue {
        let rendered = rendered ?? TaskView.render(task)
        guard case .object(var object) = rendered else { return rendered }
        if let label = job?.label { object["label"] = .string(label) }
        if let webhook = job?.webhook {
            object["webhook"] = .object([
                "url": .string(webhook.url), "state": .string(webhook.state),
                "attempts": JSONValue.parse(webhook.attempts) ?? .array([]),
            ])
        }
        return .object(object)
    }

    /// A finished job answered from the store alone (`X-FunASR-Source: store`); `?wait` has nothing to wait for.
    func keptAnswer(_ kept: JobKeeper.Kept, includeTranscripts: Bool, _ context: RouteContext) async throws -> HTTPResponse {
        let id = kept.job.taskID
        var view = Self.view(kept.task, job: kept.job)
        if includeTranscripts {
            view = await inliner.inline(into: view, task: kept.task, taskID: id) { await jobs.document(id, file: $0) }
        }
        return JSONResponse.make(view, headers: ["X-FunASR-Source": "store"])
    }

    /// `DELETE /v1/transcriptions/{id}`: forgets the job in the gateway's store. DashScope has no delete: the task
    /// and its results stay there until its own 24 h retention ends.
    func delete(_ context: RouteContext) async throws -> HTTPResponse {
        let id = try TaskID.from(context)
        guard try await jobs.store.delete(id) else {
            throw GatewayError.notFound("the gateway keeps no job \(id) (never submitted through it, or already deleted or pruned)")
        }
        return JSONResponse.make(.object([
            "task_id": .string(id), "deleted": .bool(true),
            "note": .string("forgotten by the gateway only: DashScope has no delete and keeps the task and its results for 24 hours"),
            "request_id": .string(context.requestID),
        ]))
    }

    /// `GET /v1/transcriptions` (or `?source=store`): the jobs kept by the gateway, newest first, filtered by `status`,
    /// `model`, `label` and `since` (ISO 8601), paged by `page` and `page_size`.
    func listFromStore(_ context: RouteContext) async throws -> HTTPResponse {
        let query = try StoredJobQuery(query: context.request.head.query)
        let listed = try await jobs.store.list(query.filter)
        return JSONResponse.make(.object([
            "tasks": .array(listed.map(StoredJobQuery.render)),
            "page": .number(Double(query.page)), "page_size": .number(Double(query.pageSize)),
            "source": .string("store"), "request_id": .string(context.requestID),
        ]))
    }
}
