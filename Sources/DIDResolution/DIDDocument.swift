import CredentialJSON
import KeyManagement

/// A verification relationship of a controller document (CID 1.0 §2.3, DID Core §5.3).
public enum VerificationRelationship: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Proving control, e.g. signing a presentation.
    case authentication
    /// Making assertions, e.g. issuing a credential.
    case assertionMethod
    /// Key agreement (encryption).
    case keyAgreement
    /// Invoking a capability.
    case capabilityInvocation
    /// Delegating a capability.
    case capabilityDelegation

    public var description: String { rawValue }
}

/// A verification method: a public key with its id, type and controller.
///
/// Supported types: `Multikey` (with `publicKeyMultibase`), `JsonWebKey` and `JsonWebKey2020`
/// (with `publicKeyJwk`), and the legacy `Ed25519VerificationKey2020` (Ed25519
/// `publicKeyMultibase`, used by Ed25519Signature2020 proofs).
public struct VerificationMethod: Sendable, Hashable {
    /// The method's absolute id (a relative `#fragment` id is resolved against the document id).
    public let id: String
    /// The method's `type`.
    public let type: String
    /// The method's absolute `controller`.
    public let controller: String
    /// The method object as found (ids not rewritten).
    public let json: JSONObject

    /// Reads a verification method object.
    ///
    /// - Parameters:
    ///   - json: the object.
    ///   - documentID: the enclosing document's id, against which relative ids resolve; `nil`
    ///     for a free-standing method, whose `id` and `controller` must then be absolute.
    ///   - path: where the object is, for error messages.
    public init(json: JSONObject, documentID: String?, path: JSONPath = .root) throws(DIDError) {
        func field(_ name: String) throws(DIDError) -> String {
            guard let value = json[name]?.stringValue, !value.isEmpty else {
                throw DIDError(
                    .invalidVerificationMethod, "verification method \"\(name)\" is missing or not a non-empty string",
                    location: path.appending(name).description)
            }
            return value
        }
        let rawID = try field("id")
        let rawController = try field("controller")
        type = try field("type")
        id = try absolute(rawID, documentID: documentID, path: path.appending("id"))
        controller = try absolute(rawController, documentID: documentID, path: path.appending("controller"))
        self.json = json
        switch type {
        case "Multikey", "Ed25519VerificationKey2020":
            guard json["publicKeyMultibase"]?.stringValue != nil else {
                throw DIDError(
                    .invalidVerificationMethod, "a \(type) verification method needs a \"publicKeyMultibase\" string",
                    location: path.appending("publicKeyMultibase").description)
            }
            if json["publicKeyJwk"] != nil {
                throw DIDError(
                    .invalidVerificationMethod, "a \(type) verification method must not also carry \"publicKeyJwk\"",
                    location: path.appending("publicKeyJwk").description)
            }
        case "JsonWebKey", "JsonWebKey2020":
            guard json["publicKeyJwk"]?.objectValue != nil else {
                throw DIDError(
                    .invalidVerificationMethod, "a \(type) verification method needs a \"publicKeyJwk\" object",
                    location: path.appending("publicKeyJwk").description)
            }
            if json["publicKeyMultibase"] != nil {
                throw DIDError(
                    .invalidVerificationMethod, "a \(type) verification method must not also carry \"publicKeyMultibase\"",
                    location: path.appending("publicKeyMultibase").description)
            }
        default:
            throw DIDError(
                .invalidVerificationMethod,
                "verification method type \"\(type)\" is not supported (Multikey, JsonWebKey, JsonWebKey2020, Ed25519VerificationKey2020)",
                location: path.appending("type").description)
        }
        if json["secretKeyMultibase"] != nil || json["privateKeyMultibase"] != nil || json["privateKeyJwk"] != nil {
            throw DIDError(.invalidVerificationMethod, "a published verification method must not contain private key material", location: path.description)
        }
    }

    /// The method's public key, checked against its type and the Multikey/JWK rules.
    public func publicKey() throws(DIDError) -> PublicKey {
        do {
            switch type {
            case "Multikey":
                return try PublicKey(multibase: json["publicKeyMultibase"]!.stringValue!)
            case "Ed25519VerificationKey2020":
                let key = try PublicKey(multibase: json["publicKeyMultibase"]!.stringValue!)
                guard key.type == .ed25519 else {
                    throw DIDError(.invalidKey, "an Ed25519VerificationKey2020 must hold an Ed25519 key, found \(key.type)", location: id)
                }
                return key
            default:
                return try PublicKey(jwk: json["publicKeyJwk"]!.objectValue!)
            }
        } catch let error as DIDError {
            throw error
        } catch let error as KeyError {
            throw DIDError(.invalidKey, error.description, location: id)
        } catch {
            throw DIDError(.invalidKey, "\(error)", location: id)
        }
    }
}

