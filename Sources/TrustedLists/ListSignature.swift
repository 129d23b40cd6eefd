internal import CXMLSec
import Foundation
import SwiftASN1
import X509

/// How a list's enveloped XMLDSig signature stands against the certificates that may sign it.
public enum ListSignatureOutcome: Sendable, Hashable {
    /// The signature covers the whole list and verifies with the key of this announced certificate.
    case verified(by: Certificate)
    /// The signature verifies with a certificate the list carries, but that certificate is not one of those
    /// announced for it.
    case signerNotAnnounced(Certificate)
    /// The signature does not verify (changed content, a wrong value, an unsupported algorithm, no signature).
    case broken(String)

    /// Whether the list may be used.
    public var isVerified: Bool { if case .verified = self { return true } else { return false } }
}

/// Checks trusted-list signatures with libxmlsec1: every canonicalization, digest and signature step is the library's.
enum ListSignatureVerifier {
    /// Verifies the signature that is a child of the document's root against each candidate certificate's key, and,
    /// when none fits, against the certificates in its own `KeyInfo`, to tell "signed by someone else" from "broken".
    static func verify(_ xml: ListXML, candidates: [Certificate]) -> ListSignatureOutcome {
        guard let root = xmlDocGetRootElement(xml.document) else { return .broken("the document has no root element") }
        guard let signatureNode = cxmlsec_signature_child(root) else {
            return .broken("the list carries no enveloped XML signature (no ds:Signature child of its root)")
        }
        cxmlsec_add_ids(xml.document)
        var lastFailure = "no certificate to check it with"
        for certificate in candidates {
            switch check(signatureNode, with: certificate) {
            case .success: return .verified(by: certificate)
            case .failure(let failure): lastFailure = failure.reason
            }
        }
        let embedded = embeddedCertificates(ListElement(node: signatureNode))
        for certificate in embedded where !candidates.contains(certificate) {
            if case .success = check(signatureNode, with: certificate) { return .signerNotAnnounced(certificate) }
        }
        if candidates.isEmpty, embedded.isEmpty { return .broken("the signature names no certificate and none is announced for it") }
        return .broken(lastFailure)
    }

    struct Failure: Error { let reason: String }

    /// One attempt with one certificate's public key (the signature's own KeyInfo is not consulted for the key).
    static func check(_ signatureNode: xmlNodePtr, with certificate: Certificate) -> Result<Void, Failure> {
        var serializer = DER.Serializer()
        do { try serializer.serialize(certificate) } catch { return .failure(Failure(reason: "the certificate cannot be encoded")) }
        let der = serializer.serializedBytes
        guard let context = xmlSecDSigCtxCreate(nil) else { return .failure(Failure(reason: "libxmlsec1 could not make a signature context")) }
        defer { xmlSecDSigCtxDestroy(context) }
        guard cxmlsec_restrict(context) == 0 else { return .failure(Failure(reason: "libxmlsec1 could not restrict the signature context")) }
        let key = der.withUnsafeBufferPointer { cxmlsec_key_from_certificate($0.baseAddress, $0.count) }
        guard let key else { return .failure(Failure(reason: "libxmlsec1 cannot use the key of \(certificate.subject)")) }
        context.pointee.signKey = key  // owned (and freed) by the context from here
        let status = xmlSecDSigCtxVerify(context, signatureNode)
        let references = (0..<cxmlsec_reference_count(context)).map { index in
            (uri: cxmlsec_reference_uri(context, index).map { String(cString: $0) }, good: cxmlsec_reference_succeeded(context, index) != 0)
        }
        if let bad = references.first(where: { !$0.good }) {
            let which = bad.uri.map { $0.isEmpty ? "the whole list (URI \"\")" : "\"\($0)\"" } ?? "a reference"
            return .failure(Failure(reason: "the digest of \(which) does not match: the list was changed after it was signed"))
        }
        guard status >= 0 else {
            return .failure(
                Failure(reason: "libxmlsec1 could not process the signature (an unsupported or forbidden algorithm, transform or reference)"))
        }
        guard cxmlsec_succeeded(context) != 0 else {
            return .failure(Failure(reason: "the signature value does not verify with the key of \(certificate.subject)"))
        }
        // The enveloped signature must cover the list itself, not only its own signed properties.
        guard references.contains(where: { $0.uri == "" }) else {
            return .failure(Failure(reason: "the signature does not cover the whole list (no reference with URI \"\")"))
        }
        return .success(())
    }

    /// The certificates in `ds:KeyInfo/ds:X509Data/ds:X509Certificate`, at most eight.
    static func embeddedCertificates(_ signature: ListElement) -> [Certificate] {
        guard let keyInfo = signature.child("KeyInfo") else { return [] }
        var out: [Certificate] = []
        for data in keyInfo.children("X509Data") {
            for element in data.children("X509Certificate") where out.count < 8 {
                if let certificate = TrustedListParser.certificate(base64: element.text) { out.append(certificate) }
            }
        }
        return out
    }
}
