import CredentialJSON
import Crypto
import Foundation
import X509

// JAdES B-LT / B-LTA (ETSI TS 119 182-1 §5.3.5, §5.3.6): the validation data a seal carries in its unprotected
// header (`etsiU` → `xVals` certificates, `rVals` CRLs and OCSP responses) and the archive time-stamps (`arcTst`)
// over the signature and that data.

/// The unsigned properties of one JAdES signature (`header.etsiU`), in document order.
public struct JAdESUnsignedProperties: Sendable {
    /// One `etsiU` item: a JSON object with one member, such as `{"xVals": […]}`.
    public struct Component: Sendable {
        /// The member name: `sigTst`, `xVals`, `rVals`, `arcTst`, `tstVD`, …
        public let name: String
        /// The member's value.
        public let value: JSONValue
        /// The item as written, when it is base64url text (as DSS writes every item); `nil` for a clear JSON object.
        public let encodedText: String?
    }

    /// How the items are written: the archive time-stamp's input depends on it.
    public enum Encoding: Sendable, Hashable {
        /// No items.
        case empty
        /// Every item is base64url of a JSON object.
        case base64url
        /// Every item is a JSON object.
        case clear
        /// Some of each, which ETSI TS 119 182-1 does not allow.
        case mixed
    }

    /// The components, in order.
    public let components: [Component]
    /// How the items are written.
    public let encoding: Encoding
    /// Items that are neither a JSON object with one member nor base64url of one.
    public let unreadable: Int
    /// Items past ``maximumItems``, not read at all.
    public let notRead: Int

    /// Every `etsiU` item that is a JSON object or base64url of one, whatever its number of members and past
    /// ``maximumItems`` too: what the baseline checks (``JAdESVerifier``'s certificates and time-stamp list,
    /// `JAdESTimeStamps.signatureTimeStampTokens(in:)`) read, decoded here once so that
    /// no reader decodes and parses the items again.
    public let objects: [JSONObject]

    /// At most this many items are read.
    public static let maximumItems = 64

    /// Reads `etsiU` from an unprotected header (absent: no components).
    public init(unprotectedHeader: JSONObject?) {
        var components: [Component] = []
        var objects: [JSONObject] = []
        var unreadable = 0
        var encoded = 0
        var clear = 0
        let items = unprotectedHeader?["etsiU"]?.arrayValue ?? []
        notRead = max(0, items.count - Self.maximumItems)
        for (position, item) in items.enumerated() {
            let object = JAdESVerifier.etsiUItem(item)
            if let object { objects.append(object) }
            guard position < Self.maximumItems else { continue }
            if item.isString { encoded += 1 } else { clear += 1 }
            guard let object, object.count == 1, let (name, value) = object.members.first else {
                unreadable += 1
                continue
            }
            components.append(Component(name: name, value: value, encodedText: item.stringValue))
        }
        self.components = components
        self.objects = objects
        self.unreadable = unreadable
        switch (encoded, clear) {
        case (0, 0): encoding = .empty
        case (_, 0): encoding = .base64url
        case (0, _): encoding = .clear
        default: encoding = .mixed
        }
    }
}

extension RevocationInput {
    /// The CRLs and OCSP responses of every `rVals` in unsigned properties already read, as
    /// ``embedded(in:)`` finds them in an unprotected header, without decoding the `etsiU` items again.
    // The verifier reads the properties once per signature (JAdESSignatureVerification.unsignedProperties); the
    // header form decodes every item again.
    public static func embedded(in properties: JAdESUnsignedProperties) -> [RevocationInput] {
        var out: [RevocationInput] = []
        for component in properties.components where component.name == "rVals" {
            for (member, kind) in [("crlVals", Kind.crl), ("ocspVals", Kind.ocsp)] {
                for item in (component.value[member]?.arrayValue ?? []).prefix(32) where out.count < maximumEmbedded {
                    if let text = item["val"]?.stringValue, let der = Base64.decode(text) {
                        out.append(RevocationInput(kind, bytes: der, origin: .embedded))
                    }
                }
            }
        }
        return out
    }
}

/// Certificates of `xVals` (`x509Cert.val`, standard base64 DER).
public enum JAdESValidationValues {
    /// The certificates of every `xVals` component, and how many values could not be read; at most `limit`.
    public static func certificates(in properties: JAdESUnsignedProperties, limit: Int = 32) -> (certificates: [Certificate], unreadable: Int) {
        var out: [Certificate] = []
        var unreadable = 0
        for component in properties.components where component.name == "xVals" {
            for value in component.value.arrayValue ?? [] {
                guard out.count < limit else { return (out, unreadable) }
                guard let text = value["x509Cert"]?["val"]?.stringValue, let der = Base64.decode(text),
                    let certificate = try? CertificateMemo.certificate(derEncoded: der)
                else {
                    unreadable += 1
                    continue
                }
                out.append(certificate)
            }
        }
        return (out, unreadable)
    }
}

