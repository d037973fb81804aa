#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A bound on the descriptors held open by the `ReadHandle`s that share this pool: when a
/// handle is opened beyond `limit`, the least recently used idle descriptor is closed; its
/// handle's next read reopens it, after checking the path still names the same file (device,
/// inode, size; a replaced file throws `.damaged`). A descriptor being read (pinned) is never
/// closed, so with fewer concurrent readers than `limit` the bound holds.
///
/// Ownership: the pool holds `Slot`s (descriptor state), never the handles; a handle's
/// `close()`/deinit closes and forgets its slot. Cost: a read takes the pool's lock twice (a
/// read is a column chunk, never a row); a reopen happens only when more than `limit` files are
/// in use. `shared` allows a quarter of the process's soft descriptor limit, at most 64, so a
/// learning base over thousands of part files runs under `ulimit -n 256`.
public final class DescriptorPool: @unchecked Sendable {
    public static let shared = DescriptorPool(limit: DescriptorPool.defaultLimit())

    /// One pooled descriptor (its mutable fields are changed only inside the pool's
    /// `state.withLockedValue`).
    final class Slot {
        let path: String
        var fd: Int32
        let device: UInt64, inode: UInt64
        let size: Int
        var pins = 0
        var lastUse: UInt64 = 0
        init(path: String, fd: Int32, device: UInt64, inode: UInt64, size: Int) {
            self.path = path
            self.fd = fd
            self.device = device
            self.inode = inode
            self.size = size
        }
    }

    /// The open slots and counters, behind the pool's one lock.
    private struct State {
        var open: [ObjectIdentifier: Slot] = [:]
        var clock: UInt64 = 0
        var evictions = 0
        var reopens = 0

        /// Closes least recently used idle descriptors until at most `keeping` remain open.
        mutating func evict(keeping: Int) {
            while open.count > keeping {
                guard let victim = open.values.filter({ $0.pins == 0 }).min(by: { $0.lastUse < $1.lastUse }) else { return }
                open[ObjectIdentifier(victim)] = nil
                Glibc.close(victim.fd)
                victim.fd = -1
                evictions += 1
            }
        }
    }

    public let limit: Int
    private let state = LockedValueBox(State())
    /// Descriptors closed to make room and reopens (tests observe that both happen).
    public var evictions: Int { state.withLockedValue { $0.evictions } }
    public var reopens: Int { state.withLockedValue { $0.reopens } }

    public init(limit: Int) { self.limit = max(1, limit) }

    static func defaultLimit() -> Int {
        var rl = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &rl) == 0 else { return 64 }
        let soft = Int(clamping: rl.rlim_cur)  // RLIM_INFINITY is the largest value
        return min(64, max(4, soft / 4))
    }

    /// Number of descriptors currently open through this pool.
    public var openCount: Int { state.withLockedValue { $0.open.count } }

    /// Closes idle descriptors until a new one fits (before an `open`).
    func makeRoom() {
        let limit = limit
        state.withLockedValue { $0.evict(keeping: limit - 1) }
    }

    func admit(_ s: Slot) {
        state.withLockedValue { st in
            st.clock += 1
            s.lastUse = st.clock
            st.open[ObjectIdentifier(s)] = s
        }
    }

    /// The slot's descriptor, reopened if it was closed; held open until `unpin`.
    func pin(_ s: Slot) throws(ColumnarError) -> Int32 {
        let limit = limit
        return try state.withLockedValue { (pool: inout State) throws(ColumnarError) -> Int32 in
            if s.fd < 0 {
                pool.evict(keeping: limit - 1)
                let f = Glibc.open(s.path, O_RDONLY | O_CLOEXEC)
                guard f >= 0 else { throw .io(path: s.path, operation: "open", errno: errno) }
                var st = stat()
                guard fstat(f, &st) == 0, UInt64(st.st_dev) == s.device, UInt64(st.st_ino) == s.inode, Int(st.st_size) == s.size else {
                    Glibc.close(f)
                    throw .damaged(path: s.path, problem: "was replaced while being read")
                }
                s.fd = f
                pool.reopens += 1
                pool.open[ObjectIdentifier(s)] = s
            }
            s.pins += 1
            pool.clock += 1
            s.lastUse = pool.clock
            return s.fd
        }
    }

    func unpin(_ s: Slot) {
        state.withLockedValue { _ in s.pins -= 1 }
    }

    func forget(_ s: Slot) {
        state.withLockedValue { pool in
            pool.open[ObjectIdentifier(s)] = nil
            if s.fd >= 0 { Glibc.close(s.fd); s.fd = -1 }
        }
    }
}
