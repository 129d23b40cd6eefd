import Foundation
import SwiftASN1
import X509

/// Reading certificates from PEM text, files and folders.
public enum JAdESPEM {
    /// Most certificates read from one PEM text; a chain file never needs more.
    public static let maxCertificatesPerFile = 64

    /// All `CERTIFICATE` blocks of a PEM text, in order (e.g. a seal certificate followed by its CAs).
    public static func certificates(fromPEM text: String, source: String? = nil) throws(JAdESError) -> [Certificate] {
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: text)
        } catch {
            throw JAdESError(.invalidCertificate, "not PEM: \(error)", location: source)
        }
        var certificates: [Certificate] = []
        for (index, document) in documents.enumerated() where document.discriminator == "CERTIFICATE" {
            guard certificates.count < maxCertificatesPerFile else {
                throw JAdESError(.invalidCertificate, "more than \(maxCertificatesPerFile) certificates", location: source)
            }
            do {
                certificates.append(try Certificate(derEncoded: Array(document.derBytes)))
            } catch {
                throw JAdESError(.invalidCertificate, "PEM block \(index + 1) is not an X.509 certificate: \(error)", location: source)
            }
        }
        if certificates.isEmpty {
            throw JAdESError(.invalidCertificate, "no CERTIFICATE block found", location: source)
        }
        return certificates
    }

    /// The certificates of a PEM file.
    public static func certificates(contentsOf url: URL) throws(JAdESError) -> [Certificate] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw JAdESError(.unreadable, "cannot read file", location: url.path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw JAdESError(.invalidCertificate, "not UTF-8 PEM text", location: url.path)
        }
        return try certificates(fromPEM: text, source: url.path)
    }

    /// Trust anchors from a folder: every `*.pem`, `*.crt` and `*.cer` file holding PEM certificates, in name order;
    /// or from one PEM file, when `directory` names a file (`--trust-anchors skillcred-data/seal/demo-ca.pem`).
    ///
    /// A file that is not PEM fails the whole load, so a broken anchor is noticed rather than silently
    /// shrinking the trust set.
    public static func trustAnchors(directory: URL) throws(JAdESError) -> [Certificate] {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            return try certificates(contentsOf: directory)
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        } catch {
            throw JAdESError(.unreadable, "cannot list trust-anchor folder: \(error.localizedDescription)", location: directory.path)
        }
        var anchors: [Certificate] = []
        for name in names where [".pem", ".crt", ".cer"].contains(where: { name.lowercased().hasSuffix($0) }) {
            anchors.append(contentsOf: try certificates(contentsOf: directory.appendingPathComponent(name)))
        }
        return anchors
    }
}
