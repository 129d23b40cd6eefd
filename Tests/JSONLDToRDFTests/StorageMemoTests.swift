import CredentialJSON
import RDF
import TestSupport
import Testing

@testable import JSONLDToRDF

/// The IRI classification memo and the memo's document comparison give the answers of the plain functions.
@Suite struct StorageMemoTests {
    /// Identifiers of every kind: absolute, blank, relative, malformed; short (inline) and long (heap buffer).
    static func randomIdentifier(using generator: inout SplitMix) -> String {
        let prefixes = ["http://ex.org/", "https://www.w3.org/2018/credentials#", "_:", "urn:uuid:", "rel/", "#", "1http:", "", "did:key:"]
        let alphabet = Array("abcXYZ019-._~:/?#[]@!$&'()*+,;=%ée\u{301}\u{85} <>\"{}|\\^`")
        var text = prefixes[Int(generator.next() % UInt64(prefixes.count))]
        for _ in 0..<Int(generator.next() % 60) { text.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
        return text
    }

    @Test func theIRIKindMemoClassifiesLikeLexical() {
        var generator = SplitMix(state: 7)
        var memo = IRIKindMemo()
        var kept: [String] = []
        for round in 0..<20_000 {
            let iri: String
            switch generator.next() % 4 {
            case 0 where !kept.isEmpty:
                // The same string again, as expansion hands out a term's IRI.
                iri = kept[Int(generator.next() % UInt64(kept.count))]
            case 1 where !kept.isEmpty:
                // Equal bytes in a new buffer.
                iri = String(decoding: Array(kept[Int(generator.next() % UInt64(kept.count))].utf8), as: UTF8.self)
            default:
                // A new string, most of them met once.
                iri = Self.randomIdentifier(using: &generator)
                if round % 3 == 0 { kept.append(iri) }
            }
            #expect(memo.classify(iri) == Lexical.classify(iri), "\(iri)")
            // The fingerprint remembered beside the kind is the IRI's own (0 for a blank node identifier).
            let expected = Lexical.isBlankNodeIdentifier(iri) ? 0 : QuadFingerprint.iri(iri)
            #expect(memo.classifyWithFingerprint(iri).fingerprint == expected, "\(iri)")
        }
        #expect(kept.contains { Lexical.classify($0) == .absolute } && kept.contains { Lexical.classify($0) == .malformed })
    }

    /// Memos go back to a pool and serve later conversions (on other threads): what one remembered must still be
    /// each IRI's own kind and fingerprint, whatever strings the earlier conversions met and from how many tasks.
    @Test func pooledMemosClassifyLikeLexicalAcrossConversions() async {
        await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var generator = SplitMix(state: UInt64(100 + task))
                    var wrong = 0
                    for _ in 0..<300 {
                        var memo = IRIKindMemo.take()
                        for _ in 0..<40 {
                            let iri = Self.randomIdentifier(using: &generator)
                            let expected = Lexical.isBlankNodeIdentifier(iri) ? 0 : QuadFingerprint.iri(iri)
                            let (kind, fingerprint) = memo.classifyWithFingerprint(iri)
                            if kind != Lexical.classify(iri) || fingerprint != expected { wrong += 1 }
                        }
                        IRIKindMemo.give(memo)
                    }
                    return wrong
                }
            }
            var wrong = 0
            for await count in group { wrong += count }
            #expect(wrong == 0)
        }
    }

    @Test func aStringChangedAfterItsLookupIsClassifiedAgain() {
        var memo = IRIKindMemo()
        var iri = "http://example.org/a-long-enough-identifier"
        #expect(memo.classify(iri) == .absolute)
        iri.append(" x")
        #expect(memo.classify(iri) == .malformed)
        iri.removeLast(2)
        #expect(memo.classify(iri) == .absolute)
        var edited = iri
        edited.replaceSubrange(edited.startIndex..<edited.index(edited.startIndex, offsetBy: 4), with: "1ttp")
        #expect(memo.classify(edited) == .relative)
        #expect(memo.classify(iri) == .absolute)
    }

    /// A random JSON value whose strings and keys include look-alikes (precomposed and decomposed é).
    static func randomJSON(depth: Int, using generator: inout SplitMix) -> JSONValue {
        let strings = ["a", "é", "e\u{301}", "http://example.org/long-enough-to-live-in-a-buffer", ""]
        switch depth >= 4 ? generator.next() % 4 : generator.next() % 7 {
        case 0: return .string(strings[Int(generator.next() % UInt64(strings.count))])
        case 1: return .number(JSONNumber(unchecked: ["1", "1.0", "10"][Int(generator.next() % 3)]))
        case 2: return .bool(generator.next() % 2 == 0)
        case 3: return .null
        case 4, 5:
            return .array((0..<Int(generator.next() % 4)).map { _ in randomJSON(depth: depth + 1, using: &generator) })
        default:
            var object = JSONObject()
            for _ in 0..<Int(generator.next() % 4) {
                object[strings[Int(generator.next() % UInt64(strings.count))]] = randomJSON(depth: depth + 1, using: &generator)
            }
            return .object(object)
        }
    }

    /// A copy that shares no array, object or string buffer with the original.
    static func deepCopy(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let string): return .string(String(decoding: Array(string.utf8), as: UTF8.self))
        case .array(let array): return .array(array.map(deepCopy))
        case .object(let object):
            return .object(JSONObject(object.members.map { (key: String(decoding: Array($0.key.utf8), as: UTF8.self), value: deepCopy($0.value)) }))
        default: return value
        }
    }

    @Test func identityWithItsSharedStorageShortcutAgreesWithTheWrittenText() {
        var generator = SplitMix(state: 11)
        var differing = 0
        for _ in 0..<3_000 {
            let document = Self.randomJSON(depth: 0, using: &generator)
            let other = Self.randomJSON(depth: 0, using: &generator)
            // A new top level over the same members, as `proof` removal makes: shared buffers below it.
            var rewrapped = document
            if case .object(var object) = document {
                object["proof"] = "x"
                object["proof"] = nil
                rewrapped = .object(object)
            } else if case .array(var array) = document {
                array.append(.null)
                array.removeLast()
                rewrapped = .array(array)
            }
            for candidate in [document, rewrapped, Self.deepCopy(document), other, .array([document]), .array([Self.deepCopy(document)])] {
                // The same JSON text up to whitespace, written out: what identical means, without any shortcut.
                let expected = JSONWriter.data(document) == JSONWriter.data(candidate)
                if !expected { differing += 1 }
                #expect(document.isIdentical(to: candidate) == expected, "\(JSONWriter.string(document)) vs \(JSONWriter.string(candidate))")
                #expect(candidate.isIdentical(to: document) == expected)
            }
        }
        #expect(differing > 1_000)
    }

    @Test func sharedStorageDoesNotHideAChangedMember() {
        let inner: JSONValue = ["b": "e\u{301}", "c": [1, 2]]
        let document: JSONValue = ["a": inner, "d": "x"]
        guard case .object(var changed) = document, case .object(var innerObject) = inner else { return }
        innerObject["b"] = "é"
        changed["a"] = .object(innerObject)
        #expect(!document.isIdentical(to: .object(changed)))
        #expect(document.isIdentical(to: document))
        let shorter: JSONValue = ["a": [1, 2]]
        #expect(!shorter.isIdentical(to: ["a": [1, 2, 3]]))
    }
}
