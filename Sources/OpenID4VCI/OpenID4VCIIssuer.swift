import CredentialIssuance
import CredentialJSON
import CredentialRegistry
import Crypto
import Foundation
import KeyManagement
import LearningModel
import Multiformats
import SDJWT
import StatusList

/// Bounds and lifetimes of the OpenID4VCI endpoints; every one has a default.
public struct OpenID4VCILimits: Sendable, Hashable {
    /// How long a new offer's pre-authorized code is accepted (default 7 days).
    public var offerLifetime: TimeInterval = 7 * 24 * 3600
    /// How long an access token works (default 300 s).
    public var accessTokenLifetime: TimeInterval = 300
    /// How long a `c_nonce` works (default 300 s).
    public var nonceLifetime: TimeInterval = 300
    /// Largest credential or token request body (default 64 KiB).
    public var maximumRequestBytes: Int = 64 * 1024
    /// Key proofs in one credential request (default 1: batch issuance is not offered).
    public var maximumProofs: Int = 1
    /// Digits of a transaction code (default 6).
    public var txCodeLength: Int = 6
    /// Decoy digests per SD-JWT object with disclosable members (default 1).
    public var decoysPerObject: Int = 1

    public init() {}
}

/// The credential issuer's protocol logic, free of HTTP: offers, the token, nonce and credential endpoints, and the
/// Token Status Lists of the SD-JWT VCs. State lives in the registry (``CredentialOfferStore``).
public struct OpenID4VCIIssuer: Sendable {
    public let description: CredentialIssuerDescription
    public let registry: any RegistryStore
    /// The Ed25519 issuer key (the service's did:key): signs SD-JWT VCs, ldp_vc proofs and Token Status Lists.
    public let key: PrivateKey
    public let issuerDID: String
    public let verificationMethod: String
    /// Where the registry's status lists are served (`…/status-lists`); Token Status Lists are under `…/token/`.
    public let statusBaseURL: String
    public var limits: OpenID4VCILimits

    public init(
        issuer: String, registry: any RegistryStore, key: PrivateKey, statusBaseURL: String, limits: OpenID4VCILimits = OpenID4VCILimits()
    ) throws(KeyError) {
        self.description = CredentialIssuerDescription(issuer: issuer)
        self.registry = registry
        self.key = key
        self.issuerDID = try key.publicKey.didKey()
        self.verificationMethod = try key.publicKey.didKeyVerificationMethod()
        var base = statusBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.statusBaseURL = base
        self.limits = limits
    }

    static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func randomToken(bytes: Int = 32) -> String {
        Base64URL.encode((0..<bytes).map { _ in UInt8.random(in: 0...255) })
    }

    static func storageError(_ error: RegistryError) -> OpenID4VCIError {
        OpenID4VCIError(.serverError, "the registry could not be used")
    }

    // MARK: - Offers

    /// What ``createOffer(template:row:configurations:withTxCode:now:)`` made or found.
    public struct CreatedOffer: Sendable {
        public var record: CredentialOfferRecord
        /// False when the learner already had an offer for this template (it is returned unchanged).
        public var created: Bool
        /// The transaction code, only when this call created the offer with one (it is stored only as a hash).
        public var txCode: String?
    }

