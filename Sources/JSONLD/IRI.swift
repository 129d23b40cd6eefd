/// IRI helpers: RFC 3986 reference resolution and the syntactic checks JSON-LD needs.
enum IRI {
    /// Whether `s` starts with a scheme followed by `:` (RFC 3986 `scheme ":"`), i.e. is an absolute IRI.
    static func isAbsolute(_ s: String) -> Bool {
        var first = true
        for c in s.utf8 {
            if first {
                guard (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) else { return false }
                first = false
                continue
            }
            if c == UInt8(ascii: ":") { return true }
            let ok =
                (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)
                || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
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
        if let h = rest.firstIndex(of: "#") {
            fragment = rest[rest.index(after: h)...]
            rest = rest[..<h]
        }
        var query: Substring?
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
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
        let r = parse(reference)
        if r.scheme != nil {
            return compose(
                scheme: r.scheme, authority: r.authority, path: removeDotSegments(r.path),
                query: r.query, fragment: r.fragment)
        }
        let b = parse(base)
        var authority: Substring?
        var path: String
        var query: Substring?
        if r.authority != nil {
            authority = r.authority
            path = removeDotSegments(r.path)
            query = r.query
        } else {
            authority = b.authority
            if r.path.isEmpty {
                path = String(b.path)
                query = r.query ?? b.query
            } else {
                if r.path.hasPrefix("/") {
                    path = removeDotSegments(r.path)
                } else {
                    let merged: String
                    if b.authority != nil && b.path.isEmpty {
                        merged = "/" + r.path
                    } else if let slash = b.path.lastIndex(of: "/") {
                        merged = String(b.path[...slash]) + r.path
                    } else {
                        merged = String(r.path)
                    }
                    path = removeDotSegments(Substring(merged))
                }
                query = r.query
            }
        }
        return compose(scheme: b.scheme, authority: authority, path: path, query: query, fragment: r.fragment)
    }

    private static func compose(
        scheme: Substring?, authority: Substring?, path: String, query: Substring?,
        fragment: Substring?
    ) -> String {
        var s = ""
        if let scheme { s += scheme; s += ":" }
        if let authority { s += "//"; s += authority }
        s += path
        if let query { s += "?"; s += query }
        if let fragment { s += "#"; s += fragment }
        return s
    }
}

enum Keywords {
    static let all: Set<String> = [
        "@base", "@container", "@context", "@default", "@direction", "@embed", "@explicit", "@graph", "@id",
        "@import", "@included", "@index", "@json", "@language", "@list", "@nest", "@none", "@omitDefault",
        "@prefix", "@preserve", "@propagate", "@protected", "@requireAll", "@reverse", "@set", "@type",
        "@value", "@version", "@vocab",
    ]

    @inline(__always)
    static func isKeyword(_ s: String) -> Bool {
        guard s.utf8.first == UInt8(ascii: "@") else { return false }
        return all.contains(s)
    }

    /// `@` followed by one or more ASCII letters: reserved for future keywords, ignored with a warning.
    static func hasKeywordForm(_ s: String) -> Bool {
        var it = s.utf8.makeIterator()
        guard it.next() == UInt8(ascii: "@") else { return false }
        var count = 0
        while let c = it.next() {
            guard (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) else { return false }
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
        for p in parts.dropFirst() {
            guard (1...8).contains(p.utf8.count),
                p.utf8.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) })
            else { return false }
        }
        return true
    }
}