/// One archive time-stamp (`arcTst`) of a seal, checked.
public struct JAdESArchiveTimeStampCheck: Sendable {
    /// The token, when it parsed and verified cryptographically.
    public let token: TimeStampToken?
    /// The `etsiU` components before it, which its imprint covers (besides payload, protected header and signature).
    public let covered: [String]
    /// `nil` when the token verifies and its imprint is the digest of what it must cover; otherwise why not.
    public let problem: String?
}

/// Archive time-stamps (ETSI TS 119 182-1 §5.3.6.3): reading, checking and adding them.
public enum JAdESArchiveTimeStamps {
    /// The message-imprint input of an `arcTst` that follows `components` in `etsiU` (timeStamped "all", the default):
    /// the JWS payload as it appears (`b64: false`: the payload text itself; else its base64url form), `.`, the
    /// protected header as written, `.`, the signature value as written, `.`, then every earlier `etsiU` item as
    /// written (base64url text).
    ///
    /// SHA-256 of this input equals the imprint of the EU samples' `arcTst` tokens (made by the EU's DSS library).
    /// Clear JSON items would need a canonicalization, which is refused here: skillcred writes base64url items.
    public static func input(
        payloadMember: String, entry: JWSSignatureEntry, components: ArraySlice<JAdESUnsignedProperties.Component>
    ) throws(JAdESError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(payloadMember.utf8.count + entry.protectedEncoded.utf8.count + entry.signatureEncoded.utf8.count + 4096)
        out.append(contentsOf: payloadMember.utf8)
        out.append(UInt8(ascii: "."))
        out.append(contentsOf: entry.protectedEncoded.utf8)
        out.append(UInt8(ascii: "."))
        out.append(contentsOf: entry.signatureEncoded.utf8)
        out.append(UInt8(ascii: "."))
        for component in components {
            guard let text = component.encodedText else {
                throw JAdESError(
                    .invalidTimeStamp,
                    "etsiU holds clear JSON items; the archive time-stamp input is computed here only for base64url items (as the EU's DSS writes them)")
            }
            out.append(contentsOf: text.utf8)
        }
        return out
    }

    /// Checks every `arcTst` of a signature: each token must verify (``TimeStampToken/init(derEncoded:)``) and its
    /// imprint must be the digest of ``input(payloadMember:entry:components:)`` over the items before it. Whether the
    /// TSA is trusted is ``TimeStampAuthorityValidator``'s question.
    public static func check(payloadMember: String, entry: JWSSignatureEntry, properties: JAdESUnsignedProperties) -> [JAdESArchiveTimeStampCheck] {
        var out: [JAdESArchiveTimeStampCheck] = []
        for (index, component) in properties.components.enumerated() where component.name == "arcTst" {
            let before = properties.components[..<index]
            let covered = before.map(\.name)
            for stamp in (component.value["tstTokens"]?.arrayValue ?? []).prefix(4) {
                guard let text = stamp["val"]?.stringValue, let der = Base64.decode(text) else {
                    out.append(JAdESArchiveTimeStampCheck(token: nil, covered: covered, problem: "arcTst.tstTokens[].val is not base64"))
                    continue
                }
                let token: TimeStampToken
                do { token = try TimeStampToken(derEncoded: der) } catch {
                    out.append(JAdESArchiveTimeStampCheck(token: nil, covered: covered, problem: error.message))
                    continue
                }
                if properties.encoding == .mixed {
                    out.append(
                        JAdESArchiveTimeStampCheck(
                            token: token, covered: covered, problem: "etsiU mixes base64url and clear items (ETSI TS 119 182-1 forbids it)"))
                    continue
                }
                do {
                    let data = try input(payloadMember: payloadMember, entry: entry, components: before)
                    if token.imprintMatches(data) {
                        out.append(JAdESArchiveTimeStampCheck(token: token, covered: covered, problem: nil))
                    } else {
                        out.append(
                            JAdESArchiveTimeStampCheck(
                                token: token, covered: covered,
                                problem:
                                    "its message imprint is not the \(token.hashAlgorithmName) of the payload, protected header, signature and the etsiU items before it (\(covered.joined(separator: ", "))): something it covers was changed"
                            ))
                    }
                } catch {
                    out.append(JAdESArchiveTimeStampCheck(token: token, covered: covered, problem: error.message))
                }
            }
        }
        return out
    }

