import CredentialJSON
import Foundation

/// An error reading a user's context directory, naming the file and, for JSON errors, line:column.
public struct ContextDirectoryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable error codes.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code's stable name, e.g. `overridesBundled`.
        public let name: String
        public var description: String { name }
        /// `manifest.json` is missing or unreadable.
        public static let missingManifest = Code(name: "missingManifest")
        /// `manifest.json` is not an object mapping context URLs to file names.
        public static let invalidManifest = Code(name: "invalidManifest")
        /// A file named by the manifest cannot be read.
        public static let unreadableFile = Code(name: "unreadableFile")
        /// A file is not strict JSON, or is not a JSON-LD context document.
        public static let invalidDocument = Code(name: "invalidDocument")
        /// A file or the manifest is larger than the limit.
        public static let tooLarge = Code(name: "tooLarge")
        /// The manifest lists more documents than the limit.
        public static let tooManyEntries = Code(name: "tooManyEntries")
        /// The manifest names a URL that skillcred bundles, and overriding was not allowed.
        public static let overridesBundled = Code(name: "overridesBundled")
    }

    /// What kind of failure this is.
    public let code: Code
    /// A human-readable explanation.
    public let message: String
    /// The file the error is about.
    public let file: String
    /// 1-based line of a JSON syntax error, when there is one.
    public let line: Int?
    /// 1-based column of a JSON syntax error, when there is one.
    public let column: Int?

    /// `file:line:column: message`, or `file: message` when there is no position.
    public var description: String {
        if let line, let column { return "\(file):\(line):\(column): \(message)" }
        return "\(file): \(message)"
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code && lhs.file == rhs.file }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(file)
    }
}

/// Context documents that a user provides in a directory (the CLI's `--context-dir`).
///
/// The directory holds `manifest.json`, an object mapping each context URL to a file name in the same
/// directory (the format of the project's own `contexts/manifest.json`). Every file is parsed with the
/// strict JSON parser when the directory is loaded, so a broken file fails early with its line:column
/// instead of in the middle of a verification.
public struct ContextDirectory: Sendable {
    /// Limits on what a directory may hold.
    public struct Limits: Sendable, Hashable {
        /// Maximum number of manifest entries.
        public var maxEntries: Int
        /// Maximum size in bytes of `manifest.json` and of each context file.
        public var maxFileBytes: Int
        /// Nesting depth limit for the JSON parser.
        public var maxDepth: Int

        /// Limits with the given values; the defaults are 1,000 entries, 1 MiB per file, depth 64.
        public init(maxEntries: Int = 1_000, maxFileBytes: Int = 1 << 20, maxDepth: Int = 64) {
            self.maxEntries = maxEntries
            self.maxFileBytes = maxFileBytes
            self.maxDepth = maxDepth
        }

        /// 1,000 entries, 1 MiB per file, depth 64.
        public static let `default` = Limits()
    }

    /// The directory that was read.
    public let directory: URL
    /// The parsed documents keyed by context URL.
    public let documents: [String: JSONValue]

    /// Reads and parses `manifest.json` and every file it names.
    ///
    /// - Parameters:
    ///   - directory: the folder holding `manifest.json`.
    ///   - allowOverridingBundled: whether the directory may replace a bundled context (for example a
    ///     newer `edc-ap` under the same URL). Off by default: replacing the VC context silently would
    ///     change what every signed credential means.
    public init(
        directory: URL, allowOverridingBundled: Bool = false, limits: Limits = .default
    ) throws(ContextDirectoryError) {
        self.directory = directory
        let manifestURL = directory.appendingPathComponent("manifest.json")
        let manifestValue = try Self.readJSON(manifestURL, limits: limits, missing: .missingManifest)
        guard case .object(let manifest) = manifestValue else {
            throw ContextDirectoryError(
                code: .invalidManifest, message: "must be an object mapping context URLs to file names",
                file: manifestURL.path, line: nil, column: nil)
        }
        guard manifest.count <= limits.maxEntries else {
            throw ContextDirectoryError(
                code: .tooManyEntries, message: "\(manifest.count) entries exceed the limit of \(limits.maxEntries)",
                file: manifestURL.path, line: nil, column: nil)
        }
        var documents: [String: JSONValue] = [:]
        for (url, value) in manifest {
            guard case .string(let name) = value, !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
                throw ContextDirectoryError(
                    code: .invalidManifest,
                    message: "entry \(JSONPath.root.appending(url)): the value must be a file name in the same directory",
                    file: manifestURL.path, line: nil, column: nil)
            }
            if !allowOverridingBundled, ContextBundle.context(for: url) != nil {
                throw ContextDirectoryError(
                    code: .overridesBundled,
                    message: "\(url) is bundled with skillcred; overriding it is not allowed here",
                    file: manifestURL.path, line: nil, column: nil)
            }
            let fileURL = directory.appendingPathComponent(name)
            let document = try Self.readJSON(fileURL, limits: limits, missing: .unreadableFile)
            guard case .object(let object) = document, object["@context"] != nil else {
                throw ContextDirectoryError(
                    code: .invalidDocument, message: "a context document must be an object with an @context member",
                    file: fileURL.path, line: nil, column: nil)
            }
            documents[url] = document
        }
        self.documents = documents
    }

    private static func readJSON(
        _ url: URL, limits: Limits, missing: ContextDirectoryError.Code
    ) throws(ContextDirectoryError) -> JSONValue {
        let data: Data
        do {
            let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
            guard size <= limits.maxFileBytes else {
                throw ContextDirectoryError(
                    code: .tooLarge, message: "\(size) bytes exceed the limit of \(limits.maxFileBytes)",
                    file: url.path, line: nil, column: nil)
            }
            data = try Data(contentsOf: url)
        } catch let error as ContextDirectoryError {
            throw error
        } catch {
            throw ContextDirectoryError(
                code: missing, message: "cannot be read (\(error.localizedDescription))",
                file: url.path, line: nil, column: nil)
        }
        do {
            return try JSONParser.parse(data, limits: JSONParseLimits(maxDepth: limits.maxDepth, maxBytes: limits.maxFileBytes))
        } catch {
            throw ContextDirectoryError(
                code: error.code == .tooLarge ? .tooLarge : .invalidDocument, message: error.message,
                file: url.path, line: error.line, column: error.column)
        }
    }
}
