internal import CXMLSec
import CredentialJSON
import Foundation
import SwiftASN1
import X509

/// One ETSI TS 119 612 trusted list: the EU list of trusted lists (LOTL) or a national list, as far as qualification
/// needs it — the scheme information, the pointers to other lists, and the CA/QC services with their history.
public struct TrustedList: Sendable {
    /// `SchemeTerritory`: the country code (`BE`), or `EU` for the LOTL.
    public let territory: String
    /// `TSLSequenceNumber`.
    public let sequenceNumber: Int
    /// `TSLType` (e.g. `http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric`).
    public let type: String
    /// The scheme operator's name (English when given).
    public let operatorName: String
    /// `ListIssueDateTime`.
    public let issued: Date?
    /// `NextUpdate/dateTime`; `nil` for a closed list.
    public let nextUpdate: Date?
    /// `PointersToOtherTSL` (the LOTL's pointers to national lists).
    public let pointers: [TrustedListPointer]
    /// The services that are, or once were, of type CA/QC, with their providers and whole history.
    public let services: [TrustService]

    /// Whether this is a list of lists (its type ends in `EUlistofthelists`, or any `…listofthelists`).
    public var isListOfLists: Bool { type.lowercased().hasSuffix("listofthelists") }

    /// "BE list, sequence 42".
    public var label: String { "\(territory) \(isListOfLists ? "list of trusted lists" : "trusted list"), sequence \(sequenceNumber)" }
}

/// `OtherTSLPointer`: where another list is, and which certificates may sign it.
public struct TrustedListPointer: Sendable {
    /// `TSLLocation`.
    public let location: String
    /// The pointed list's `SchemeTerritory`.
    public let territory: String?
    /// The pointed list's `TSLType`.
    public let type: String?
    /// The pointed list's MIME type (`application/vnd.etsi.tsl+xml` for XML; the EU also points at PDF copies).
    public let mimeType: String?
    /// The certificates of `ServiceDigitalIdentities`: the keys allowed to sign the pointed list.
    public let signingCertificates: [Certificate]

    /// Whether the pointer leads to an XML list (not a PDF copy).
    public var isXML: Bool { mimeType.map { $0.lowercased().contains("xml") } ?? location.lowercased().hasSuffix(".xml") }
}

/// A service of a trust service provider (one that is or was of type CA/QC), with its status history.
public struct TrustService: Sendable {
    /// `TSPName`.
    public let providerName: String
    /// `ServiceName` (current).
    public let name: String
    /// `ServiceTypeIdentifier` (current).
    public let type: String
    /// The service's digital identity (its CA certificate(s), subject name, key identifier).
    public let identity: ServiceIdentity
    /// The current status and the `ServiceHistory` instances, newest first (by `StatusStartingTime`).
    public let history: [ServiceStatusPeriod]

    /// The status period in force at `time`: the newest whose start is not after it; `nil` before the first.
    public func period(at time: Date) -> ServiceStatusPeriod? {
        history.first { $0.start <= time }
    }
}

/// `ServiceDigitalIdentity`: who the service is.
public struct ServiceIdentity: Sendable {
    /// `X509Certificate` values.
    public let certificates: [Certificate]
    /// `X509SubjectName` values, as written.
    public let subjectNames: [String]
    /// `X509SKI` values.
    public let subjectKeyIdentifiers: [[UInt8]]
}

/// One status of a service, from `StatusStartingTime` until the next.
public struct ServiceStatusPeriod: Sendable {
    /// `ServiceStatus` (a URI).
    public let status: String
    /// `StatusStartingTime`.
    public let start: Date
    /// `ServiceTypeIdentifier` during this period.
    public let type: String
    /// The `Qualifications` extension's elements.
    public let qualifications: [QualificationElement]
    /// `AdditionalServiceInformation/URI` values (ForeSeals, ForeSignatures, ForWebSiteAuthentication, …).
    public let additionalInformation: [String]

    /// Whether the status is "granted" (or, before eIDAS, one that TS 119 615 reads as granted).
    public var isGranted: Bool { ServiceStatusURI.grantedLike.contains(status) }

