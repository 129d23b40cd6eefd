import Foundation
import SwiftASN1
@_spi(FixedExpiryValidationTime) import X509

/// A certificate policy for e-seal signing certificates: the leaf's key usage must allow
/// digitalSignature or nonRepudiation (contentCommitment), as ETSI EN 319 412-3 e-seal certificates do.
public struct ESealKeyUsagePolicy: VerifierPolicy, Sendable {
    /// Key usage is enforced here, so a critical key-usage extension is understood.
    public let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [.X509ExtensionID.keyUsage]
    /// When `true`, nonRepudiation is required (not merely accepted).
    public var requireNonRepudiation: Bool

    /// Creates the policy.
    public init(requireNonRepudiation: Bool = false) {
        self.requireNonRepudiation = requireNonRepudiation
    }

    public func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) -> PolicyEvaluationResult {
        if let reason = problem(with: chain.leaf) { return .failsToMeetPolicy(reason: reason) }
        return .meetsPolicy
    }

    /// Why `leaf` cannot make seals under this policy, or `nil` when it can.
    public func problem(with leaf: Certificate) -> String? {
        let usage: KeyUsage?
        do {
            usage = try leaf.extensions.keyUsage
        } catch {
            return "the seal certificate's key usage extension is malformed: \(error)"
        }
        guard let usage else { return "the seal certificate has no key usage extension" }
        if requireNonRepudiation && !usage.nonRepudiation { return "the seal certificate's key usage lacks nonRepudiation" }
        if !usage.digitalSignature && !usage.nonRepudiation {
            return "the seal certificate's key usage allows neither digitalSignature nor nonRepudiation"
        }
        return nil
    }
}

/// RFC 5280 §4.2.1.3 and §6.1.4 (n): a CA certificate whose key usage extension is present must allow keyCertSign
/// for its signatures on certificates to count. swift-certificates' RFC5280Policy does not check this, so every
/// chain skillcred validates adds this policy.
public struct CAKeyUsagePolicy: VerifierPolicy, Sendable {
    /// Key usage is read here too.
    public let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [.X509ExtensionID.keyUsage]

    /// Creates the policy.
    public init() {}

    public func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) -> PolicyEvaluationResult {
        for certificate in chain.dropFirst() {
            let usage: KeyUsage?
            do { usage = try certificate.extensions.keyUsage } catch {
                return .failsToMeetPolicy(reason: "the CA certificate \(certificate.subject.text) has a malformed key usage extension")
            }
            if let usage, !usage.keyCertSign {
                return .failsToMeetPolicy(reason: "the CA certificate \(certificate.subject.text) may not sign certificates (its key usage lacks keyCertSign)")
            }
        }
        return .meetsPolicy
    }
}

/// Whether a seal certificate chains to a trust anchor.
public enum JAdESChainValidation: Sendable, Hashable, CustomStringConvertible {
    /// A valid chain from the leaf to an anchor (leaf first, anchor last).
    case trusted(chain: [Certificate])
    /// No valid chain; the reason names the policy failure or the missing anchor.
    case untrusted(reason: String)

    /// `true` for ``trusted(chain:)``.
    public var isTrusted: Bool { if case .trusted = self { return true } else { return false } }

    public var description: String {
        switch self {
        case .trusted: return "trusted"
        case .untrusted(let reason): return "untrusted: \(reason)"
        }
    }
}

/// Validates a seal certificate's chain to configured trust anchors with swift-certificates' `Verifier`,
/// under RFC 5280 rules plus ``ESealKeyUsagePolicy``.
///
/// This is trust in a configured PKI (a PEM folder), not an eIDAS trusted-list (LOTL) qualification check;
/// revocation is not checked (that needs OCSP/CRL fetching).
public struct JAdESChainValidator: Sendable {
    /// The trust anchors.
    public let trustAnchors: [Certificate]
    /// The e-seal key usage policy applied to the leaf.
    public var keyUsagePolicy: ESealKeyUsagePolicy

    /// Creates a validator from anchors.
    public init(trustAnchors: [Certificate], keyUsagePolicy: ESealKeyUsagePolicy = ESealKeyUsagePolicy()) {
        self.trustAnchors = trustAnchors
        self.keyUsagePolicy = keyUsagePolicy
    }

