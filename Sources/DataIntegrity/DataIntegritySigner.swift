import CredentialJSON
import Foundation
import Multiformats

/// The proof options a signer puts into a new proof (DI §2.1).
public struct ProofOptions: Sendable {
    /// The cryptosuite; it must suit the signing key (Ed25519 → eddsa-*, P-256/P-384 → ecdsa-*).
    public var cryptosuite: Cryptosuite
    /// The verification method URL, e.g. `did:key:z6Mk…#z6Mk…`.
    public var verificationMethod: String
    /// `assertionMethod` for credentials, `authentication` for presentations.
    public var proofPurpose: ProofPurpose
    /// `created` as written into the proof; `nil` leaves it out. Defaults to now, in whole seconds UTC.
    public var created: String?
    /// When the proof stops being valid (a dateTimeStamp), if ever.
    public var expires: String?
    /// The security domain(s) the proof is meant for (presentations).
    public var domain: [String]?
    /// The verifier's challenge, echoed back (presentations).
    public var challenge: String?
    /// An optional random value.
    public var nonce: String?
    /// The proof's own `id`, needed when later proofs chain to it.
    public var id: String?
    /// For a proof chain: the ids of the existing proofs this proof signs over (DI §4.3).
    public var previousProof: [String]?

    public init(
        cryptosuite: Cryptosuite = .eddsaRdfc2022,
        verificationMethod: String,
        proofPurpose: ProofPurpose = .assertionMethod,
        created: String? = XSDDateTime.format(Date()),
        expires: String? = nil,
        domain: [String]? = nil,
        challenge: String? = nil,
        nonce: String? = nil,
        id: String? = nil,
        previousProof: [String]? = nil
    ) {
        self.cryptosuite = cryptosuite
        self.verificationMethod = verificationMethod
        self.proofPurpose = proofPurpose
        self.created = created
        self.expires = expires
        self.domain = domain
        self.challenge = challenge
        self.nonce = nonce
        self.id = id
        self.previousProof = previousProof
    }

    /// The proof object without `proofValue`, members in the order the W3C vectors use.
    func proofObject() -> JSONObject {
        var options = JSONObject()
        options["type"] = "DataIntegrityProof"
        if let id { options["id"] = .string(id) }
        options["cryptosuite"] = .string(cryptosuite.rawValue)
        if let created { options["created"] = .string(created) }
        if let expires { options["expires"] = .string(expires) }
        options["verificationMethod"] = .string(verificationMethod)
        options["proofPurpose"] = .string(proofPurpose.rawValue)
        if let domain { options["domain"] = domain.count == 1 ? .string(domain[0]) : .array(domain.map(JSONValue.string)) }
        if let challenge { options["challenge"] = .string(challenge) }
        if let nonce { options["nonce"] = .string(nonce) }
        if let previousProof {
            options["previousProof"] = previousProof.count == 1 ? .string(previousProof[0]) : .array(previousProof.map(JSONValue.string))
        }
        return options
    }
}

/// Creates Data Integrity proofs (DI §4.2 Add Proof, §4.3 Add Proof Set/Chain).
public struct DataIntegritySigner: Sendable {
    /// The transformation and hashing steps the signer runs.
    public let hashing: ProofHashing

    /// A signer canonicalizing RDFC suites with `canonicalizer` (use ``JSONLDCanonicalizer`` for bundled contexts).
    public init(canonicalizer: any DocumentCanonicalizer = JSONLDCanonicalizer()) {
        self.hashing = ProofHashing(canonicalizer: canonicalizer)
    }

    /// Returns `document` with a new proof added.
    ///
    /// Without `previousProof` the new proof signs the document without its existing proofs (a proof set);
    /// with it, the document is signed together with the referenced proofs (a proof chain). Existing proofs are kept.
    public func addProof(to document: JSONValue, options: ProofOptions, key: ProofSigningKey) throws(DataIntegrityError) -> JSONValue {
        guard var secured = document.objectValue else {
            throw DataIntegrityError(.proofGenerationError, "the document to secure must be a JSON object, found \(document.kindName)", path: .root)
        }
        let existing = secured["proof"].map { $0.asArray } ?? []
        var input = secured
        input.removeValue(forKey: "proof")
        if let previous = options.previousProof {
            var matching: [JSONValue] = []
            for id in previous {
                guard let proof = existing.first(where: { $0["id"]?.stringValue == id }) else {
                    throw DataIntegrityError(
                        .proofGenerationError, "`previousProof` names `\(id)`, which is not a proof of the document", path: JSONPath.root.appending("proof"))
                }
                matching.append(proof)
            }
            input["proof"] = .array(matching)
        }
        let proof = try createProof(unsecuredDocument: input, options: options, key: key)
        secured.removeValue(forKey: "proof")
        secured["proof"] = existing.isEmpty ? .object(proof) : .array(existing + [.object(proof)])
        return .object(secured)
    }

