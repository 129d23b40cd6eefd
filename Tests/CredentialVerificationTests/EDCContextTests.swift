import Foundation
import Testing

@testable import CredentialVerification

/// `isEDC` looks for the EDC context in the `@context` URLs byte for byte: pinned to Foundation's `contains`.
@Suite struct EDCContextTests {
    @Test func theContextSearchAgreesWithFoundation() {
        let marker = "data.europa.eu/snb/model/context"
        var samples = [
            "http://data.europa.eu/snb/model/context/edc-ap", "https://data.europa.eu/snb/model/context/edc-ap", marker, "",
            "https://www.w3.org/ns/credentials/v2", "https://www.w3.org/2018/credentials/v1", "data.europa.eu/snb/model/contex",
            "ddata.europa.eu/snb/model/context", "https://data.europa.eu/snb/model/édc", "é" + marker + "é", marker + marker,
            "data.europa.eu/snb/model/data.europa.eu/snb/model/context",
        ]
        var state: UInt64 = 41
        for _ in 0..<2_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let cut = Int(state >> 59) % marker.count
            let prefix = String(repeating: "d", count: Int(state >> 40) % 4)
            // A prefix of the marker, the whole marker, or the marker with one byte changed, in some text.
            var middle = String(marker.prefix(cut + 1))
            if state & 1 == 0, !middle.isEmpty { middle.removeLast(); middle.append("x") }
            samples.append(prefix + middle + (state & 2 == 0 ? "/edc-ap" : ""))
        }
        for sample in samples {
            #expect(VerificationSubject.namesEDCContext(sample) == sample.contains(marker), "\(sample)")
        }
    }
}
