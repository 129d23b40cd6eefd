import CredentialIssuance
import CredentialJSON
import CredentialRegistry
import DataIntegrity
import Foundation
import Hummingbird
import JAdES
import KeyManagement
import X509

/// What the service issues with besides its Ed25519 issuer key; ``ServiceSetup/prepare(_:)`` makes it at first start.
public struct IssuingMaterial: Sendable {
    /// The P-256 key of the ECDSA suites (ecdsa-rdfc-2019, ecdsa-jcs-2019); its did:key is their issuer.
    public var ecdsaKey: PrivateKey?
    /// The e-seal that seals Europass EDCs (JAdES).
    public var sealer: JAdESSealer?
    /// JAdES trust anchors besides the configured folder (the demo CA of the demo seal).
    public var sealTrustAnchors: [Certificate]

    public init(ecdsaKey: PrivateKey? = nil, sealer: JAdESSealer? = nil, sealTrustAnchors: [Certificate] = []) {
        self.ecdsaKey = ecdsaKey
        self.sealer = sealer
        self.sealTrustAnchors = sealTrustAnchors
    }
}

/// A key the service signs Data Integrity proofs with, and the did:key it issues as with that key.
struct SigningIdentity: Sendable {
    let privateKey: PrivateKey
    let proofKey: ProofSigningKey
    let did: String
    let verificationMethod: String

    init(_ key: PrivateKey) throws {
        privateKey = key
        proofKey = try ProofSigningKey(key)
        did = try key.publicKey.didKey()
        verificationMethod = try key.publicKey.didKeyVerificationMethod()
    }
}

/// The `options` of `POST /credentials/issue`.
struct IssueOptions: Sendable {
    /// `vc2` unless `options.format` says `edc-jades`.
    var format: IssueFormat = .vc2
    /// `options.cryptosuite`, when given.
    var cryptosuite: Cryptosuite?

    /// The suite a VC 2.0 credential gets.
    var suite: Cryptosuite { cryptosuite ?? .eddsaRdfc2022 }

    static let formats = IssueFormat.allCases.map(\.rawValue).sorted()
    static let suites = Cryptosuite.allCases.map(\.rawValue)

    /// Reads the options; unknown members are ignored (the VC API lets clients send more than a service uses).
    static func parse(_ value: JSONValue?) throws(ServiceProblem) -> IssueOptions {
        var options = IssueOptions()
        guard let value, value != .null else { return options }
        guard let object = value.objectValue else {
            throw ServiceProblem.badRequest("invalidOptions", "options must be an object", path: "$.options")
        }
        if let formatValue = object["format"] {
            guard let name = formatValue.stringValue, let format = IssueFormat(rawValue: name) else {
                throw ServiceProblem.unprocessable(
                    "unsupportedFormat", "options.format must be one of \(formats.joined(separator: ", "))", path: "$.options.format")
            }
            options.format = format
        }
        if let suiteValue = object["cryptosuite"] {
            guard let name = suiteValue.stringValue, let suite = Cryptosuite(rawValue: name) else {
                throw ServiceProblem.unprocessable(
                    "unsupportedSuite", "options.cryptosuite must be one of \(suites.joined(separator: ", "))", path: "$.options.cryptosuite")
            }
            guard options.format == .vc2 else {
                throw ServiceProblem.unprocessable(
                    "unsupportedSuite", "edc-jades credentials are sealed with JAdES; options.cryptosuite applies to vc2 only", path: "$.options.cryptosuite")
            }
            options.cryptosuite = suite
        }
        // VC API clients may name the proof type; Data Integrity is the only one this service makes.
        for key in ["type", "proofType"] {
            if let proofType = object[key], proofType.stringValue != "DataIntegrityProof" {
                throw ServiceProblem.unprocessable("unsupportedSuite", "options.\(key) must be DataIntegrityProof", path: "$.options.\(key)")
            }
        }
        return options
    }
}

extension CredentialServiceState {
    /// The identity that signs proofs of `suite`: the Ed25519 issuer for EdDSA, the P-256 issuer for ECDSA.
    func signingIdentity(for suite: Cryptosuite) throws(ServiceProblem) -> SigningIdentity {
        if !suite.usesECDSA { return eddsaIdentity }
        guard let ecdsaIdentity else {
            throw ServiceProblem.unprocessable(
                "unsupportedSuite", "\(suite.rawValue) needs a P-256 key, and this service has none", path: "$.options.cryptosuite")
        }
        return ecdsaIdentity
    }

