import WebForm

/// RFC 2046 §5.1.1 bchars (a space only inside).
func isPlainBoundary(_ b: String) -> Bool {
    let u = Array(b.utf8)
    guard let last = u.last, last != 0x20 else { return false }
    return u.allSatisfy { c in
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
            || "'()+_,-./:=? ".utf8.contains(c)
    }
}

func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, haystack.count >= needle.count else { return false }
    for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] && Array(haystack[i..<(i + needle.count)]) == needle {
        return true
    }
    return false
}

/// A well-formed form with a `file` part and a `json` part, as a browser sends it.
func form(boundary: String, file: [UInt8], json: [UInt8]) -> [UInt8] {
    var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.json\"\r\nContent-Type: application/json\r\n\r\n".utf8)
    body += file
    body += Array("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"json\"\r\n\r\n".utf8)
    body += json
    body += Array("\r\n--\(boundary)--\r\n".utf8)
    return body
}

/// The web page's multipart reading: the first line of the input is the Content-Type, the rest the body.
/// Checked:
/// - a boundary taken from the Content-Type is 1 to 70 bytes; a refused one is refused as `invalidBoundary`;
/// - reading the body either gives the field or fails as `invalidMultipart` or `duplicateField`, never anything else;
/// - for a plain boundary, the form a browser would send with the body's two halves as `file` and `json` reads
///   back to the file (or to the json when the file is empty), unless a half contains the delimiter itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMultipart(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let newline = input.firstIndex(of: 0x0A) ?? input.endIndex
    let contentType = String(decoding: input[..<newline], as: UTF8.self)
    let body = newline < input.endIndex ? Array(input[(newline + 1)...]) : []
    let boundary: String
    do {
        guard let b = try FormFields.boundary(contentType: contentType) else { return 0 }
        boundary = b
    } catch {
        guard error.code == .invalidBoundary else { fatalError("boundary(contentType:) threw \(error)") }
        return 0
    }
    guard FormFields.boundaryLengths.contains(boundary.utf8.count) else { fatalError("accepted a boundary of \(boundary.utf8.count) bytes") }
    do {
        _ = try FormFields.parse(body, boundary: boundary)
    } catch {
        guard error.code == .invalidMultipart || error.code == .duplicateField else { fatalError("parse threw \(error) for an accepted boundary") }
    }
    guard isPlainBoundary(boundary) else { return 0 }
    let file = Array(body[..<(body.count / 2)]), json = Array(body[(body.count / 2)...])
    let delimiter = Array("--\(boundary)".utf8)
    guard !contains(file, delimiter), !contains(json, delimiter) else { return 0 }
    let expected = file.isEmpty ? json : file
    let read: [UInt8]?
    do { read = try FormFields.parse(form(boundary: boundary, file: file, json: json), boundary: boundary) } catch {
        fatalError("a well-formed form with boundary \"\(boundary)\" is refused: \(error); file=\(file) json=\(json)")
    }
    // No json part body and an empty one are the same to the service ("nothing given").
    guard (read ?? []) == expected else {
        fatalError("a well-formed form with boundary \"\(boundary)\" reads as \(read.map { "\($0)" } ?? "nil"), expected \(expected)")
    }
    return 0
}
