import SwiftASN1
import X509

/// The JAdES `kid` value: base64 of a DER `IssuerSerial` (RFC 5035 / ETSI TS 119 182-1 §5.1.4).
///
/// ```
/// IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber }
/// ```
/// The EU's files carry one `directoryName` ([4]) general name holding the certificate's issuer DN.
public struct JAdESIssuerSerial: Sendable, Hashable {
    /// The issuer names; for the EU's files one directory name.
    public let issuerNames: [DistinguishedName]
    /// The certificate serial number.
    public let serialNumber: Certificate.SerialNumber

    /// The issuer and serial of a certificate.
    public init(certificate: Certificate) {
        issuerNames = [certificate.issuer]
        serialNumber = certificate.serialNumber
    }

    /// Decodes DER `IssuerSerial` bytes.
    ///
    /// General names other than directory names are skipped (they cannot name a certificate issuer in
    /// this profile); at least one directory name must be present.
    public init(derEncoded bytes: [UInt8]) throws(JAdESError) {
        do {
            let root = try DER.parse(bytes)
            var names: [DistinguishedName] = []
            var serial: ArraySlice<UInt8> = []
            try DER.sequence(root, identifier: .sequence) { nodes in
                guard let generalNames = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "missing GeneralNames") }
                try DER.sequence(generalNames, identifier: .sequence) { gnNodes in
                    while let gn = gnNodes.next() {
                        if gn.identifier == ASN1Identifier(tagWithNumber: 4, tagClass: .contextSpecific) {
                            guard case .constructed(let inner) = gn.content else {
                                throw ASN1Error.invalidASN1Object(reason: "directoryName is not constructed")
                            }
                            var it = inner.makeIterator()
                            guard let nameNode = it.next(), it.next() == nil else {
                                throw ASN1Error.invalidASN1Object(reason: "directoryName must hold one Name")
                            }
                            names.append(try DistinguishedName(derEncoded: nameNode))
                        }
                    }
                }
                serial = try ArraySlice<UInt8>(derEncoded: &nodes)
            }
            guard !names.isEmpty else { throw ASN1Error.invalidASN1Object(reason: "no directoryName in GeneralNames") }
            issuerNames = names
            serialNumber = Certificate.SerialNumber(bytes: serial)
        } catch let error as JAdESError {
            throw error
        } catch {
            throw JAdESError(.malformedHeader, "\"kid\" is not a DER IssuerSerial: \(error)", location: "kid")
        }
    }

    /// The DER encoding, byte-compatible with the EU's files.
    public var derBytes: [UInt8] {
        var serializer = DER.Serializer()
        // Names and serials that came from parsed certificates always re-serialize.
        try? serializer.appendConstructedNode(identifier: .sequence) { outer in
            try outer.appendConstructedNode(identifier: .sequence) { names in
                for name in issuerNames {
                    try names.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 4, tagClass: .contextSpecific)) { tagged in
                        try tagged.serialize(name)
                    }
                }
            }
            try outer.serialize(serialNumber.bytes)
        }
        return serializer.serializedBytes
    }

    /// Whether this names the given certificate: same serial and one of the names equals its issuer.
    public func matches(_ certificate: Certificate) -> Bool {
        serialNumber == certificate.serialNumber && issuerNames.contains(certificate.issuer)
    }
}
