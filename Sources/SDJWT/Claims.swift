import CredentialJSON

/// One claim the holder disclosed, where it landed in the rebuilt claims.
public struct DisclosedClaim: Sendable, Hashable {
    /// A JSON path: `$.address.street_address`, `$.nationalities[1]`.
    public let path: String
    /// The disclosed value, itself rebuilt.
    public let value: JSONValue
}

/// The claims of an SD-JWT after its disclosures are put back (RFC 9901 §7.1 steps 3–6).
public struct SDJWTClaims: Sendable {
    /// The rebuilt payload: disclosed claims in place, `_sd`, `_sd_alg` and undisclosed array placeholders removed.
    public let claims: JSONValue
    /// Every disclosed claim, in the order they were put back (a claim nested in a disclosed value comes before it).
    public let disclosed: [DisclosedClaim]
    /// Digests the payload holds with no disclosure presented: claims withheld by the holder, or issuer decoys
    /// (the two cannot be told apart, by design).
    public let undisclosedDigests: Int
}

extension SelectiveDisclosureJWT {
    /// Puts the disclosures back into the issuer-signed payload.
    ///
    /// Fails when a disclosure is not referenced by any digest (it was not issued: tampered or invented), when a
    /// digest is referenced twice or two disclosures share one, when an object disclosure is referenced from an
    /// array (or the reverse), when a disclosed name already exists in its object, and past the ``SDJWTLimits``.
    public func processedClaims(limits: SDJWTLimits = .default) throws(SDJWTError) -> SDJWTClaims {
        var byDigest: [String: Int] = [:]
        for (position, disclosure) in disclosures.enumerated() {
            guard byDigest.updateValue(position, forKey: disclosure.digest) == nil else {
                throw SDJWTError(
                    .duplicateDigest, "the disclosure of \(disclosure.name ?? "an array element") is presented twice (digest \(disclosure.digest))")
            }
        }
        var rebuilder = Rebuilder(disclosures: disclosures, byDigest: byDigest, limits: limits)
        let claims = try rebuilder.process(issuerJWT.payload, path: "$", depth: 0)
        if let unused = disclosures.first(where: { !rebuilder.used.contains($0.digest) }) {
            throw SDJWTError(
                .unreferencedDisclosure,
                "the disclosure of \(unused.name.map { "\"\($0)\"" } ?? "an array element") (digest \(unused.digest)) is not referenced by the issuer-signed JWT, so the issuer did not issue it"
            )
        }
        return SDJWTClaims(claims: claims, disclosed: rebuilder.disclosed, undisclosedDigests: rebuilder.undisclosed)
    }
}

/// The recursive walk of RFC 9901 §7.1 step 3, with its bookkeeping.
private struct Rebuilder {
    let disclosures: [Disclosure]
    let byDigest: [String: Int]
    let limits: SDJWTLimits
    var seen = Set<String>()
    var used = Set<String>()
    var disclosed: [DisclosedClaim] = []
    var undisclosed = 0

    /// Records a digest found in the payload; the disclosure it names, if presented.
    mutating func reference(_ digest: String) throws(SDJWTError) -> Disclosure? {
        guard seen.count < limits.maxDigests else {
            throw SDJWTError(.limitExceeded, "the SD-JWT holds more than \(limits.maxDigests) digests")
        }
        // A digest twice would let one disclosure fill two places; the spec says reject (§7.1 step 4).
        guard seen.insert(digest).inserted else { throw SDJWTError(.duplicateDigest, "the digest \(digest) appears more than once") }
        guard let position = byDigest[digest] else {
            undisclosed += 1
            return nil
        }
        used.insert(digest)
        return disclosures[position]
    }

    mutating func process(_ value: JSONValue, path: String, depth: Int) throws(SDJWTError) -> JSONValue {
        guard depth <= limits.maxDepth else {
            throw SDJWTError(.limitExceeded, "the claims nest deeper than \(limits.maxDepth) levels at \(path)")
        }
        switch value {
        case .object(let object):
            var digests: [String] = []
            if let sd = object["_sd"] {
                guard let array = sd.arrayValue else { throw SDJWTError(.malformed, "\(path)._sd is not an array") }
                for element in array {
                    guard let digest = element.stringValue else { throw SDJWTError(.malformed, "\(path)._sd holds a value that is not a digest string") }
                    digests.append(digest)
                }
            }
            var out = JSONObject()
            for member in object where member.key != "_sd" && !(depth == 0 && member.key == "_sd_alg") {
                out[member.key] = try process(member.value, path: path + "." + member.key, depth: depth + 1)
            }
            for digest in digests {
                guard let disclosure = try reference(digest) else { continue }
                guard let name = disclosure.name else {
                    throw SDJWTError(.invalidDisclosure, "an array-element disclosure (digest \(digest)) is referenced from the object \(path)")
                }
                guard out[name] == nil else {
                    throw SDJWTError(.claimNameCollision, "the disclosed claim \(name) already exists in \(path)")
                }
                let rebuilt = try process(disclosure.value, path: path + "." + name, depth: depth + 1)
                out[name] = rebuilt
                disclosed.append(DisclosedClaim(path: path + "." + name, value: rebuilt))
            }
            return .object(out)
        case .array(let array):
            var out: [JSONValue] = []
            for element in array {
                if let object = element.objectValue, object.count == 1, let placeholder = object["..."] {
                    guard let digest = placeholder.stringValue else { throw SDJWTError(.malformed, "an array placeholder in \(path) is not a digest string") }
                    guard let disclosure = try reference(digest) else { continue }  // withheld: the element is left out
                    guard disclosure.name == nil else {
                        throw SDJWTError(
                            .invalidDisclosure,
                            "the object-property disclosure \(disclosure.name ?? "") (digest \(digest)) is referenced from the array \(path)")
                    }
                    let at = "\(path)[\(out.count)]"
                    let rebuilt = try process(disclosure.value, path: at, depth: depth + 1)
                    out.append(rebuilt)
                    disclosed.append(DisclosedClaim(path: at, value: rebuilt))
                } else {
                    out.append(try process(element, path: "\(path)[\(out.count)]", depth: depth + 1))
                }
            }
            return .array(out)
        default:
            return value
        }
    }
}
