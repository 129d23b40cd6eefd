import CredentialJSON
import Foundation
import JSONLD

/// One entry of a W3C JSON-LD test manifest (expand, toRdf, …).
public struct JSONLDTestCase: Sendable, CustomStringConvertible {
    /// The entry's id, e.g. `#t0001`.
    public let id: String
    public let name: String
    /// The `@type` values, e.g. `jld:PositiveEvaluationTest`.
    public let types: [String]
    /// Input path relative to the manifest folder.
    public let input: String
    /// Expected output path (positive evaluation tests).
    public let expect: String?
    /// Expected error code (negative evaluation tests).
    public let expectErrorCode: String?
    /// The `option` object (`base`, `processingMode`, `specVersion`, `expandContext`, …).
    public let options: JSONObject

    public var isNegative: Bool { types.contains { $0.hasSuffix("NegativeEvaluationTest") } }
    public var isPositiveEvaluation: Bool { types.contains { $0.hasSuffix("PositiveEvaluationTest") } }
    public var isSyntaxTest: Bool { types.contains { $0.hasSuffix("PositiveSyntaxTest") } }
    public var specVersion: String? { options["specVersion"]?.stringValue }
    public var description: String { "\(id) \(name)" }
}

/// A W3C JSON-LD test manifest read from `../shared/vectors/json-ld-api/tests/`.
public struct JSONLDTestManifest: Sendable {
    /// The URL prefix the suite's documents are published under; mapped to the local folder.
    public static let urlPrefix = "https://w3c.github.io/json-ld-api/tests/"

    public let folder: URL
    public let baseIRI: String
    public let tests: [JSONLDTestCase]

    /// Loads `json-ld-api/tests/<name>` (e.g. `expand-manifest.jsonld`); nil when the shared data is absent.
    public static func load(_ name: String) throws -> JSONLDTestManifest? {
        guard let url = SharedData.vector("json-ld-api/tests/" + name) else { return nil }
        let json = try JSONParser.parse(try Data(contentsOf: url))
        let base = json["baseIri"]?.stringValue ?? urlPrefix
        var tests: [JSONLDTestCase] = []
        for entry in json["sequence"]?.arrayValue ?? [] {
            guard case .object(let o) = entry else { continue }
            tests.append(
                JSONLDTestCase(
                    id: o["@id"]?.stringValue ?? "?",
                    name: o["name"]?.stringValue ?? "",
                    types: (o["@type"] ?? .null).asArray.compactMap(\.stringValue),
                    input: o["input"]?.stringValue ?? "",
                    expect: o["expect"]?.stringValue,
                    expectErrorCode: o["expectErrorCode"]?.stringValue,
                    options: o["option"]?.objectValue ?? JSONObject()))
        }
        return JSONLDTestManifest(folder: url.deletingLastPathComponent(), baseIRI: base, tests: tests)
    }

    /// A loader that serves `https://w3c.github.io/json-ld-api/tests/…` from the local folder (no network).
    public var documentLoader: DirectoryDocumentLoader {
        DirectoryDocumentLoader(directory: folder.path, mappings: [baseIRI: ""])
    }

    /// The URL of a manifest-relative path.
    public func url(of relativePath: String) -> String { baseIRI + relativePath }

    /// Parses a manifest-relative JSON file.
    public func json(_ relativePath: String) throws -> JSONValue {
        try JSONParser.parse(try Data(contentsOf: folder.appendingPathComponent(relativePath)))
    }

    /// Raw text of a manifest-relative file.
    public func text(_ relativePath: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(relativePath), encoding: .utf8)
    }

    /// Spec-conformance options for a test: safe mode off, the test's base/processing mode/expandContext.
    public func options(for test: JSONLDTestCase, loader: any DocumentLoader, cache: ContextCache? = nil) throws -> JSONLDOptions {
        var options = JSONLDOptions(documentLoader: loader, safeMode: false, contextCache: cache)
        if let base = test.options["base"]?.stringValue { options.base = base }
        if test.options["processingMode"]?.stringValue == "json-ld-1.0" || test.specVersion == "json-ld-1.0" { options.processingMode = .jsonLD10 }
        if let ec = test.options["expandContext"]?.stringValue { options.expandContext = try json(ec) }
        return options
    }
}

/// Reads a skip list: one `id reason…` per line; `#` starts a comment line.
public func loadSkipList(_ url: URL) -> [String: String] {
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [:] }
    var skips: [String: String] = [:]
    for line in text.split(separator: "\n") {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
        let parts = trimmed.split(separator: " ", maxSplits: 1)
        skips[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
    }
    return skips
}

/// JSON-LD's notion of equality for expanded documents: arrays are unordered except the values of
/// `@list`; numbers compare by value when their lexemes differ.
public enum JSONLDEquality {
    public static func equal(_ a: JSONValue, _ b: JSONValue, ordered: Bool = false) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)):
            return x.lexeme == y.lexeme || x.doubleValue == y.doubleValue
        case (.object(let x), .object(let y)):
            guard x.count == y.count else { return false }
            for (k, v) in x {
                guard let w = y[k] else { return false }
                // @value of a JSON literal is plain JSON, whose arrays are ordered.
                let isJSONLiteral = k == "@value" && x["@type"] == .string("@json")
                if !equal(v, w, ordered: k == "@list" || isJSONLiteral || (ordered && isJSONLiteral)) { return false }
            }
            return true
        case (.array(let x), .array(let y)):
            guard x.count == y.count else { return false }
            if ordered { return zip(x, y).allSatisfy { equal($0, $1, ordered: true) } }
            var used = [Bool](repeating: false, count: y.count)
            outer: for item in x {
                for (j, candidate) in y.enumerated() where !used[j] && equal(item, candidate) {
                    used[j] = true
                    continue outer
                }
                return false
            }
            return true
        default:
            return a == b
        }
    }
}