    /// The status's last path segment (`granted`, `withdrawn`, …).
    public var statusName: String { status.split(separator: "/").last.map(String.init) ?? status }

    /// Whether the period says the service issues certificates for e-seals: `ForeSeals` among the additional
    /// information, or a `QCForESeal` qualifier.
    public var isForESeals: Bool {
        additionalInformation.contains(AdditionalServiceInformationURI.forESeals)
            || qualifications.contains { $0.qualifiers.contains(QualifierURI.forESeal) }
    }
}

/// `QualificationElement`: qualifiers that apply to the certificates the criteria select.
public struct QualificationElement: Sendable {
    /// `Qualifier/@uri` values.
    public let qualifiers: [String]
    /// `CriteriaList`.
    public let criteria: CriteriaList
}

/// `CriteriaList`: which certificates a qualification element applies to.
public struct CriteriaList: Sendable {
    /// `@assert`: `all`, `atLeastOne` or `none`.
    public let assert: String
    /// `KeyUsage` criteria: each a set of bits (name → required value), all of which must hold.
    public let keyUsage: [[String: Bool]]
    /// `PolicySet` criteria: each a set of policy OIDs, all of which the certificate must state.
    public let policySets: [[String]]
    /// Nested `CriteriaList` elements.
    public let nested: [CriteriaList]
    /// Criteria this reader does not evaluate (`ExtendedKeyUsage`, `otherCriteriaList`, …), by element name.
    public let unsupported: [String]
}

/// The service status URIs of TS 119 612.
public enum ServiceStatusURI {
    /// Granted (eIDAS).
    public static let granted = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted"
    /// Withdrawn (eIDAS).
    public static let withdrawn = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/withdrawn"
    /// Statuses TS 119 615 reads as granted: eIDAS granted and the Directive 1999/93/EC ones before 2016-07-01.
    public static let grantedLike: Set<String> = [
        granted,
        "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/undersupervision",
        "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/supervisionincessation",
        "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/accredited",
    ]
}

/// The service type of a CA issuing qualified certificates.
public enum ServiceTypeURI {
    /// `CA/QC`.
    public static let caQC = "http://uri.etsi.org/TrstSvc/Svctype/CA/QC"
}

/// `AdditionalServiceInformation` URIs.
public enum AdditionalServiceInformationURI {
    /// The service issues qualified certificates for e-seals.
    public static let forESeals = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/ForeSeals"
    /// … for e-signatures.
    public static let forESignatures = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/ForeSignatures"
    /// … for website authentication.
    public static let forWebSiteAuthentication = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/ForWebSiteAuthentication"
}

/// The `Qualifier` URIs of TS 119 612 §5.5.9.2.
public enum QualifierURI {
    static let base = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/"
    /// The certificate is qualified.
    public static let qcStatement = base + "QCStatement"
    /// The certificate is not qualified.
    public static let notQualified = base + "NotQualified"
    /// Qualified for e-signatures.
    public static let forESig = base + "QCForESig"
    /// Qualified for e-seals.
    public static let forESeal = base + "QCForESeal"
    /// Qualified for website authentication.
    public static let forWSA = base + "QCForWSA"
    /// The private key is in a QSCD.
    public static let withQSCD = base + "QCWithQSCD"
    /// The private key is not in a QSCD.
    public static let noQSCD = base + "QCNoQSCD"
    /// The QSCD status is as the certificate states it.
    public static let qscdStatusAsInCert = base + "QCQSCDStatusAsInCert"
    /// The key is in a QSCD managed by the provider on the owner's behalf.
    public static let qscdManagedOnBehalf = base + "QCQSCDManagedOnBehalf"
}

/// Why a file could not be read as a trusted list.
public struct TrustedListFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, naming the element.
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Reads the parts of a TS 119 612 list that qualification needs from libxml2's tree.
enum TrustedListParser {
    static let tslNamespace = "http://uri.etsi.org/02231/v2#"

