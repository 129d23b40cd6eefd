import Testing
import WebForm

@Suite("WebForm: one file, one pasted JSON")
struct DuplicateFieldTests {
    static func part(_ boundary: String, _ name: String, _ value: String) -> String {
        "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
    }

    @Test(arguments: ["file", "json"])
    func aFieldSentTwiceIsRefusedRatherThanGuessedAt(_ name: String) throws {
        let b = "----twice"
        let body = Array((Self.part(b, name, "{\"a\":1}") + Self.part(b, name, "{\"b\":2}") + "--\(b)--\r\n").utf8)
        let error = #expect(throws: WebFormError.self) { _ = try FormFields.parse(body, boundary: b) }
        #expect(error?.code == .duplicateField)
        // Once each is fine.
        let once = Array((Self.part(b, "file", "{\"a\":1}") + Self.part(b, "json", "{\"b\":2}") + "--\(b)--\r\n").utf8)
        #expect(try FormFields.parse(once, boundary: b) == Array("{\"a\":1}".utf8))
    }
}
