import CredentialIssuance
import CredentialJSON
import CredentialRegistry
import CredentialVerification
import DataIntegrity
import Foundation
import Hummingbird
import Logging
import StatusList

/// The HTTP routes (VC API shapes) and the web page.
public enum CredentialServiceRoutes {
    /// Builds the router. The same router serves `skillcred serve` and the in-process tests.
    public static func router(state: CredentialServiceState) -> Router<ServiceRequestContext> {
        let router = Router(context: ServiceRequestContext.self)
        router.add(middleware: RequestLogMiddleware())
        let dataDirectory = state.configuration.dataDirectory.standardizedFileURL.path
        router.add(
            middleware: ProblemMiddleware(hiddenPaths: [
                (dataDirectory, "DATA_DIR"), (FileManager.default.currentDirectoryPath, "."),
            ]))
        let handlers = Handlers(state: state)

        // Public: no token, callable from any origin (CORS on this group only). Each route also answers the CORS
        // preflight, OPTIONS, with the methods it has.
        let open = router.group().add(middleware: PublicCORSMiddleware())
        open.get("/healthz") { _, _ in
            jsonResponse(.object(["status": .string("ok")]))
        }
        open.get("/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
        open.post("/credentials/verify") { request, context in try await handlers.verify(request, context, presentation: false) }
        open.post("/presentations/verify") { request, context in try await handlers.verify(request, context, presentation: true) }
        open.get("/status-lists/:purpose/:number") { request, context in try await handlers.statusList(request, context) }
        open.get("/status-lists/issuers/:issuer/:purpose/:number") { request, context in try await handlers.statusList(request, context) }
        // The wallet side of OpenID4VCI is public too; creating offers is an issuer's (see OpenID4VCIRoutes).
        let wallet = OpenID4VCIRoutes.add(to: router, public: open, state: state)
        for (path, method) in [
            ("/healthz", "GET"), ("/openapi.yaml", "GET"), ("/credentials/verify", "POST"), ("/presentations/verify", "POST"),
            ("/status-lists/:purpose/:number", "GET"), ("/status-lists/issuers/:issuer/:purpose/:number", "GET"),
        ] + wallet {
            open.on(RouterPath(path), method: .options) { _, _ in Response(status: .noContent, headers: [.allow: "\(method), OPTIONS"]) }
        }

        // Issuer: a bearer token with the right scope; no CORS, so a page on another origin cannot drive them
        // with a user's token.
        router.post("/credentials/issue") { request, context in try await handlers.issue(request, context) }
        router.post("/credentials/status") { request, context in try await handlers.updateStatus(request, context) }

        // The web page: same-origin form posts.
        router.get("/") { request, _ in WebPage.form(language: WebPage.language(for: request)) }
        router.post("/") { request, context in try await handlers.page(request, context) }
        // Added after the routes, so it wraps only the router's "not found": a known path asked with another
        // method is a 405 naming the methods it has, not a 404 that says the path does not exist.
        router.add(middleware: MethodNotAllowedMiddleware(routes: router.routes.map { ($0.path, $0.method) }))
        return router
    }
}

/// Answers a request whose path is routed but whose method is not: 405 with `Allow` (RFC 9110 §15.5.6), and
/// `OPTIONS` with 204 and `Allow` (RFC 9110 §9.3.7). A path no route matches stays a 404.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The router's routes (paths as the router matches them).
    let routes: [(path: RouterPath, method: HTTPRequest.Method)]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError where error.status == .notFound {
            let asked = request.uri.path.split(separator: "/")
            let methods = routes.filter { route in
                route.path.components.count == asked.count && zip(route.path.components, asked).allSatisfy { $0 ~= $1 }
            }.map(\.method.rawValue)
            // A handler's own 404 (an unknown status list, say) is not a wrong method: the path has this one.
            guard !methods.isEmpty, !methods.contains(request.method.rawValue) else { throw error }
            let allow = (Set(methods).subtracting(["OPTIONS"]).sorted() + ["OPTIONS"]).joined(separator: ", ")
            if request.method == .options {
                return Response(status: .noContent, headers: [.allow: allow])
            }
            return ServiceProblem(
                status: 405, code: "methodNotAllowed", title: "Method not allowed",
                detail: "\(request.uri.path) answers \(allow), not \(request.method.rawValue)"
            )
            .response(headers: [.allow: allow])
        }
    }
}

