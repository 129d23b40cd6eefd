import CredentialIssuance
import CredentialJSON
import CredentialRegistry
import Foundation
import Hummingbird
import OpenID4VCI
import QRCode

/// The OpenID4VCI 1.0 credential issuer as a route group of the service: metadata (at the issuer and, for an issuer
/// identifier with a path, with the well-known segment inserted before the path), the token, nonce and credential
/// endpoints, offers (document, QR code, page, creation by API), the Token Status Lists of the SD-JWT VCs and the
/// SD-JWT VC type metadata. The protocol logic is the `OpenID4VCI` target's; this file only speaks HTTP.
enum OpenID4VCIRoutes {
    /// Adds the routes: what a wallet calls (metadata, offers, token, nonce, credential, the Token Status Lists and the
    /// type metadata) to the public group `open`, which answers CORS, since a wallet may run in a browser and
    /// holds only bearer tokens of its own; creating offers (an issuer's token) and the offer page to `router`.
    /// Returns the public routes' paths and methods, for their CORS preflight answers.
    static func add(
        to router: Router<ServiceRequestContext>, public open: RouterGroup<ServiceRequestContext>,
        state: CredentialServiceState
    ) -> [(path: String, method: String)] {
        let handlers = OpenID4VCIHandlers(state: state)
        var wallet: [(path: String, method: String)] = []
        let issuerPath = state.openID4VCI.description.issuerPath
        for name in ["openid-credential-issuer", "oauth-authorization-server"] {
            open.get(RouterPath("/.well-known/\(name)")) { request, _ in try handlers.wellKnown(name, request) }
            wallet.append(("/.well-known/\(name)", "GET"))
            // An issuer identifier with a path: the well-known segment goes before the path (OpenID4VCI 1.0 §12.2.2).
            if !issuerPath.isEmpty {
                open.get(RouterPath("/.well-known/\(name)" + issuerPath)) { request, _ in try handlers.wellKnown(name, request) }
                wallet.append(("/.well-known/\(name)" + issuerPath, "GET"))
            }
        }
        // Each writes a row or signs: bounded per client (--wallet-rate), like verification.
        open.post("/openid4vci/token") { request, context in
            guard state.walletLimiter.allow(context.clientAddress) else { throw ServiceProblem.rateLimited }
            return await handlers.token(request)
        }
        open.post("/openid4vci/nonce") { _, context in
            guard state.walletLimiter.allow(context.clientAddress) else { throw ServiceProblem.rateLimited }
            return await handlers.nonce()
        }
        open.post("/openid4vci/credential") { request, context in
            guard state.walletLimiter.allow(context.clientAddress) else { throw ServiceProblem.rateLimited }
            return await handlers.credential(request, context)
        }
        open.get("/openid4vci/offers/:id") { _, context in try await handlers.offer(context) }
        open.get("/openid4vci/offers/:id/qr.svg") { _, context in try await handlers.qr(context, png: false) }
        open.get("/openid4vci/offers/:id/qr.png") { _, context in try await handlers.qr(context, png: true) }
        open.get("/status-lists/token/:purpose/:number") { _, context in try await handlers.tokenStatusList(context) }
        open.get(RouterPath(LearningAchievementSDJWT.vctPath)) { _, _ in
            jsonResponse(LearningAchievementSDJWT.typeMetadata(issuer: state.openID4VCI.description.issuer))
        }
        wallet += [
            ("/openid4vci/token", "POST"), ("/openid4vci/nonce", "POST"), ("/openid4vci/credential", "POST"),
            ("/openid4vci/offers/:id", "GET"), ("/openid4vci/offers/:id/qr.svg", "GET"), ("/openid4vci/offers/:id/qr.png", "GET"),
            ("/status-lists/token/:purpose/:number", "GET"), (LearningAchievementSDJWT.vctPath, "GET"),
        ]
        // An issuer's bearer token creates offers: no CORS. The offer page is the learner's, same origin.
        router.post("/openid4vci/offers") { request, context in try await handlers.createOffer(request, context) }
        router.get("/offers/:id") { request, context in try await handlers.offerPage(request, context) }
        return wallet
    }
}

/// An OAuth/OpenID4VCI error answer: `{"error", "error_description"}` with the code's status, never cached.
func oauthError(_ error: OpenID4VCIError) -> Response {
    var response = jsonResponse(error.json, status: HTTPResponse.Status(code: error.code.status))
    response.headers[.cacheControl] = "no-store"
    if error.code == .invalidToken {
        response.headers[.wwwAuthenticate] = "Bearer error=\"invalid_token\""
    }
    return response
}

struct OpenID4VCIHandlers: Sendable {
    let state: CredentialServiceState
    var issuer: OpenID4VCIIssuer { state.openID4VCI }

