import CredentialJSON
import ProfileValidation
import Testing

/// What anyone can post to `/credentials/verify` as an EDC is profile-checked before any seal is looked at, so the
/// check must stay linear in the document: a member of n bad values, and two copies of one node with n values or
/// n languages each, cost n² (8,000: 9 s, 11 s and 2.8 s in a debug build).
@Suite struct ProfileCostTests {
    static func credential(_ members: JSONObject = [:], subject: JSONValue = ["id": "urn:p", "type": "Person"]) -> JSONValue {
        var object: JSONObject = [
            "@context": ["https://www.w3.org/2018/credentials/v1", "http://data.europa.eu/snb/model/context/edc-ap"],
            "id": "urn:uuid:1", "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
            "issuer": ["id": "urn:issuer", "type": "Organisation"], "credentialSubject": subject,
        ]
        for member in members { object[member.key] = member.value }
        return .object(object)
    }

    @Test(.timeLimit(.minutes(1))) func eachOfManyBadValuesIsNamedByItsOwnPathInLinearTime() {
        let count = 40_000
        let values = JSONValue.array((0..<count).map { .string("not a date \($0)") })
        let findings = ProfileValidator().validate(Self.credential(["validFrom": values])).findings
            .filter { $0.rule == "EuropeanDigitalCredential.validFrom.datatype" }
        #expect(findings.count == count)
        #expect(findings.last?.path == JSONPath.root.appending("validFrom").appending(count - 1))
    }

    @Test func badValuesInNestedArraysAreNamedWhereTheyAreAndNullsAreSkipped() {
        let values: JSONValue = [["not a date", nil, "2026-01-01T00:00:00Z"], nil, "also not a date"]
        let paths = ProfileValidator().validate(Self.credential(["validFrom": values])).findings
            .filter { $0.rule == "EuropeanDigitalCredential.validFrom.datatype" }.map(\.path)
        let member = JSONPath.root.appending("validFrom")
        #expect(paths == [member.appending(0).appending(0), member.appending(2)])
    }

    @Test(.timeLimit(.minutes(1))) func twoCopiesOfANodeWithManyValuesMergeInLinearTime() {
        let count = 40_000
        func copy(_ prefix: String) -> JSONValue {
            ["id": "urn:p", "type": "Person", "dateOfBirth": .array((0..<count).map { .string("\(prefix)\($0)") })]
        }
        // The second copy repeats the first's values and adds as many: the merged node has 2n distinct values.
        let second: JSONValue = [
            "id": "urn:p", "type": "Person",
            "dateOfBirth": .array((0..<count).map { .string("a\($0)") } + (0..<count).map { .string("b\($0)") }),
        ]
        let findings = ProfileValidator().validate(Self.credential(subject: [copy("a"), second])).findings
        let maxCount = findings.filter { $0.rule == "Person.dateOfBirth.maxCount" }
        #expect(maxCount.count == 1)
        #expect(maxCount.first?.message.contains("found \(2 * count)") == true)
    }

    @Test(.timeLimit(.minutes(1))) func twoCopiesOfANodeWithManyLanguagesMergeInLinearTime() {
        let count = 60_000
        func copy(_ text: String) -> JSONValue {
            ["id": "urn:p", "type": "Person", "fullName": .object(JSONObject((0..<count).map { (key: "x-l\($0)", value: .string(text)) }))]
        }
        let findings = ProfileValidator().validate(Self.credential(subject: [copy("Alex"), copy("Alex")])).findings
        // The copies agree: after merging, one text per language, n in all (fullName allows one).
        let maxCount = findings.filter { $0.rule == "Person.fullName.maxCount" }
        #expect(maxCount.count == 1)
        #expect(maxCount.first?.message.contains("found \(count)") == true)
    }

