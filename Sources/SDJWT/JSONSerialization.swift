import CredentialJSON

// RFC 9901 §8: an SD-JWT as a JWS JSON Serialization (RFC 7515 §7.2). The issuer-signed JWT is the JWS; its
// Disclosures travel in the unprotected header member `disclosures` and a key binding JWT in `kb_jwt`. Flattened:
// one signature whose members sit at the top level. General: a `signatures` array, of which the first carries
// `disclosures` and `kb_jwt` and is the one the key binding's `sd_hash` is computed over (§8.2, §8.3).
//
// Both forms are read by building the compact form from that first signature, so one code path (parsing, digests,
// signature, key binding) serves every serialization: what the compact verifier accepts is exactly what is accepted
// here, and the `sd_hash` a holder computed over the compact form (§8.3) matches it.

extension SelectiveDisclosureJWT {
    /// Whether `json` has the shape of an SD-JWT in JSON serialization: a JWS JSON object (flattened or general)
    /// whose unprotected header carries `disclosures`. Cheap, for input detection; ``compactForm(ofJSONSerialization:)``
    /// decides. A JAdES seal (also JWS JSON) has no `disclosures` member and is not mistaken for one.
    public static func looksLikeJSONSerialization(_ json: JSONValue) -> Bool {
        guard let object = json.objectValue, object["payload"]?.stringValue != nil else { return false }
        if let header = object["header"]?.objectValue, header["disclosures"] != nil { return true }
        if let first = object["signatures"]?.arrayValue?.first, first["header"]?["disclosures"] != nil { return true }
        return false
    }

    /// The compact SD-JWT (`<JWT>~<Disclosure>~…~[<KB-JWT>]`) an SD-JWT in flattened or general JSON serialization
    /// stands for.
    ///
    /// Only the protected header of the issuer-signed JWT counts, as in the compact form (an unprotected `kid` or
    /// `x5c` could be changed by anyone). A general serialization must hold exactly one signature: a further one
    /// would be left unchecked by a verifier that reports the issuer's signature as the credential's seal.
    /// `disclosures` and `kb_jwt` anywhere but the (first) signature's unprotected header are refused, since they
    /// would otherwise be silently ignored.
    public static func compactForm(ofJSONSerialization json: JSONValue, limits: SDJWTLimits = .default) throws(SDJWTError) -> String {
        guard let object = json.objectValue else { throw SDJWTError(.malformed, "an SD-JWT in JSON serialization must be a JSON object") }
        guard let payload = object["payload"]?.stringValue else { throw SDJWTError(.malformed, "the SD-JWT JSON serialization has no payload string") }
        let signature: JSONObject
        if let signatures = object["signatures"] {
            guard let list = signatures.arrayValue, let first = list.first?.objectValue else {
                throw SDJWTError(.malformed, "signatures is not a non-empty array of objects")
            }
            guard list.count == 1 else {
                throw SDJWTError(
                    .malformed,
                    "the general JSON serialization holds \(list.count) signatures; only one (the issuer's) is read, so a further one would go unchecked")
            }
            for member in ["protected", "signature", "header"] where object[member] != nil {
                throw SDJWTError(.malformed, "the general JSON serialization also has a top-level \(member), which belongs in signatures[0]")
            }
            signature = first
        } else {
            signature = object
        }
        guard let protected = signature["protected"]?.stringValue, !protected.isEmpty else {
            throw SDJWTError(.malformed, "the issuer-signed JWT has no protected header (an SD-JWT's header must be integrity-protected)")
        }
        guard let value = signature["signature"]?.stringValue, !value.isEmpty else {
            throw SDJWTError(.malformed, "the issuer-signed JWT has no signature")
        }
        guard let header = signature["header"]?.objectValue else { throw SDJWTError(.malformed, "the unprotected header is not an object") }
        guard let list = header["disclosures"]?.arrayValue else { throw SDJWTError(.malformed, "disclosures is not an array") }
        guard list.count <= limits.maxDisclosures else {
            throw SDJWTError(.limitExceeded, "the SD-JWT has \(list.count) disclosures, more than the limit of \(limits.maxDisclosures)")
        }
        var disclosures: [String] = []
        for (index, item) in list.enumerated() {
            // Each must be a non-empty base64url string: a `~` inside one would forge the compact form's structure.
            guard let text = item.stringValue, !text.isEmpty, text.utf8.allSatisfy(Self.isBase64URL) else {
                throw SDJWTError(.malformed, "disclosures[\(index)] is not a base64url string")
            }
            disclosures.append(text)
        }
        var keyBinding = ""
        if let kb = header["kb_jwt"] {
            guard let text = kb.stringValue, !text.isEmpty, !text.contains("~") else { throw SDJWTError(.malformed, "kb_jwt is not a compact JWT") }
            keyBinding = text
        }
        for part in [protected, payload, value] where !part.utf8.allSatisfy(Self.isBase64URL) {
            throw SDJWTError(.malformed, "the issuer-signed JWT has a part that is not base64url")
        }
        return ([protected + "." + payload + "." + value] + disclosures).joined(separator: "~") + "~" + keyBinding
    }

    static func isBase64URL(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F
    }
}