    static func parse(_ xml: ListXML) throws(TrustedListFormatError) -> TrustedList {
        let root = xml.root
        guard root.localName == "TrustServiceStatusList", root.namespace == tslNamespace else {
            throw TrustedListFormatError("the root element is not an ETSI TS 119 612 TrustServiceStatusList (namespace \(tslNamespace))")
        }
        guard let scheme = root.child("SchemeInformation") else { throw TrustedListFormatError("SchemeInformation is missing") }
        guard let territory = scheme.child("SchemeTerritory")?.text, !territory.isEmpty else {
            throw TrustedListFormatError("SchemeInformation/SchemeTerritory is missing")
        }
        guard let sequenceText = scheme.child("TSLSequenceNumber")?.text, let sequence = Int(sequenceText), sequence >= 0 else {
            throw TrustedListFormatError("SchemeInformation/TSLSequenceNumber is missing or not a number")
        }
        guard let type = scheme.child("TSLType")?.text, !type.isEmpty else { throw TrustedListFormatError("SchemeInformation/TSLType is missing") }
        let operatorName = preferredName(scheme.child("SchemeOperatorName")) ?? territory
        let issued = scheme.child("ListIssueDateTime").flatMap { date($0.text) }
        let nextUpdate = scheme.path("NextUpdate", "dateTime").flatMap { date($0.text) }
        var pointers: [TrustedListPointer] = []
        for pointer in scheme.child("PointersToOtherTSL")?.children("OtherTSLPointer") ?? [] {
            guard let location = pointer.child("TSLLocation")?.text, !location.isEmpty else { continue }
            var pointedTerritory: String?, pointedType: String?, mime: String?
            for info in pointer.child("AdditionalInformation")?.children("OtherInformation") ?? [] {
                for item in info.children {
                    switch item.localName {
                    case "SchemeTerritory": pointedTerritory = item.text
                    case "TSLType": pointedType = item.text
                    case "MimeType": mime = item.text
                    default: break
                    }
                }
            }
            let certificates = (pointer.child("ServiceDigitalIdentities")?.children("ServiceDigitalIdentity") ?? [])
                .flatMap { $0.children("DigitalId") }
                .compactMap { $0.child("X509Certificate").flatMap { certificate(base64: $0.text) } }
            pointers.append(
                TrustedListPointer(
                    location: location, territory: pointedTerritory, type: pointedType, mimeType: mime, signingCertificates: certificates))
        }
        var services: [TrustService] = []
        for provider in root.child("TrustServiceProviderList")?.children("TrustServiceProvider") ?? [] {
            let providerName = preferredName(provider.path("TSPInformation", "TSPName")) ?? "(unnamed provider)"
            for service in provider.child("TSPServices")?.children("TSPService") ?? [] {
                guard let information = service.child("ServiceInformation") else { continue }
                let current = period(information)
                let past = (service.child("ServiceHistory")?.children("ServiceHistoryInstance") ?? []).compactMap(period)
                // A service that is CA/QC now or was once: its history decides what it was at the seal's time.
                guard let current, ([current] + past).contains(where: { $0.type == ServiceTypeURI.caQC }) else { continue }
                services.append(
                    TrustService(
                        providerName: providerName, name: preferredName(information.child("ServiceName")) ?? "(unnamed service)",
                        type: current.type, identity: identity(information.child("ServiceDigitalIdentity")),
                        history: ([current] + past).sorted { $0.start > $1.start }))
            }
        }
        return TrustedList(
            territory: territory, sequenceNumber: sequence, type: type, operatorName: operatorName, issued: issued, nextUpdate: nextUpdate,
            pointers: pointers, services: services)
    }

