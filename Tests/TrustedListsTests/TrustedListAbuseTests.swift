import Foundation
import Testing

@testable import TrustedLists

@Suite("Trusted lists: hostile XML is refused with a clear error")
struct TrustedListAbuseTests {
    func refusal(_ bytes: [UInt8], limits: TrustedListLimits = TrustedListLimits()) -> String? {
        do {
            _ = try ListXML(bytes: bytes, limits: limits)
            return nil
        } catch {
            return error.message
        }
    }

    @Test("A list over the size limit is refused before it is parsed")
    func hugeList() throws {
        let big = Array("<a>".utf8) + [UInt8](repeating: 0x20, count: 2_000_000) + Array("</a>".utf8)
        let message = try #require(refusal(big, limits: TrustedListLimits(maxBytes: 1_000_000)))
        #expect(message.contains("more than the 1000000-byte limit"), "\(message)")
    }

    @Test("A huge file in the lists folder is ignored by name, without being read")
    func hugeFileInFolder() throws {
        let fixture = try Lists.make()
        let folder = fixture.url("huge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for file in ["eu-lotl.xml", "BE.xml"] {
            try FileManager.default.copyItem(at: fixture.lists.appendingPathComponent(file), to: folder.appendingPathComponent(file))
        }
        try Data(count: 3_000_000).write(to: folder.appendingPathComponent("NL.xml"))
        let set = try Lists.load(folder, limits: TrustedListLimits(maxBytes: 2_000_000))
        #expect(set.lists.map(\.list.territory) == ["BE"])
        #expect(set.ignored.first { $0.source == "NL.xml" }?.reason.contains("more than the 2000000-byte limit") == true, "\(set.ignored)")
    }

    @Test("Elements nested deeper than the limit are refused, and so is nesting past libxml2's own limit")
    func deepNesting() throws {
        func nested(_ depth: Int) -> [UInt8] {
            Array((String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)).utf8)
        }
        let moderate = try #require(refusal(nested(100)))
        #expect(moderate.contains("nested deeper than 48 levels"), "\(moderate)")
        let extreme = try #require(refusal(nested(100_000)))
        #expect(extreme.lowercased().contains("depth"), "\(extreme)")
        #expect(refusal(nested(40)) == nil)
    }

    @Test("Entity expansion (billion laughs) is refused: a trusted list has no DTD")
    func billionLaughs() throws {
        var dtd = "<!ENTITY lol0 \"lol\">"
        for level in 1...9 { dtd += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">" }
        let text = "<?xml version=\"1.0\"?><!DOCTYPE lolz [\(dtd)]><lolz>&lol9;</lolz>"
        let message = try #require(refusal(Array(text.utf8)))
        #expect(message.contains("document type declaration"), "\(message)")
        // The same in UTF-16, which a byte scan for "<!DOCTYPE" does not see: libxml2 parses it without substituting
        // entities and stops the amplification itself; a harmless DTD in UTF-16 parses, and the parsed document's DTD
        // is refused.
        func utf16(_ text: String) -> [UInt8] {
            var bytes: [UInt8] = [0xFF, 0xFE]
            for unit in text.replacingOccurrences(of: "UTF-8", with: "UTF-16").utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
            return bytes
        }
        let wide = try #require(refusal(utf16(text)))
        #expect(wide.contains("entity"), "\(wide)")
        let harmless = try #require(refusal(utf16("<?xml version=\"1.0\" encoding=\"UTF-8\"?><!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>")))
        #expect(harmless.contains("document type declaration"), "\(harmless)")
    }

    @Test("An external entity is refused, and nothing is read from the file system or the network")
    func externalEntity() throws {
        for target in ["file:///etc/passwd", "http://127.0.0.1:9/x"] {
            let text = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY xxe SYSTEM \"\(target)\">]><x>&xxe;</x>"
            let message = try #require(refusal(Array(text.utf8)))
            #expect(message.contains("document type declaration"), "\(message)")
        }
    }

    @Test("Not XML, and XML that is not a trusted list, are named as such")
    func notAList() throws {
        #expect(refusal(Array("not xml at all".utf8))?.contains("not well-formed XML") == true)
        #expect(refusal([])?.contains("empty") == true)
        let xml = try ListXML(bytes: Array("<root xmlns=\"urn:x\"/>".utf8), limits: TrustedListLimits())
        #expect(throws: TrustedListFormatError.self) { _ = try TrustedListParser.parse(xml) }
    }
}
