import CredentialDataModel
import CredentialJSON
import DataIntegrity

/// What an issuer checks in a credential it is asked to secure, before any key, registry or counter is touched.
///
/// The VC data model rules (VC DM 2.0 §4–5, VC 1.1 for v1 documents; ``DataModelValidator``) run for every suite.
/// The RDFC suites expand the document in safe mode while signing, so an undefined or redefined term is refused
/// there; the JCS suites never expand, so for them the same safe-mode canonicalization runs here, and a JCS
/// proof is never put on a document an RDFC verifier would refuse. The W3C VC DM suite drives issuers this way:
/// a `-fail` or `-fail-or-inject` fixture must be refused, an `-ok` one signed.
public enum IssuerChecks {
    /// One reason a credential is refused: where (a JSON path) and why.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// The JSON path of the member concerned (`$` for the document).
        public let path: String
        /// What is wrong, in words.
        public let message: String

        public var description: String { "\(path): \(message)" }
    }

    /// Why a credential was refused: every data-model problem at once, or the JSON-LD problem.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        /// The problems, in document order.
        public let problems: [Problem]

        public var description: String { problems.map(\.description).joined(separator: "; ") }
    }

    /// Refuses `credential` when an issuer must not secure it with `cryptosuite`.
    ///
    /// - Parameter canonicalizer: the JSON-LD engine the RDFC suites would use (its contexts and limits).
    public static func check(
        _ credential: JSONValue, cryptosuite: Cryptosuite,
        canonicalizer: JSONLDCanonicalizer = JSONLDCanonicalizer()
    ) throws(Refusal) {
        let violations = DataModelValidator().validateCredential(credential)
        guard violations.isEmpty else {
            throw Refusal(problems: violations.map { Problem(path: $0.path.description, message: "\($0.rule): \($0.message)") })
        }
        guard cryptosuite.usesJCS else { return }
        var unsecured = credential
        if case .object(var object) = credential {
            object["proof"] = nil
            unsecured = .object(object)
        }
        do {
            _ = try canonicalizer.canonicalNQuads(of: unsecured, hashAlgorithm: .sha256)
        } catch {
            throw Refusal(problems: [Problem(path: error.path?.description ?? "$", message: error.message)])
        }
    }
}
