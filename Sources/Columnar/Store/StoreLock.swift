#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An advisory `flock` on `<store>/.lock`: exclusive for writers (one ingest at a time) and
/// for crash recovery. Released by `unlock()` or when the process dies (the kernel drops it,
/// so a kill -9 never leaves a stale lock).
///
/// The holder writes `pid <pid> on <host>` into the file once it has the lock (the content is
/// information only; the `flock` is the lock), so that a writer that has to wait can say for
/// whom (`waiting`). Memory: none; one descriptor while held.
final class StoreLock: @unchecked Sendable {
    private var fd: Int32

    /// Opens (creating) the lock file; `wait` false returns nil when another process holds it.
    /// With `wait`, a busy lock first calls `waiting` (if given) with one line naming the holder,
    /// then blocks until the lock is free.
    init?(storePath: String, wait: Bool, waiting: ((String) -> Void)? = nil) throws(ColumnarError) {
        let path = storePath + "/.lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: path, operation: "create", errno: errno) }
        var blocking = false
        while flock(fd, LOCK_EX | (blocking ? 0 : LOCK_NB)) != 0 {
            if errno == EINTR { continue }
            let e = errno
            if e == EWOULDBLOCK && wait && !blocking {
                blocking = true
                waiting?("store \(storePath) is locked by another ingest (\(Self.holder(fd) ?? "holder unknown")); waiting for it to finish")
                continue
            }
            Glibc.close(fd)
            fd = -1
            if e == EWOULDBLOCK { return nil }
            throw .io(path: path, operation: "lock", errno: e)
        }
        Self.record(fd)
    }

    /// The holder's `pid N on HOST` from the lock file, nil when empty or unreadable.
    static func holder(_ fd: Int32) -> String? {
        var buf = [UInt8](repeating: 0, count: 256)
        let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        let text = String(decoding: buf[0..<n], as: UTF8.self)
            .split(separator: "\n").first.map(String.init) ?? ""
        let printable = text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
        return text.isEmpty || !printable ? nil : text
    }

    /// Writes `pid N on HOST` (best effort: a read-only lock file is still a lock).
    private static func record(_ fd: Int32) {
        var host = [CChar](repeating: 0, count: 256)
        let name = gethostname(&host, host.count - 1) == 0
            ? String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
        let line = Array("pid \(getpid()) on \(name)\n".utf8)
        if ftruncate(fd, 0) == 0 { _ = line.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) } }
    }

    func unlock() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }

    deinit { unlock() }
}

/// Test-only crash injection: when the environment variable `EXTRACT_TEST_ABORT_AT` names a
/// point, reaching it kills the process with SIGKILL (exactly what `kill -9` does), so tests
/// can prove crash safety at each step of a commit. Inert otherwise (one `getenv` at start).
public enum CrashPoint {
    static let armed: String? = getenv("EXTRACT_TEST_ABORT_AT").map { String(cString: $0) }

    public static func reach(_ name: String) {
        if let armed, armed == name { kill(getpid(), SIGKILL) }
    }
}