    /// A `ServiceInformation` or `ServiceHistoryInstance` as a status period.
    static func period(_ element: ListElement) -> ServiceStatusPeriod? {
        guard let status = element.child("ServiceStatus")?.text, let start = element.child("StatusStartingTime").flatMap({ date($0.text) })
        else { return nil }
        var qualifications: [QualificationElement] = []
        var additional: [String] = []
        for extensionElement in element.child("ServiceInformationExtensions")?.children("Extension") ?? [] {
            for content in extensionElement.children {
                switch content.localName {
                case "AdditionalServiceInformation":
                    if let uri = content.child("URI")?.text, !uri.isEmpty { additional.append(uri) }
                case "Qualifications":
                    for qualification in content.children("QualificationElement") {
                        let qualifiers = (qualification.child("Qualifiers")?.children("Qualifier") ?? []).compactMap { $0.attribute("uri") }
                        guard let criteria = qualification.child("CriteriaList") else { continue }
                        qualifications.append(QualificationElement(qualifiers: qualifiers, criteria: criteriaList(criteria, depth: 0)))
                    }
                default: break
                }
            }
        }
        return ServiceStatusPeriod(
            status: status, start: start, type: element.child("ServiceTypeIdentifier")?.text ?? "", qualifications: qualifications,
            additionalInformation: additional)
    }

    static func criteriaList(_ element: ListElement, depth: Int) -> CriteriaList {
        var keyUsage: [[String: Bool]] = []
        var policySets: [[String]] = []
        var nested: [CriteriaList] = []
        var unsupported: [String] = []
        for item in element.children {
            switch item.localName {
            case "KeyUsage":
                var bits: [String: Bool] = [:]
                for bit in item.children("KeyUsageBit") {
                    if let name = bit.attribute("name") { bits[name] = bit.text == "true" || bit.text == "1" }
                }
                keyUsage.append(bits)
            case "PolicySet":
                policySets.append(
                    item.children("PolicyIdentifier").compactMap { identifier in
                        identifier.child("Identifier").map { oid($0.text) }
                    })
            // The list's depth limit bounds this recursion; nested criteria deeper than eight are not evaluated.
            case "CriteriaList" where depth < 8: nested.append(criteriaList(item, depth: depth + 1))
            case "Description": break
            default: unsupported.append(item.localName)
            }
        }
        return CriteriaList(
            assert: element.attribute("assert") ?? "all", keyUsage: keyUsage, policySets: policySets, nested: nested, unsupported: unsupported)
    }

    static func identity(_ element: ListElement?) -> ServiceIdentity {
        var certificates: [Certificate] = []
        var names: [String] = []
        var identifiers: [[UInt8]] = []
        for digitalID in element?.children("DigitalId") ?? [] {
            for item in digitalID.children {
                switch item.localName {
                case "X509Certificate": if let parsed = certificate(base64: item.text) { certificates.append(parsed) }
                case "X509SubjectName": names.append(item.text)
                case "X509SKI": if let data = Data(base64Encoded: item.text, options: .ignoreUnknownCharacters) { identifiers.append(Array(data)) }
                default: break
                }
            }
        }
        return ServiceIdentity(certificates: certificates, subjectNames: names, subjectKeyIdentifiers: identifiers)
    }

    /// The English `Name` of a multilingual name element, else the first.
    static func preferredName(_ element: ListElement?) -> String? {
        let names = element?.children("Name") ?? []
        let english = names.first { ($0.languageAttribute ?? "").lowercased().hasPrefix("en") }
        return (english ?? names.first)?.text
    }

    /// An OID as written in a `PolicySet` (`urn:oid:0.4.0.194112.1.3` or `0.4.0.194112.1.3`).
    static func oid(_ text: String) -> String {
        text.lowercased().hasPrefix("urn:oid:") ? String(text.dropFirst(8)) : text
    }

    /// A base64 DER certificate, or `nil` when it is not one.
    static func certificate(base64 text: String) -> Certificate? {
        guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else { return nil }
        return try? Certificate(derEncoded: Array(data))
    }

    static func date(_ text: String) -> Date? { XSDDateTime(text, syntax: .dateTimeStamp)?.date }
}

extension ListElement {
    /// `xml:lang`.
    var languageAttribute: String? {
        guard let value = xmlGetNsProp(node, "lang", "http://www.w3.org/XML/1998/namespace") else { return nil }
        defer { cxmlsec_free(value) }
        return String(cString: value)
    }
}
