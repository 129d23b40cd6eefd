import CredentialJSON
import Foundation
import Multiformats

/// Why a proof was made; it must match the verification relationship the key is listed under.
public struct ProofPurpose: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The purpose as written in `proofPurpose`.
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// Issuing credentials (the verification method must be under `assertionMethod`).
    public static let assertionMethod = ProofPurpose(rawValue: "assertionMethod")
    /// Presentations and logins (the verification method must be under `authentication`).
    public static let authentication = ProofPurpose(rawValue: "authentication")
    /// Invoking a capability.
    public static let capabilityInvocation = ProofPurpose(rawValue: "capabilityInvocation")
    /// Delegating a capability.
    public static let capabilityDelegation = ProofPurpose(rawValue: "capabilityDelegation")
    /// Key agreement.
    public static let keyAgreement = ProofPurpose(rawValue: "keyAgreement")
}

/// A `proof` object read and checked for shape (DI §2.1, §4.4 steps 3–4).
///
/// Keeps the original object, because the proof configuration is built from its exact members.
public struct EmbeddedProof: Sendable {
    /// The proof object as it appears in the document.
    public let object: JSONObject
    /// Where the proof sits in the document, e.g. `$.proof[1]`.
    public let path: JSONPath
    /// The proof's type and cryptosuite.
    public let suite: ProofSuite
    /// The proof's `id`, which chained proofs refer to.
    public let id: String?
    /// The verification method URL.
    public let verificationMethod: String
    /// Why the proof was made.
    public let proofPurpose: ProofPurpose
    /// `created`, parsed (a value without offset is read as UTC).
    public let created: Date?
    /// `expires`, parsed.
    public let expires: Date?
    /// `domain` as a set of strings (DI allows a string or a list).
    public let domain: [String]?
    /// The verifier's challenge, if any.
    public let challenge: String?
    /// `previousProof` ids (a string or a list in JSON).
    public let previousProof: [String]
    /// The raw signature bytes from the base58btc `proofValue`.
    public let signature: [UInt8]

    /// Reads a proof object; throws the DI error type the specification names for each defect.
    public init(_ value: JSONValue, path: JSONPath) throws(DataIntegrityError) {
        guard let object = value.objectValue else {
            throw DataIntegrityError(.parsingError, "a proof must be a JSON object, found \(value.kindName)", path: path)
        }
        self.object = object
        self.path = path
        func requiredString(_ key: String, _ code: DataIntegrityError.Code = .proofVerificationError) throws(DataIntegrityError) -> String {
            guard let member = object[key] else {
                throw DataIntegrityError(code, "the proof has no `\(key)`", path: path.appending(key))
            }
            guard let text = member.stringValue else {
                throw DataIntegrityError(.malformedProofError, "`\(key)` must be a string, found \(member.kindName)", path: path.appending(key))
            }
            return text
        }
        let type = try requiredString("type")
        verificationMethod = try requiredString("verificationMethod")
        proofPurpose = ProofPurpose(rawValue: try requiredString("proofPurpose"))
        switch type {
        case "DataIntegrityProof":
            let name = try requiredString("cryptosuite")
            guard let suite = Cryptosuite(rawValue: name) else {
                throw DataIntegrityError(.proofVerificationError, "unsupported cryptosuite `\(name)`", path: path.appending("cryptosuite"))
            }
            self.suite = .dataIntegrity(suite)
        case "Ed25519Signature2020":
            suite = .ed25519Signature2020
        default:
            throw DataIntegrityError(.proofVerificationError, "unsupported proof type `\(type)`", path: path.appending("type"))
        }
        if let idValue = object["id"] {
            guard let text = idValue.stringValue else {
                throw DataIntegrityError(.malformedProofError, "`id` must be a URL string", path: path.appending("id"))
            }
            id = text
        } else {
            id = nil
        }
        created = try Self.dateMember(object, "created", path: path)
        expires = try Self.dateMember(object, "expires", path: path)
        domain = try Self.stringOrList(object, "domain", path: path)
        if let challengeValue = object["challenge"] {
            guard let text = challengeValue.stringValue else {
                throw DataIntegrityError(.malformedProofError, "`challenge` must be a string", path: path.appending("challenge"))
            }
            challenge = text
        } else {
            challenge = nil
        }
        previousProof = try Self.stringOrList(object, "previousProof", path: path) ?? []
        let proofValue = try requiredString("proofValue")
        signature = try Self.decodeProofValue(proofValue, path: path.appending("proofValue"))
    }

    /// Decodes a base58btc multibase `proofValue`; any other multibase is rejected (EDDSA/ECDSA §2.2).
    static func decodeProofValue(_ text: String, path: JSONPath) throws(DataIntegrityError) -> [UInt8] {
        guard text.utf8.first == UInt8(ascii: "z") else {
            throw DataIntegrityError(.malformedProofError, "`proofValue` must be base58btc multibase (start with `z`)", path: path)
        }
        do {
            return try Base58BTC.decode(String(text.dropFirst()))
        } catch {
            throw DataIntegrityError(.malformedProofError, "`proofValue` is not valid base58btc: \(error.message)", path: path)
        }
    }

    private static func dateMember(_ object: JSONObject, _ key: String, path: JSONPath) throws(DataIntegrityError) -> Date? {
        guard let value = object[key] else { return nil }
        guard let text = value.stringValue, let date = XSDDateTime.parse(text, syntax: .dateTime) else {
            throw DataIntegrityError(.malformedProofError, "`\(key)` must be an XML Schema dateTimeStamp", path: path.appending(key))
        }
        return date
    }

    private static func stringOrList(_ object: JSONObject, _ key: String, path: JSONPath) throws(DataIntegrityError) -> [String]? {
        guard let value = object[key] else { return nil }
        if let text = value.stringValue { return [text] }
        if let elements = value.arrayValue {
            var out: [String] = []
            for (index, element) in elements.enumerated() {
                guard let text = element.stringValue else {
                    throw DataIntegrityError(.malformedProofError, "`\(key)` must be a string or a list of strings", path: path.appending(key).appending(index))
                }
                out.append(text)
            }
            return out
        }
        throw DataIntegrityError(.malformedProofError, "`\(key)` must be a string or a list of strings", path: path.appending(key))
    }
}