    /// The identity whose key signs status lists of `issuer`, when it is one of this service's DIDs.
    func signingIdentity(forIssuer issuer: String) -> SigningIdentity? {
        if issuer == eddsaIdentity.did { return eddsaIdentity }
        if let ecdsaIdentity, issuer == ecdsaIdentity.did { return ecdsaIdentity }
        return nil
    }

    /// Where a registry issuer's status lists go. The Ed25519 issuer keeps `BASE/<purpose>/<n>` (the
    /// service's first layout); every other issuer gets `BASE/issuers/<issuer slug>/<purpose>/<n>` (the slug as
    /// `skillcred issue` makes it), so that two issuers never claim one URL.
    func statusPolicy(registryIssuer: String, format: IssueFormat) -> StatusAllocationPolicy {
        if registryIssuer == issuerDID {
            var policy = allocationPolicy
            policy.purposes = BatchIssuer.statusPurposes(format)
            return policy
        }
        return BatchIssuer.statusPolicy(registryIssuer: registryIssuer, format: format, statusBaseURL: otherIssuersStatusBaseURL)
    }

    /// The prefix of the status lists of the issuers other than the Ed25519 one.
    var otherIssuersStatusBaseURL: String { configuration.statusBaseURL + "/issuers" }

    /// The registry issuers whose lists `GET /status-lists/issuers/{issuer}/{purpose}/{n}` serves.
    var otherIssuers: [String] {
        [ecdsaIssuerDID, edcSecuring?.registryIssuer].compactMap { $0 }
    }
}

/// Template names: a file `NAME.json` in the service's template folder.
enum TemplateNames {
    static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 128
            && name.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x5F || c == 0x2D
            }
    }

    /// The names of the templates in `directory`, sorted.
    static func list(_ directory: URL) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.filter(isValid).sorted()
    }
}

extension Handlers {
    /// `POST /credentials/issue` with `{"template", "recipient", "options"}`: one credential from a template
    /// and one recipient record, through the same pipeline as `skillcred issue` (``BatchIssuer``).
    ///
    /// Idempotent per template id + recipient id + format, as a batch re-run is: the first request issues
    /// (201), a repeat returns the stored credential unchanged (200), whatever else the repeat says.
    func issueFromTemplate(_ body: JSONValue, options: IssueOptions, token: APIToken, _ context: ServiceRequestContext) async throws -> Response {
        if body["credential"] != nil {
            throw ServiceProblem.badRequest("ambiguousRequest", "give either credential, or template and recipient, not both", path: "$.credential")
        }
        let template = try template(body["template"])
        let row = try recipient(body["recipient"], template: template)
        let securing: CredentialSecuring
        switch options.format {
        case .edcJAdES:
            guard let edc = state.edcSecuring else {
                throw ServiceProblem.unprocessable("noSeal", "this service has no e-seal, so it cannot issue edc-jades", path: "$.options.format")
            }
            securing = edc
        case .vc2:
            let identity = try state.signingIdentity(for: options.suite)
            do {
                securing = try CredentialSecuring.dataIntegrity(
                    key: identity.privateKey, issuerName: template.awardingBody.legalName,
                    country: template.awardingBody.country,
                    eIDASIdentifier: template.awardingBody.eIDASIdentifier, cryptosuite: options.suite)
            } catch {
                throw ServiceProblem.unprocessable("unsupportedSuite", error.message, path: "$.options.cryptosuite")
            }
        }
        var issuer = BatchIssuer(
            template: template, securing: securing, registry: state.registry,
            outputDirectory: state.configuration.dataDirectory, statusBaseURL: state.configuration.statusBaseURL)
        issuer.actor = "api:\(token.name)"
        let issued: BatchIssuer.SingleIssue
        do {
            issued = try await issuer.issueOne(row, policy: state.statusPolicy(registryIssuer: securing.registryIssuer, format: securing.format))
        } catch {
            switch error.code {
            case .registry:
                context.logger.error("registry issue failed", metadata: ["code": "\(error.code)"])
                throw ServiceProblem(status: 503, code: "registry", title: "Registry", detail: "the registry could not record the credential")
            case .profileViolation:
                throw ServiceProblem.unprocessable("profileViolation", error.message, path: "$.template")
            default:
                throw ServiceProblem.unprocessable("cannotSecure", "the credential cannot be secured: \(error.message)", path: "$.template")
            }
        }
        let document: JSONValue
        do { document = try JSONParser.parse(issued.document) } catch { throw ServiceProblem.internalError }
        context.logger.info(
            "issued",
            metadata: [
                "credential": "\(issued.credentialID)", "template": "\(template.id)", "format": "\(options.format.rawValue)",
                "repeat": "\(issued.alreadyIssued)", "token": "\(token.name)",
            ])
        return jsonResponse(.object(["verifiableCredential": document]), status: issued.alreadyIssued ? .ok : .created)
    }