func jsonResponse(_ value: JSONValue, status: HTTPResponse.Status = .ok, contentType: String = "application/json") -> Response {
    Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: jsonBuffer(value)))
}

/// `value` as pretty JSON in a response body, written as bytes: through a `String` it took one more pass and copy
/// per answer (every verification's report).
func jsonBuffer(_ value: JSONValue) -> ByteBuffer {
    ByteBuffer(bytes: JSONWriter.data(value, style: .pretty))
}

/// Logs each request once, with its id (Hummingbird puts `hb.request.id` in the context's logger), method,
/// path, status and duration; never bodies, headers or query strings (tokens, credentials), nor an offer's id (whoever
/// has it has the offer's pre-authorized code).
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The path with the segment after `offers/` replaced by `{id}`.
    static func loggable(_ path: String) -> String {
        guard let range = path.range(of: "/offers/") else { return path }
        let rest = path[range.upperBound...]
        let tail = rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? ""
        return String(path[..<range.upperBound]) + "{id}" + tail
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = (ContinuousClock.now - start).components
        let ms = elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000
        context.logger.info(
            "request",
            metadata: [
                "method": "\(request.method.rawValue)", "path": "\(Self.loggable(request.uri.path))",
                "status": "\(response.status.code)", "ms": "\(ms)",
            ])
        return response
    }
}

/// CORS for the public route group (verify, status lists, health, OpenAPI): any origin may read them and send
/// the preflight. The issuing and status-change routes are outside the group and get no CORS headers.
struct PublicCORSMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.headers[.origin] != nil else { return try await next(request, context) }
        if request.method == .options {
            return Response(
                status: .noContent,
                headers: [
                    .accessControlAllowOrigin: "*", .accessControlAllowMethods: "GET, POST, OPTIONS",
                    .accessControlAllowHeaders: "Content-Type, Accept, Authorization", .accessControlMaxAge: "600",
                ])
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = "*"
        return response
    }
}

struct Handlers: Sendable {
    let state: CredentialServiceState

    var limits: JSONParseLimits {
        JSONParseLimits(
            maxDepth: state.configuration.maxJSONDepth, maxBytes: state.configuration.maxBodyBytes,
            maxValues: state.configuration.maxJSONValues)
    }

    /// Reads the body within the size limit (413 beyond it) and parses it within the depth limit (400 beyond it).
    ///
    /// A body over 256 KiB is parsed on the verification threads: a 10 MB one takes a tenth of a second, which on
    /// the cooperative pool kept `/healthz` waiting past 100 ms.
    func body(_ request: Request) async throws -> JSONValue {
        let bytes = try await readBody(request)
        let limits = self.limits
        let parse = { Result { () throws(JSONParseError) in try JSONParser.parse(bytes.readableBytesView, limits: limits) } }
        let parsed = bytes.readableBytes > 256 * 1024 ? await withTaskExecutorPreference(VerificationExecutor.shared, operation: parse) : parse()
        do { return try parsed.get() } catch {
            if error.code == .tooLarge { throw ServiceProblem.tooLarge(state.configuration.maxBodyBytes) }
            if error.code == .tooManyValues {
                throw ServiceProblem(
                    status: 413, code: "tooManyValues", title: "Too many values",
                    detail: "the request body holds \(error.message) (--max-json-values); no credential comes near that")
            }
            throw ServiceProblem.badRequest(
                error.code == .tooDeep ? "jsonTooDeep" : "invalidJSON",
                "the body is not acceptable JSON: line \(error.line):\(error.column): \(error.message)")
        }
    }

