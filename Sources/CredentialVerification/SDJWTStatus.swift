import CredentialJSON
import Foundation
import SDJWT
import StatusList

/// The Revocation check for SD-JWT VCs: an IETF Token Status List (`status.status_list: {idx, uri}`).
///
/// The list is a `statuslist+jwt` fetched through the policy's status source (the local mirror, or HTTPS through
/// SecureFetch when switched on), signed by the same issuer rules as the credential: an x5c chain to a trust anchor
/// naming the credential's `iss`, or a DID key controlled by that `iss`. A list signed by anyone else says nothing
/// about this credential.
struct TokenStatusCheck {
    func run(_ subject: VerificationSubject, context: VerificationContext) async -> CheckResult {
        guard let document = subject.document else { return .skipped(.revocation, "Nothing to check", limitsTrust: false) }
        guard let status = document["status"] else {
            return .skipped(.revocation, "The credential has no status entry, so it cannot be revoked", limitsTrust: false)
        }
        guard let reference = status["status_list"] else {
            return .skipped(
                .revocation, "Status unknown: the status mechanism \(status.objectValue?.keys.joined(separator: ", ") ?? "?") is not supported",
                limitsTrust: true)
        }
        guard let idx = reference["idx"]?.numberValue?.intValue, idx >= 0, let uri = reference["uri"]?.stringValue else {
            return .error(
                .revocation, "The status entry is malformed: status.status_list needs a non-negative integer idx and a uri",
                [.vc(.malformedValueError, "malformed status_list reference", path: "$.status.status_list")])
        }
        guard let source = context.policy.statusSource else {
            return .skipped(.revocation, "Status unknown: no status list source is configured", limitsTrust: true)
        }
        let issuer = subject.issuerID
        let fetched: (TokenStatusList, String)
        do { fetched = try await fetch(uri, issuer: issuer, source: source, context: context) } catch {
            let problem = ProblemDetail(
                code: error.code.name, type: error.problemType ?? "https://www.w3.org/ns/credentials/status-list#" + error.code.name,
                title: "Token Status List", detail: error.message)
            if error.code == .retrieval {
                return .skipped(.revocation, "Status unknown: \(error.message)", limitsTrust: true, problems: [problem])
            }
            return .error(.revocation, "The status list cannot be used: \(error.message)", [problem])
        }
        let (list, signer) = fetched
        let value: UInt8
        do { value = try list.status(at: idx) } catch {
            return .error(.revocation, "The status list cannot be used: \(error.message)", [.vc(.rangeError, error.message, path: "$.status.status_list.idx")])
        }
        let where_ = "\(uri) idx \(idx)"
        let details = ["Token Status List \(uri) (\(list.bits) bit\(list.bits == 1 ? "" : "s") per entry), signed by \(signer)"]
        switch value {
        case 0:
            return .ok(.revocation, "Not revoked or suspended (Token Status List checked)", details: details + ["status: valid — \(where_)"])
        case 1:
            return .error(
                .revocation, "The credential has been revoked by its issuer", [.vc(.malformedValueError, "revoked (status 1, \(where_))")], details: details)
        case 2:
            return .error(.revocation, "The credential is suspended", [.vc(.malformedValueError, "suspended (status 2, \(where_))")], details: details)
        default:
            // Other values are application-specific; none of them says "valid", so none may pass as valid.
            return .error(
                .revocation, "The credential's status is 0x\(String(value, radix: 16)), which is not valid",
                [.vc(.malformedValueError, "status 0x\(String(value, radix: 16)) (\(where_))")], details: details)
        }
    }

    /// Fetches (or takes from the batch cache) and verifies the list token.
    func fetch(
        _ uri: String, issuer: String?, source: any StatusListSource, context: VerificationContext
    ) async throws(StatusListError) -> (TokenStatusList, String) {
        let now = context.policy.now
        let cacheKey = "token-status-list " + uri
        let signer: String
        let payload: JSONValue
        if let cached = context.statusCache.cached(for: cacheKey, now: now), let sealedBy = cached.sealedBy {
            // The cache keeps who signed the list; a list signed for one issuer is not reused for another.
            guard sealedBy == "iss " + (issuer ?? "") else {
                throw StatusListError(.verification, "the status list \(uri) is signed for another issuer than \(issuer ?? "(no iss)")")
            }
            payload = cached.credential
            signer = issuer ?? ""
        } else {
            let bytes = try await source.fetch(url: uri)
            let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let jws: CompactJWS
            do { jws = try CompactJWS(text, what: "status list token") } catch {
                throw StatusListError(.retrieval, "the status list \(uri) is not a compact JWT: \(error.message)")
            }
            guard jws.header["typ"]?.stringValue == "statuslist+jwt" else {
                throw StatusListError(.verification, "the status list \(uri) has typ \(jws.header["typ"]?.stringValue ?? "(missing)"), not statuslist+jwt")
            }
            do { try jws.requireAllowedAlgorithm(what: "status list token") } catch {
                throw StatusListError(.verification, error.message)
            }
            switch await SDJWTKeyFinder(policy: context.policy, resolver: context.dataIntegrity.resolver).check(jws, issuer: issuer) {
            case .verified(let key, let detail):
                if case .x5c(let chain, let subject, let bound) = key {
                    guard chain.isTrusted else { throw StatusListError(.verification, "the status list's certificate \(subject) is not trusted: \(chain)") }
                    guard bound else {
                        throw StatusListError(.verification, "the status list's certificate \(subject) does not name the issuer \(issuer ?? "(no iss)")")
                    }
                }
                signer = detail
            case .failed(let problem): throw StatusListError(.verification, "the status list's signature: \(problem.detail)")
            case .unverifiable(let why): throw StatusListError(.verification, "the status list's signature cannot be checked: \(why)")
            }
            payload = jws.payload
            guard payload["sub"]?.stringValue == uri else {
                throw StatusListError(.verification, "the status list's sub \(payload["sub"]?.stringValue ?? "(missing)") is not \(uri)")
            }
            context.statusCache.store(payload, for: cacheKey, now: now, sealedBy: "iss " + (issuer ?? ""))
        }
        if let exp = payload["exp"]?.numberValue?.doubleValue, exp < now.timeIntervalSince1970 - context.policy.clockSkew {
            throw StatusListError(.retrieval, "the status list \(uri) expired at \(XSDDateTime.format(Date(timeIntervalSince1970: exp)))")
        }
        guard let statusList = payload["status_list"], let bits = statusList["bits"]?.numberValue?.intValue,
            let lst = statusList["lst"]?.stringValue
        else {
            throw StatusListError(.malformedValue, "the status list token has no status_list {bits, lst}")
        }
        return (try TokenStatusList(bits: bits, lst: lst), signer)
    }
}
