import RDF

/// Isomorphism for small generalized datasets (blank nodes as predicates), which RDFC-1.0 and the
/// strict N-Quads parser do not cover; a backtracking search over blank node bijections.
enum GeneralizedIsomorphism {
    static func isomorphic(_ a: [RDFQuad], _ b: [RDFQuad]) -> Bool {
        let a = Array(Set(a)), b = Set(b)
        guard a.count == b.count else { return false }
        let aNodes = blankNodes(a), bNodes = Array(Set(blankNodes(Array(b))))
        guard Set(aNodes).count == bNodes.count else { return false }
        var mapping: [String: String] = [:]
        var used: Set<String> = []
        let order = Array(Set(aNodes)).sorted()
        func consistent() -> Bool {
            for q in a {
                let terms = [q.subject, q.predicate, q.object] + (q.graph.map { [$0] } ?? [])
                let complete = terms.allSatisfy { t in if case .blankNode(let l) = t { return mapping[l] != nil } else { return true } }
                if complete && !b.contains(map(q, mapping)) { return false }
            }
            return true
        }
        func search(_ i: Int) -> Bool {
            if i == order.count { return true }
            for candidate in bNodes where !used.contains(candidate) {
                mapping[order[i]] = candidate
                used.insert(candidate)
                if consistent() && search(i + 1) { return true }
                used.remove(candidate)
                mapping[order[i]] = nil
            }
            return false
        }
        return search(0)
    }

    private static func blankNodes(_ quads: [RDFQuad]) -> [String] {
        var out: [String] = []
        for q in quads {
            for t in [q.subject, q.predicate, q.object] + (q.graph.map { [$0] } ?? []) {
                if case .blankNode(let l) = t { out.append(l) }
            }
        }
        return out
    }

    private static func map(_ q: RDFQuad, _ m: [String: String]) -> RDFQuad {
        func f(_ t: RDFTerm) -> RDFTerm { if case .blankNode(let l) = t { return .blankNode(m[l]!) } else { return t } }
        return RDFQuad(subject: f(q.subject), predicate: f(q.predicate), object: f(q.object), graph: q.graph.map(f))
    }

    /// Parses the simple N-Quads of the generalized test outputs: IRIs, blank nodes and plain literals.
    static func parseLenient(_ text: String) -> [RDFQuad]? {
        var quads: [RDFQuad] = []
        for line in text.split(separator: "\n") where !line.allSatisfy(\.isWhitespace) {
            var terms: [RDFTerm] = []
            var rest = Substring(line)
            while true {
                rest = rest.drop(while: { $0 == " " || $0 == "\t" })
                guard let c = rest.first else { return nil }
                if c == "." { break }
                if c == "<" {
                    guard let end = rest.firstIndex(of: ">") else { return nil }
                    terms.append(.iri(String(rest[rest.index(after: rest.startIndex)..<end])))
                    rest = rest[rest.index(after: end)...]
                } else if rest.hasPrefix("_:") {
                    let end = rest.firstIndex(where: { $0 == " " || $0 == "\t" }) ?? rest.endIndex
                    terms.append(.blankNode(String(rest[rest.index(rest.startIndex, offsetBy: 2)..<end])))
                    rest = rest[end...]
                } else if c == "\"" {
                    let body = rest.dropFirst()
                    guard let close = body.firstIndex(of: "\""), !body[..<close].contains("\\") else { return nil }
                    let lexical = String(body[..<close])
                    rest = body[body.index(after: close)...]
                    if rest.hasPrefix("^^<"), let end = rest.firstIndex(of: ">") {
                        terms.append(.literal(RDFLiteral(lexical, datatype: String(rest[rest.index(rest.startIndex, offsetBy: 3)..<end]))))
                        rest = rest[rest.index(after: end)...]
                    } else if rest.hasPrefix("@") {
                        let end = rest.firstIndex(where: { $0 == " " }) ?? rest.endIndex
                        terms.append(.literal(RDFLiteral(lexical, language: String(rest[rest.index(after: rest.startIndex)..<end]))))
                        rest = rest[end...]
                    } else {
                        terms.append(.literal(RDFLiteral(lexical)))
                    }
                } else {
                    return nil
                }
            }
            guard terms.count == 3 || terms.count == 4 else { return nil }
            quads.append(RDFQuad(subject: terms[0], predicate: terms[1], object: terms[2], graph: terms.count == 4 ? terms[3] : nil))
        }
        return quads
    }
}
