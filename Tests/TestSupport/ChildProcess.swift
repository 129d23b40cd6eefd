import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process the tests run (openssl, python, the skillcred executable), which inherits nothing but its standard
/// input, output and error, and is waited for with a deadline.
///
/// Why not Foundation's `Process`: on Linux it learns that a child ended through a socket the child inherits, and it
/// creates that socket and its pipes without close-on-exec, closing the parent's other descriptors in the child only up
/// to the highest one open a moment before the spawn. With suites spawning in parallel, a long-lived child (an OCSP
/// responder, a server) could inherit another test's socket or pipe; that test's `waitUntilExit()` or read to end of
/// file then lasted as long as the long-lived child, which could be forever when the waits held both of the cooperative
/// threads the long-lived child's own test needed to stop it (CI once hung for the rest of its 90 minutes). Here the
/// child closes every descriptor above 2 at spawn (`posix_spawn_file_actions_addclosefrom_np`), the parent's pipe ends
/// are close-on-exec, the exit is seen with `waitpid`, and every wait has a limit. The child leads a process group of
/// its own, so that stopping it (``stop()``, a limit, `deinit`) also stops what it started (faketime's openssl).
public final class ChildProcess: @unchecked Sendable {
    /// What the child reads.
    public enum Input: Sendable {
        /// `/dev/null`.
        case null
        /// These bytes, then end of file.
        case bytes([UInt8])
    }

    /// Where the child's standard output (or error) goes.
    public enum Output: Sendable {
        /// `/dev/null`.
        case null
        /// A pipe the parent reads (``standardOutput``/``standardError``).
        case capture
        /// Appended to this file.
        case file(URL)
        /// Standard error only: into the same pipe or file as standard output.
        case standardOutput
    }

    /// A child that ended, with what it printed.
    public struct Ended: Sendable {
        /// The exit status, or the number of the signal that ended it (as `Process.terminationStatus`).
        public let status: Int32
        /// Whether a signal ended it.
        public let signalled: Bool
        /// Standard output, when captured.
        public let stdout: [UInt8]
        /// Standard error, when captured apart.
        public let stderr: [UInt8]
        /// Standard output as UTF-8 text.
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        /// Standard error as UTF-8 text.
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// A child that did not end within its limit (it has been killed).
    public struct TimedOut: Error, CustomStringConvertible {
        public let description: String
    }

    /// A child that could not be started.
    public struct SpawnFailure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The child's process id (and its process group's).
    public let pid: pid_t
    private let command: String
    /// What the reader threads write: apart from the child object, so that a reader blocked on a pipe does not keep
    /// the object (and so the child, which `deinit` kills) alive.
    private let state = State()

    private final class State: @unchecked Sendable {
        let lock = NSCondition()
        var outputBytes: [UInt8] = []
        var errorBytes: [UInt8] = []
        var openReaders = 0
        var exit: (status: Int32, signalled: Bool)?
        /// Whether a wait already gave up on a pipe a grandchild holds open (later waits do not wait for it again).
        var graceSpent = false

