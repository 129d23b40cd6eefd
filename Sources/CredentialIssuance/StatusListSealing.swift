import CredentialJSON
import CredentialRegistry
import Foundation
import JAdES

/// How an issuer's status list credentials are secured.
///
/// An EDC issuer is an organisation identified by its e-seal and has no Data Integrity key, so its lists are
/// sealed with JAdES by that e-seal, as its EDCs are (EBSI: "the status VC is e-signed/e-sealed by the issuer");
/// a DID issuer's lists carry a Data Integrity proof by the issuer's key.
public enum StatusListSealing {
    /// Whether the lists of registry issuer `issuer` are sealed with JAdES: every issuer that is not a DID.
    ///
    /// EDC issuers are `urn:epass:org:` ids; registries written before EDCs had a stable issuer id keyed EDC
    /// lists by the seal's organisation identifier, which is no DID either, so those lists are sealed too.
    public static func isSealedIssuer(_ issuer: String) -> Bool {
        !issuer.hasPrefix("did:")
    }

    /// The JAdES document (JWS JSON general serialization, unencoded payload) whose payload is `list`, written
    /// as ``JSONWriter`` writes it — the same shape and sealer as an EDC.
    public static func seal(_ list: JSONValue, with sealer: JAdESSealer, signingTime: Date = Date()) throws(JAdESError) -> JSONValue {
        try sealer.seal(payload: JSONWriter.data(list), signingTime: signingTime)
    }

    /// A ``StatusListPublisher/Signer`` that seals every list with `sealer`.
    public static func sealingSigner(_ sealer: JAdESSealer) -> StatusListPublisher.Signer {
        { unsigned, _ in try seal(unsigned, with: sealer) }
    }
}
