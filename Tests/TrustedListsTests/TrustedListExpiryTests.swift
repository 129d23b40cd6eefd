import Foundation
import TestSupport
import Testing

@testable import TrustedLists

/// A list past its NextUpdate may miss a withdrawal published since: it is used, with a warning, only within a short
/// grace, and then not at all.
@Suite("Trusted lists: a list past its NextUpdate")
struct TrustedListExpiryTests {
    let day = 86_400.0

    func load(_ folder: URL, at now: Date, grace: TimeInterval? = TrustedListLimits.defaultExpiredListGrace) throws -> TrustedListSet {
        let fixture = try Lists.make()
        return try TrustedListSet.load(
            directory: folder, lotlSigners: try Lists.certificates(fixture.lotlSigner), limits: TrustedListLimits(expiredListGrace: grace), now: now)
    }

    @Test("Within the grace every list is used, each with a warning that says until when")
    func lateWithinGrace() throws {
        let fixture = try Lists.make()
        let set = try load(fixture.lists, at: fixture.now + 183 * day)
        #expect(set.lists.map(\.list.territory) == ["BE", "NL"])
        #expect(set.warnings.count == 3, "\(set.warnings)")
        #expect(set.warnings.allSatisfy { $0.contains("was due to be replaced") && $0.contains("it is used until") }, "\(set.warnings)")
    }

    @Test("Past the grace an expired list of trusted lists loads nothing, and says why")
    func expiredListOfListsLoadsNothing() throws {
        let fixture = try Lists.make()
        #expect {
            _ = try load(fixture.lists, at: fixture.now + 190 * day)
        } throws: { error in
            let message = (error as? TrustedListSet.LoadError)?.message ?? ""
            return message.contains("eu-lotl.xml") && message.contains("more than 7 day(s) ago") && message.contains("no national list is trusted")
        }
        // Zero grace: a day late is already too late.
        #expect(throws: TrustedListSet.LoadError.self) { _ = try load(fixture.lists, at: fixture.now + 181 * day, grace: 0) }
    }

    @Test("Past the grace an expired national list is ignored with the reason; the current ones still load")
    func expiredNationalListIgnored() throws {
        let fixture = try Lists.make()
        try fixture.writeLists(into: "expired-be", variants: ["BE": .nextUpdate(fixture.now + 10 * day)])
        let set = try load(fixture.url("expired-be"), at: fixture.now + 30 * day)
        #expect(set.lists.map(\.list.territory) == ["NL"])
        let ignored = try #require(set.ignored.first { $0.source == "BE.xml" })
        #expect(ignored.reason.contains("was due to be replaced") && ignored.reason.contains("it is not used"), "\(ignored.reason)")
        // Within the grace it is used, with a warning.
        let late = try load(fixture.url("expired-be"), at: fixture.now + 12 * day)
        #expect(late.lists.map(\.list.territory) == ["BE", "NL"])
        #expect(late.warnings.contains { $0.hasPrefix("BE.xml") }, "\(late.warnings)")
    }

    @Test("Without a grace (nil) an expired list is used whatever its age, with a warning (trust-lists show and update)")
    func noGraceKeepsUsingWithWarning() throws {
        let fixture = try Lists.make()
        let set = try load(fixture.lists, at: fixture.now + 400 * day, grace: nil)
        #expect(set.lists.map(\.list.territory) == ["BE", "NL"])
        #expect(set.warnings.count == 3, "\(set.warnings)")
    }

    @Test("A set loaded while current drops a national list once time passes its NextUpdate plus the grace (a server runs for weeks)")
    func loadedSetDropsAListThatGoesOutOfDate() throws {
        let fixture = try Lists.make()
        try fixture.writeLists(into: "expiring-be", variants: ["BE": .nextUpdate(fixture.now + 10 * day)])
        let set = try load(fixture.url("expiring-be"), at: fixture.now)
        #expect(set.lists.map(\.list.territory) == ["BE", "NL"])
        // List times are whole seconds.
        #expect(abs(try #require(set.usableUntil).timeIntervalSince(fixture.now + 17 * day)) < 1)
        #expect(set.usable(at: fixture.now + 16 * day) === set)
        let later = set.usable(at: fixture.now + 18 * day)
        #expect(later.lists.map(\.list.territory) == ["NL"])
        #expect(later.outdated == ["BE.xml"])
        let reason = try #require(later.ignored.first { $0.source == "BE.xml" }?.reason)
        #expect(reason.contains("was due to be replaced") && reason.contains("no more"), "\(reason)")
        // Requests after the expiry share the one derived set; the LOTL's end (180 days + 7) is still ahead.
        #expect(set.usable(at: fixture.now + 19 * day) === later)
        #expect(abs(try #require(later.usableUntil).timeIntervalSince(fixture.now + 187 * day)) < 1)
    }

    @Test("Once the list of trusted lists goes out of date, a loaded set trusts no national list")
    func loadedSetTrustsNothingOnceTheLOTLGoesOutOfDate() throws {
        let fixture = try Lists.make()
        // BE is due long after the LOTL: it is dropped because nothing current vouches for it any more.
        try fixture.writeLists(into: "late-lotl", variants: ["BE": .nextUpdate(fixture.now + 400 * day)])
        let set = try load(fixture.url("late-lotl"), at: fixture.now)
        let stale = set.usable(at: fixture.now + 188 * day)
        #expect(stale.lists.isEmpty)
        #expect(stale.outdated.sorted() == ["BE.xml", "NL.xml"])
        let reason = try #require(stale.ignored.first { $0.source == "BE.xml" }?.reason)
        #expect(reason.contains("without a current one no national list is trusted"), "\(reason)")
        #expect(stale.usableUntil == nil)
        // Without a grace limit (trust-lists show) nothing ever goes out of date.
        let unlimited = try load(fixture.lists, at: fixture.now, grace: nil)
        #expect(unlimited.usableUntil == nil)
        #expect(unlimited.usable(at: fixture.now + 400 * day) === unlimited)
    }
}