    /// Creates one proof over `unsecuredDocument` exactly as given (the cryptosuite's Create Proof).
    public func createProof(unsecuredDocument: JSONObject, options: ProofOptions, key: ProofSigningKey) throws(DataIntegrityError) -> JSONObject {
        let suite = ProofSuite.dataIntegrity(options.cryptosuite)
        guard key.publicKey.supports(suite) else {
            throw DataIntegrityError(.proofGenerationError, "a \(key.publicKey.algorithmName) key cannot make \(options.cryptosuite) proofs")
        }
        for (name, value) in [("created", options.created), ("expires", options.expires)] {
            if let value, XSDDateTime.parse(value, syntax: .dateTime) == nil {
                throw DataIntegrityError(.proofGenerationError, "`\(name)` `\(value)` is not an XML Schema dateTime")
            }
        }
        var proof = options.proofObject()
        if options.cryptosuite.usesJCS, let context = unsecuredDocument["@context"] {
            // EDDSA §3.3.1 / ECDSA §3.3.1: the JCS proof carries the document's context.
            proof["@context"] = context
        }
        // The hash input alone, as a verifier computes it: the canonical N-Quads as bytes, never made strings (making
        // and copying the canonical form as a `String` was 2.8 % of issuing one VC 2.0, in instructions).
        let hashData = try hashing.hashData(
            unsecuredDocument: unsecuredDocument, proofConfig: proof, suite: suite, hashAlgorithm: key.publicKey.hashAlgorithm)
        let signature: [UInt8]
        do {
            signature = try key.signature(for: hashData)
        } catch {
            throw DataIntegrityError(.proofGenerationError, "signing failed: \(error)")
        }
        proof["proofValue"] = .string("z" + Base58BTC.encode(signature))
        return proof
    }
}

extension ProofOptions {
    /// Proof options read from a proof configuration object (a proof without `proofValue`), such as the
    /// W3C vectors' `proofConfig*.json` or a VC API request's `options`.
    ///
    /// `@context` is ignored (each suite sets it from the document); `type` must be `DataIntegrityProof`.
    public init(proofConfiguration config: JSONObject) throws(DataIntegrityError) {
        func string(_ key: String) throws(DataIntegrityError) -> String? {
            guard let value = config[key] else { return nil }
            guard let text = value.stringValue else {
                throw DataIntegrityError(.proofGenerationError, "`\(key)` must be a string", path: JSONPath.root.appending(key))
            }
            return text
        }
        func strings(_ key: String) throws(DataIntegrityError) -> [String]? {
            guard let value = config[key] else { return nil }
            let items = value.asArray.compactMap(\.stringValue)
            guard items.count == value.asArray.count else {
                throw DataIntegrityError(.proofGenerationError, "`\(key)` must be a string or a list of strings", path: JSONPath.root.appending(key))
            }
            return items
        }
        guard try string("type") == "DataIntegrityProof" else {
            throw DataIntegrityError(.proofGenerationError, "`type` must be `DataIntegrityProof`", path: JSONPath.root.appending("type"))
        }
        guard let name = try string("cryptosuite"), let suite = Cryptosuite(rawValue: name) else {
            throw DataIntegrityError(.proofGenerationError, "`cryptosuite` must name a supported cryptosuite", path: JSONPath.root.appending("cryptosuite"))
        }
        guard let vm = try string("verificationMethod") else {
            throw DataIntegrityError(.proofGenerationError, "`verificationMethod` is required", path: JSONPath.root.appending("verificationMethod"))
        }
        guard let purpose = try string("proofPurpose") else {
            throw DataIntegrityError(.proofGenerationError, "`proofPurpose` is required", path: JSONPath.root.appending("proofPurpose"))
        }
        self.init(
            cryptosuite: suite, verificationMethod: vm, proofPurpose: ProofPurpose(rawValue: purpose),
            created: try string("created"), expires: try string("expires"), domain: try strings("domain"),
            challenge: try string("challenge"), nonce: try string("nonce"), id: try string("id"),
            previousProof: try strings("previousProof"))
    }
}
