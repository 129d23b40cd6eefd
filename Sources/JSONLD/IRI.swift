/// IRI helpers: RFC 3986 reference resolution and the syntactic checks JSON-LD needs.
enum IRI {
    /// Whether `iri` starts with a scheme followed by `:` (RFC 3986 `scheme ":"`), i.e. is an absolute IRI.
    ///
    /// Scans the contiguous UTF-8 bytes: expansion asks this of most IRIs it produces, and iterating
    /// `String.UTF8View` outside the standard library cost some 30 instructions a byte.
    static func isAbsolute(_ iri: String) -> Bool {
        if let answer = iri.utf8.withContiguousStorageIfAvailable({ isAbsolute(bytes: $0) }) { return answer }
        return Array(iri.utf8).withUnsafeBufferPointer { isAbsolute(bytes: $0) }
    }

    private static func isAbsolute(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var first = true
        for byte in bytes {
            if first {
                guard (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) else { return false }
                first = false
                continue
            }
            if byte == UInt8(ascii: ":") { return true }
            let ok =
                (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            if !ok { return false }
        }
        return false
    }

    static func isBlankNode(_ identifier: String) -> Bool {
        let utf8 = identifier.utf8
        if let answer = utf8.withContiguousStorageIfAvailable({ $0.count >= 2 && $0[0] == UInt8(ascii: "_") && $0[1] == UInt8(ascii: ":") }) {
            return answer
        }
        return identifier.hasPrefix("_:")
    }

    /// Whether the IRI ends with a gen-delim (`:/?#[]@`), which makes a simple term usable as a prefix.
    static func endsWithGenDelim(_ iri: String) -> Bool {
        guard let last = iri.utf8.last else { return false }
        switch last {
        case UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"),
            UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "@"):
            return true
        default: return false
        }
    }

    struct Parts {
        var scheme: Substring?
        var authority: Substring?
        var path: Substring
        var query: Substring?
        var fragment: Substring?
    }

    /// Splits a reference per RFC 3986 appendix B.
    static func parse(_ reference: String) -> Parts {
        var rest = Substring(reference)
        var fragment: Substring?
        if let hashIndex = rest.firstIndex(of: "#") {
            fragment = rest[rest.index(after: hashIndex)...]
            rest = rest[..<hashIndex]
        }
        var query: Substring?
        if let queryIndex = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: queryIndex)...]
            rest = rest[..<queryIndex]
        }
        var scheme: Substring?
        if let colon = rest.firstIndex(of: ":"), colon != rest.startIndex,
            !rest[..<colon].utf8.contains(UInt8(ascii: "/"))
        {
            scheme = rest[..<colon]
            rest = rest[rest.index(after: colon)...]
        }
        var authority: Substring?
        if rest.hasPrefix("//") {
            let afterSlashes = rest.index(rest.startIndex, offsetBy: 2)
            let end = rest[afterSlashes...].firstIndex(of: "/") ?? rest.endIndex
            authority = rest[afterSlashes..<end]
            rest = rest[end...]
        }
        return Parts(scheme: scheme, authority: authority, path: rest, query: query, fragment: fragment)
    }

    static func removeDotSegments(_ path: Substring) -> String {
        if !path.utf8.contains(UInt8(ascii: ".")) { return String(path) }
        var input = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let absolute = path.hasPrefix("/")
        if absolute { input.removeFirst() }
        var output: [String] = []
        for (index, segment) in input.enumerated() {
            let isLast = index == input.count - 1
            if segment == "." {
                if isLast { output.append("") }
            } else if segment == ".." {
                if !output.isEmpty { output.removeLast() }
                if isLast { output.append("") }
            } else {
                output.append(segment)
            }
        }
        return (absolute ? "/" : "") + output.joined(separator: "/")
    }

    /// Resolves `reference` against `base` (RFC 3986 §5.2); returns `reference` when base is nil.
    static func resolve(_ reference: String, against base: String?) -> String {
        guard let base else { return reference }
        let parsedReference = parse(reference)
        if parsedReference.scheme != nil {
            return compose(
                scheme: parsedReference.scheme, authority: parsedReference.authority, path: removeDotSegments(parsedReference.path),
                query: parsedReference.query, fragment: parsedReference.fragment)
        }
        let parsedBase = parse(base)
        var authority: Substring?
        var path: String
        var query: Substring?
        if parsedReference.authority != nil {
            authority = parsedReference.authority
            path = removeDotSegments(parsedReference.path)
            query = parsedReference.query
        } else {
            authority = parsedBase.authority
            if parsedReference.path.isEmpty {
                path = String(parsedBase.path)
                query = parsedReference.query ?? parsedBase.query
            } else {
                if parsedReference.path.hasPrefix("/") {
                    path = removeDotSegments(parsedReference.path)
                } else {
                    let merged: String
                    if parsedBase.authority != nil && parsedBase.path.isEmpty {
                        merged = "/" + parsedReference.path
                    } else if let slash = parsedBase.path.lastIndex(of: "/") {
                        merged = String(parsedBase.path[...slash]) + parsedReference.path
                    } else {
                        merged = String(parsedReference.path)
                    }
                    path = removeDotSegments(Substring(merged))
                }
                query = parsedReference.query
            }
        }
        return compose(scheme: parsedBase.scheme, authority: authority, path: path, query: query, fragment: parsedReference.fragment)
    }

    private static func compose(
        scheme: Substring?, authority: Substring?, path: String, query: Substring?,
        fragment: Substring?
    ) -> String {
        var text = ""
        if let scheme { text += scheme; text += ":" }
        if let authority { text += "//"; text += authority }
        text += path
        if let query { text += "?"; text += query }
        if let fragment { text += "#"; text += fragment }
        return text
    }
}

