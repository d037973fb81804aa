#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An advisory `flock` on `<store>/.lock`, local stores only (a bucket has no lock; its writers
/// rely on the versioned commit alone, see `Store`). It no longer makes writers exclusive:
/// - every writer holds it **shared** from `begin` to the end of its commit or abandon, so any
///   number of writers work at once (their commits are serialised by the manifest versions);
/// - clean-up that removes *every* unreferenced temporary takes it **exclusive without
///   waiting**: getting it proves that no writer is alive, so no temporary can still be in
///   use; not getting it, clean-up removes only temporaries old enough (`StoreRecovery`);
/// - a writer of format 1 (an older `extract`) holds it exclusive for its whole transaction,
///   so old and new writers never run at once on one store.
/// The kernel drops it when the process dies, so a kill -9 never leaves a stale lock.
///
/// The holder writes `pid <pid> on <host>` into the file once it has the lock (information
/// only), so that a writer that has to wait can say for whom (`waiting`). Memory: none; one
/// descriptor while held.
final class StoreLock: @unchecked Sendable {
    enum Mode { case shared, exclusive }
    private var fd: Int32
    private(set) var mode: Mode

    /// Opens (creating) the lock file and takes it in `mode`; `wait` false returns nil when it
    /// is busy. With `wait`, a busy lock first calls `waiting` (if given) with one line naming
    /// the holder, then blocks until it is free.
    init?(storePath: String, mode: Mode, wait: Bool, waiting: ((String) -> Void)? = nil) throws(ColumnarError) {
        let path = storePath + "/.lock"
        self.mode = mode
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 && (errno == EACCES || errno == EROFS) { fd = open(path, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { throw .io(path: path, operation: "create", errno: errno) }
        let op = mode == .shared ? LOCK_SH : LOCK_EX
        var blocking = false
        while flock(fd, op | (blocking ? 0 : LOCK_NB)) != 0 {
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

    /// Exclusive → shared without letting go (other shared holders may then join).
    func downgrade() {
        guard fd >= 0, mode == .exclusive else { return }
        while flock(fd, LOCK_SH) != 0 && errno == EINTR {}
        mode = .shared
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
