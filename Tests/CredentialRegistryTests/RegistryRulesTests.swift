import CredentialRegistry
import Foundation
import StatusList
import Testing

/// The rules both engines follow, tested without a database.
@Suite("Registry rules")
struct RegistryRulesTests {
    private func request(_ issuer: String, _ row: Int) -> ReservationRequest {
        ReservationRequest(issuer: issuer, batch: "b", rowKey: "r\(row)", format: "vc2", newCredentialID: "urn:uuid:\(issuer)-\(row)")
    }

    private func record(revocation: Int = 1, suspension: Int? = 2) -> CredentialRecord {
        var statuses = [StatusAssignment(purpose: "revocation", listURL: "https://l/revocation/1", index: revocation)]
        if let suspension { statuses.append(StatusAssignment(purpose: "suspension", listURL: "https://l/suspension/1", index: suspension)) }
        return CredentialRecord(
            id: "urn:uuid:c", issuer: "did:example:i", batch: "b", rowKey: "r", format: "vc2",
            state: .issued, statuses: statuses, document: nil, createdAt: Date())
    }

    @Test func listsAreTakenIssuerByIssuerThenPurposeByPurposeWhateverTheRequestOrder() {
        let policy = StatusAllocationPolicy()
        let plan = ReservationPlan(
            [request("did:z", 1), request("did:a", 2), request("did:z", 3)],
            existing: [nil, nil, nil], policy: policy)
        #expect(
            plan.steps.map { "\($0.issuer) \($0.purpose)" } == [
                "did:a revocation", "did:a suspension", "did:z revocation", "did:z suspension",
            ])
    }

    @Test func aRowSeenBeforeKeepsItsRecordAndDrawsNothing() {
        let policy = StatusAllocationPolicy()
        let old = record()
        var plan = ReservationPlan([request("did:a", 1), request("did:a", 2)], existing: [old, nil], policy: policy)
        #expect(plan.fresh == [1])
        for step in plan.steps {
            var list = OpenStatusList.empty(url: "https://l/\(step.purpose)/1", policy: policy)
            #expect(plan.draw(step, from: &list, policy: policy) == 1)
            #expect(list.allocatedCount == 1)
            #expect(!plan.needsEntries(step))
        }
        let records = plan.records(now: Date())
        #expect(records[0] == old)
        #expect(records[1].statuses.map(\.purpose) == ["revocation", "suspension"])
    }

    @Test func aFullListDrawsNothingAndSaysSo() {
        let policy = StatusAllocationPolicy()
        var plan = ReservationPlan([request("did:a", 1)], existing: [nil], policy: policy)
        var full = OpenStatusList.empty(url: "https://l/revocation/1", policy: policy)
        full.allocatedCount = policy.capacityPerList
        #expect(!full.hasRoom(under: policy))
        #expect(plan.draw(plan.steps[0], from: &full, policy: policy) == 0)
        #expect(plan.needsEntries(plan.steps[0]))
    }

    @Test func revocationIsFinal() throws {
        let r = record()
        #expect(StatusChangeRules.revocationToCheck(before: .reinstate, of: r)?.index == 1)
        #expect(StatusChangeRules.revocationToCheck(before: .suspend, of: r) == nil)
        #expect(throws: RegistryError(.notAllowed, "")) {
            try StatusChangeRules.check(revoked: true, before: .reinstate, credentialID: "urn:uuid:c")
        }
        try StatusChangeRules.check(revoked: true, before: .suspend, credentialID: "urn:uuid:c")
    }

    @Test func aChangeThatChangesNothingIsAuditedAsSuch() throws {
        var bits = Bitstring(bytes: [0, 0])
        let entry = StatusAssignment(purpose: "suspension", listURL: "https://l/suspension/1", index: 3)
        #expect(try StatusChangeRules.apply(.suspend, to: &bits, at: entry))
        #expect(bits.bit(at: 3) == true)
        #expect(try !StatusChangeRules.apply(.suspend, to: &bits, at: entry))
        #expect(StatusChangeRules.auditAction(.suspend, changed: false) == "suspend (no change)")
        #expect(try StatusChangeRules.apply(.reinstate, to: &bits, at: entry))
        #expect(bits.bit(at: 3) == false)
    }

    @Test func missingEntriesAndCredentialsAreNamed() {
        #expect(throws: RegistryError(.notFound, "")) { try StatusChangeRules.entry(for: .revoke, of: nil, credentialID: "urn:x") }
        #expect(throws: RegistryError(.noStatusEntry, "")) {
            try StatusChangeRules.entry(for: .suspend, of: record(suspension: nil), credentialID: "urn:x")
        }
        let outOfRange = StatusAssignment(purpose: "revocation", listURL: "https://l/revocation/1", index: 99)
        var bits = Bitstring(bytes: [0])
        #expect(throws: RegistryError(.storage, "")) { try StatusChangeRules.apply(.revoke, to: &bits, at: outOfRange) }
    }
}
