import Foundation
import MultipartKit

/// Why a submitted web form cannot be read. The service answers both with HTTP 400 and ``code`` as the problem's
/// code, ``message`` as its detail.
public struct WebFormError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong; the raw value is the service's problem code.
    public enum Code: String, Sendable, Hashable {
        /// The body is not well-formed `multipart/form-data` for its boundary.
        case invalidMultipart
        /// The Content-Type's boundary is empty or longer than RFC 2046's 70 characters.
        case invalidBoundary
        /// The form sends `file` or `json` more than once: which one to check would be a guess.
        case duplicateField
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

/// The multipart part of the web page's form reading: the boundary of a `multipart/form-data` Content-Type
/// and the `file` and `json` fields of the body, read by vapor's MultipartKit parser (one pass over the body, the
/// boundary matched byte by byte). No HTTP server here: the service hands it the Content-Type and the body bytes.
public enum FormFields {
    /// RFC 2046 §5.1.1: a boundary is 1 to 70 characters. A longer one is no boundary a browser sends, only a way
    /// to make matching expensive.
    public static let boundaryLengths = 1...70

    /// The boundary of a `multipart/form-data` Content-Type (its `boundary=` parameter, quotes removed).
    ///
    /// - Returns: `nil` when the type is not `multipart/form-data` or names no boundary.
    /// - Throws: ``WebFormError/Code/invalidBoundary`` when the boundary is not 1 to 70 characters (bytes of UTF-8).
    public static func boundary(contentType: String) throws(WebFormError) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data"),
            let parameter = contentType.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }).first(where: {
                $0.lowercased().hasPrefix("boundary=")
            })
        else { return nil }
        var boundary = String(parameter.dropFirst("boundary=".count))
        if boundary.hasPrefix("\""), boundary.hasSuffix("\""), boundary.count >= 2 { boundary = String(boundary.dropFirst().dropLast()) }
        try checkBoundary(boundary)
        return boundary
    }

    /// The uploaded `file` when one was sent and is not empty, else the pasted `json` field, else `nil`.
    ///
    /// - Throws: ``WebFormError/Code/invalidBoundary`` for a boundary outside 1 to 70 characters,
    ///   ``WebFormError/Code/invalidMultipart`` when MultipartKit cannot read the body.
    public static func parse(_ body: [UInt8], boundary: String) throws(WebFormError) -> [UInt8]? {
        try checkBoundary(boundary)
        guard !hasNonASCIIHeaderName(body, boundary: boundary) else {
            throw WebFormError(.invalidMultipart, "the form is not well-formed multipart/form-data")
        }
        final class Collected {
            var name: String?
            var fields: [String: [UInt8]] = [:]
            var duplicate: String?
        }
        let collected = Collected()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { field, value in
            guard field.lowercased() == "content-disposition" else { return }
            let name = Self.fieldName(value)
            if let name, name == "file" || name == "json", collected.fields[name] != nil { collected.duplicate = name }
            collected.name = name
            // A part with no body still counts as given, so a second one is seen as a duplicate.
            if let name, name == "file" || name == "json", collected.fields[name] == nil { collected.fields[name] = [] }
        }
        parser.onBody = { buffer in
            guard let name = collected.name, name == "file" || name == "json" else { return }
            collected.fields[name, default: []].append(contentsOf: buffer.readableBytesView)
        }
        parser.onPartComplete = { collected.name = nil }
        do { try parser.execute(body) } catch {
            throw WebFormError(.invalidMultipart, "the form is not well-formed multipart/form-data")
        }
        if let name = collected.duplicate {
            throw WebFormError(
                .duplicateField, "the form has more than one \"\(name)\" field; send one file (a JSON array or a presentation holds several credentials)")
        }
        if let file = collected.fields["file"], !file.isEmpty { return file }
        return collected.fields["json"]
    }

    /// `name` of `form-data; name="file"; filename="c.json"`.
    public static func fieldName(_ disposition: String) -> String? {
        for parameter in disposition.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "name" else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    /// Whether a part's header name could hold a byte of 0x80 or more.
    ///
    /// MultipartKit 4.7.1 looks each header-name byte up in a 128-entry table, so such a byte traps (array index out
    /// of range) and takes the whole service down instead of failing the parse (found by the `FuzzMultipart` fuzzer;
    /// input: a `--boundary` line, then the byte 0xAD). A header name is an ASCII token, so such a form is malformed:
    /// it is refused as MultipartKit refuses any other bad header name, before MultipartKit sees it.
    ///
    /// Every part's headers start right after a `--boundary` CR LF line, and MultipartKit reads each header line's
    /// name up to its first `:`, then its value up to CR, then wants LF. This one pass looks at the names of every
    /// such run of lines. It may also look at lines after a `--boundary` line inside a part's content, which a form
    /// whose boundary does not occur in its content (RFC 2046 §5.1.1) never has; inside real headers, any name it
    /// refuses is one MultipartKit refuses too.
    static func hasNonASCIIHeaderName(_ body: [UInt8], boundary: String) -> Bool {
        let marker = Array("--\(boundary)".utf8)
        let cr: UInt8 = 0x0D, lf: UInt8 = 0x0A, colon: UInt8 = 0x3A
        enum Place { case content, lineStart, name, value, lineEnd }
        var place = Place.content
        for index in body.indices {
            if place == .content, index >= marker.count + 2, body[index - 1] == lf, body[index - 2] == cr,
                body[(index - 2 - marker.count)..<(index - 2)].elementsEqual(marker)
            {
                place = .lineStart
            }
            let byte = body[index]
            switch place {
            case .content:
                continue
            case .lineStart:
                if byte == cr { place = .content } else if byte == colon { place = .value } else if byte >= 0x80 { return true } else { place = .name }
            case .name:
                if byte == colon { place = .value } else if byte == cr { place = .lineEnd } else if byte >= 0x80 { return true }
            case .value:
                if byte == cr { place = .lineEnd }
            case .lineEnd:
                place = byte == lf ? .lineStart : .content
            }
        }
        return false
    }

    static func checkBoundary(_ boundary: String) throws(WebFormError) {
        guard boundaryLengths.contains(boundary.utf8.count) else {
            throw WebFormError(.invalidBoundary, "the multipart boundary must be 1 to 70 characters (RFC 2046), found \(boundary.utf8.count)")
        }
    }
}