    /// `template`: a template object, or the name of one in `DATA_DIR/templates`.
    func template(_ value: JSONValue?) throws(ServiceProblem) -> CredentialTemplate {
        let folder = state.templateDirectory
        switch value {
        case .string(let name)?:
            guard TemplateNames.isValid(name) else {
                throw ServiceProblem.badRequest("invalidTemplateName", "a template name is 1–128 letters, digits, '.', '_' or '-'", path: "$.template")
            }
            let path = folder.appendingPathComponent(name + ".json").path
            guard FileManager.default.fileExists(atPath: path) else {
                let known = TemplateNames.list(folder)
                throw ServiceProblem(
                    status: 404, code: "unknownTemplate", title: "Not found",
                    detail: "the service has no template \(name) (it has: \(known.isEmpty ? "none" : known.joined(separator: ", ")))",
                    path: "$.template")
            }
            do { return try CredentialTemplate.load(path: path) } catch {
                let at = error.location.flatMap { l in l.range(of: ": $").map { " at $" + l[$0.upperBound...] } } ?? ""
                throw ServiceProblem.unprocessable("invalidTemplate", "the service's template \(name) is not usable\(at): \(error.message)", path: "$.template")
            }
        case .object?:
            let bytes = JSONWriter.data(value!)
            do {
                return try CredentialTemplate.parse(bytes, name: "template") { (image: String) throws(IssuanceError) -> [UInt8] in
                    try Self.inlineTemplateImage(image, folder: folder)
                }
            } catch {
                var path = "$.template"
                if let location = error.location, let range = location.range(of: ": $") { path += location[range.upperBound...] }
                throw ServiceProblem.unprocessable("invalidTemplate", error.message, path: path)
            }
        default:
            throw ServiceProblem.badRequest(
                "invalidTemplate", "template must be a template object (as in samples/templates) or the name of a template the service has",
                path: "$.template")
        }
    }

    /// An inline template's `display.image`: a `data:` URI, or the file name of an image in the template
    /// folder. Never a path: a request must not read files of the server's choosing.
    static func inlineTemplateImage(_ image: String, folder: URL) throws(IssuanceError) -> [UInt8] {
        let location = "template: $.display.image"
        if image.hasPrefix("data:") {
            guard let comma = image.firstIndex(of: ","), image[..<comma].hasSuffix(";base64"),
                let bytes = Data(base64Encoded: String(image[image.index(after: comma)...]))
            else {
                throw IssuanceError(.invalidTemplate, "must be a base64 data: URI such as data:image/png;base64,…", location: location)
            }
            return Array(bytes)
        }
        guard TemplateNames.isValid(image), !image.hasPrefix("."),
            let bytes = FileManager.default.contents(atPath: folder.appendingPathComponent(image).path)
        else {
            throw IssuanceError(
                .invalidTemplate, "must be a data: URI (data:image/png;base64,…) or the file name of an image in the service's template folder",
                location: location)
        }
        return Array(bytes)
    }

    /// `recipient`: one record with the columns of a recipients CSV row, checked by the same rules.
    func recipient(_ value: JSONValue?, template: CredentialTemplate) throws(ServiceProblem) -> RecipientRow {
        guard let object = value?.objectValue else {
            throw ServiceProblem.badRequest(
                "invalidRecipient", "recipient must be an object with id, givenName, familyName and the template's columns",
                path: "$.recipient")
        }
        let base = JSONPath.root.appending("recipient")
        var values: [String: String] = [:]
        for member in object {
            switch member.value {
            case .string(let text): values[member.key] = text
            case .number(let number): values[member.key] = number.lexeme
            case .null: continue
            default:
                throw ServiceProblem.unprocessable("invalidRecipient", "must be a string", path: base.appending(member.key).description)
            }
        }
        let validation = Recipients.validate(values: values, template: template)
        if let row = validation.validRows.first { return row }
        let problems = validation.problems
        let path = { (p: RowProblem) in base.appending(p.column).description }
        throw ServiceProblem(
            status: 422, code: "invalidRecipient", title: "Unprocessable content",
            detail: problems.map { "\(path($0)): \($0.reason)" }.joined(separator: "; "),
            path: problems.first.map(path),
            extra: [
                "errors": .array(
                    problems.map { p in
                        .object(["instance": .string(path(p)), "code": .string(p.code.rawValue), "detail": .string(p.reason)])
                    })
            ])
    }
}
