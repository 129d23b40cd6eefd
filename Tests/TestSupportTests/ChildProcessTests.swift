import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("ChildProcess: children inherit nothing but their standard streams, and no wait is unbounded")
struct ChildProcessTests {
    @Test("A descriptor the parent opened without close-on-exec is not inherited")
    func onlyStandardStreamsAreInherited() throws {
        // Foundation's Pipe opens both ends without close-on-exec, as sockets and files opened elsewhere may be.
        let open = Pipe()
        defer { try? open.fileHandleForWriting.close() }
        let ended = try ChildProcess.run(URL(fileURLWithPath: "/bin/ls"), ["-1", "/dev/fd/"])
        #expect(ended.status == 0, "\(ended.stderrText)")
        let descriptors = Set(ended.stdoutText.split(separator: "\n").compactMap { Int32($0) })
        #expect(!descriptors.contains(open.fileHandleForWriting.fileDescriptor))
        // 0-2, and the one ls opened to list the folder.
        #expect(descriptors.subtracting([0, 1, 2]).count == 1, "\(descriptors.sorted())")
    }

    @Test("A child still running at its limit is killed, and the error names it")
    func overrunningChildIsKilled() throws {
        let started = ContinuousClock.now
        #expect {
            try ChildProcess.run(URL(fileURLWithPath: "/bin/sleep"), ["30"], limit: .milliseconds(200))
        } throws: { error in
            (error as? ChildProcess.TimedOut)?.description.contains("sleep 30") == true
        }
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("Input reaches the child; exit statuses and signals are reported as such")
    func inputStatusAndSignal() throws {
        let echoed = try ChildProcess.run(URL(fileURLWithPath: "/bin/cat"), [], input: .bytes(Array("line one\nline two".utf8)))
        #expect(echoed.stdoutText == "line one\nline two")
        let failed = try ChildProcess.run(URL(fileURLWithPath: "/bin/sh"), ["-c", "echo refused >&2; exit 3"])
        #expect(failed.status == 3 && !failed.signalled && failed.stderrText == "refused\n")
        let merged = try ChildProcess.run(URL(fileURLWithPath: "/bin/sh"), ["-c", "echo out; echo err >&2"], errors: .standardOutput)
        #expect(merged.stdoutText == "out\nerr\n" && merged.stderr.isEmpty)
        let running = try ChildProcess.start(URL(fileURLWithPath: "/bin/sleep"), ["30"])
        #expect(running.isRunning)
        running.stop()
        let killed = try #require(running.wait(limit: .seconds(5)))
        #expect(killed.signalled && killed.status == SIGKILL)
    }

    @Test("A grandchild left holding standard output does not hold the wait beyond its grace")
    func grandchildDoesNotHoldTheWait() throws {
        let started = ContinuousClock.now
        let child = try ChildProcess.start(URL(fileURLWithPath: "/bin/sh"), ["-c", "sleep 30 & echo $!"])
        let ended = try child.finish(limit: .seconds(20))
        #expect(ended.status == 0)
        #expect(ContinuousClock.now - started < .seconds(15))
        let grandchild = try #require(pid_t(ended.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(grandchild, 0) == 0, "the grandchild outlived its parent, holding the pipe")
        kill(grandchild, SIGKILL)
    }

    @Test("stop() ends what the child started (its process group), as a limit does")
    func stopEndsTheProcessGroup() throws {
        let child = try ChildProcess.start(URL(fileURLWithPath: "/bin/sh"), ["-c", "sleep 30 & echo $!; wait"])
        #expect(child.waitForOutput(limit: .seconds(10)) { $0.last == UInt8(ascii: "\n") })
        let grandchild = try #require(pid_t(String(decoding: child.standardOutput, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
        child.stop()
        // The grandchild is not ours to reap (its parent was the shell, now gone): it is gone or a zombie of init's.
        var gone = false
        for _ in 0..<200 where !gone {
            let state = (try? String(contentsOfFile: "/proc/\(grandchild)/stat", encoding: .utf8))?.split(separator: " ").dropFirst(2).first
            gone = state == nil || state == "Z"
            if !gone { usleep(10_000) }
        }
        #expect(gone, "the grandchild of a stopped child is still running")
    }
}