    func noStore(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var response = jsonResponse(value, status: status)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// The well-known documents: at `/.well-known/<name>` and, for an issuer with a path, `/.well-known/<name><path>`.
    func wellKnown(_ name: String, _ request: Request) throws -> Response {
        let description = issuer.description
        let path = request.uri.path
        guard path == "/.well-known/\(name)" || (!description.issuerPath.isEmpty && path == "/.well-known/\(name)" + description.issuerPath) else {
            throw ServiceProblem.notFound
        }
        var response = jsonResponse(name == "openid-credential-issuer" ? description.metadata() : description.authorizationServerMetadata)
        response.headers[.cacheControl] = "public, max-age=300"
        response.headers[.accessControlAllowOrigin] = "*"
        return response
    }

    /// Reads a body of at most the OpenID4VCI request limit.
    func body(_ request: Request) async throws(OpenID4VCIError) -> [UInt8] {
        let limit = issuer.limits.maximumRequestBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw OpenID4VCIError(.invalidRequest, "the request body is larger than \(limit) bytes")
        }
        var request = request
        do { return Array(try await request.collectBody(upTo: limit).readableBytesView) } catch {
            throw OpenID4VCIError(.invalidRequest, "the request body is larger than \(limit) bytes")
        }
    }

    func token(_ request: Request) async -> Response {
        do throws(OpenID4VCIError) {
            let type = (request.headers[.contentType] ?? "").lowercased()
            guard type.hasPrefix("application/x-www-form-urlencoded") else {
                throw OpenID4VCIError(.invalidRequest, "the token request must be application/x-www-form-urlencoded")
            }
            let form = try Self.form(try await body(request))
            return noStore(try await issuer.token(form))
        } catch {
            return oauthError(error)
        }
    }