    @Test func verbatimCopiesOfANodeAreCheckedOnceAsThatNode() {
        let copy: JSONValue = ["id": "urn:p", "type": "Person", "dateOfBirth": ["not a date", "1990-01-01T00:00:00Z"]]
        let findings = ProfileValidator().validate(Self.credential(subject: [copy, copy, copy])).findings
        // One datatype finding (at the first copy) and one maxCount naming the repeats, as for a single merged node.
        #expect(findings.filter { $0.rule == "Person.dateOfBirth.datatype" }.map(\.path.description) == ["$.credentialSubject[0].dateOfBirth[0]"])
        let maxCount = findings.filter { $0.rule == "Person.dateOfBirth.maxCount" }
        #expect(maxCount.count == 1)
        #expect(maxCount.first?.message.contains("found 2") == true)
        #expect(maxCount.first?.message.contains("urn:p appears 3 times") == true)
    }

    @Test func aFindingInVerbatimCopiesIsNamedWhereItIsInTheFirstCopy() {
        // A one-element array stays an array: the path names the element, as for a node that appears once.
        let copy: JSONValue = ["id": "urn:p", "type": "Person", "dateOfBirth": ["not a date"]]
        let once = ProfileValidator().validate(Self.credential(subject: copy)).findings.filter { $0.rule == "Person.dateOfBirth.datatype" }
        let twice = ProfileValidator().validate(Self.credential(subject: [copy, copy])).findings.filter { $0.rule == "Person.dateOfBirth.datatype" }
        #expect(once.map(\.path.description) == ["$.credentialSubject.dateOfBirth[0]"])
        #expect(twice.map(\.path.description) == ["$.credentialSubject[0].dateOfBirth[0]"])
    }

    /// A node without an id inside verbatim copies is one finding, at the first copy (a later copy is not walked
    /// again); inside copies that differ, each copy is walked and each says where its own problem is.
    @Test func aNodeWithoutAnIdInsideCopiesIsWalkedOnceWhenTheCopiesAreEqual() {
        func copy(_ date: String) -> JSONValue {
            [
                "id": "urn:p", "type": "Person",
                "hasClaim": ["type": "LearningAchievement", "awardedBy": ["type": "AwardingProcess", "awardingDate": .string(date)]],
            ]
        }
        let rule = "AwardingProcess.awardingDate.datatype"
        let equal = ProfileValidator().validate(Self.credential(subject: [copy("no date"), copy("no date")])).findings.filter { $0.rule == rule }
        #expect(equal.map(\.path.description) == ["$.credentialSubject[0].hasClaim.awardedBy.awardingDate"])
        let different = ProfileValidator().validate(Self.credential(subject: [copy("no date"), copy("still no date")])).findings.filter { $0.rule == rule }
        #expect(
            different.map(\.path.description) == [
                "$.credentialSubject[0].hasClaim.awardedBy.awardingDate", "$.credentialSubject[1].hasClaim.awardedBy.awardingDate",
            ])
    }

    /// Copies equal as JSON but not as written are each walked: `==` compares strings as Unicode, under which a
    /// language tag with the Kelvin sign (U+212A) equals one with "K", and only the second copy's tag is malformed.
    @Test func copiesEqualOnlyAsUnicodeAreEachWalked() {
        func copy(_ tag: String) -> JSONValue {
            [
                "id": "urn:p", "type": "Person",
                "hasClaim": ["type": "LearningAchievement", "additionalNote": ["type": "Note", "noteLiteral": .object([tag: "x"])]],
            ]
        }
        let findings = ProfileValidator().validate(Self.credential(subject: [copy("ko-KR"), copy("ko-\u{212A}R")])).findings
        #expect(findings.filter { $0.rule == "Note.noteLiteral.languageTag" }.map(\.path.description).count == 1)
    }

    @Test func mergedLanguageMapsKeepEachLanguagesTextsInOrderWithoutRepeats() {
        let first: JSONValue = ["id": "urn:p", "type": "Person", "givenName": ["en": "Alex", "fr": "Alex"]]
        let second: JSONValue = ["id": "urn:p", "type": "Person", "givenName": ["en": ["Alex", "Alexander"]]]
        let findings = ProfileValidator().validate(Self.credential(subject: [first, second])).findings
        // givenName allows one value: the merged node has two English texts (Alex, Alexander), not three.
        let maxCount = findings.filter { $0.rule == "Person.givenName.maxCount" }
        #expect(maxCount.count == 1)
        #expect(maxCount.first?.message.contains("found 3") == true)
    }
}
