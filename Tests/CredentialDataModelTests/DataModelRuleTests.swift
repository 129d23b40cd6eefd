import CredentialDataModel
import CredentialJSON
import Testing

@Suite("VC data model rules")
struct DataModelRuleTests {
    let base: JSONObject = [
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": ["id": "did:example:subject"],
    ]

    func violations(_ change: (inout JSONObject) -> Void) -> [DataModelViolation] {
        var o = base
        change(&o)
        return DataModelValidator().validateCredential(.object(o))
    }

    @Test func minimalCredentialConforms() {
        #expect(violations { _ in }.isEmpty)
    }

    @Test func reportsEveryViolationWithItsPath() {
        let v = violations { o in
            o["issuer"] = nil
            o["validFrom"] = "yesterday"
            o["credentialSubject"] = [:]
        }
        #expect(Set(v.map(\.path.description)) == ["$.issuer", "$.validFrom", "$.credentialSubject"])
    }

    @Test func validUntilBeforeValidFromIsRejected() {
        let v = violations { o in
            o["validFrom"] = "2025-01-02T00:00:00Z"
            o["validUntil"] = "2025-01-02T00:00:00+01:00"
        }
        #expect(v.map(\.rule) == [.validityPeriod])
        #expect(
            violations { o in
                o["validFrom"] = "2025-01-02T00:00:00Z"
                o["validUntil"] = "2025-01-02T00:00:00-01:00"
            }.isEmpty)
    }

    @Test(arguments: ["https ://x", "no-scheme", ":x", "1http://x", "http://exa mple", "http:"])
    func rejectsNonURLs(_ s: String) {
        #expect(!URLSyntax.isAbsoluteURL(s))
    }

    @Test(arguments: ["did:example:123", "urn:uuid:7b8e1a54-2d4f-4c54-9a0e-2f3e1c6a8b11", "https://example.org/a?b=c#d", "data:,x"])
    func acceptsURLs(_ s: String) {
        #expect(URLSyntax.isAbsoluteURL(s))
    }

    @Test func v11CredentialNeedsIssuanceDateAndStatusID() {
        let doc: JSONValue = [
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "type": ["VerifiableCredential"],
            "issuer": "did:example:issuer",
            "credentialSubject": ["id": "did:example:subject"],
            "credentialStatus": ["type": "StatusList2021Entry"],
        ]
        let v = DataModelValidator().validateCredential(doc)
        #expect(Set(v.map(\.path.description)) == ["$.issuanceDate", "$.credentialStatus.id"])
    }

    @Test func presentationChecksEmbeddedCredentialsAtTheirPaths() {
        let vp: JSONValue = [
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "verifiableCredential": [
                .object(base), ["@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]], "https://example.org/vc/1",
            ],
        ]
        let v = DataModelValidator().validatePresentation(vp)
        #expect(
            Set(v.map(\.path.description)) == [
                "$.verifiableCredential[1].issuer", "$.verifiableCredential[1].credentialSubject",
                "$.verifiableCredential[2]",
            ])
    }
}
