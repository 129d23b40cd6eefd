import Synchronization
import Testing

@testable import CredentialService

/// The order requests got their slot in.
final class Arrivals: Sendable {
    private let list = Mutex<[Int]>([])
    func add(_ n: Int) { list.withLock { $0.append(n) } }
    var all: [Int] { list.withLock { $0 } }
}

@Suite("Verification queue")
struct WorkGateTests {
    /// Waits (briefly, by yielding) until `gate` has `n` requests queued, so the test controls the arrival order.
    func untilQueued(_ gate: WorkGate, _ n: Int) async {
        for _ in 0..<100_000 where gate.queuedCount < n { await Task.yield() }
    }

    @Test func waitingRequestsAreAdmittedInArrivalOrder() async throws {
        let gate = WorkGate(width: 1, maxQueued: 10)
        #expect(await gate.enter())
        let order = Arrivals()
        await withTaskGroup(of: Void.self) { group in
            for n in 1...5 {
                group.addTask {
                    _ = await gate.run { order.add(n) }
                }
                await untilQueued(gate, n)
            }
            #expect(gate.queuedCount == 5)
            gate.leave()
        }
        #expect(order.all == [1, 2, 3, 4, 5])
        #expect(gate.queuedCount == 0)
    }

    @Test func aFullQueueIsRefusedAtOnceAndAFreedSlotIsReused() async throws {
        let gate = WorkGate(width: 1, maxQueued: 1)
        #expect(await gate.enter())
        let waiter = Task { await gate.enter() }
        await untilQueued(gate, 1)
        #expect(await gate.enter() == false)  // one running, one waiting: the third is refused, not queued
        gate.leave()  // hands the slot to the waiter
        #expect(await waiter.value)
        gate.leave()
        #expect(await gate.run { 42 } == 42)
    }
}

/// The request log never holds an offer's id: whoever has it has the offer's pre-authorized code.
@Suite("Request log")
struct RequestLogTests {
    @Test func offerIDsAreLeftOutOfLoggedPaths() {
        #expect(RequestLogMiddleware<ServiceRequestContext>.loggable("/openid4vci/offers/AbC123_-x") == "/openid4vci/offers/{id}")
        #expect(RequestLogMiddleware<ServiceRequestContext>.loggable("/openid4vci/offers/AbC123/qr.png") == "/openid4vci/offers/{id}/qr.png")
        #expect(RequestLogMiddleware<ServiceRequestContext>.loggable("/offers/secret") == "/offers/{id}")
        #expect(RequestLogMiddleware<ServiceRequestContext>.loggable("/openid4vci/offers") == "/openid4vci/offers")
        #expect(RequestLogMiddleware<ServiceRequestContext>.loggable("/credentials/verify") == "/credentials/verify")
    }
}
