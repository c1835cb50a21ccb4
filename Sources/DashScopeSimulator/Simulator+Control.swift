import MicroHTTPServer

extension Simulator {
    /// `/simulator/faults` (POST queues, GET lists, DELETE clears), `/simulator/requests` (GET, DELETE) and
    /// `DELETE /simulator/tasks/{id}` (forget a task, as DashScope does after 24 h); no auth.
    func control(_ request: HTTPRequest) -> HTTPResponse {
        let requestID = Self.newRequestID()
        let ok = { (body: OrderedJSON) in HTTPResponse.dashScopeJSON(status: 200, body: body, requestID: requestID) }
        switch (request.head.method, request.head.path) {
        case ("POST", "/simulator/faults"):
            switch ControlEndpoints.parseFault(request.body) {
            case .failure(let error): return error.response(requestID: requestID)
            case .success(let (fault, endpoint, count)):
                inject(fault, for: endpoint, count: count)
                return ok(.obj(["queued": .string(String(describing: fault)), "endpoint": .string(endpoint.rawValue), "count": .int(count)]))
            }
        case ("GET", "/simulator/faults"):
            let entries = state.withLock { $0.faults.entries }
            return ok(.array(entries.map(ControlEndpoints.json)))
        case ("DELETE", "/simulator/faults"):
            clearFaults()
            return ok(.obj(["cleared": .bool(true)]))
        case ("GET", "/simulator/requests"):
            return ok(.array(receivedRequests().map(\.json)))
        case ("DELETE", "/simulator/requests"):
            clearRecordedRequests()
            return ok(.obj(["cleared": .bool(true)]))
        case ("DELETE", let path) where path.hasPrefix("/simulator/tasks/"):
            let id = String(path.dropFirst("/simulator/tasks/".count))
            guard forgetTask(id) else { return SimulatedError.notFound.response(requestID: requestID) }
            return ok(.obj(["forgotten": .string(id)]))
        case (_, "/simulator/faults"), (_, "/simulator/requests"):
            return SimulatedError.methodNotAllowed.response(requestID: requestID)
        default:
            return SimulatedError.notFound.response(requestID: requestID)
        }
    }
}