    /// Reads the body within the size limit (413). (The body deadline is the connection's: see ``ConnectionLimiter``.)
    func readBody(_ request: Request) async throws -> ByteBuffer {
        let limit = state.configuration.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw ServiceProblem.tooLarge(limit) }
        var request = request
        do { return try await request.collectBody(upTo: limit) } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw ServiceProblem.tooLarge(limit)
        }
    }

    /// Refuses, before any work, a value that holds more credentials than one request may verify.
    func checkItemCount(_ json: JSONValue, path: String) throws {
        let limit = state.configuration.maxItemsPerRequest
        let count = InputDetector.itemCount(json, limit: limit)
        if count > limit { throw ServiceProblem.tooManyItems(count, limit: limit, path: path) }
    }

    /// An answer within the configured size, or the problem saying it would not be.
    func bounded(_ response: Response, size: Int) throws -> Response {
        let limit = state.configuration.maxAnswerBytes
        guard size <= limit else { throw ServiceProblem.answerTooLarge(size, limit: limit) }
        return response
    }

    // MARK: issue

    func issue(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let token = try await state.authorize(request, scope: .issue)
        let body = try await body(request)
        let options = try IssueOptions.parse(body["options"])
        if body["template"] != nil || body["recipient"] != nil {
            return try await issueFromTemplate(body, options: options, token: token, context)
        }
        guard case .object(var credential)? = body["credential"] else {
            throw ServiceProblem.badRequest(
                "missingCredential", "the body must be {\"credential\": {…}, \"options\": {…}} or {\"template\": …, \"recipient\": {…}, \"options\": {…}}",
                path: "$.credential")
        }
        guard options.format == .vc2 else {
            throw ServiceProblem.unprocessable(
                "unsupportedFormat", "a posted credential is secured as vc2; edc-jades is issued from a template and a recipient", path: "$.options.format")
        }
        let suite = options.suite
        let signer = try state.signingIdentity(for: suite)
        let issuerDID = signer.did
        guard credential["@context"]?.asArray.first?.stringValue == "https://www.w3.org/ns/credentials/v2" else {
            throw ServiceProblem.unprocessable(
                "unsupportedContext", "the credential's first @context must be https://www.w3.org/ns/credentials/v2", path: "$.credential['@context']")
        }
        if credential["proof"] != nil {
            throw ServiceProblem.unprocessable("alreadySecured", "the credential already has a proof", path: "$.credential.proof")
        }
        if credential["credentialStatus"] != nil {
            throw ServiceProblem.unprocessable(
                "statusAssignedByService", "the service assigns credentialStatus itself; leave it out", path: "$.credential.credentialStatus")
        }
        switch credential["issuer"] {
        case nil, .null?:
            credential["issuer"] = .string(issuerDID)
        case .string(let named)?:
            guard named == issuerDID else {
                throw ServiceProblem.unprocessable(
                    "issuerMismatch", "this service issues \(suite.rawValue) credentials only as \(issuerDID), not \(named)", path: "$.credential.issuer")
            }
        case .object(var issuerObject)?:
            switch issuerObject["id"] {
            case nil: issuerObject["id"] = .string(issuerDID); credential["issuer"] = .object(issuerObject)
            case .string(let named)? where named == issuerDID: break
            default:
                throw ServiceProblem.unprocessable(
                    "issuerMismatch", "this service issues \(suite.rawValue) credentials only as \(issuerDID)", path: "$.credential.issuer.id")
            }
        default:
            throw ServiceProblem.unprocessable("invalidIssuer", "issuer must be a string or an object", path: "$.credential.issuer")
        }
        let id: String
        switch credential["id"] {
        case nil: id = "urn:uuid:" + UUID().uuidString.lowercased(); credential["id"] = .string(id)
        case .string(let text)?: id = text
        default: throw ServiceProblem.unprocessable("invalidId", "id must be a string (a URL)", path: "$.credential.id")
        }
        // Before the registry reserves anything: a refused credential leaves no row behind.
        do throws(IssuerChecks.Refusal) {
            try IssuerChecks.check(.object(credential), cryptosuite: suite)
        } catch {
            let first = error.problems.first
            throw ServiceProblem.unprocessable(
                "dataModelViolation", "the credential breaks the VC data model: \(error)",
                path: first.map { "$.credential" + $0.path.dropFirst() } ?? "$.credential")
        }
        let records: [CredentialRecord]
        do {
            records = try await state.registry.reserve(
                [ReservationRequest(issuer: issuerDID, batch: "api", rowKey: id, format: "vc2", newCredentialID: id)],
                policy: state.statusPolicy(registryIssuer: issuerDID, format: .vc2))
        } catch {
            context.logger.error("registry reserve failed", metadata: ["code": "\(error.code)"])
            throw ServiceProblem(
                status: error.code == .conflict ? 409 : 503, code: "registry", title: "Registry", detail: "the registry could not reserve the credential")
        }
        guard let record = records.first else { throw ServiceProblem.internalError }
        if record.state == .issued {
            throw ServiceProblem(
                status: 409, code: "alreadyIssued", title: "Conflict", detail: "a credential with id \(id) was already issued", path: "$.credential.id")
        }
        let entries: [JSONValue] = record.statuses.map { s in
            .object([
                "id": .string("\(s.listURL)#\(s.index)"), "type": .string("BitstringStatusListEntry"),
                "statusPurpose": .string(s.purpose), "statusListIndex": .string(String(s.index)),
                "statusListCredential": .string(s.listURL),
            ])
        }
        credential["credentialStatus"] = entries.count == 1 ? entries[0] : .array(entries)
        let signed: JSONValue
        do {
            signed = try DataIntegritySigner(canonicalizer: JSONLDCanonicalizer()).addProof(
                to: .object(credential),
                options: ProofOptions(cryptosuite: suite, verificationMethod: signer.verificationMethod, created: XSDDateTime.format(Date())),
                key: signer.proofKey)
        } catch {
            throw ServiceProblem.unprocessable("cannotSecure", "the credential cannot be secured: \(error.message)", path: "$.credential")
        }
        do {
            try await state.registry.complete([(credentialID: id, document: JSONWriter.data(signed))], actor: "api:\(token.name)")
        } catch {
            context.logger.error("registry complete failed", metadata: ["code": "\(error.code)"])
            throw ServiceProblem(status: 503, code: "registry", title: "Registry", detail: "the registry could not record the credential")
        }
        context.logger.info("issued", metadata: ["credential": "\(id)", "token": "\(token.name)"])
        return jsonResponse(.object(["verifiableCredential": signed]), status: .created)
    }

    // MARK: verify

    func verify(_ request: Request, _ context: ServiceRequestContext, presentation: Bool) async throws -> Response {
        guard state.limiter.allow(context.clientAddress) else { throw ServiceProblem.rateLimited }
        let body = try await body(request)
        let member = presentation ? "verifiablePresentation" : "verifiableCredential"
        guard let item = body[member], item.objectValue != nil || item.stringValue != nil else {
            throw ServiceProblem.badRequest(
                "missing\(member.prefix(1).uppercased() + member.dropFirst())",
                "the body must be {\"\(member)\": …, \"options\": {…}}", path: "$.\(member)")
        }
        let options = body["options"]
        let challenge = options?["challenge"]?.stringValue
        let domain: [String]? = options?["domain"].flatMap { d in d.stringValue.map { [$0] } ?? d.arrayValue?.compactMap(\.stringValue) }
        try checkItemCount(item, path: "$.\(member)")
        let verifier = state.verifier(challenge: challenge, domain: domain)
        // A string is a compact JWT (the VC API's string form), checked by the verifier with the body's limits; an
        // object was parsed within the body limits already. (`nil` spelled out: JSONValue takes a nil literal as null.)
        let parsed: JSONValue? = item.stringValue == nil ? item : Optional<JSONValue>.none
        let reports = try await verifyQueued(verifier, json: parsed, bytes: Array((item.stringValue ?? "").utf8), source: member)
        guard let report = reports.first else { throw ServiceProblem.badRequest("nothingToVerify", "nothing to verify", path: "$.\(member)") }
        if presentation && report.kind != .presentation {
            throw ServiceProblem.badRequest("notAPresentation", "verifiablePresentation is not a presentation", path: "$.\(member)")
        }
        var result = JSONReportRenderer.json(report)
        if report.status == .failed {
            var problem = result.objectValue ?? [:]
            let first = report.problems.first?.detail ?? report.checks.first { $0.status == .error }?.reason ?? "verification failed"
            problem["type"] = .string("https://skillcred.example/problems/verificationFailed")
            problem["title"] = .string("Verification failed")
            problem["status"] = .number(JSONNumber(422))
            problem["code"] = .string("verificationFailed")
            problem["detail"] = .string(first)
            result = .object(problem)
            return try boundedJSON(result, status: .unprocessableContent, contentType: "application/problem+json")
        }
        return try boundedJSON(result)
    }

    func boundedJSON(_ value: JSONValue, status: HTTPResponse.Status = .ok, contentType: String = "application/json") throws -> Response {
        let buffer = jsonBuffer(value)
        return try bounded(
            Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: buffer)), size: buffer.readableBytes)
    }

    // MARK: status

    func updateStatus(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let token = try await state.authorize(request, scope: .status)
        let body = try await body(request)
        guard let id = body["credentialId"]?.stringValue else {
            throw ServiceProblem.badRequest("missingCredentialId", "credentialId is required", path: "$.credentialId")
        }
        let action: StatusAction
        if let actionName = body["action"]?.stringValue {
            guard let parsed = StatusAction(rawValue: actionName) else {
                throw ServiceProblem.badRequest("invalidAction", "action must be revoke, suspend or reinstate", path: "$.action")
            }
            action = parsed
        } else if let purpose = body["credentialStatus"]?["statusPurpose"]?.stringValue, let set = body["status"]?.boolValue {
            switch (purpose, set) {
            case ("revocation", true): action = .revoke
            case ("suspension", true): action = .suspend
            case ("suspension", false): action = .reinstate
            case ("revocation", false):
                throw ServiceProblem.unprocessable("revocationIsFinal", "a revoked credential cannot be reinstated", path: "$.status")
            default:
                throw ServiceProblem.badRequest(
                    "invalidStatusPurpose", "statusPurpose must be revocation or suspension", path: "$.credentialStatus.statusPurpose")
            }
        } else {
            throw ServiceProblem.badRequest(
                "missingAction", "give action (revoke|suspend|reinstate) or credentialStatus.statusPurpose with status (true|false)", path: "$")
        }
        let reason = body["reason"]?.stringValue
        let result: StatusChangeResult
        do {
            result = try await state.registry.changeStatus(credentialID: id, action: action, reason: reason, actor: "api:\(token.name)")
        } catch {
            switch error.code {
            case .notFound:
                throw ServiceProblem(
                    status: 404, code: "unknownCredential", title: "Not found", detail: "no credential \(id) in the registry", path: "$.credentialId")
            case .notAllowed, .noStatusEntry: throw ServiceProblem.unprocessable(error.code.name, error.message, path: "$.credentialId")
            default:
                context.logger.error("registry status change failed", metadata: ["code": "\(error.code)"])
                throw ServiceProblem(status: 503, code: "registry", title: "Registry", detail: "the registry could not change the status")
            }
        }
        context.logger.info("status changed", metadata: ["credential": "\(id)", "action": "\(action.rawValue)", "token": "\(token.name)"])
        return jsonResponse(
            .object([
                "credentialId": .string(id), "action": .string(action.rawValue), "changed": .bool(result.changed),
                "statusListCredential": .string(result.listURL), "statusListIndex": .string(String(result.index)),
            ]))
    }

    func statusList(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        guard let purpose = context.parameters.get("purpose"), let number = context.parameters.get("number"),
            StatusAllocationPolicy.standardPurposes.contains(purpose), let listNumber = Int(number), listNumber >= 0
        else { throw ServiceProblem.notFound }
        // `/status-lists/{purpose}/{number}` holds the Ed25519 issuer's lists; `/status-lists/issuers/{issuer}/{purpose}/{number}`
        // those of the service's other issuers (P-256 did:key, the EDC seal's organisation).
        let issuer: String
        let url: String
        if let slug = context.parameters.get("issuer") {
            let base = state.otherIssuersStatusBaseURL + "/" + slug
            guard
                let owner = state.otherIssuers.first(where: {
                    BatchIssuer.statusPolicy(registryIssuer: $0, format: .vc2, statusBaseURL: state.otherIssuersStatusBaseURL).statusBaseURL == base
                })
            else { throw ServiceProblem.notFound }
            issuer = owner
            url = "\(base)/\(purpose)/\(listNumber)"
        } else {
            issuer = state.issuerDID
            url = state.allocationPolicy.listURL(purpose: purpose, sequence: listNumber)
        }
        let found: StatusListSnapshot?
        do { found = try await state.registry.statusList(url: url) } catch { throw ServiceProblem.internalError }
        guard let list = found, list.issuer == issuer else { throw ServiceProblem.notFound }
        let credential = try state.statusListCredential(list)
        // An EDC issuer's list comes sealed: a JWS JSON document (RFC 7515 §7.2), not a bare credential.
        let sealed = credential["signatures"] != nil && credential["payload"] != nil
        var response = jsonResponse(credential, contentType: sealed ? "application/jose+json" : "application/vc+ld+json")
        response.headers[.cacheControl] = "public, max-age=\(state.configuration.statusListTTLMilliseconds / 1000)"
        return response
    }

    // MARK: web page

    func page(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let language = WebPage.language(for: request)
        guard state.limiter.allow(context.clientAddress) else { throw ServiceProblem.rateLimited }
        let raw = try await readBody(request)
        let contentType = request.headers[.contentType] ?? ""
        let form = try WebPage.decodeForm(Array(raw.readableBytesView), contentType: contentType)
        guard let bytes = form, !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else {
            return WebPage.form(language: language, message: WebPage.text(.nothingGiven, language), status: .badRequest)
        }
        // Parsed once, within the service's limits and inside the verification gate (parsing is work too); what is
        // not JSON (a compact JWT, broken text) goes to the verifier as bytes, which reports it.
        let verifier = state.verifier()
        let limits = self.limits
        let maxItems = state.configuration.maxItemsPerRequest
        let outcome: PageOutcome? = await state.verifyGate.run {
            await withTaskExecutorPreference(VerificationExecutor.shared) {
                var parsed: JSONValue?
                do { parsed = try JSONParser.parse(bytes, limits: limits) } catch let error as JSONParseError {
                    if error.code == .tooDeep { return .tooDeep }
                } catch {}
                if let parsed {
                    let count = InputDetector.itemCount(parsed, limit: maxItems)
                    if count > maxItems { return .tooMany(count) }
                    return .reports(await verifier.verify(json: parsed, source: "upload"))
                }
                return .reports(await verifier.verify(bytes: bytes, source: "upload"))
            }
        }
        switch outcome {
        case nil: throw ServiceProblem.busy
        case .tooDeep?:
            return WebPage.form(language: language, message: WebPage.text(.tooDeep, language), status: .badRequest)
        case .tooMany(let count)?:
            throw ServiceProblem.tooManyItems(count, limit: maxItems, path: "upload")
        case .reports(let reports)?:
            let (response, size) = WebPage.result(reports, language: language)
            return try bounded(response, size: size)
        }
    }

    enum PageOutcome: Sendable {
        case tooDeep
        case tooMany(Int)
        case reports([VerificationReport])
    }

    /// Verifies in the queue, on the verification threads: a parsed value as it is, otherwise `bytes` (a compact
    /// JWT, or text that is not JSON, which the verifier reports). 503 when too many verifications wait.
    func verifyQueued(_ verifier: CredentialVerifier, json: JSONValue?, bytes: [UInt8], source: String) async throws -> [VerificationReport] {
        let reports = await state.verifyGate.run {
            await withTaskExecutorPreference(VerificationExecutor.shared) {
                if let json { await verifier.verify(json: json, source: source) } else { await verifier.verify(bytes: bytes, source: source) }
            }
        }
        guard let reports else { throw ServiceProblem.busy }
        return reports
    }
}
