import CredentialJSON
import Foundation
import JSONLD
import RDF
import RDFCanonicalization
import TestSupport
import Testing

@testable import JSONLDToRDF

/// The W3C JSON-LD 1.1 toRdf suite: expand, then deserialize, safe mode off (the spec's drops are expected).
@Suite(.needsSharedData) struct ToRDFConformance {
    enum Outcome { case passed, failed(String) }

    @Test func w3cToRdfSuite() throws {
        guard let manifest = try JSONLDTestManifest.load("toRdf-manifest.jsonld") else { return }
        let folder = SharedData.packageRoot.appendingPathComponent("Tests/JSONLDToRDFTests")
        let skips = loadSkipList(folder.appendingPathComponent("toRdf-skips.txt"))
        let loader = manifest.documentLoader
        var passed = 0, failed: [String] = [], skipped = 0
        for test in manifest.tests {
            // Skip-list ids have no leading `#`, which starts a comment there.
            let key = String(test.id.drop(while: { $0 == "#" }))
            if skips[key] != nil {
                skipped += 1
                continue
            }
            switch run(test, manifest: manifest, loader: loader) {
            case .passed: passed += 1
            case .failed(let why): failed.append("\(test.id) \(test.name): \(why)")
            }
        }
        print("toRdf: \(passed) passed, \(failed.count) failed, \(skipped) skipped")
        for f in failed { print("  FAIL " + f) }
        #expect(failed.isEmpty, "\(failed.count) toRdf tests failed")
        #expect(Double(skipped) < Double(manifest.tests.count) * 0.03, "skips must stay under 3%")
    }

    /// Safe mode may refuse, but never change the result: whenever the RDF step succeeds in safe
    /// mode on a suite input, its dataset is exactly the unsafe one (same quads, same labels).
    @Test func safeModeOnlyRefusesNeverAlters() throws {
        guard let manifest = try JSONLDTestManifest.load("toRdf-manifest.jsonld") else { return }
        let loader = manifest.documentLoader
        let dropCodes: Set<JSONLDToRDFError.Code> = [
            .relativeSubjectReference, .relativePredicateReference, .relativeObjectReference, .relativeTypeReference,
            .relativeDatatypeReference, .relativeGraphReference, .blankNodePredicate, .malformedIRI,
            .invalidLanguageTag, .rdfDirectionNotSet,
        ]
        var same = 0, refused = 0
        for test in manifest.tests where test.isPositiveEvaluation || test.isSyntaxTest {
            guard let jsonld = try? manifest.options(for: test, loader: loader),
                let input = try? manifest.json(test.input),
                let expanded = try? JSONLDProcessor.expand(input, documentURL: manifest.url(of: test.input), options: jsonld)
            else { continue }
            var unsafe = ToRDFOptions(safeMode: false)
            if let mode = test.options["rdfDirection"]?.stringValue { unsafe.rdfDirection = RDFDirectionMode(rawValue: mode) }
            unsafe.produceGeneralizedRDF = test.options["produceGeneralizedRdf"]?.boolValue ?? false
            var safe = unsafe
            safe.safeMode = true
            guard let lenient = try? RDFConversion.toRDF(expanded: expanded, options: unsafe) else { continue }
            do {
                let strict = try RDFConversion.toRDF(expanded: expanded, options: safe)
                #expect(strict.quads == lenient.quads, "\(test.id): safe mode changed the dataset")
                same += 1
            } catch {
                #expect(dropCodes.contains(error.code), "\(test.id): unexpected \(error)")
                #expect(error.path != nil, "\(test.id): refusal without a path: \(error)")
                refused += 1
            }
        }
        print("toRdf safe mode: \(same) identical, \(refused) refused")
        #expect(same > 300 && refused > 0)
    }

    /// The converter hands the dataset each quad's fingerprint, made from its terms' remembered fingerprints;
    /// a wrong one would let a duplicate quad through. On every suite input (duplicates, lists, graphs,
    /// `@direction` both ways, generalized RDF): each fingerprint is the one computed from the quad's bytes,
    /// and the dataset equals the one the plain initializer builds.
    @Test func fingerprintsAreTheQuadsOwn() throws {
        guard let manifest = try JSONLDTestManifest.load("toRdf-manifest.jsonld") else { return }
        let loader = manifest.documentLoader
        var checked = 0, quads = 0, repeats = 0
        for test in manifest.tests where test.isPositiveEvaluation || test.isSyntaxTest {
            guard let jsonld = try? manifest.options(for: test, loader: loader),
                let input = try? manifest.json(test.input),
                let expanded = try? JSONLDProcessor.expand(input, documentURL: manifest.url(of: test.input), options: jsonld)
            else { continue }
            for direction in [RDFDirectionMode.i18nDatatype, .compoundLiteral] {
                var options = ToRDFOptions(rdfDirection: direction, safeMode: false)
                options.produceGeneralizedRDF = test.options["produceGeneralizedRdf"]?.boolValue ?? false
                var converter = DatasetSerializer(options: options, issuer: BlankNodeIssuer())
                guard (try? converter.convert(expanded)) != nil else { continue }
                #expect(converter.fingerprints.count == converter.quads.count)
                for (quad, fingerprint) in zip(converter.quads, converter.fingerprints) {
                    #expect(fingerprint == QuadFingerprint.hash(quad), "\(test.id): \(quad)")
                }
                let dataset = converter.makeDataset()
                var plain = RDFDataset()
                for quad in converter.quads { plain.insert(quad) }
                #expect(dataset.quads == plain.quads, "\(test.id)")
                checked += 1
                quads += converter.quads.count
                repeats += converter.quads.count - dataset.count
            }
        }
        print("toRdf fingerprints: \(checked) conversions, \(quads) quads, \(repeats) repeats dropped")
        #expect(checked > 600 && repeats > 0)
    }

