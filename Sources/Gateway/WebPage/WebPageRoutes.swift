import MicroHTTPServer

/// The page at `/`: live microphone transcription over the local WebSocket (DashScope's protocol at
/// /api-ws/v1/inference) and drag-and-drop of a file for the async path, with SRT/VTT downloads. Plain HTML and
/// JavaScript served from the binary: no build step, no framework, nothing fetched from elsewhere (the CSP says so).
struct WebPageRoutes: Sendable {
    var routes: [Route] {
        [
            Route.immediate("GET", "/", name: "web_page", requiresAuth: false) { _ in
                Self.asset(WebPageHTML.text, type: "text/html; charset=utf-8")
            },
            Route.immediate("GET", "/app.js", name: "web_page_script", requiresAuth: false) { _ in
                Self.asset(WebPageScript.text, type: "text/javascript; charset=utf-8")
            },
            Route.immediate("GET", "/pcm-worklet.js", name: "web_page_worklet", requiresAuth: false) { _ in
                Self.asset(PCMWorkletScript.text, type: "text/javascript; charset=utf-8")
            },
        ]
    }

    /// Only this origin's scripts, and connections back to it (HTTP and WebSocket); the microphone for this page only.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self' ws: wss:; "
        + "img-src 'self' data: blob:; media-src blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// A static asset with the page's security headers.
    static func asset(_ text: String, type: String) -> HTTPResponse {
        HTTPResponse(status: 200, contentType: type, text: text, headers: [
            "Content-Security-Policy": contentSecurityPolicy,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Permissions-Policy": "microphone=(self)",
            "Cache-Control": "no-cache",
        ])
    }
}