    /// application/x-www-form-urlencoded; a parameter given twice is refused (RFC 6749 §3.2).
    static func form(_ bytes: [UInt8]) throws(OpenID4VCIError) -> [String: String] {
        var out: [String: String] = [:]
        for pair in String(decoding: bytes, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (s: Substring) in s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : "") else {
                throw OpenID4VCIError(.invalidRequest, "the form is not valid application/x-www-form-urlencoded")
            }
            guard out.updateValue(value, forKey: name) == nil else { throw OpenID4VCIError(.invalidRequest, "the parameter \(name) is given twice") }
        }
        return out
    }

    func nonce() async -> Response {
        do throws(OpenID4VCIError) {
            return noStore(.object(["c_nonce": .string(try await issuer.nonce())]))
        } catch {
            return oauthError(error)
        }
    }

    func credential(_ request: Request, _ context: ServiceRequestContext) async -> Response {
        do throws(OpenID4VCIError) {
            guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
                throw OpenID4VCIError(.invalidToken, "the credential request needs the access token (Authorization: Bearer …)")
            }
            let token = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
            let bytes = try await body(request)
            let json: JSONValue
            do { json = try JSONParser.parse(bytes, limits: JSONParseLimits(maxDepth: 16, maxBytes: issuer.limits.maximumRequestBytes)) } catch {
                throw OpenID4VCIError(.invalidCredentialRequest, "the request body is not JSON: \(error.message)")
            }
            let delivered = try await issuer.credential(accessToken: token, body: json)
            context.logger.info(
                "openid4vci credential",
                metadata: [
                    "credential": "\(delivered.credentialID)", "configuration": "\(delivered.configuration.rawValue)",
                ])
            return noStore(delivered.response)
        } catch {
            if error.code == .serverError { context.logger.error("openid4vci credential failed", metadata: ["reason": "\(error.message)"]) }
            return oauthError(error)
        }
    }

    func offerID(_ context: ServiceRequestContext) throws -> String {
        guard let id = context.parameters.get("id"), !id.isEmpty, id.utf8.count <= 64,
            id.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F })
        else { throw ServiceProblem.notFound }
        return id
    }

    func storedOffer(_ context: ServiceRequestContext) async throws -> CredentialOfferRecord {
        let id = try offerID(context)
        let found: CredentialOfferRecord?
        do { found = try await state.registry.offer(id: id) } catch { throw ServiceProblem.internalError }
        guard let offer = found else { throw ServiceProblem.notFound }
        return offer
    }

    func offer(_ context: ServiceRequestContext) async throws -> Response {
        let offer = try await storedOffer(context)
        let document = issuer.description.offer(
            configurations: offer.configurations, preAuthorizedCode: offer.preAuthorizedCode,
            txCodeLength: offer.txCodeLength)
        return noStore(document)
    }

    func qr(_ context: ServiceRequestContext, png: Bool) async throws -> Response {
        let offer = try await storedOffer(context)
        let code: QRCode
        do { code = try QRCode(issuer.description.offerLink(offer.id)) } catch { throw ServiceProblem.internalError }
        if png {
            return Response(
                status: .ok, headers: [.contentType: "image/png", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: code.png())))
        }
        return Response(
            status: .ok, headers: [.contentType: "image/svg+xml", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: code.svg())))
    }

    func offerPage(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let offer = try await storedOffer(context)
        let link = issuer.description.offerLink(offer.id)
        let code: QRCode
        do { code = try QRCode(link) } catch { throw ServiceProblem.internalError }
        var response = WebPage.offerPage(
            link: link, svg: code.svg(scale: 6), expiresAt: offer.expiresAt, redeemed: offer.redeemedAt != nil,
            needsTxCode: offer.txCodeLength != nil, language: WebPage.language(for: request))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// `POST /openid4vci/offers` with `{"template", "recipient", "formats"?, "txCode"?}` (token scope `issue`): one
    /// learner's offer, idempotent per template id and learner id (201 on creation, 200 with the stored offer after).
    func createOffer(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let token = try await state.authorize(request, scope: .issue)
        let handlers = Handlers(state: state)
        let body = try await handlers.body(request)
        let template = try handlers.template(body["template"])
        let row = try handlers.recipient(body["recipient"], template: template)
        var configurations = CredentialConfiguration.allCases
        if let formats = body["formats"] {
            guard let names = formats.arrayValue?.compactMap(\.stringValue), !names.isEmpty, names.count == formats.arrayValue?.count else {
                throw ServiceProblem.badRequest(
                    "invalidFormats", "formats must be a non-empty array of dc+sd-jwt, ldp_vc, jwt_vc_json (or configuration ids)", path: "$.formats")
            }
            configurations = []
            for name in names {
                guard let configuration = CredentialConfiguration(name: name) else {
                    throw ServiceProblem.unprocessable("unsupportedFormat", "\(name) is not one of dc+sd-jwt, ldp_vc, jwt_vc_json", path: "$.formats")
                }
                if !configurations.contains(configuration) { configurations.append(configuration) }
            }
        }
        let withTxCode: Bool
        switch body["txCode"] {
        case nil, .null?: withTxCode = false
        case .bool(let wanted)?: withTxCode = wanted
        default: throw ServiceProblem.badRequest("invalidTxCode", "txCode must be true or false", path: "$.txCode")
        }
        let templateJSON: [UInt8]
        do {
            templateJSON = try OpenID4VCIIssuer.templateForStorage(template, json: Self.templateJSON(body["template"], folder: state.templateDirectory))
        } catch {
            throw ServiceProblem.unprocessable("invalidTemplate", "the template cannot be stored with the offer", path: "$.template")
        }
        let made: OpenID4VCIIssuer.CreatedOffer
        do {
            made = try await issuer.createOffer(
                template: template, templateJSON: templateJSON, row: row, configurations: configurations, withTxCode: withTxCode)
        } catch {
            context.logger.error("offer failed", metadata: ["reason": "\(error.message)"])
            throw ServiceProblem(status: 503, code: "registry", title: "Registry", detail: "the registry could not record the offer")
        }
        context.logger.info("offer", metadata: ["template": "\(template.id)", "created": "\(made.created)", "token": "\(token.name)"])
        return jsonResponse(Self.offerSummary(made, description: issuer.description), status: made.created ? .created : .ok)
    }

    /// The template's JSON: the named file's bytes, or the inline object.
    static func templateJSON(_ value: JSONValue?, folder: URL) -> [UInt8] {
        if let name = value?.stringValue, let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name + ".json").path) {
            return Array(data)
        }
        return value.map { JSONWriter.data($0) } ?? []
    }

    /// What the offer API and `skillcred offers create` tell about an offer.
    static func offerSummary(_ made: OpenID4VCIIssuer.CreatedOffer, description: CredentialIssuerDescription) -> JSONValue {
        var out: JSONObject = [
            "learner": .string(made.record.rowKey),
            "offerId": .string(made.record.id),
            "credentialOfferURI": .string(description.offerURI(made.record.id)),
            "offerLink": .string(description.offerLink(made.record.id)),
            "page": .string(description.offerPage(made.record.id)),
            "qrSVG": .string(description.offerURI(made.record.id) + "/qr.svg"),
            "qrPNG": .string(description.offerURI(made.record.id) + "/qr.png"),
            "configurations": .array(made.record.configurations.map(JSONValue.string)),
            "credentialId": .string(made.record.credentialID),
            "expiresAt": .string(XSDDateTime.format(made.record.expiresAt)),
            "created": .bool(made.created),
        ]
        if let tx = made.txCode { out["txCode"] = .string(tx) }
        return .object(out)
    }

    func tokenStatusList(_ context: ServiceRequestContext) async throws -> Response {
        guard let purpose = context.parameters.get("purpose"), purpose == "revocation",
            let number = context.parameters.get("number"), let listNumber = Int(number), listNumber >= 0
        else { throw ServiceProblem.notFound }
        let url = state.allocationPolicy.listURL(purpose: purpose, sequence: listNumber)
        let found: RevocationListWithSuspensions?
        do { found = try await state.registry.revocationListWithSuspensions(url: url) } catch { throw ServiceProblem.internalError }
        guard let list = found, list.revocation.issuer == state.issuerDID else { throw ServiceProblem.notFound }
        let ttl = max(1, state.configuration.statusListTTLMilliseconds / 1000)
        let token: String
        do { token = try issuer.statusListToken(for: list, ttl: ttl) } catch { throw ServiceProblem.internalError }
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/statuslist+jwt", .cacheControl: "public, max-age=\(ttl)",
                .accessControlAllowOrigin: "*",
            ],
            body: .init(byteBuffer: ByteBuffer(string: token)))
    }
}