        func drain(_ fd: Int32, toError: Bool) {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                lock.withLock {
                    if toError { errorBytes += buffer[0..<count] } else { outputBytes += buffer[0..<count] }
                }
            }
            close(fd)
            lock.withLock {
                openReaders -= 1
                lock.broadcast()
            }
        }
    }

    /// The default limit of ``finish(limit:)``: far above any tool's run here, short of CI's own limit.
    public static let defaultLimit = Duration.seconds(600)

    /// The environment of this process without `removing`, then with `adding` set, for
    /// ``start(_:_:in:environment:input:output:errors:)``.
    public static func environment(adding: [String: String] = [:], removing: [String] = []) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in removing { environment.removeValue(forKey: name) }
        return environment.merging(adding) { $1 }
    }

    /// Starts `executable ARGUMENTS` (an absolute path) in `directory`, with `environment` (this process's when nil).
    public static func start(
        _ executable: URL, _ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil,
        input: Input = .null, output: Output = .capture, errors: Output = .capture
    ) throws -> ChildProcess {
        Self.ignoreBrokenPipes
        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t? = nil
        var attributes: posix_spawnattr_t? = nil
        #else
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        defer { posix_spawn_file_actions_destroy(&actions) }
        // The child's ends of the pipes: closed here once it has its copies (or failed to start).
        var childEnds: [Int32] = []
        defer { for fd in childEnds { close(fd) } }
        // The parent's ends: handed to the reader and writer threads, or closed here when the start fails.
        var readers: [(fd: Int32, toError: Bool)] = []
        var inputWriter: (fd: Int32, bytes: [UInt8])?
        var handedOff = false
        defer {
            if !handedOff {
                for reader in readers { close(reader.fd) }
                if let inputWriter { close(inputWriter.fd) }
            }
        }
        func check(_ result: Int32, _ what: String) throws {
            guard result == 0 else { throw SpawnFailure(description: "\(executable.path): \(what) failed: \(String(cString: strerror(result)))") }
        }

        switch input {
        case .null:
            try check(posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0), "opening /dev/null as input")
        case .bytes(let bytes):
            let (read, write) = try pipeCloseOnExec()
            childEnds.append(read)
            inputWriter = (write, bytes)
            try check(posix_spawn_file_actions_adddup2(&actions, read, 0), "dup2 of the input pipe")
        }
        for (target, destination) in [(Int32(1), output), (Int32(2), errors)] {
            switch destination {
            case .null:
                try check(posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0), "opening /dev/null as output")
            case .capture:
                let (read, write) = try pipeCloseOnExec()
                childEnds.append(write)
                readers.append((read, target == 2))
                try check(posix_spawn_file_actions_adddup2(&actions, write, target), "dup2 of an output pipe")
            case .file(let url):
                try check(posix_spawn_file_actions_addopen(&actions, target, url.path, O_WRONLY | O_CREAT | O_APPEND, 0o644), "opening \(url.path)")
            case .standardOutput:
                precondition(target == 2, "only standard error can follow standard output")
                try check(posix_spawn_file_actions_adddup2(&actions, 1, 2), "dup2 of standard output")
            }
        }
        // The child starts with no signal blocked or ignored, whatever this process does with them (it ignores
        // SIGPIPE, and a server in the same process may ignore SIGTERM), in a process group of its own.
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        try check(posix_spawnattr_setsigdefault(&attributes, &defaults), "posix_spawnattr_setsigdefault")
        var mask = sigset_t()
        sigemptyset(&mask)
        try check(posix_spawnattr_setsigmask(&attributes, &mask), "posix_spawnattr_setsigmask")
        try check(posix_spawnattr_setpgroup(&attributes, 0), "posix_spawnattr_setpgroup")
        #if canImport(Darwin)
        if let directory { try check(posix_spawn_file_actions_addchdir_np(&actions, directory.path), "changing to \(directory.path)") }
        let flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_CLOEXEC_DEFAULT
        #else
        if let directory {
            guard let chdir = Self.addChdir else { throw SpawnFailure(description: "posix_spawn_file_actions_addchdir_np is missing") }
            try check(directory.path.withCString { chdir(&actions, $0) }, "changing to \(directory.path)")
        }
        guard let closeFrom = Self.addCloseFrom else { throw SpawnFailure(description: "posix_spawn_file_actions_addclosefrom_np is missing") }
        try check(closeFrom(&actions, 3), "posix_spawn_file_actions_addclosefrom_np")
        let flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP
        #endif
        try check(posix_spawnattr_setflags(&attributes, Int16(flags)), "posix_spawnattr_setflags")

        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        let environment = environment ?? ProcessInfo.processInfo.environment
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        try check(posix_spawn(&pid, executable.path, &actions, &attributes, argv, envp), "posix_spawn")
        let child = ChildProcess(pid: pid, command: ([executable.lastPathComponent] + arguments).joined(separator: " "))
        let state = child.state
        state.openReaders = readers.count
        for reader in readers {
            Thread.detachNewThread { state.drain(reader.fd, toError: reader.toError) }
        }
        if let inputWriter {
            Thread.detachNewThread {
                var offset = 0
                while offset < inputWriter.bytes.count {
                    let written = inputWriter.bytes[offset...].withUnsafeBytes { write(inputWriter.fd, $0.baseAddress, $0.count) }
                    if written < 0, errno == EINTR { continue }
                    guard written > 0 else { break }
                    offset += written
                }
                close(inputWriter.fd)
            }
        }
        handedOff = true
        return child
    }

    /// Runs `executable ARGUMENTS` to its end (see ``start(_:_:in:environment:input:output:errors:)``); kills it and
    /// throws ``TimedOut`` when it takes longer than `limit`.
    public static func run(
        _ executable: URL, _ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil,
        input: Input = .null, output: Output = .capture, errors: Output = .capture, limit: Duration = defaultLimit
    ) throws -> Ended {
        try start(executable, arguments, in: directory, environment: environment, input: input, output: output, errors: errors)
            .finish(limit: limit)
    }

    private init(pid: pid_t, command: String) {
        self.pid = pid
        self.command = command
    }

    /// A child nobody waited for (a test that threw between start and wait) does not outlive its object.
    deinit { stop() }

    /// Standard output so far (when captured).
    public var standardOutput: [UInt8] { state.lock.withLock { state.outputBytes } }
    /// Standard error so far (when captured apart).
    public var standardError: [UInt8] { state.lock.withLock { state.errorBytes } }

    /// Whether the child is still running.
    public var isRunning: Bool { reap(blocking: false) == nil }

    /// Waits until the child ended and its output was read, at most `limit`; nil when it is still running then.
    public func wait(limit: Duration) -> Ended? {
        let deadline = ContinuousClock.now + limit
        var pause: UInt32 = 500  // µs: most tools end within milliseconds
        while reap(blocking: false) == nil {
            guard ContinuousClock.now < deadline else { return nil }
            usleep(pause)
            pause = min(pause * 2, 20_000)
        }
        // The pipes reach end of file once the child and whatever it started have closed them; a grandchild left
        // running with them open is not waited for beyond a few seconds (once).
        let drained = Date().addingTimeInterval(5)
        state.lock.lock()
        defer { state.lock.unlock() }
        while state.openReaders > 0, !state.graceSpent {
            if !state.lock.wait(until: drained) { state.graceSpent = true }
        }
        let exit = state.exit!
        return Ended(status: exit.status, signalled: exit.signalled, stdout: state.outputBytes, stderr: state.errorBytes)
    }

    /// Waits for the end (``wait(limit:)``); a child still running after `limit` is killed, and this throws.
    public func finish(limit: Duration = defaultLimit) throws -> Ended {
        if let ended = wait(limit: limit) { return ended }
        stop()
        throw TimedOut(
            description: "\(command) did not end within \(limit) and was killed; it printed: "
                + String(decoding: standardOutput + standardError, as: UTF8.self).suffix(2_000))
    }

    /// Polls standard output (standard error with `inErrors`) until `condition` holds for what was written so far,
    /// the child ends (then all of it is read and `condition` asked once more), or `limit` passes; whether it held.
    public func waitForOutput(limit: Duration, inErrors: Bool = false, until condition: ([UInt8]) -> Bool) -> Bool {
        let deadline = ContinuousClock.now + limit
        var written: [UInt8] { inErrors ? standardError : standardOutput }
        while ContinuousClock.now < deadline {
            if condition(written) { return true }
            if !isRunning {
                _ = wait(limit: .seconds(5))
                return condition(written)
            }
            usleep(2_000)
        }
        return false
    }

    /// Sends `signal` to the child's process group, unless the child has been reaped (its id may then be another's).
    public func send(signal: Int32) {
        state.lock.withLock {
            if reapLocked(blocking: false) == nil { _ = kill(-pid, signal) }
        }
    }

    /// Kills the child and what it started (SIGKILL to its process group) and waits for the child to be gone.
    public func stop() {
        state.lock.withLock {
            guard reapLocked(blocking: false) == nil else { return }
            _ = kill(-pid, SIGKILL)
            _ = reapLocked(blocking: true)
        }
    }

    /// The exit, once the child is reaped (by this call or an earlier one).
    private func reap(blocking: Bool) -> (status: Int32, signalled: Bool)? {
        state.lock.withLock { reapLocked(blocking: blocking) }
    }

    private func reapLocked(blocking: Bool) -> (status: Int32, signalled: Bool)? {
        if let exit = state.exit { return exit }
        var status: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &status, blocking ? 0 : WNOHANG) } while result < 0 && errno == EINTR
        guard result == pid else { return nil }
        let signalNumber = status & 0x7f
        state.exit = signalNumber == 0 ? ((status >> 8) & 0xff, false) : (signalNumber, true)
        state.lock.broadcast()
        return state.exit
    }

    private static func pipeCloseOnExec() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        // Close-on-exec in case anything still spawns with Foundation's Process; children started here close
        // everything above 2 anyway. (pipe2 is declared for _GNU_SOURCE only, as the two functions below.)
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return (fds[0], fds[1])
    }

    /// A child that exits before reading all of its input must not take the test process with it.
    private static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    #if !canImport(Darwin)
    // glibc has both since 2.34 (Debian 12 has 2.36), but its headers declare them for _GNU_SOURCE only, which Swift's
    // Glibc module does not define.
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private static let addCloseFrom: AddCloseFrom? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: AddCloseFrom.self) }
    private static let addChdir: AddChdir? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np")
        .map { unsafeBitCast($0, to: AddChdir.self) }
    #endif
}