    /// An RFC 3161 TimeStampReq (DER) for an archive time-stamp over a sealed document's first signature as it now
    /// stands (its `etsiU` items must be base64url; ``JAdESLongTermData/add(to:certificates:revocationData:)`` writes
    /// them so), SHA-256, certReq TRUE, with a random nonce returned for ``addArchiveTimeStamp(_:to:expectedNonce:)``.
    public static func request(forSealed document: JSONValue) throws(JAdESError) -> (der: [UInt8], nonce: [UInt8]) {
        let parsed = try JWSJSONDocument(document)
        let entry = parsed.signatures[0]
        let properties = JAdESUnsignedProperties(unprotectedHeader: entry.unprotectedHeader)
        let data = try input(payloadMember: parsed.payloadMember, entry: entry, components: properties.components[...])
        return try JAdESTimeStamps.request(imprint: Array(SHA256.hash(data: data)))
    }

    /// Appends a TSA's reply as `{"arcTst": {"tstTokens": [{"val": …}]}}` (base64url-encoded item) to the first
    /// signature's `etsiU`, after checking that the token verifies, covers the document as it stands, and answers
    /// the request (nonce).
    public static func addArchiveTimeStamp(_ reply: [UInt8], to document: JSONValue, expectedNonce: [UInt8]? = nil) throws(JAdESError) -> JSONValue {
        let parsed = try JWSJSONDocument(document)
        let entry = parsed.signatures[0]
        let properties = JAdESUnsignedProperties(unprotectedHeader: entry.unprotectedHeader)
        let tokenBytes = try JAdESTimeStamps.token(fromReply: reply)
        let token = try TimeStampToken(derEncoded: tokenBytes)
        let data = try input(payloadMember: parsed.payloadMember, entry: entry, components: properties.components[...])
        guard token.imprintMatches(data) else {
            throw JAdESError(.invalidTimeStamp, "the archive time-stamp's imprint does not cover this seal as it stands (a reply for another query?)")
        }
        try JAdESTimeStamps.checkNonce(token, expected: expectedNonce)
        let item: JSONValue = [
            "arcTst": ["tstTokens": [["val": .string(Base64.encode(tokenBytes))]]]
        ]
        return try JAdESLongTermData.appending([item], to: document)
    }
}

/// Adding B-LT validation data (`xVals`, `rVals`) to a seal.
public enum JAdESLongTermData {
    /// Appends `{"xVals": [{"x509Cert": {"val": …}}…]}` and `{"rVals": {"crlVals": […], "ocspVals": […]}}` to the
    /// first signature's `etsiU`, every item written as base64url JSON (the form DSS writes, and the only one an
    /// archive time-stamp can cover here); existing clear items are rewritten as base64url of the same JSON.
    ///
    /// - Parameters:
    ///   - certificates: the certificates a verifier needs to build and check the chains (CA certificates, the TSA's
    ///     and OCSP responders'); duplicates of `x5c` are the caller's choice.
    ///   - revocationData: CRLs and OCSP responses (DER), each checked to parse.
    public static func add(to document: JSONValue, certificates: [Certificate], revocationData: [RevocationInput]) throws(JAdESError) -> JSONValue {
        var items: [JSONValue] = []
        if !certificates.isEmpty {
            var values: [JSONValue] = []
            for certificate in certificates {
                values.append(["x509Cert": ["val": .string(Base64.encode(certificate.derBytes))]])
            }
            items.append(["xVals": .array(values)])
        }
        var crls: [JSONValue] = []
        var ocsp: [JSONValue] = []
        for input in revocationData {
            switch input.kind {
            case .crl:
                let crl = try CertificateRevocationList(derEncoded: input.bytes)
                crls.append(["val": .string(Base64.encode(crl.derEncoded))])
            case .ocsp:
                _ = try OCSPBasicResponse(derEncoded: input.bytes)
                ocsp.append(["val": .string(Base64.encode(input.bytes))])
            }
        }
        if !crls.isEmpty || !ocsp.isEmpty {
            var values = JSONObject()
            if !crls.isEmpty { values["crlVals"] = .array(crls) }
            if !ocsp.isEmpty { values["ocspVals"] = .array(ocsp) }
            items.append(["rVals": .object(values)])
        }
        return try appending(items, to: document)
    }

    /// Appends items to the first signature's `etsiU` as base64url JSON, rewriting clear items the same way.
    static func appending(_ items: [JSONValue], to document: JSONValue) throws(JAdESError) -> JSONValue {
        func encoded(_ item: JSONValue) -> JSONValue {
            item.isString ? item : .string(Base64.urlEncode(JSONWriter.data(item)))
        }
        return try JWSJSONDocument(document).updatingETSIU(of: document) { existing in existing.map(encoded) + items.map(encoded) }
    }
}