    /// A canonicalizer takes `toInterned`'s output, written straight in RDFC-1.0's form: it must hold `toRDF`'s
    /// quads, in the same order, each term as the N-Quads writer writes it (repeats dropped alike), with each blank
    /// node's quads listed as RDFC-1.0 lists them; and both must fail alike. Every suite input, each `rdfDirection`
    /// mode, safe mode on and off, generalized RDF as the test asks.
    @Test func theInternedFormHoldsTheDatasetsQuads() throws {
        guard let manifest = try JSONLDTestManifest.load("toRdf-manifest.jsonld") else { return }
        let loader = manifest.documentLoader
        var converted = 0, refused = 0
        for test in manifest.tests where test.isPositiveEvaluation || test.isSyntaxTest {
            guard let jsonld = try? manifest.options(for: test, loader: loader),
                let input = try? manifest.json(test.input),
                let expanded = try? JSONLDProcessor.expand(input, documentURL: manifest.url(of: test.input), options: jsonld)
            else { continue }
            for direction in [RDFDirectionMode.i18nDatatype, .compoundLiteral, nil] {
                for safeMode in [false, true] {
                    var options = ToRDFOptions(rdfDirection: direction, safeMode: safeMode)
                    options.produceGeneralizedRDF = test.options["produceGeneralizedRdf"]?.boolValue ?? false
                    let plain = Result { () throws(JSONLDToRDFError) in try RDFConversion.toRDF(expanded: expanded, options: options) }
                    let interned = Result { () throws(JSONLDToRDFError) in try RDFConversion.toInterned(expanded: expanded, options: options) }
                    switch (plain, interned) {
                    case (.success(let dataset), .success(let interned)):
                        #expect(interned.lines == dataset.quads.map { Array(NQuads.serialize($0).utf8) }, "\(test.id)")
                        #expect(Self.blankQuadsAreListedOnce(interned), "\(test.id)")
                        converted += 1
                    case (.failure(let left), .failure(let right)):
                        #expect(left == right, "\(test.id): \(left) vs \(right)")
                        refused += 1
                    default:
                        Issue.record("\(test.id): one conversion failed, the other did not")
                    }
                }
            }
        }
        print("toRdf interned form: \(converted) conversions compared, \(refused) refused alike")
        #expect(converted > 1_500 && refused > 0)
    }

    /// Blank nodes numbered in order of first appearance, each with the quads that mention it, each quad once.
    static func blankQuadsAreListedOnce(_ interned: InternedDataset) -> Bool {
        var labels: [Int32] = []
        var expected: [[Int32]] = []
        for (index, quad) in interned.quads.enumerated() {
            for slot in [quad.subject, quad.predicate, quad.object, quad.graph] where slot < 0 {
                let id = -1 - slot
                if id == Int32(labels.count) {
                    labels.append(id)
                    expected.append([])
                }
                guard id < Int32(labels.count) else { return false }
                if expected[Int(id)].last != Int32(index) { expected[Int(id)].append(Int32(index)) }
            }
        }
        return expected == interned.blankQuads && interned.blankLabels.count == labels.count
    }

    private func run(_ test: JSONLDTestCase, manifest: JSONLDTestManifest, loader: any DocumentLoader) -> Outcome {
        var rdfOptions = ToRDFOptions(safeMode: false)
        if let mode = test.options["rdfDirection"]?.stringValue { rdfOptions.rdfDirection = RDFDirectionMode(rawValue: mode) }
        rdfOptions.produceGeneralizedRDF = test.options["produceGeneralizedRdf"]?.boolValue ?? false
        let result: Result<RDFDataset, any Error>
        var reference: RDFDataset?
        do {
            let jsonld = try manifest.options(for: test, loader: loader)
            let input = try manifest.json(test.input)
            let expanded = try JSONLDProcessor.expand(input, documentURL: manifest.url(of: test.input), options: jsonld)
            result = .success(try RDFConversion.toRDF(expanded: expanded, options: rdfOptions))
            reference = try? RDFConversion.toRDFViaNodeMap(expanded: expanded, options: rdfOptions)
        } catch {
            result = .failure(error)
        }
        if test.isNegative {
            switch result {
            case .success: return .failed("expected error \(test.expectErrorCode ?? "?"), got a dataset")
            case .failure(let error):
                let code = (error as? JSONLDError)?.code.rawValue ?? (error as? JSONLDToRDFError)?.code.name ?? "\(error)"
                return code == test.expectErrorCode ? .passed : .failed("expected \(test.expectErrorCode ?? "?"), got \(code): \(error)")
            }
        }
        let dataset: RDFDataset
        switch result {
        case .success(let d): dataset = d
        case .failure(let error): return .failed("unexpected error \(error)")
        }
        // The streaming conversion must give the spec's node-map algorithm's dataset.
        guard let reference else { return .failed("the node-map reference conversion failed") }
        let agrees = (try? dataset.isIsomorphic(to: reference)) ?? false
        if !agrees { return .failed("streaming and node-map conversions differ") }
        guard test.isPositiveEvaluation, let expectPath = test.expect else { return .passed }
        do {
            let text = try manifest.text(expectPath)
            let expected = try NQuads.parse(text, allowBlankNodePredicates: rdfOptions.produceGeneralizedRDF)
            if try dataset.isIsomorphic(to: expected) { return .passed }
            return .failed("not isomorphic; got:\n" + NQuads.serialize(dataset.quads) + "expected:\n" + text)
        } catch {
            return .failed("comparison failed: \(error)")
        }
    }
}
