/// IRI helpers: RFC 3986 reference resolution and the syntactic checks JSON-LD needs.
enum IRI {
    /// Whether `s` starts with a scheme followed by `:` (RFC 3986 `scheme ":"`), i.e. is an absolute IRI.
    static func isAbsolute(_ s: String) -> Bool {
        var first = true
        for byte in s.utf8 {
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

    static func isBlankNode(_ s: String) -> Bool { s.hasPrefix("_:") }

    /// Whether the IRI ends with a gen-delim (`:/?#[]@`), which makes a simple term usable as a prefix.
    static func endsWithGenDelim(_ s: String) -> Bool {
        guard let last = s.utf8.last else { return false }
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
    static func parse(_ s: String) -> Parts {
        var rest = Substring(s)
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
        for (i, seg) in input.enumerated() {
            let isLast = i == input.count - 1
            if seg == "." {
                if isLast { output.append("") }
            } else if seg == ".." {
                if !output.isEmpty { output.removeLast() }
                if isLast { output.append("") }
            } else {
                output.append(seg)
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

enum Keywords {
    static let all: Set<String> = [
        "@base", "@container", "@context", "@default", "@direction", "@embed", "@explicit", "@graph", "@id",
        "@import", "@included", "@index", "@json", "@language", "@list", "@nest", "@none", "@omitDefault",
        "@prefix", "@preserve", "@propagate", "@protected", "@requireAll", "@reverse", "@set", "@type",
        "@value", "@version", "@vocab",
    ]

    /// Whether `s` is a keyword: by length, then a few comparisons, since hashing the string for a set lookup
    /// cost more than the whole check (expansion asks this of every aliased key such as `id` and `type`).
    @inline(__always)
    static func isKeyword(_ s: String) -> Bool {
        guard s.utf8.first == UInt8(ascii: "@") else { return false }
        switch s.utf8.count {
        case 3: return s == "@id"
        case 4: return s == "@set"
        case 5: return s == "@base" || s == "@json" || s == "@list" || s == "@nest" || s == "@none" || s == "@type"
        case 6: return s == "@embed" || s == "@graph" || s == "@index" || s == "@value" || s == "@vocab"
        case 7: return s == "@import" || s == "@prefix"
        case 8: return s == "@context" || s == "@default" || s == "@reverse" || s == "@version"
        case 9: return s == "@explicit" || s == "@included" || s == "@language" || s == "@preserve"
        case 10: return s == "@container" || s == "@direction" || s == "@propagate" || s == "@protected"
        case 11: return s == "@requireAll"
        case 12: return s == "@omitDefault"
        default: return false
        }
    }

    /// `@` followed by one or more ASCII letters: reserved for future keywords, ignored with a warning.
    static func hasKeywordForm(_ s: String) -> Bool {
        var it = s.utf8.makeIterator()
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
    static func isWellFormedLanguageTag(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
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
