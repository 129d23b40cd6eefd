import CredentialJSON
import Crypto
import Foundation
import SwiftASN1
import X509

// An OCSP request (RFC 6960 §4.1) for one certificate, encoded with SwiftASN1; the CertID hashes come from
// swift-crypto. Requests are not signed (§4.1.2 makes the signature optional and responders rarely want one).

/// An unsigned OCSP request for one certificate, with a nonce (RFC 8954) unless told otherwise.
public struct OCSPRequest: Sendable, Hashable {
    /// The hash a request's CertID uses.
    public enum CertIDHash: String, Sendable, Hashable, CaseIterable {
        /// SHA-1: what every responder understands (RFC 5019 requires it of lightweight responders).
        case sha1 = "SHA-1"
        /// SHA-256.
        case sha256 = "SHA-256"

        var oid: ASN1ObjectIdentifier {
            switch self {
            case .sha1: return "1.3.14.3.2.26"
            case .sha256: return "2.16.840.1.101.3.4.2.1"
            }
        }

        func digest<Bytes: DataProtocol>(_ bytes: Bytes) -> [UInt8] {
            switch self {
            case .sha1: return Array(Insecure.SHA1.hash(data: bytes))
            case .sha256: return Array(SHA256.hash(data: bytes))
            }
        }
    }

    /// Nonce length in bytes (RFC 8954 §2.1: at least 1, at most 32; 32 is the recommended length).
    public static let nonceLength = 32

    /// The serial number asked about.
    public let serialNumber: Certificate.SerialNumber
    /// The CertID hash.
    public let hash: CertIDHash
    /// The hash of the issuer's DER-encoded name.
    public let issuerNameHash: [UInt8]
    /// The hash of the issuer's public key (the subjectPublicKey BIT STRING's value).
    public let issuerKeyHash: [UInt8]
    /// The nonce sent, when one is.
    public let nonce: [UInt8]?
    /// The nonce extension's extnValue (the DER OCTET STRING holding the nonce), as a response must echo it.
    public let nonceExtensionValue: [UInt8]?
    /// The DER OCSPRequest, to POST as `application/ocsp-request`.
    public let derEncoded: [UInt8]

