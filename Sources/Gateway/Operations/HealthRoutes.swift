import DashScope
import MicroHTTPServer

/// Liveness: answers while the process serves.
struct HealthRoutes: Sendable {
    let simulated: Bool

    var routes: [Route] {
        [Route.immediate("GET", "/healthz", name: "healthz", requiresAuth: false) { _ in
            JSONResponse.make(.object([
                "status": .string("ok"), "mode": .string(simulated ? "simulated" : "dashscope"),
            ]))
        }]
    }
}
