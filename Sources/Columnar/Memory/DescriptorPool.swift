#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A bound on the descriptors held open by the `ReadHandle`s that share this pool: when a
/// handle is opened beyond `limit`, the least recently used idle handle's descriptor is
/// closed; its next read reopens it (and checks it is still the same file). A handle being
/// read (pinned) is never closed, so with fewer readers than `limit` the bound holds.
///
/// Cost: a read takes the pool's lock twice (a read is one column chunk, never per row); a
/// reopen happens only when more files than `limit` are in use, and then at most once per file
/// per round of reads. `shared` allows a quarter of the process's soft descriptor limit, at
/// most 64 (so a learning base over thousands of part files runs under `ulimit -n 256`).
public final class DescriptorPool: @unchecked Sendable {
    public static let shared = DescriptorPool(limit: DescriptorPool.defaultLimit())

    public let limit: Int
    private let lock = NSLock()
    private var open: [ObjectIdentifier: ReadHandle] = [:]
    private var clock: UInt64 = 0
    /// Descriptors closed to make room (a test observes that eviction happened).
    public private(set) var evictions = 0

    public init(limit: Int) { self.limit = max(1, limit) }

    static func defaultLimit() -> Int {
        var rl = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &rl) == 0 else { return 64 }
        let soft = Int(clamping: rl.rlim_cur)  // RLIM_INFINITY is the largest value
        return min(64, max(4, soft / 4))
    }

    /// Number of descriptors currently open through this pool.
    public var openCount: Int { lock.withLock { open.count } }

    /// Closes idle descriptors until a new one fits (before an `open`).
    func makeRoom() {
        lock.withLock { evictLocked(keeping: limit - 1) }
    }

    func admit(_ h: ReadHandle) {
        lock.withLock {
            clock += 1
            h.lastUse = clock
            open[ObjectIdentifier(h)] = h
        }
    }

    /// The handle's descriptor, reopened if it was closed; held open until `unpin`.
    func pin(_ h: ReadHandle) throws(ColumnarError) -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        if h.fd < 0 {
            evictLocked(keeping: limit - 1)
            try h.reopen()
            open[ObjectIdentifier(h)] = h
        }
        h.pins += 1
        clock += 1
        h.lastUse = clock
        return h.fd
    }

    func unpin(_ h: ReadHandle) {
        lock.withLock { h.pins -= 1 }
    }

    func forget(_ h: ReadHandle) {
        lock.withLock {
            open[ObjectIdentifier(h)] = nil
            if h.fd >= 0 { Glibc.close(h.fd); h.fd = -1 }
        }
    }

    /// Closes least recently used idle descriptors until at most `keeping` remain open.
    private func evictLocked(keeping: Int) {
        while open.count > keeping {
            guard let victim = open.values.filter({ $0.pins == 0 }).min(by: { $0.lastUse < $1.lastUse }) else { return }
            open[ObjectIdentifier(victim)] = nil
            Glibc.close(victim.fd)
            victim.fd = -1
            evictions += 1
        }
    }
}
