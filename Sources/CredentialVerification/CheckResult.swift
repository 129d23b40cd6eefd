import CredentialJSON

/// The checks a verifier runs, with the EU EDC viewer's names (controlled list
/// `http://data.europa.eu/snb/verification/25831c2`).
public enum CheckName: String, Sendable, Hashable, CaseIterable {
    case format = "Format"
    case seal = "Seal"
    case owner = "Owner"
    case revocation = "Revocation"
    case accreditation = "Accreditation"
    case validity = "Validity"

    /// The EU verification-check concept for this check.
    public var conceptURI: String {
        switch self {
        case .format: return "http://data.europa.eu/snb/verification/2f5b89b96f"
        case .seal: return "http://data.europa.eu/snb/verification/f9c2016fe9"
        case .owner: return "http://data.europa.eu/snb/verification/1faf8d450f"
        case .revocation: return "http://data.europa.eu/snb/verification/271aef9eb4"
        case .accreditation: return "http://data.europa.eu/snb/verification/e2bbc86a28"
        case .validity: return "http://data.europa.eu/snb/verification/94d828f160"
        }
    }
}

/// How one check came out (the EU viewer's OK / Error / Skipped).
public enum CheckStatus: String, Sendable, Hashable, CaseIterable {
    case ok = "OK"
    case error = "Error"
    case skipped = "Skipped"
}

/// An RFC 9457 problem detail, typed with the VC 2.0 / Data Integrity / Bitstring Status List error types.
public struct ProblemDetail: Sendable, Hashable, CustomStringConvertible {
    /// The stable error code, e.g. `MALFORMED_VALUE_ERROR`, `PROOF_VERIFICATION_ERROR`, `STATUS_RETRIEVAL_ERROR`.
    public let code: String
    /// The problem type URL (`https://www.w3.org/TR/vc-data-model#…`, `https://w3id.org/security#…`, …).
    public let type: String
    /// A short human title.
    public let title: String
    /// What exactly is wrong, naming the field.
    public let detail: String
    /// Where in the document, when known (a JSON path such as `$.credentialSubject.id`).
    public let path: String?

    /// Creates a problem detail.
    public init(code: String, type: String, title: String, detail: String, path: String? = nil) {
        self.code = code
        self.type = type
        self.title = title
        self.detail = detail
        self.path = path
    }

    /// A VC Data Model 2.0 §7.2 problem (`PARSING_ERROR`, `CRYPTOGRAPHIC_SECURITY_ERROR`, `MALFORMED_VALUE_ERROR`, `RANGE_ERROR`).
    public static func vc(_ code: VCErrorCode, _ detail: String, path: String? = nil) -> ProblemDetail {
        ProblemDetail(
            code: code.rawValue, type: "https://www.w3.org/TR/vc-data-model#" + code.rawValue,
            title: code.title, detail: detail, path: path)
    }

    public var description: String { "\(code): \(detail)" + (path.map { " at \($0)" } ?? "") }

    /// The problem as an RFC 9457 JSON object.
    public var jsonValue: JSONValue {
        var problem: JSONObject = ["type": .string(type), "code": .string(code), "title": .string(title), "detail": .string(detail)]
        if let path { problem["instance"] = .string(path) }
        return .object(problem)
    }
}

/// The VC Data Model 2.0 §7.2 error types.
public enum VCErrorCode: String, Sendable, Hashable {
    case parsingError = "PARSING_ERROR"
    case cryptographicSecurityError = "CRYPTOGRAPHIC_SECURITY_ERROR"
    case malformedValueError = "MALFORMED_VALUE_ERROR"
    case rangeError = "RANGE_ERROR"

    var title: String {
        switch self {
        case .parsingError: return "Parsing error"
        case .cryptographicSecurityError: return "Cryptographic security error"
        case .malformedValueError: return "Malformed value"
        case .rangeError: return "Range error"
        }
    }
}

/// The outcome of one check: a value, never a thrown error.
public struct CheckResult: Sendable, Hashable {
    /// Which check.
    public let name: CheckName
    /// OK, Error or Skipped.
    public let status: CheckStatus
    /// Why, in plain words a person understands.
    public let reason: String
    /// The problems behind an `Error` (or notes behind a `Skipped`), with VC 2.0 error types.
    public let problems: [ProblemDetail]
    /// Further facts worth showing (signer, certificate chain, qualification, status list used…).
    public let details: [String]
    /// Whether this outcome keeps the overall result below "Verified" without failing it
    /// (e.g. the issuer is unknown, the revocation status could not be learnt, nothing is sealed).
    public let limitsTrust: Bool

    /// Creates a result; an Error never limits trust (it fails outright).
    public init(
        _ name: CheckName, _ status: CheckStatus, _ reason: String, problems: [ProblemDetail] = [],
        details: [String] = [], limitsTrust: Bool = false
    ) {
        self.name = name
        self.status = status
        self.reason = reason
        self.problems = problems
        self.details = details
        self.limitsTrust = limitsTrust && status != .error
    }

    /// A passed check.
    public static func ok(_ name: CheckName, _ reason: String, details: [String] = []) -> CheckResult {
        CheckResult(name, .ok, reason, details: details)
    }

    /// A failed check with its problems.
    public static func error(_ name: CheckName, _ reason: String, _ problems: [ProblemDetail], details: [String] = []) -> CheckResult {
        CheckResult(name, .error, reason, problems: problems, details: details)
    }

    /// A skipped check; `limitsTrust` says whether skipping it means the credential is only partially verified.
    public static func skipped(_ name: CheckName, _ reason: String, limitsTrust: Bool, problems: [ProblemDetail] = [], details: [String] = []) -> CheckResult {
        CheckResult(name, .skipped, reason, problems: problems, details: details, limitsTrust: limitsTrust)
    }
}

/// The overall verdict, as the EU viewer's ribbon shows it.
public enum OverallStatus: String, Sendable, Hashable, Comparable, CaseIterable {
    case verified = "Verified"
    case partiallyVerified = "Partially verified"
    case failed = "Failed"

    private var rank: Int {
        switch self {
        case .verified: return 0
        case .partiallyVerified: return 1
        case .failed: return 2
        }
    }

    public static func < (lhs: OverallStatus, rhs: OverallStatus) -> Bool { lhs.rank < rhs.rank }

    /// Any Error fails; otherwise any check that limits trust makes the result partial.
    public static func of(_ checks: [CheckResult]) -> OverallStatus {
        if checks.contains(where: { $0.status == .error }) { return .failed }
        if checks.contains(where: \.limitsTrust) { return .partiallyVerified }
        return .verified
    }
}
