import Foundation
import Gateway
import Testing

@Suite struct OpenAPIContractTests {
    /// The routes the server registers and the operations openapi.yaml documents are the same set.
    @Test func routesAndSpecPathsAreTheSameSet() async throws {
        let text = try String(contentsOf: OpenAPIPaths.repositoryFile, encoding: .utf8)
        let documented = OpenAPIPaths.parse(text)
        #expect(!documented.isEmpty, "no operations found under paths: in openapi.yaml")
        try await GatewayHarness.with { h in
            let registered = h.gateway.routes
            let routeKeys = Set(registered.map { "\($0.method) \($0.pattern)" })
            let specKeys = Set(documented.map(\.key))
            let missingFromSpec = registered.filter { !specKeys.contains("\($0.method) \($0.pattern)") }
                .map { "  \($0.method) \($0.pattern)   (route \($0.name))" }.sorted()
            let withoutRoute = documented.filter { !routeKeys.contains($0.key) }.map { "  \($0.key)" }.sorted()
            var report = ""
            if !missingFromSpec.isEmpty {
                report += "Routes the server registers that openapi.yaml does not describe:\n"
                    + missingFromSpec.joined(separator: "\n") + "\n"
            }
            if !withoutRoute.isEmpty {
                report += "Operations in openapi.yaml that no route serves:\n" + withoutRoute.joined(separator: "\n") + "\n"
            }
            if !report.isEmpty {
                report += "Edit openapi.yaml, then run scripts/embed-openapi.sh."
            }
            #expect(report.isEmpty, "\(report)")
        }
    }

    /// Exactly the routes open without a local token say `security: []` in the spec.
    @Test func specSecurityMatchesWhichRoutesNeedTheLocalToken() async throws {
        let text = try String(contentsOf: OpenAPIPaths.repositoryFile, encoding: .utf8)
        let openInSpec = Dictionary(OpenAPIPaths.parse(text).map { ($0.key, $0.open) }) { first, _ in first }
        try await GatewayHarness.with { h in
            var mismatches: [String] = []
            for route in h.gateway.routes {
                let key = "\(route.method) \(route.pattern)"
                guard let open = openInSpec[key] else { continue }
                if open == route.requiresAuth {
                    mismatches.append("  \(key): route requiresAuth=\(route.requiresAuth), spec security: []=\(open)")
                }
            }
            #expect(mismatches.isEmpty, "openapi.yaml's security disagrees with the routes:\n\(mismatches.joined(separator: "\n"))")
        }
    }

    /// `GET /openapi.yaml` serves the repository file byte for byte (the binary embeds it).
    @Test func servedDocumentIsTheRepositoryFile() async throws {
        let file = try Data(contentsOf: OpenAPIPaths.repositoryFile)
        try await GatewayHarness.with(configure: { $0.tokens = [GatewayHarness.token] }) { h in
            let response = try await h.request(
                "GET", "/openapi.yaml", headers: [("Authorization", "Bearer \(GatewayHarness.token)")])
            #expect(response.status == 200)
            #expect(response.header("Content-Type")?.hasPrefix("application/yaml") == true)
            #expect(Data(response.body) == file, "the embedded copy is stale: run scripts/embed-openapi.sh")
        }
    }

    @Test func parserReadsPathsMethodsAndOpenSecurity() {
        let text = """
            openapi: 3.1.0
            paths:
              /a:
                get:
                  security: []
                  responses: {}
                post:
                  responses: {}
              '/b/{id}':
                parameters: []
                delete:
                  responses: {}
            components:
              schemas:
                get:
                  type: object
            """
        let operations = OpenAPIPaths.parse(text)
        #expect(operations.map(\.key) == ["GET /a", "POST /a", "DELETE /b/{id}"])
        #expect(operations.map(\.open) == [true, false, false])
    }
}