/// Byte scans of strings' contiguous UTF-8, for the checks expansion makes of every key and IRI
/// (`String.UTF8View`'s generic `firstIndex(of:)` and `starts(with:)` cost hundreds of instructions a call).
enum UTF8Scan {
    /// The byte offset of the first `byte` in `text` at or after byte offset `start`, nil when there is none.
    @inline(__always)
    static func firstOffset(of byte: UInt8, in text: String, from start: Int = 0) -> Int? {
        if let found = text.utf8.withContiguousStorageIfAvailable({ firstOffset(of: byte, in: $0, from: start) }) {
            return found
        }
        return Array(text.utf8).withUnsafeBufferPointer { firstOffset(of: byte, in: $0, from: start) }
    }

    private static func firstOffset(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var position = start
        while position < bytes.count {
            if bytes[position] == byte { return position }
            position += 1
        }
        return nil
    }

    /// Where a compact IRI splits: the offset of the first `:` after the first byte, and whether the
    /// suffix after it starts with `//` (then the value is an absolute IRI, not a compact one).
    static func compactIRISplit(_ value: String) -> (colon: Int, suffixIsAuthority: Bool)? {
        func split(_ bytes: UnsafeBufferPointer<UInt8>) -> (colon: Int, suffixIsAuthority: Bool)? {
            guard let colon = firstOffset(of: UInt8(ascii: ":"), in: bytes, from: 1) else { return nil }
            let authority =
                colon + 2 < bytes.count && bytes[colon + 1] == UInt8(ascii: "/") && bytes[colon + 2] == UInt8(ascii: "/")
            return (colon, authority)
        }
        if let found = value.utf8.withContiguousStorageIfAvailable(split) { return found }
        return Array(value.utf8).withUnsafeBufferPointer(split)
    }
}

enum Keywords {
    static let all: Set<String> = [
        "@base", "@container", "@context", "@default", "@direction", "@embed", "@explicit", "@graph", "@id",
        "@import", "@included", "@index", "@json", "@language", "@list", "@nest", "@none", "@omitDefault",
        "@prefix", "@preserve", "@propagate", "@protected", "@requireAll", "@reverse", "@set", "@type",
        "@value", "@version", "@vocab",
    ]

    /// Whether `key` is a keyword: by length, then a few comparisons, since hashing the string for a set lookup
    /// cost more than the whole check (expansion asks this of every aliased key such as `id` and `type`).
    @inline(__always)
    static func isKeyword(_ key: String) -> Bool {
        guard key.utf8.first == UInt8(ascii: "@") else { return false }
        switch key.utf8.count {
        case 3: return key == "@id"
        case 4: return key == "@set"
        case 5: return key == "@base" || key == "@json" || key == "@list" || key == "@nest" || key == "@none" || key == "@type"
        case 6: return key == "@embed" || key == "@graph" || key == "@index" || key == "@value" || key == "@vocab"
        case 7: return key == "@import" || key == "@prefix"
        case 8: return key == "@context" || key == "@default" || key == "@reverse" || key == "@version"
        case 9: return key == "@explicit" || key == "@included" || key == "@language" || key == "@preserve"
        case 10: return key == "@container" || key == "@direction" || key == "@propagate" || key == "@protected"
        case 11: return key == "@requireAll"
        case 12: return key == "@omitDefault"
        default: return false
        }
    }

    /// `@` followed by one or more ASCII letters: reserved for future keywords, ignored with a warning.
    static func hasKeywordForm(_ key: String) -> Bool {
        var it = key.utf8.makeIterator()
        guard it.next() == UInt8(ascii: "@") else { return false }
        var count = 0
        while let byte = it.next() {
            guard (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) else { return false }
            count += 1
        }
        return count > 0
    }

    /// Well-formedness of a BCP 47 language tag, checked loosely (alphanumeric subtags of 1–8 characters,
    /// the first alphabetic).
    static func isWellFormedLanguageTag(_ tag: String) -> Bool {
        let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, (1...8).contains(first.utf8.count),
            first.utf8.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) })
        else { return false }
        for part in parts.dropFirst() {
            guard (1...8).contains(part.utf8.count),
                part.utf8.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) })
            else { return false }
        }
        return true
    }
}
