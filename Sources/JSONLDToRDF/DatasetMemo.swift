import CredentialJSON
import JSONLD
import RDF
import Synchronization

/// Why a document has no RDF dataset: expansion refused it, or the RDF step did.
public enum DatasetConversionError: Error, Sendable {
    /// JSON-LD expansion failed (an undefined term in safe mode, an unknown context, …).
    case expansion(JSONLDError)
    /// The RDF step failed (a relative IRI in safe mode, a malformed language tag, …).
    case conversion(JSONLDToRDFError)
}

/// One JSON-LD expansion and RDF conversion per document, shared by everything in one task that needs the
/// dataset of the same document under the same options.
///
/// A verifier's Format check (safe mode, null base, `i18n-datatype`) and a Data Integrity proof over the same
/// credential both need the RDF dataset of the credential without its `proof`; expansion dominates both. Run
/// them inside `DatasetMemo.$current.withValue(DatasetMemo()) { … }` and the second asks ``dataset(of:jsonld:options:)``
/// for a dataset the first already made. A result is reused only for a document identical to the one it was
/// made from (same members in the same order, numbers by lexeme) under the same options — same context cache,
/// base, safe mode, processing mode, limits, and RDF options — so it is the result the second caller would
/// have computed: expansion and conversion are deterministic given those. Options with a warning handler or
/// an `expandContext` are never shared (a handler has side effects the second caller would miss).
public final class DatasetMemo: Sendable {
    /// The memo of the running task, if one was set with `DatasetMemo.$current.withValue(_:operation:)`.
    @TaskLocal public static var current: DatasetMemo?

    struct Key: Equatable {
        /// Held, not just its address: a cache freed and another made at the same address must not match.
        let cache: ContextCache
        let base: String?
        let safeMode: Bool
        let processingMode: ProcessingMode
        let limits: JSONLDLimits
        let rdf: ToRDFOptions

        static func == (lhs: Key, rhs: Key) -> Bool {
            lhs.cache === rhs.cache && sameCodePoints(lhs.base, rhs.base) && lhs.safeMode == rhs.safeMode && lhs.processingMode == rhs.processingMode
                && lhs.limits == rhs.limits && lhs.rdf == rhs.rdf
        }

        /// Base IRIs by code point: canonically equivalent ones resolve references to different IRIs.
        static func sameCodePoints(_ lhs: String?, _ rhs: String?) -> Bool {
            switch (lhs, rhs) {
            case (nil, nil): return true
            case (let left?, let right?): return left.utf8.elementsEqual(right.utf8)
            default: return false
            }
        }
    }

    /// What a caller asked for: an ``RDFDataset``, or the form RDFC-1.0 works on (the verifier's Format check and
    /// the Data Integrity canonicalizer ask for this one, so they share it).
    enum Form: Equatable {
        case dataset
        case interned
        /// Only whether it converts.
        case checked
    }

    enum Converted: Sendable {
        case dataset(RDFDataset)
        case interned(InternedDataset)
        case checked
    }

    struct Entry {
        let key: Key
        let form: Form
        let document: JSONValue
        let result: Result<Converted, DatasetConversionError>
    }

    struct State {
        var entries: [Entry] = []
        var conversions = 0
        var reuses = 0
    }

    /// At most this many datasets are kept: a credential, its proof options, and a few presentation members.
    static let capacity = 8
    private let state = Mutex(State())

    /// An empty memo.
    public init() {}

    /// How many expansions and conversions were run through this memo.
    public var conversions: Int { state.withLock { $0.conversions } }
    /// How many times a result was handed out again instead of being computed.
    public var reuses: Int { state.withLock { $0.reuses } }

    /// The RDF dataset of `document` (expanded with `jsonld` with no document URL, converted with `options`):
    /// reused from ``current`` when it holds the result for an identical document under the same options,
    /// computed (and, when shareable, remembered) otherwise.
    public static func dataset(
        of document: JSONValue, jsonld: JSONLDOptions, options: ToRDFOptions
    ) -> Result<RDFDataset, DatasetConversionError> {
        converted(document, jsonld: jsonld, options: options, form: .dataset).map { converted in
            guard case .dataset(let dataset) = converted else { preconditionFailure("an interned dataset served as a dataset") }
            return dataset
        }
    }