    /// Builds a request about `certificate`, issued by `issuer`.
    ///
    /// - Parameters:
    ///   - hash: the CertID hash (SHA-1 by default, which every responder answers).
    ///   - nonce: the nonce to send; by default 32 random bytes; `nil` sends none.
    /// - Throws: ``JAdESError`` `.invalidRevocationData` when `issuer` did not issue `certificate`, or the nonce is
    ///   not 1 to 32 bytes.
    public init(
        for certificate: Certificate, issuer: Certificate, hash: CertIDHash = .sha1,
        nonce: [UInt8]? = Array(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
    ) throws(JAdESError) {
        guard issuer.subject == certificate.issuer else {
            throw JAdESError(.invalidRevocationData, "OCSP request: \(issuer.subject) is not the issuer of \(certificate.subject)")
        }
        if let nonce, nonce.isEmpty || nonce.count > Self.nonceLength {
            throw JAdESError(.invalidRevocationData, "OCSP request: a nonce is 1 to \(Self.nonceLength) bytes, not \(nonce.count)")
        }
        serialNumber = certificate.serialNumber
        self.hash = hash
        issuerNameHash = hash.digest(DERBytes.of(certificate.issuer))
        issuerKeyHash = hash.digest(issuer.publicKey.subjectPublicKeyInfoBytes)
        self.nonce = nonce
        do {
            var wrapped = DER.Serializer()
            if let nonce { try wrapped.serialize(ASN1OctetString(contentBytes: ArraySlice(nonce))) }
            nonceExtensionValue = nonce == nil ? nil : wrapped.serializedBytes
            derEncoded = try Self.encode(
                hash: hash, nameHash: issuerNameHash, keyHash: issuerKeyHash, serial: certificate.serialNumber,
                nonceExtensionValue: nonceExtensionValue)
        } catch {
            throw JAdESError(.invalidRevocationData, "OCSP request cannot be encoded: \(error)")
        }
    }

    /// OCSPRequest ::= SEQUENCE { tbsRequest TBSRequest }; TBSRequest ::= SEQUENCE { requestList SEQUENCE OF Request,
    /// requestExtensions [2] EXPLICIT Extensions OPTIONAL }; Request ::= SEQUENCE { reqCert CertID }.
    private static func encode(
        hash: CertIDHash, nameHash: [UInt8], keyHash: [UInt8], serial: Certificate.SerialNumber, nonceExtensionValue: [UInt8]?
    ) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.appendConstructedNode(identifier: .sequence) { request in
            try request.appendConstructedNode(identifier: .sequence) { tbs in
                try tbs.appendConstructedNode(identifier: .sequence) { list in
                    try list.appendConstructedNode(identifier: .sequence) { single in
                        try single.appendConstructedNode(identifier: .sequence) { certID in
                            try certID.appendConstructedNode(identifier: .sequence) { algorithm in
                                try algorithm.serialize(hash.oid)
                                try algorithm.serialize(ASN1Null())
                            }
                            try certID.serialize(ASN1OctetString(contentBytes: ArraySlice(nameHash)))
                            try certID.serialize(ASN1OctetString(contentBytes: ArraySlice(keyHash)))
                            try certID.serialize(serial.bytes)
                        }
                    }
                }
                if let nonceExtensionValue {
                    try tbs.serialize(explicitlyTaggedWithTagNumber: 2, tagClass: .contextSpecific) { extensions in
                        try extensions.appendConstructedNode(identifier: .sequence) { list in
                            try list.appendConstructedNode(identifier: .sequence) { item in
                                try item.serialize(OCSPBasicResponse.nonceExtension)
                                try item.serialize(ASN1OctetString(contentBytes: ArraySlice(nonceExtensionValue)))
                            }
                        }
                    }
                }
            }
        }
        return serializer.serializedBytes
    }

    /// Why `response` is not the answer to this request, or `nil` when it is: it holds a single response for this
    /// CertID, and echoes the nonce when one was sent. A response without a nonce counts only when it was produced
    /// within `maximumAge` before `now` (a responder that ignores nonces answers afresh or from a cache; an old
    /// answer could be a replay that hides a later revocation).
    public func problem(with response: OCSPBasicResponse, now: Date, maximumAge: TimeInterval, clockSkew: TimeInterval) -> String? {
        let answers = response.responses.contains { single in
            guard single.serialNumber == serialNumber else { return false }
            if case .sha1 = single.hash, hash == .sha1 {
                return single.issuerNameHash == issuerNameHash && single.issuerKeyHash == issuerKeyHash
            }
            if case .other(let other) = single.hash, hash == .sha256, other.oid == hash.oid {
                return single.issuerNameHash == issuerNameHash && single.issuerKeyHash == issuerKeyHash
            }
            return false
        }
        if !answers {
            let serials = response.responses.map { String(describing: $0.serialNumber) }.joined(separator: ", ")
            return "it does not answer the CertID asked (serial \(serialNumber), \(hash.rawValue)); it is about serial \(serials.isEmpty ? "none" : serials)"
        }
        if let nonceExtensionValue {
            if let echoed = response.nonceExtensionValue {
                guard echoed == nonceExtensionValue else { return "its nonce is not the one sent (a replayed or misdirected answer)" }
                return nil
            }
            let age = now.timeIntervalSince(response.producedAt)
            guard age <= maximumAge + clockSkew, age >= -clockSkew else {
                return
                    "it echoes no nonce and was produced at \(XSDDateTime.format(response.producedAt)), not within \(Int(maximumAge)) s of the request (it could be a replay)"
            }
        }
        return nil
    }
}
