import CredentialJSON

/// Turns a JSON-LD document into canonical RDFC-1.0 N-Quads for the RDFC cryptosuites.
///
/// Implementations must run JSON-LD in safe mode with a null base (DI §2.4.3): a term or IRI that
/// would be dropped is a ``DataIntegrityError/Code/dataLossDetectionError``, never a silent omission.
/// ``JSONLDCanonicalizer`` is the implementation over this package's JSON-LD and RDFC targets.
public protocol DocumentCanonicalizer: Sendable {
    /// The canonical N-Quads of `document`, with RDFC-1.0 running `hashAlgorithm` internally.
    func canonicalNQuads(of document: JSONValue, hashAlgorithm: ProofHashAlgorithm) throws(DataIntegrityError) -> String

    /// `Array(canonicalNQuads(of:hashAlgorithm:).utf8)`, for a verifier that only hashes them; an implementation may
    /// skip making the `String`.
    func canonicalNQuadsUTF8(of document: JSONValue, hashAlgorithm: ProofHashAlgorithm) throws(DataIntegrityError) -> [UInt8]
}

extension DocumentCanonicalizer {
    public func canonicalNQuadsUTF8(of document: JSONValue, hashAlgorithm: ProofHashAlgorithm) throws(DataIntegrityError) -> [UInt8] {
        Array(try canonicalNQuads(of: document, hashAlgorithm: hashAlgorithm).utf8)
    }
}

/// The intermediate values of one proof, step by step (transformation, configuration, hashing).
///
/// These are exactly the values the W3C vectors publish (`canonDoc*`, `proofCanon*`, `docHash*`,
/// `proofHash*`, `combinedHash*`), so conformance tests compare each step.
public struct ProofHashInput: Sendable, Hashable {
    /// The canonical unsecured document (N-Quads or JCS text).
    public let canonicalDocument: String
    /// The canonical proof configuration (N-Quads or JCS text).
    public let canonicalProofConfig: String
    /// The hash used for both hashes (and inside RDFC-1.0).
    public let hashAlgorithm: ProofHashAlgorithm
    /// H(canonicalDocument).
    public let documentHash: [UInt8]
    /// H(canonicalProofConfig).
    public let proofConfigHash: [UInt8]
    /// The signed bytes: `proofConfigHash ‖ documentHash` (proof hash first).
    public var hashData: [UInt8] { proofConfigHash + documentHash }
}

/// The transformation, proof-configuration and hashing steps shared by signing and verifying.
public struct ProofHashing: Sendable {
    /// The RDFC canonicalizer (unused by the JCS suites).
    public let canonicalizer: any DocumentCanonicalizer

    public init(canonicalizer: any DocumentCanonicalizer) {
        self.canonicalizer = canonicalizer
    }

    /// Computes the canonical forms and hashes for a proof.
    ///
    /// - Parameters:
    ///   - unsecuredDocument: the document without `proof` (for a chained proof: with `proof` set to the
    ///     proofs it references). For `*-jcs` suites its `@context` must already be the one the proof names.
    ///   - proofConfig: the proof's members without `proofValue`; its `@context` is set here as each suite requires.
    ///   - suite: which cryptosuite's transformation to run.
    ///   - hashAlgorithm: SHA-256, or SHA-384 for P-384 keys (then also inside RDFC-1.0).
    public func hashInput(
        unsecuredDocument: JSONObject, proofConfig: JSONObject, suite: ProofSuite, hashAlgorithm: ProofHashAlgorithm
    ) throws(DataIntegrityError) -> ProofHashInput {
        let config = Self.configuration(proofConfig, of: unsecuredDocument, suite: suite)
        let canonicalDocument: String
        let canonicalConfig: String
        if suite.usesJCS {
            canonicalDocument = try Self.jcs(.object(unsecuredDocument), what: "document")
            canonicalConfig = try Self.jcs(.object(config), what: "proof configuration")
        } else {
            canonicalDocument = try canonicalizer.canonicalNQuads(of: .object(unsecuredDocument), hashAlgorithm: hashAlgorithm)
            canonicalConfig = try canonicalizer.canonicalNQuads(of: .object(config), hashAlgorithm: hashAlgorithm)
        }
        return ProofHashInput(
            canonicalDocument: canonicalDocument,
            canonicalProofConfig: canonicalConfig,
            hashAlgorithm: hashAlgorithm,
            documentHash: hashAlgorithm.hash(Array(canonicalDocument.utf8)),
            proofConfigHash: hashAlgorithm.hash(Array(canonicalConfig.utf8))
        )
    }

    /// ``hashInput(unsecuredDocument:proofConfig:suite:hashAlgorithm:)``'s ``ProofHashInput/hashData`` alone, which is
    /// all a verifier needs: the RDFC suites hash the canonical N-Quads as bytes, without making them strings.
    public func hashData(
        unsecuredDocument: JSONObject, proofConfig: JSONObject, suite: ProofSuite, hashAlgorithm: ProofHashAlgorithm
    ) throws(DataIntegrityError) -> [UInt8] {
        guard !suite.usesJCS else {
            return try hashInput(unsecuredDocument: unsecuredDocument, proofConfig: proofConfig, suite: suite, hashAlgorithm: hashAlgorithm).hashData
        }
        let config = Self.configuration(proofConfig, of: unsecuredDocument, suite: suite)
        let canonicalDocument = try canonicalizer.canonicalNQuadsUTF8(of: .object(unsecuredDocument), hashAlgorithm: hashAlgorithm)
        let canonicalConfig = try canonicalizer.canonicalNQuadsUTF8(of: .object(config), hashAlgorithm: hashAlgorithm)
        return hashAlgorithm.hash(canonicalConfig) + hashAlgorithm.hash(canonicalDocument)
    }

    /// The proof configuration as hashed: without `proofValue`, with the `@context` each suite requires.
    static func configuration(_ proofConfig: JSONObject, of unsecuredDocument: JSONObject, suite: ProofSuite) -> JSONObject {
        var config = proofConfig
        config.removeValue(forKey: "proofValue")
        switch suite {
        case .dataIntegrity:
            // EDDSA §3.2.5 / §3.3.5, ECDSA §3.2.5 / §3.3.5: the document's context governs the configuration.
            config["@context"] = unsecuredDocument["@context"]
        case .ed25519Signature2020:
            // The legacy suite lets a proof carry its own context (Open Badges 3.0 does this).
            if config["@context"] == nil { config["@context"] = unsecuredDocument["@context"] }
        }
        return config
    }

    private static func jcs(_ value: JSONValue, what: String) throws(DataIntegrityError) -> String {
        do {
            return try JCS.canonicalize(value)
        } catch {
            throw DataIntegrityError(.proofTransformationError, "the \(what) cannot be canonicalized with JCS: \(error.message)")
        }
    }
}
