import CredentialJSON
import CredentialService
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("OpenAPI document and web page")
struct OpenAPIAndPageTests {
    /// Paths and methods the OpenAPI document declares, read from its `paths:` block.
    static func documentedOperations() -> Set<String> {
        var out: Set<String> = []
        var inPaths = false
        var current: String?
        for line in OpenAPIDocument.yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            guard inPaths else { continue }
            if line.hasPrefix("  "), !line.hasPrefix("   "), line.hasSuffix(":") {
                current = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let c = current {
                let method = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "post", "put", "delete", "patch"].contains(String(method)) { out.insert("\(method.uppercased()) \(c)") }
            } else if !line.hasPrefix(" "), !line.isEmpty {
                inPaths = false
            }
        }
        return out
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() async throws {
        let s = try await TestService.make()
        let router = CredentialServiceRoutes.router(state: s.state)
        // OPTIONS routes are the CORS preflight answers of the public group, not operations.
        let routes = Set(
            router.routes.filter { $0.method != .options }.map { route -> String in
                let path = route.path.description.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
                return "\(route.method.rawValue) /\(path)"
            })
        let documented = Self.documentedOperations()
        #expect(routes.count >= 9)
        #expect(routes == documented, "only in router: \(routes.subtracting(documented)); only in document: \(documented.subtracting(routes))")
    }

    @Test func openAPIIsServed() async throws {
        let s = try await TestService.make()
        try await s.app.test(.router) { client in
            try await client.execute(uri: "/openapi.yaml", method: .get) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).hasPrefix("openapi: 3.0.3"))
            }
        }
    }

    @Test func pageOffersAccessibleFormInEnglishAndFrench() async throws {
        let s = try await TestService.make()
        try await s.app.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { r in
                let html = String(buffer: r.body)
                #expect(r.status == .ok)
                #expect(html.contains("<html lang=\"en\">"))
                #expect(html.contains("<label for=\"file\">") && html.contains("<label for=\"json\">"))
            }
            try await client.execute(uri: "/", method: .get, headers: [.acceptLanguage: "fr-FR,fr;q=0.9,en;q=0.5"]) { r in
                #expect(String(buffer: r.body).contains("<html lang=\"fr\">"))
            }
            try await client.execute(uri: "/?lang=fr", method: .get) { r in
                #expect(String(buffer: r.body).contains("Vérifier"))
            }
        }
    }

    static func multipart(file: String) -> (HTTPFields, ByteBuffer) {
        let boundary = "----skillcredtest"
        let body =
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.json\"\r\nContent-Type: application/json\r\n\r\n\(file)\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"json\"\r\n\r\n\r\n--\(boundary)--\r\n"
        return ([.contentType: "multipart/form-data; boundary=\(boundary)"], ByteBuffer(string: body))
    }

    @Test func uploadedCredentialShowsVerifiedAndTamperedShowsFailed() async throws {
        let s = try await TestService.make()
        try await s.app.test(.router) { client in
            let vc = JSONWriter.string(try await issue(client, token: s.demoToken))
            let (h, b) = Self.multipart(file: vc)
            try await client.execute(uri: "/", method: .post, headers: h, body: b) { r in
                let html = String(buffer: r.body)
                #expect(r.status == .ok)
                #expect(html.contains("id=\"overall\">Result: Verified"))
                #expect(html.contains("Alice Example"))
                #expect(html.contains("<th scope=\"row\">Revocation</th>"))
            }
            let (h2, b2) = Self.multipart(file: vc.replacingOccurrences(of: "Alice Example", with: "Mallory"))
            try await client.execute(uri: "/?lang=fr", method: .post, headers: h2, body: b2) { r in
                let html = String(buffer: r.body)
                #expect(html.contains("Résultat: Échec"))
            }
            let pasted = "json=" + (vc.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            try await client.execute(uri: "/", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: pasted)) {
                r in
                #expect(String(buffer: r.body).contains("Result: Verified"))
            }
            try await client.execute(uri: "/", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "json=")) {
                r in
                #expect(r.status == .badRequest)
                #expect(String(buffer: r.body).contains("role=\"alert\""))
            }
        }
    }

    @Test func walletExportShowsEachCredential() async throws {
        let s = try await TestService.make()
        try await s.app.test(.router) { client in
            let a = try await issue(client, token: s.demoToken)
            let b = try await issue(client, token: s.demoToken)
            let wallet: JSONValue = .object([
                "@context": .array([.string("https://www.w3.org/ns/credentials/v2")]),
                "type": .array([.string("VerifiablePresentation")]),
                "verifiableCredential": .array([a, b]),
            ])
            let (h, body) = Self.multipart(file: JSONWriter.string(wallet))
            try await client.execute(uri: "/", method: .post, headers: h, body: body) { r in
                let html = String(buffer: r.body)
                #expect(html.contains("2 credentials in this file"))
                #expect(html.components(separatedBy: "class=\"ribbon verified\"").count >= 3)
                // Every heading id is unique (a nested "Credential 1" is not its parent's) and in document order.
                let ids = html.components(separatedBy: " id=\"item-").dropFirst().map { $0.prefix { $0 != "\"" } }
                #expect(ids.count >= 3)
                #expect(ids == (1...ids.count).map { Substring(String($0)) }, "\(ids)")
                #expect(html.components(separatedBy: "aria-labelledby=\"item-").count == ids.count + 1)
            }
        }
    }
}

@Suite("Methods a route does not have")
struct MethodNotAllowedTests {
    @Test func aRoutedPathAskedWithAnotherMethodIs405NamingTheMethodsItHas() async throws {
        let s = try await TestService.make()
        try await s.app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .delete) { r in
                #expect(r.status == .methodNotAllowed)
                #expect(r.headers[.allow] == "GET, OPTIONS")
                #expect(r.headers[.contentType] == "application/problem+json")
                #expect(String(buffer: r.body).contains("\"methodNotAllowed\""))
            }
            try await client.execute(uri: "/status-lists/revocation/0", method: .put) { r in
                #expect(r.status == .methodNotAllowed)
                #expect(r.headers[.allow] == "GET, OPTIONS")
            }
            try await client.execute(uri: "/", method: .patch) { r in
                #expect(r.status == .methodNotAllowed)
                #expect(r.headers[.allow] == "GET, POST, OPTIONS")
            }
            try await client.execute(uri: "/credentials/issue", method: .options) { r in
                #expect(r.status == .noContent)
                #expect(r.headers[.allow] == "POST, OPTIONS")
            }
        }
    }

    @Test func aPathNoRouteHasStays404() async throws {
        let s = try await TestService.make()
        try await s.app.test(.router) { client in
            try await client.execute(uri: "/credentials/nothing", method: .delete) { r in
                #expect(r.status == .notFound)
                #expect(r.headers[.allow] == nil)
            }
            try await client.execute(uri: "/status-lists/revocation/0/extra", method: .get) { r in
                #expect(r.status == .notFound)
            }
        }
    }
}
