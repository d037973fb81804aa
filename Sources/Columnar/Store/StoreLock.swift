#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An advisory `flock` on `<store>/.lock`: exclusive for writers (one ingest at a time) and
/// for crash recovery. Released by `unlock()` or when the process dies (the kernel drops it,
/// so a kill -9 never leaves a stale lock).
final class StoreLock: @unchecked Sendable {
    private var fd: Int32

    /// Opens (creating) the lock file; `wait` false returns nil when another process holds it.
    init?(storePath: String, wait: Bool) throws(ColumnarError) {
        let path = storePath + "/.lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: path, operation: "create", errno: errno) }
        while flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            if errno == EINTR { continue }
            let e = errno
            Glibc.close(fd)
            fd = -1
            if e == EWOULDBLOCK { return nil }
            throw .io(path: path, operation: "lock", errno: e)
        }
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
