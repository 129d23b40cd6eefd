import CredentialIssuance
import Testing

/// A recipient posted to `/credentials/issue` with a template is checked in time linear in its columns and the
/// template's placeholders: each was searched for in the list of needed columns (n² for n of each).
@Suite struct RecipientCostTests {
    @Test(.timeLimit(.minutes(1))) func manyPlaceholdersAndPostedValuesAreCheckedInLinearTime() throws {
        let count = 60_000
        var template = try Samples.template("micro-credential")
        template.placeholders = (0..<count).map { "column\($0)" }
        var values = ["id": "L-0001", "givenName": "Alex", "familyName": "Example"]
        for index in 0..<count { values["column\(index)"] = "value \(index)" }
        for index in 0..<count { values["extra\(index)"] = "value \(index)" }
        let validation = Recipients.validate(values: values, template: template)
        #expect(validation.problems.isEmpty, "\(validation.problems.prefix(3))")
        #expect(validation.validRows.first?.values.count == 2 * count + 3)
    }

    @Test func aPlaceholderWithoutAValueIsStillNamed() throws {
        var template = try Samples.template("micro-credential")
        template.placeholders = ["grade"]
        let validation = Recipients.validate(values: ["id": "L-0001", "givenName": "Alex", "familyName": "Example"], template: template)
        #expect(validation.problems.map(\.column) == ["grade"])
    }
}
