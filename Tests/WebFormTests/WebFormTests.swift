import Testing
import WebForm

@Suite("WebForm: the web page's multipart form")
struct WebFormTests {
    static func form(boundary: String, file: String?, json: String?) -> [UInt8] {
        var body = ""
        if let file {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.json\"\r\nContent-Type: application/json\r\n\r\n\(file)\r\n"
        }
        if let json { body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"json\"\r\n\r\n\(json)\r\n" }
        return Array((body + "--\(boundary)--\r\n").utf8)
    }

    @Test("The boundary is 1 to 70 characters (RFC 2046): 70 is read, 71 and empty are invalidBoundary")
    func boundaryLength() throws {
        let seventy = String(repeating: "b", count: 70)
        #expect(try FormFields.boundary(contentType: "multipart/form-data; boundary=\(seventy)") == seventy)
        #expect(try FormFields.parse(Self.form(boundary: seventy, file: nil, json: "{}"), boundary: seventy) == Array("{}".utf8))
        // Quotes are not part of the boundary, so a quoted 70 is still 70.
        #expect(try FormFields.boundary(contentType: "multipart/form-data; boundary=\"\(seventy)\"") == seventy)
        for bad in [String(repeating: "b", count: 71), "", "\"\""] {
            let error = #expect(throws: WebFormError.self) {
                try FormFields.boundary(contentType: "multipart/form-data; boundary=\(bad)")
            }
            #expect(error?.code == .invalidBoundary)
            #expect(error?.message == "the multipart boundary must be 1 to 70 characters (RFC 2046), found \(bad.count == 71 ? 71 : 0)")
        }
        // parse checks the length too, whoever calls it.
        #expect(throws: WebFormError(.invalidBoundary, "the multipart boundary must be 1 to 70 characters (RFC 2046), found 71")) {
            _ = try FormFields.parse(Self.form(boundary: "x", file: nil, json: "{}"), boundary: String(repeating: "b", count: 71))
        }
        // A 70-byte limit counts UTF-8 bytes: 35 two-byte characters are 70.
        #expect(try FormFields.boundary(contentType: "multipart/form-data; boundary=\(String(repeating: "é", count: 35))") != nil)
        #expect(throws: WebFormError.self) { try FormFields.boundary(contentType: "multipart/form-data; boundary=\(String(repeating: "é", count: 36))") }
    }

    @Test("No boundary, or not multipart/form-data: nil (the service answers 415)")
    func noBoundary() throws {
        #expect(try FormFields.boundary(contentType: "multipart/form-data") == nil)
        #expect(try FormFields.boundary(contentType: "multipart/mixed; boundary=x") == nil)
        #expect(try FormFields.boundary(contentType: "text/plain") == nil)
        #expect(try FormFields.boundary(contentType: "Multipart/Form-Data; charset=utf-8; BOUNDARY=abc") == "abc")
    }

    @Test("The uploaded file wins over the pasted JSON unless it is empty; other fields are ignored")
    func fields() throws {
        let b = "----skillcredtest"
        #expect(try FormFields.parse(Self.form(boundary: b, file: "{\"a\":1}", json: "{\"b\":2}"), boundary: b) == Array("{\"a\":1}".utf8))
        #expect(try FormFields.parse(Self.form(boundary: b, file: "", json: "{\"b\":2}"), boundary: b) == Array("{\"b\":2}".utf8))
        // A form with no part at all is not multipart (RFC 2046 needs one body part); browsers always send the fields.
        #expect(throws: WebFormError.self) { try FormFields.parse(Self.form(boundary: b, file: nil, json: nil), boundary: b) }
        let other = Array("--\(b)\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--\(b)--\r\n".utf8)
        #expect(try FormFields.parse(other, boundary: b) == nil)
        #expect(FormFields.fieldName("form-data; name=\"file\"; filename=\"c.json\"") == "file")
        #expect(FormFields.fieldName("form-data; filename=\"c.json\"") == nil)
    }

    @Test("A body MultipartKit cannot read is invalidMultipart")
    func malformed() {
        #expect(throws: WebFormError(.invalidMultipart, "the form is not well-formed multipart/form-data")) {
            _ = try FormFields.parse(Array("--x\r\nBad Header\r\n\r\n".utf8), boundary: "x")
        }
    }
}

@Suite("WebForm: inputs the fuzzer found")
struct WebFormRegressionTests {
    /// FuzzMultipart, minimized: a `--boundary` line, then a header name starting with the byte 0xAD. MultipartKit
    /// 4.7.1 indexed its 128-entry header-name table with that byte and trapped, which took the service down.
    @Test("A non-ASCII byte in a part's header name is invalidMultipart, not a crash")
    func nonASCIIHeaderName() throws {
        let input: [UInt8] = Array("multipart/form-data;boundary=----skillcredtest\n------skillcredtest\r\n".utf8) + [0xAD]
        let newline = input.firstIndex(of: 0x0A)!
        let boundary = try #require(try FormFields.boundary(contentType: String(decoding: input[..<newline], as: UTF8.self)))
        #expect(boundary == "----skillcredtest")
        let body = Array(input[(newline + 1)...])
        #expect(throws: WebFormError(.invalidMultipart, "the form is not well-formed multipart/form-data")) {
            _ = try FormFields.parse(body, boundary: boundary)
        }
        // Further in: a second header line, and the byte after ASCII name characters.
        for name in [[0x43, 0xAD], [0xC3, 0xA9, 0x74, 0xC3, 0xA9]] as [[UInt8]] {
            let later = Array("--x\r\nContent-Disposition: form-data; name=\"json\"\r\n".utf8) + name + Array(": v\r\n\r\n{}\r\n--x--\r\n".utf8)
            #expect(throws: WebFormError.self) { _ = try FormFields.parse(later, boundary: "x") }
        }
    }

    @Test("Non-ASCII bytes in header values and in part content are still read")
    func nonASCIIElsewhere() throws {
        let body = Array(
            "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r\u{E9}sum\u{E9}.json\"\r\n\r\n{\"name\":\"Chlo\u{E9}\"}\r\n--x--\r\n".utf8)
        #expect(try FormFields.parse(body, boundary: "x") == Array("{\"name\":\"Chlo\u{E9}\"}".utf8))
        // Content that looks like header lines but follows no boundary line is content.
        let content = Array("--x\r\nContent-Disposition: form-data; name=\"json\"\r\n\r\n\u{E9}t\u{E9}: 1\r\n--x--\r\n".utf8)
        #expect(try FormFields.parse(content, boundary: "x") == Array("\u{E9}t\u{E9}: 1".utf8))
    }
}