    /// Creates a validator from a folder of PEM trust anchors (see ``JAdESPEM/trustAnchors(directory:)``).
    public init(trustAnchorDirectory: URL, keyUsagePolicy: ESealKeyUsagePolicy = ESealKeyUsagePolicy()) throws(JAdESError) {
        self.init(trustAnchors: try JAdESPEM.trustAnchors(directory: trustAnchorDirectory), keyUsagePolicy: keyUsagePolicy)
    }

    /// Validates `leaf` using `intermediates` (e.g. the rest of `x5c` and the `xVals` certificates).
    ///
    /// - Parameter validationTime: when to check certificate validity; `nil` means now. Passing the
    ///   signing time checks the chain as it stood when the seal was made, which is only meaningful when
    ///   that time is trusted (a time-stamp); baseline-B's `sigT` is merely claimed.
    public func validate(leaf: Certificate, intermediates: [Certificate], validationTime: Date? = nil) async -> JAdESChainValidation {
        if trustAnchors.isEmpty {
            return .untrusted(reason: "no trust anchors configured")
        }
        if trustAnchors.contains(leaf) {
            // The user trusts this very certificate (often a self-signed leaf, which path validation would refuse as a
            // root because it is no CA): it needs only to be valid then and fit for sealing.
            let at = validationTime ?? Date()
            guard leaf.notValidBefore <= at, at <= leaf.notValidAfter else {
                return .untrusted(reason: "the trusted certificate \(leaf.subject.text) is not valid at \(at)")
            }
            if let reason = keyUsagePolicy.problem(with: leaf) { return .untrusted(reason: reason) }
            return .trusted(chain: [leaf])
        }
        let roots = CertificateStore(trustAnchors)
        let store = CertificateStore(intermediates.filter { $0 != leaf })
        let usagePolicy = keyUsagePolicy
        let result: CertificateValidationResult
        if let validationTime {
            var verifier = Verifier(rootCertificates: roots) {
                RFC5280Policy(fixedExpiryValidationTime: validationTime)
                usagePolicy
                CAKeyUsagePolicy()
            }
            result = await verifier.validate(leaf: leaf, intermediates: store)
        } else {
            var verifier = Verifier(rootCertificates: roots) {
                RFC5280Policy()
                usagePolicy
                CAKeyUsagePolicy()
            }
            result = await verifier.validate(leaf: leaf, intermediates: store)
        }
        switch result {
        case .validCertificate(let chain):
            return .trusted(chain: Array(chain))
        case .couldNotValidate(let failures):
            if leaf.subject == leaf.issuer && !trustAnchors.contains(leaf) {
                return .untrusted(reason: "the certificate \(leaf.subject.text) is self-signed and is not one of the trust anchors")
            }
            if let failure = failures.first {
                return .untrusted(reason: Self.readable(failure.policyFailureReason.description))
            }
            return .untrusted(reason: "no chain from \(leaf.issuer.text) to a trust anchor")
        }
    }

    /// Validates the signer of a verified seal, using its `x5c` and `xVals` certificates as intermediates.
    public func validate(_ signature: JAdESSignatureVerification, validationTime: Date? = nil) async -> JAdESChainValidation {
        guard let leaf = signature.signingCertificate else {
            return .untrusted(reason: "the seal carries no usable signing certificate")
        }
        return await validate(
            leaf: leaf, intermediates: Array(signature.certificateChain.dropFirst()) + signature.unsignedCertificates,
            validationTime: validationTime)
    }

    /// A policy failure as a sentence: swift-certificates' reasons embed whole certificate dumps, which say nothing
    /// to a reader that the certificate's subject does not.
    static func readable(_ reason: String) -> String {
        var out = ""
        var rest = Substring(reason)
        while let start = rest.range(of: "Certificate(version:") {
            out += rest[..<start.lowerBound]
            var depth = 0
            var end = start.lowerBound
            for index in rest[start.lowerBound...].indices {
                if rest[index] == "(" { depth += 1 }
                if rest[index] == ")" { depth -= 1; if depth == 0 { end = index; break } }
            }
            let dump = rest[start.lowerBound...end]
            if let subject = dump.range(of: "subject: \""), let close = dump[subject.upperBound...].firstIndex(of: "\"") {
                out += "certificate " + dump[subject.upperBound..<close]
            } else {
                out += "a certificate"
            }
            rest = end < rest.endIndex ? rest[rest.index(after: end)...] : ""
            if depth != 0 { break }
        }
        out += rest
        return out.count > 400 ? String(out.prefix(400)) + "…" : out
    }
}
