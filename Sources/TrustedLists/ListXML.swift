internal import CXMLSec
import Foundation

/// What a trusted-list file may be: limits checked before and after libxml2 parses it.
public struct TrustedListLimits: Sendable, Hashable {
    /// The largest file read, in bytes (default 16 MiB; the largest EU national list is a few MiB).
    public var maxBytes: Int
    /// The deepest element nesting accepted (default 48; a trusted list with its XAdES signature needs about 16).
    public var maxDepth: Int
    /// The most list files read from a directory (default 64: the EU has one LOTL and about 31 national lists).
    public var maxFiles: Int
    /// How long, in seconds, a list past its NextUpdate is still used, with a warning (default 7 days): publishers
    /// now and then reissue a little late. Past that it is not used: a national list is ignored with the reason, and
    /// an expired list of trusted lists loads nothing. `nil`: an expired list is always used, with a warning.
    public var expiredListGrace: TimeInterval?

    /// The default of ``expiredListGrace``: 7 days.
    public static let defaultExpiredListGrace: TimeInterval = 7 * 86_400

    /// Creates limits; every parameter has the default above.
    public init(
        maxBytes: Int = 16 * 1024 * 1024, maxDepth: Int = 48, maxFiles: Int = 64,
        expiredListGrace: TimeInterval? = Self.defaultExpiredListGrace
    ) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxFiles = maxFiles
        self.expiredListGrace = expiredListGrace
    }
}

/// Why a trusted-list file could not be read as XML.
public struct TrustedListXMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    /// Creates the error.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// libxml2 and libxmlsec1 set up once per process: xmlsec's OpenSSL engine loaded, its error printing off (the
/// reasons are reported through the load report instead).
enum XMLSecurityLibrary {
    static let ready: Bool = {
        xmlInitParser()
        guard xmlSecInit() >= 0 else { return false }
        // The structures Swift reads must have the layout of the library in use.
        guard cxmlsec_abi_compatible() == 1 else { return false }
        guard xmlSecOpenSSLAppInit(nil) >= 0 else { return false }
        guard xmlSecOpenSSLInit() >= 0 else { return false }
        xmlSecErrorsDefaultCallbackEnableOutput(0)
        return true
    }()
}

/// A parsed trusted-list document (libxml2's tree), freed with the value.
///
/// Parsing refuses, before libxml2 sees the bytes, anything larger than the limit and any document type declaration:
/// a trusted list has no DTD, and a DTD is where entity expansion ("billion laughs") and external entities live. libxml2
/// then parses without network access, without loading or validating DTDs and without substituting entities; its own
/// nesting limit (256) and the one here (``TrustedListLimits/maxDepth``) bound the depth.
final class ListXML {
    let document: xmlDocPtr

    init(bytes: [UInt8], limits: TrustedListLimits) throws(TrustedListXMLError) {
        guard XMLSecurityLibrary.ready else {
            throw TrustedListXMLError(
                "libxmlsec1 could not be initialised (its OpenSSL engine did not load, or the library is not ABI-compatible with the headers skillcred was built with)"
            )
        }
        guard bytes.count <= limits.maxBytes else {
            throw TrustedListXMLError("the file is \(bytes.count) bytes, more than the \(limits.maxBytes)-byte limit for a trusted list")
        }
        guard !bytes.isEmpty else { throw TrustedListXMLError("the file is empty") }
        if Self.declaresDocumentType(bytes) {
            throw TrustedListXMLError(
                "the document has a document type declaration (<!DOCTYPE>): a trusted list has none, and entities (internal or external) are refused")
        }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        xmlResetLastError()
        let parsed = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                xmlReadMemory(chars, Int32(buffer.count), "trusted-list.xml", nil, options)
            }
        }
        guard let parsed else {
            let message = xmlGetLastError().flatMap { error in
                error.pointee.message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) + " (line \(error.pointee.line))" }
            }
            throw TrustedListXMLError("not well-formed XML: \(message ?? "libxml2 refused it")")
        }
        document = parsed
        if parsed.pointee.intSubset != nil || parsed.pointee.extSubset != nil {
            throw TrustedListXMLError("the document has a document type declaration: a trusted list has none")
        }
        guard let root = xmlDocGetRootElement(parsed) else { throw TrustedListXMLError("the document has no root element") }
        if let depth = Self.depth(exceeding: limits.maxDepth, from: root) {
            throw TrustedListXMLError("elements are nested deeper than \(limits.maxDepth) levels (depth limit; found \(depth))")
        }
    }

    deinit { xmlFreeDoc(document) }

    var root: ListElement { ListElement(node: xmlDocGetRootElement(document)!) }

    /// Whether `<!DOCTYPE` occurs outside comments and processing instructions before the root element. A simple
    /// scan for the markup anywhere would also do (it cannot occur in content unescaped), and is what this is.
    static func declaresDocumentType(_ bytes: [UInt8]) -> Bool {
        let marker = Array("<!DOCTYPE".utf8)
        guard bytes.count >= marker.count else { return false }
        var index = 0
        let last = bytes.count - marker.count
        while index <= last {
            if bytes[index] == 0x3C, bytes[index + 1] == 0x21, Array(bytes[index..<index + marker.count]) == marker { return true }
            index += 1
        }
        return false
    }

    /// The depth found when the element tree is deeper than `limit`, else `nil`. Iterative, so a deep tree cannot
    /// exhaust the stack here.
    static func depth(exceeding limit: Int, from root: xmlNodePtr) -> Int? {
        var stack: [(xmlNodePtr, Int)] = [(root, 1)]
        while let (node, depth) = stack.popLast() {
            if depth > limit { return depth }
            var child = node.pointee.children
            while let current = child {
                if current.pointee.type == XML_ELEMENT_NODE { stack.append((current, depth + 1)) }
                child = current.pointee.next
            }
        }
        return nil
    }
}

/// A read-only view of one element of a parsed list.
struct ListElement {
    let node: xmlNodePtr

    var localName: String { node.pointee.name.map { String(cString: $0) } ?? "" }
    var namespace: String? { node.pointee.ns?.pointee.href.map { String(cString: $0) } }

    /// The element children, in document order.
    var children: [ListElement] {
        var out: [ListElement] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { out.append(ListElement(node: current)) }
            child = current.pointee.next
        }
        return out
    }

    /// The element children with this local name (any namespace: the ETSI schemas spread one list over several).
    func children(_ name: String) -> [ListElement] { children.filter { $0.localName == name } }

    /// The first element child with this local name.
    func child(_ name: String) -> ListElement? { children.first { $0.localName == name } }

    /// The element reached by following local names from here.
    func path(_ names: String...) -> ListElement? {
        var current: ListElement? = self
        for name in names { current = current?.child(name) }
        return current
    }

    /// The text content, trimmed.
    var text: String {
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { cxmlsec_free(content) }
        return String(cString: content).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// An attribute without a namespace.
    func attribute(_ name: String) -> String? {
        guard let value = xmlGetNoNsProp(node, name) else { return nil }
        defer { cxmlsec_free(value) }
        return String(cString: value)
    }
}