    /// ``dataset(of:jsonld:options:)`` in the form RDFC-1.0 works on (``RDFConversion/toInterned(expanded:options:)``),
    /// shared the same way between the callers that ask for this form.
    package static func internedDataset(
        of document: JSONValue, jsonld: JSONLDOptions, options: ToRDFOptions
    ) -> Result<InternedDataset, DatasetConversionError> {
        converted(document, jsonld: jsonld, options: options, form: .interned).map { converted in
            guard case .interned(let interned) = converted else { preconditionFailure("a dataset served as an interned dataset") }
            return interned
        }
    }

    /// Why `document` has no RDF dataset under these options, or `nil` when it has one: the check of
    /// ``dataset(of:jsonld:options:)`` without building the dataset (the quads are checked and dropped), for a caller
    /// that needs no RDF. A result already in ``current`` for the document is used instead.
    package static func conversionProblem(of document: JSONValue, jsonld: JSONLDOptions, options: ToRDFOptions) -> DatasetConversionError? {
        guard case .failure(let error) = converted(document, jsonld: jsonld, options: options, form: .checked) else { return nil }
        return error
    }

    static func converted(_ document: JSONValue, jsonld: JSONLDOptions, options: ToRDFOptions, form: Form) -> Result<Converted, DatasetConversionError> {
        guard let memo = current, let key = key(jsonld, options) else { return convert(document, jsonld: jsonld, options: options, form: form) }
        return memo.converted(of: document, key: key, form: form, jsonld: jsonld, options: options)
    }

    static func key(_ jsonld: JSONLDOptions, _ options: ToRDFOptions) -> Key? {
        guard jsonld.warningHandler == nil, jsonld.expandContext == nil, let cache = jsonld.contextCache else { return nil }
        return Key(
            cache: cache, base: jsonld.base, safeMode: jsonld.safeMode, processingMode: jsonld.processingMode,
            limits: jsonld.limits, rdf: options)
    }

    func converted(of document: JSONValue, key: Key, form: Form, jsonld: JSONLDOptions, options: ToRDFOptions) -> Result<Converted, DatasetConversionError> {
        let found = state.withLock { state -> Result<Converted, DatasetConversionError>? in
            // A check is answered by any form; a dataset only by its own.
            guard
                let entry = state.entries.first(where: {
                    ($0.form == form || form == .checked) && $0.key == key && $0.document.isIdentical(to: document)
                })
            else { return nil }
            state.reuses += 1
            return entry.result
        }
        if let found { return found }
        // Computed outside the lock: two tasks asking at once both compute, and both results are the same.
        let result = Self.convert(document, jsonld: jsonld, options: options, form: form)
        state.withLock { state in
            state.conversions += 1
            if state.entries.count == Self.capacity { state.entries.removeFirst() }
            state.entries.append(Entry(key: key, form: form, document: document, result: result))
        }
        return result
    }

    static func convert(_ document: JSONValue, jsonld: JSONLDOptions, options: ToRDFOptions, form: Form) -> Result<Converted, DatasetConversionError> {
        // The forms whose blank node labels nobody reads are first made without an expanded tree; a document
        // that pass does not take (or that fails) is converted below, which also reports the failure.
        switch form {
        case .interned:
            if let interned = RDFConversion.streamInterned(document, jsonld: jsonld, options: options) { return .success(.interned(interned)) }
        case .checked:
            if RDFConversion.streamCheck(document, jsonld: jsonld, options: options) { return .success(.checked) }
        case .dataset:
            break
        }
        let expanded: [JSONValue]
        do {
            expanded = try JSONLDProcessor.expand(document, documentURL: nil, options: jsonld)
        } catch {
            return .failure(.expansion(error))
        }
        do {
            switch form {
            case .dataset: return .success(.dataset(try RDFConversion.toRDF(expanded: expanded, options: options)))
            case .interned: return .success(.interned(try RDFConversion.toInterned(expanded: expanded, options: options)))
            case .checked:
                try RDFConversion.check(expanded: expanded, options: options)
                return .success(.checked)
            }
        } catch {
            return .failure(.conversion(error))
        }
    }
}