/// A DID document (a controller document whose `id` is a DID).
public struct DIDDocument: Sendable, Hashable {
    /// The document's `id`.
    public let id: String
    /// The document as JSON.
    public let json: JSONObject
    /// Every verification method: those under `verificationMethod` and those embedded in relationships.
    public let verificationMethods: [VerificationMethod]
    /// For each relationship, the absolute ids of the methods it lists.
    public let relationships: [VerificationRelationship: [String]]

    /// Reads and checks a DID document.
    ///
    /// Checked: `id` is a DID; `verificationMethod` is a list of valid methods with unique ids;
    /// each relationship is a list of method references (absolute or `#fragment`) or embedded methods.
    public init(json: JSONObject) throws(DIDError) {
        guard let id = json["id"]?.stringValue, id.hasPrefix("did:") else {
            throw DIDError(.invalidDocument, "DID document \"id\" must be a DID string", location: "$.id")
        }
        self.id = id
        self.json = json
        var methods: [VerificationMethod] = []
        var seen: Set<String> = []
        func add(_ method: VerificationMethod, path: JSONPath) throws(DIDError) {
            guard seen.insert(method.id).inserted else {
                throw DIDError(.invalidDocument, "verification method id \"\(method.id)\" appears more than once", location: path.description)
            }
            methods.append(method)
        }
        if let value = json["verificationMethod"] {
            guard let list = value.arrayValue else {
                throw DIDError(.invalidDocument, "\"verificationMethod\" must be an array", location: "$.verificationMethod")
            }
            for (index, item) in list.enumerated() {
                let path = JSONPath.root.appending("verificationMethod").appending(index)
                guard let object = item.objectValue else {
                    throw DIDError(.invalidDocument, "each verification method must be an object", location: path.description)
                }
                try add(try VerificationMethod(json: object, documentID: id, path: path), path: path)
            }
        }
        var relationships: [VerificationRelationship: [String]] = [:]
        for relationship in VerificationRelationship.allCases {
            guard let value = json[relationship.rawValue] else { continue }
            let items: [JSONValue]
            if let list = value.arrayValue {
                items = list
            } else if value.isString {
                items = [value]
            } else {
                throw DIDError(.invalidDocument, "\"\(relationship)\" must be an array of references or verification methods", location: "$.\(relationship)")
            }
            var ids: [String] = []
            for (index, item) in items.enumerated() {
                let path = JSONPath.root.appending(relationship.rawValue).appending(index)
                if let reference = item.stringValue {
                    ids.append(try absolute(reference, documentID: id, path: path))
                } else if let object = item.objectValue {
                    let method = try VerificationMethod(json: object, documentID: id, path: path)
                    try add(method, path: path)
                    ids.append(method.id)
                } else {
                    throw DIDError(.invalidDocument, "a relationship entry must be a string or an object", location: path.description)
                }
            }
            relationships[relationship] = ids
        }
        self.verificationMethods = methods
        self.relationships = relationships
    }

    /// The method with that absolute id (or `#fragment`, resolved against the document id).
    public func verificationMethod(id methodID: String) -> VerificationMethod? {
        let absoluteID = methodID.hasPrefix("#") ? id + methodID : methodID
        return verificationMethods.first { $0.id == absoluteID }
    }

    /// Whether the relationship lists the method.
    public func authorizes(_ methodID: String, for relationship: VerificationRelationship) -> Bool {
        let absoluteID = methodID.hasPrefix("#") ? id + methodID : methodID
        return relationships[relationship]?.contains(absoluteID) ?? false
    }

    /// The methods a relationship lists, in order (references to absent methods are skipped).
    public func verificationMethods(for relationship: VerificationRelationship) -> [VerificationMethod] {
        (relationships[relationship] ?? []).compactMap { verificationMethod(id: $0) }
    }
}

/// Resolves a `#fragment` against the document id; anything else must already be absolute.
private func absolute(_ reference: String, documentID: String?, path: JSONPath) throws(DIDError) -> String {
    if reference.hasPrefix("#") {
        guard let documentID else {
            throw DIDError(.invalidVerificationMethod, "relative reference \"\(reference)\" outside a document", location: path.description)
        }
        return documentID + reference
    }
    guard let colon = reference.firstIndex(of: ":"), colon != reference.startIndex,
        reference[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") })
    else {
        throw DIDError(.invalidDocument, "\"\(reference)\" is neither an absolute URL nor a #fragment reference", location: path.description)
    }
    return reference
}