    /// One learner's offer: reserves (or finds) the learner's registry record, whose status entries every format
    /// delivered from it shares, and stores the offer. Idempotent per issuer, template id and learner id.
    public func createOffer(
        template: CredentialTemplate, templateJSON: [UInt8], row: RecipientRow, configurations: [CredentialConfiguration],
        withTxCode: Bool, now: Date = Date()
    ) async throws(OpenID4VCIError) -> CreatedOffer {
        if let existing = try await lookup({ () async throws(RegistryError) in try await registry.offer(issuer: issuerDID, batch: template.id, rowKey: row.id) }
        ) {
            return CreatedOffer(record: existing, created: false, txCode: nil)
        }
        let policy = StatusAllocationPolicy(purposes: BatchIssuer.statusPurposes(.vc2), statusBaseURL: statusBaseURL)
        let request = ReservationRequest(
            issuer: issuerDID, batch: template.id, rowKey: row.id, format: Self.registryFormat,
            newCredentialID: "urn:credential:" + UUID().uuidString.lowercased())
        let record: CredentialRecord
        do {
            guard let reserved = try await registry.reserve([request], policy: policy).first else { throw OpenID4VCIError(.serverError, "no reservation") }
            record = reserved
        } catch let error as OpenID4VCIError { throw error } catch let error as RegistryError { throw Self.storageError(error) } catch {
            throw OpenID4VCIError(.serverError, "the registry could not be used")
        }
        let txCode = withTxCode ? String((0..<limits.txCodeLength).map { _ in Character(String(Int.random(in: 0...9))) }) : nil
        let values = JSONValue.object(JSONObject(row.values.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }))
        let offer = CredentialOfferRecord(
            id: Self.randomToken(bytes: 16), issuer: issuerDID, batch: template.id, rowKey: row.id, credentialID: record.id,
            configurations: configurations.map(\.rawValue), template: templateJSON, recipient: JSONWriter.data(values),
            preAuthorizedCode: Self.randomToken(), txCodeHash: txCode.map(Self.sha256Hex), txCodeLength: txCode.map { $0.count },
            expiresAt: now.addingTimeInterval(limits.offerLifetime), createdAt: now)
        let stored: (offer: CredentialOfferRecord, created: Bool)
        do { stored = try await registry.createOffer(offer) } catch { throw Self.storageError(error) }
        return CreatedOffer(record: stored.offer, created: stored.created, txCode: stored.created ? txCode : nil)
    }

    /// The registry `format` of the record an offer's credentials share.
    public static let registryFormat = "openid4vci"

    private func lookup<T>(_ body: () async throws(RegistryError) -> T) async throws(OpenID4VCIError) -> T {
        do { return try await body() } catch { throw Self.storageError(error) }
    }

    /// The credential offer document behind `credential_offer_uri`, or nil for an unknown id.
    public func offerDocument(id: String) async throws(OpenID4VCIError) -> JSONValue? {
        guard let offer = try await lookup({ () async throws(RegistryError) in try await registry.offer(id: id) }) else { return nil }
        return description.offer(configurations: offer.configurations, preAuthorizedCode: offer.preAuthorizedCode, txCodeLength: offer.txCodeLength)
    }

    // MARK: - Token endpoint

    /// The token endpoint (pre-authorized code grant, OpenID4VCI 1.0 §6): form parameters in, token response out.
    public func token(_ form: [String: String], now: Date = Date()) async throws(OpenID4VCIError) -> JSONValue {
        guard let grant = form["grant_type"] else { throw OpenID4VCIError(.invalidRequest, "grant_type is missing") }
        guard grant == CredentialIssuerDescription.preAuthorizedGrant else {
            throw OpenID4VCIError(.unsupportedGrantType, "only the pre-authorized code grant is supported")
        }
        guard let code = form["pre-authorized_code"], !code.isEmpty, code.utf8.count <= 256 else {
            throw OpenID4VCIError(.invalidRequest, "pre-authorized_code is missing")
        }
        let accessToken = Self.randomToken()
        let expires = now.addingTimeInterval(limits.accessTokenLifetime)
        let txHash = form["tx_code"].map(Self.sha256Hex)
        let outcome = try await lookup { () async throws(RegistryError) in
            try await registry.redeemPreAuthorizedCode(
                code, txCodeHash: txHash, accessTokenHash: Self.sha256Hex(accessToken), tokenExpiresAt: expires, now: now)
        }
        switch outcome {
        case .redeemed:
            return .object([
                "access_token": .string(accessToken), "token_type": "Bearer",
                "expires_in": .number(JSONNumber(Int(limits.accessTokenLifetime))),
            ])
        case .unknown: throw OpenID4VCIError(.invalidGrant, "the pre-authorized code is not known")
        case .alreadyRedeemed: throw OpenID4VCIError(.invalidGrant, "the pre-authorized code was already used")
        case .expired: throw OpenID4VCIError(.invalidGrant, "the pre-authorized code has expired; ask the issuer for a new offer")
        case .wrongTransactionCode:
            throw OpenID4VCIError(.invalidGrant, form["tx_code"] == nil ? "this offer needs its transaction code (tx_code)" : "the transaction code is wrong")
        case .locked: throw OpenID4VCIError(.invalidGrant, "too many wrong transaction codes: the pre-authorized code no longer works")
        }
    }

    // MARK: - Nonce endpoint

    /// A fresh `c_nonce`, stored in the registry until it is used or expires.
    public func nonce(now: Date = Date()) async throws(OpenID4VCIError) -> String {
        let nonce = Self.randomToken()
        try await lookup { () async throws(RegistryError) in try await registry.insertNonce(nonce, expiresAt: now.addingTimeInterval(limits.nonceLifetime)) }
        return nonce
    }

    // MARK: - Credential endpoint

    /// A delivered credential.
    public struct Delivered: Sendable {
        /// The credential response (`{"credentials": [{"credential": …}]}`).
        public var response: JSONValue
        public var configuration: CredentialConfiguration
        public var credentialID: String
    }

    /// The credential endpoint: an access token from the token endpoint, and the request body.
    public func credential(accessToken: String, body: JSONValue, now: Date = Date()) async throws(OpenID4VCIError) -> Delivered {
        guard
            let offer = try await lookup({ () async throws(RegistryError) in
                try await registry.offer(accessTokenHash: Self.sha256Hex(accessToken), now: now)
            })
        else {
            throw OpenID4VCIError(.invalidToken, "the access token is unknown or has expired")
        }
        guard let request = body.objectValue else { throw OpenID4VCIError(.invalidCredentialRequest, "the request body must be a JSON object") }
        if request["credential_identifier"] != nil {
            throw OpenID4VCIError(.unknownCredentialIdentifier, "this issuer gives no credential_identifier; ask by credential_configuration_id")
        }
        guard let configurationID = request["credential_configuration_id"]?.stringValue else {
            throw OpenID4VCIError(.invalidCredentialRequest, "credential_configuration_id is missing")
        }
        guard let configuration = CredentialConfiguration(rawValue: configurationID) else {
            throw OpenID4VCIError(.unknownCredentialConfiguration, "this issuer has no credential configuration \(configurationID)")
        }
        guard offer.configurations.contains(configurationID) else {
            throw OpenID4VCIError(.unknownCredentialConfiguration, "the offer this access token belongs to does not include \(configurationID)")
        }
        let proof = try proofJWT(request)
        let holder = try await KeyProofVerifier(issuerIdentifier: description.issuer).verify(proof, now: now)
        // The nonce is used up only after the proof verified, so a forged proof cannot burn a holder's nonce;
        // a replayed proof finds its nonce gone.
        let fresh = try await lookup { () async throws(RegistryError) in try await registry.consumeNonce(holder.nonce, now: now) }
        guard fresh else { throw OpenID4VCIError(.invalidNonce, "the proof's nonce is unknown, expired or already used; fetch a new c_nonce") }

        let state = try await lookup { () async throws(RegistryError) in try await registry.statusState(credentialID: offer.credentialID) }
        if state.revoked { throw OpenID4VCIError(.credentialRequestDenied, "the learner's credential has been revoked") }
        if state.suspended { throw OpenID4VCIError(.credentialRequestDenied, "the learner's credential is suspended") }

        let template: CredentialTemplate
        do { template = try CredentialTemplate.parse(offer.template, name: "offer template", readImage: Self.dataURIImage) } catch {
            throw OpenID4VCIError(.serverError, "the offer's template cannot be read")
        }
        let row = RecipientRow(line: 0, values: Self.values(offer.recipient))
        let credential: JSONValue
        let document: [UInt8]
        switch configuration {
        case .sdJWT:
            guard let revocation = state.record.status(for: "revocation") else {
                throw OpenID4VCIError(.serverError, "the learner's record has no revocation entry")
            }
            let issuer = SDJWTVCIssuer(
                key: key, issuer: issuerDID, keyID: verificationMethod,
                payloadBuilder: SDJWTPayloadBuilder(decoysPerObject: limits.decoysPerObject))
            let token: String
            do {
                token = try issuer.issue(
                    vct: LearningAchievementSDJWT.vct(issuer: description.issuer),
                    claims: LearningAchievementSDJWT.claims(template: template, row: row), holderKey: holder.jwk,
                    status: .init(index: revocation.index, uri: tokenListURL(forBitstringList: revocation.listURL)),
                    issuedAt: now, expiresAt: template.validForDays.map { now.addingTimeInterval(Double($0) * 86_400) })
            } catch { throw OpenID4VCIError(.serverError, "the SD-JWT VC cannot be signed") }
            credential = .string(token)
            document = Array(token.utf8)
        case .ldpVC:
            let securing: CredentialSecuring
            do {
                securing = try CredentialSecuring.dataIntegrity(
                    key: key, issuerName: template.awardingBody.legalName, country: template.awardingBody.country,
                    eIDASIdentifier: template.awardingBody.eIDASIdentifier, cryptosuite: .eddsaRdfc2022)
            } catch { throw OpenID4VCIError(.serverError, "the issuer key cannot sign eddsa-rdfc-2022") }
            let batch = BatchIssuer(
                template: template, securing: securing, registry: registry, outputDirectory: FileManager.default.temporaryDirectory,
                statusBaseURL: statusBaseURL)
            do { document = try batch.secure(row: row, record: state.record, now: now, subjectID: holder.did) } catch {
                throw OpenID4VCIError(.serverError, "the credential cannot be secured: \(error.message)")
            }
            do { credential = try JSONParser.parse(document) } catch { throw OpenID4VCIError(.serverError, "the credential cannot be read back") }
        case .jwtVC:
            let jwt = try jwtVC(template: template, row: row, record: state.record, holderDID: holder.did, now: now)
            credential = .string(jwt)
            document = Array(jwt.utf8)
        }
        // Each delivery is recorded (audit log: issue by openid4vci:<configuration>); the record keeps the latest.
        try await lookup { () async throws(RegistryError) in
            try await registry.complete([(credentialID: offer.credentialID, document: document)], actor: "openid4vci:" + configuration.rawValue)
        }
        return Delivered(
            response: .object(["credentials": .array([.object(["credential": credential])])]),
            configuration: configuration, credentialID: offer.credentialID)
    }

    /// A `jwt_vc_json` credential (VC Data Model 1.1 as a JWT, the `vc` claim): `iss` the issuer's did:key, `sub` and
    /// `credentialSubject.id` the holder's DID, `jti` the record's id, `nbf`/`iat`/`exp`, and the record's revocation
    /// entry as a `BitstringStatusListEntry`, so revoking the record revokes this form too.
    func jwtVC(template: CredentialTemplate, row: RecipientRow, record: CredentialRecord, holderDID: String, now: Date) throws(OpenID4VCIError) -> String {
        var subject: JSONObject = ["id": .string(holderDID)]
        for member in LearningAchievementSDJWT.plain(LearningAchievementSDJWT.claims(template: template, row: row)) { subject[member.key] = member.value }
        var vc: JSONObject = [
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "type": .array(LearningAchievementSDJWT.jwtVCTypes.map(JSONValue.string)),
            "credentialSubject": .object(subject),
        ]
        if let revocation = record.status(for: "revocation") {
            vc["credentialStatus"] = .object([
                "id": .string("\(revocation.listURL)#\(revocation.index)"), "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation", "statusListIndex": .string(String(revocation.index)),
                "statusListCredential": .string(revocation.listURL),
            ])
        }
        let issuedAt = Int(now.timeIntervalSince1970)
        var payload: JSONObject = [
            "iss": .string(issuerDID), "sub": .string(holderDID), "jti": .string(record.id),
            "nbf": .number(JSONNumber(issuedAt)), "iat": .number(JSONNumber(issuedAt)),
        ]
        if let days = template.validForDays { payload["exp"] = .number(JSONNumber(issuedAt + days * 86_400)) }
        payload["vc"] = .object(vc)
        do { return try SDJWTIssuing.sign(header: ["typ": "JWT", "kid": .string(verificationMethod)], payload: .object(payload), key: key) } catch {
            throw OpenID4VCIError(.serverError, "the jwt_vc_json credential cannot be signed")
        }
    }

    /// The one `jwt` proof of a request: `proofs.jwt` (1.0) or the older single `proof` object.
    func proofJWT(_ request: JSONObject) throws(OpenID4VCIError) -> String {
        switch (request["proofs"], request["proof"]) {
        case (.some, .some): throw OpenID4VCIError(.invalidCredentialRequest, "give proofs or proof, not both")
        case (nil, nil): throw OpenID4VCIError(.invalidProof, "the request has no key proof (proofs.jwt)")
        case (let proofs?, nil):
            guard let object = proofs.objectValue, object.count == 1, let jwts = object["jwt"]?.arrayValue else {
                throw OpenID4VCIError(.invalidProof, "proofs must be {\"jwt\": [one proof JWT]}; only the jwt proof type is supported")
            }
            guard jwts.count <= limits.maximumProofs else {
                throw OpenID4VCIError(
                    .invalidProof, "proofs.jwt holds \(jwts.count) proofs; this issuer takes \(limits.maximumProofs) per request (no batch issuance)")
            }
            guard let jwt = jwts.first?.stringValue else { throw OpenID4VCIError(.invalidProof, "proofs.jwt must hold one proof JWT string") }
            return jwt
        case (nil, let proof?):
            guard proof["proof_type"]?.stringValue == "jwt", let jwt = proof["jwt"]?.stringValue else {
                throw OpenID4VCIError(.invalidProof, "proof must be {\"proof_type\": \"jwt\", \"jwt\": …}")
            }
            return jwt
        }
    }

    static func values(_ bytes: [UInt8]) -> [String: String] {
        var out: [String: String] = [:]
        for member in (try? JSONParser.parse(bytes))?.objectValue ?? JSONObject() {
            if let text = member.value.stringValue { out[member.key] = text }
        }
        return out
    }

    /// The image of a stored template: always a `data:` URI (``templateForStorage(_:)`` put it there).
    static func dataURIImage(_ image: String) throws(IssuanceError) -> [UInt8] {
        guard image.hasPrefix("data:"), let comma = image.firstIndex(of: ","), image[..<comma].hasSuffix(";base64"),
            let bytes = Data(base64Encoded: String(image[image.index(after: comma)...]))
        else {
            throw IssuanceError(.invalidTemplate, "the stored template's image is not a data: URI", location: "$.display.image")
        }
        return Array(bytes)
    }

    /// The template JSON as an offer stores it: the file's JSON with `display.image` replaced by a `data:` URI of the
    /// image the template was loaded with, so the service needs no file to build the credentials later.
    public static func templateForStorage(_ template: CredentialTemplate, json: [UInt8]) throws(OpenID4VCIError) -> [UInt8] {
        guard case .object(var root)? = try? JSONParser.parse(json), case .object(var display)? = root["display"] else {
            throw OpenID4VCIError(.invalidRequest, "the template is not a JSON object with display")
        }
        let type = template.displayImageType.uppercased() == "JPEG" ? "image/jpeg" : "image/png"
        display["image"] = .string("data:\(type);base64,\(template.displayImageBase64)")
        root["display"] = .object(display)
        return JSONWriter.data(.object(root))
    }

    // MARK: - Token Status Lists

    /// The Token Status List an SD-JWT VC names for the Bitstring Status List entry of its record:
    /// `…/status-lists/revocation/1` → `…/status-lists/token/revocation/1`.
    public func tokenListURL(forBitstringList url: String) -> String {
        guard url.hasPrefix(statusBaseURL + "/") else { return url }
        return statusBaseURL + "/token/" + url.dropFirst(statusBaseURL.count + 1)
    }

    /// The Bitstring Status List a Token Status List URL mirrors, or nil when it is not one.
    public func bitstringListURL(forTokenList url: String) -> String? {
        let prefix = statusBaseURL + "/token/"
        guard url.hasPrefix(prefix) else { return nil }
        return statusBaseURL + "/" + url.dropFirst(prefix.count)
    }

    /// The signed `statuslist+jwt` for a registry revocation list: two bits per entry, 1 (invalid) where the
    /// record is revoked and 2 (suspended) where it is suspended, packed as the Token Status List packs them (least
    /// significant bits first). An SD-JWT VC names only its record's revocation index, so this one list carries both
    /// of the registry's bits: revoking, suspending or reinstating the record shows in the SD-JWT VC at once.
    public func statusListToken(for list: RevocationListWithSuspensions, now: Date = Date(), ttl: Int = 300) throws(OpenID4VCIError) -> String {
        do {
            var tokenList = try TokenStatusList(bits: 2, count: list.revocation.bits.count * 8)
            // Only entries with a bit set can be other than valid: the revoked ones and the suspended ones.
            let revoked = SuspensionMirror.setIndexes(list.revocation.bits)
            for index in revoked + list.suspendedIndexes { try tokenList.setStatus(list.tokenStatus(at: index), at: index) }
            return try SDJWTIssuing.statusListToken(
                uri: tokenListURL(forBitstringList: list.revocation.url), bits: 2, lst: try tokenList.encoded(), issuedAt: now,
                expiresAt: now.addingTimeInterval(Double(ttl) * 2), ttl: ttl, key: key, keyID: verificationMethod,
                issuer: issuerDID)
        } catch { throw OpenID4VCIError(.serverError, "the status list token cannot be built") }
    }
}

extension OpenID4VCIError.Code {
    /// Something on the issuer's side failed (the registry, a signature); the request may be retried.
    public static let serverError = OpenID4VCIError.Code(name: "server_error", status: 503)
}
