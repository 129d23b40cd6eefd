import CredentialJSON
import Foundation
import Hummingbird

/// An RFC 9457 problem detail the service answers with (`application/problem+json`).
///
/// Every refusal the service makes is one of these, with a stable `code` so that clients can branch on it
/// without parsing the English `detail`. Nothing internal (stack traces, key material, SQL) goes into one. It is
/// Hummingbird's `HTTPResponseError`, so a handler just throws it; ``ProblemMiddleware`` only hides server paths
/// and logs it.
public struct ServiceProblem: Error, Sendable, Hashable {
    /// The HTTP status.
    public let status: HTTPResponse.Status
    /// A stable, machine-readable name such as `unauthorized` or `bodyTooLarge`.
    public let code: String
    /// A short, human-readable summary of the problem type.
    public let title: String
    /// What went wrong with this request.
    public let detail: String
    /// Where in the request, when it is about one member (a JSON path).
    public let path: String?
    /// Extra members (e.g. the VC API `verified: false` body of a failed verification).
    public let extra: JSONObject

    public init(status: Int, code: String, title: String, detail: String, path: String? = nil, extra: JSONObject = [:]) {
        self.status = HTTPResponse.Status(code: status)
        self.code = code
        self.title = title
        self.detail = detail
        self.path = path
        self.extra = extra
    }

    /// The same problem with another detail text.
    func replacing(detail: String) -> ServiceProblem {
        ServiceProblem(status: status.code, code: code, title: title, detail: detail, path: path, extra: extra)
    }

    /// The problem as JSON; `type` is a stable URI under the project's namespace.
    public var json: JSONValue {
        var problem: JSONObject = [
            "type": .string("https://skillcred.example/problems/\(code)"),
            "title": .string(title),
            "status": .number(JSONNumber(status.code)),
            "code": .string(code),
            "detail": .string(detail),
        ]
        if let path { problem["instance"] = .string(path) }
        for member in extra { problem[member.key] = member.value }
        return .object(problem)
    }

    /// The response: problem JSON with the matching content type, and the headers its status calls for
    /// (`Retry-After` on 429 and 503, `WWW-Authenticate` on 401).
    public func response(headers extraHeaders: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if status == .tooManyRequests || status == .serviceUnavailable { headers[.retryAfter] = "1" }
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        headers.append(contentsOf: extraHeaders)
        return Response(
            status: status, headers: headers,
            body: .init(byteBuffer: jsonBuffer(json)))
    }

    static func badRequest(_ code: String, _ detail: String, path: String? = nil) -> ServiceProblem {
        ServiceProblem(status: 400, code: code, title: "Bad request", detail: detail, path: path)
    }
    static func unprocessable(_ code: String, _ detail: String, path: String? = nil) -> ServiceProblem {
        ServiceProblem(status: 422, code: code, title: "Unprocessable content", detail: detail, path: path)
    }
    static let unauthorized = ServiceProblem(
        status: 401, code: "unauthorized", title: "Unauthorized",
        detail: "a valid bearer token is required (Authorization: Bearer …)")
    static func forbidden(_ scope: String) -> ServiceProblem {
        ServiceProblem(status: 403, code: "insufficientScope", title: "Forbidden", detail: "the token does not have the \(scope) scope")
    }
    static func tooLarge(_ limit: Int) -> ServiceProblem {
        ServiceProblem(status: 413, code: "bodyTooLarge", title: "Content too large", detail: "the request body is larger than \(limit) bytes")
    }
    static func tooManyItems(_ count: Int, limit: Int, path: String) -> ServiceProblem {
        ServiceProblem(
            status: 413, code: "tooManyItems", title: "Too many items",
            detail: "the request holds \(count) credentials to verify; the limit is \(limit) per request (--max-items)",
            path: path, extra: ["limit": .number(JSONNumber(limit))])
    }
    static func answerTooLarge(_ size: Int, limit: Int) -> ServiceProblem {
        ServiceProblem(
            status: 413, code: "answerTooLarge", title: "Answer too large",
            detail: "the report would be \(size) bytes; the limit is \(limit) (--max-answer-bytes): verify fewer or smaller credentials per request",
            extra: ["limit": .number(JSONNumber(limit))])
    }
    static let rateLimited = ServiceProblem(
        status: 429, code: "rateLimited", title: "Too many requests",
        detail: "too many requests from this client; retry later")
    static let busy = ServiceProblem(
        status: 503, code: "busy", title: "Busy",
        detail: "too many verifications are waiting; retry in a moment")
    static let notFound = ServiceProblem(status: 404, code: "notFound", title: "Not found", detail: "no such resource")
    static let internalError = ServiceProblem(
        status: 500, code: "internalError", title: "Internal error",
        detail: "the service could not complete the request; the log has the request id")
}

/// Turns every error into problem details and logs it by code only (never the message of an unexpected error,
/// which could quote input or internals).
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Absolute server paths and what to show instead (the data directory, the working directory): a problem tells
    /// a client what was wrong with its request, never where the server keeps its files.
    var hiddenPaths: [(path: String, shownAs: String)] = []

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let raw as ServiceProblem {
            var problem = raw
            for hidden in hiddenPaths where !hidden.path.isEmpty && hidden.path != "/" && problem.detail.contains(hidden.path) {
                problem = problem.replacing(detail: problem.detail.replacingOccurrences(of: hidden.path, with: hidden.shownAs))
            }
            context.logger.info("refused", metadata: ["status": "\(problem.status.code)", "code": "\(problem.code)"])
            return problem.response()
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            context.logger.info("refused", metadata: ["status": "413", "code": "bodyTooLarge"])
            return ServiceProblem(
                status: 413, code: "bodyTooLarge", title: "Content too large",
                detail: "the request body is larger than the limit"
            ).response()
        } catch let error as any HTTPResponseError {
            let status = error.status
            let problem = ServiceProblem(
                status: status.code, code: status.code == 404 ? "notFound" : "http\(status.code)",
                title: status.reasonPhrase, detail: status.code == 404 ? "no such resource" : status.reasonPhrase)
            return problem.response()
        } catch {
            context.logger.error("unexpected failure", metadata: ["type": "\(type(of: error))"])
            return ServiceProblem.internalError.response()
        }
    }
}

extension ServiceProblem: HTTPResponseError {
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response()
    }
}
