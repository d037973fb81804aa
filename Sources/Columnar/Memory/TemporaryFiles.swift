#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The temporaries a run is writing (a hidden `.NAME.tmp-PID` output file, a hidden lake
/// folder), registered so that an interrupted run (SIGINT, SIGTERM: see the CLI's
/// `SignalCleanup`) removes them before it dies.
///
/// Contract: a writer registers an action right after creating its temporary and unregisters it
/// once the temporary is renamed into place or removed. `runAll()` runs the registered actions
/// once, newest first, on the calling thread (the CLI's signal thread, while other threads may
/// still be writing: each action must tolerate that, e.g. by renaming a folder away before
/// deleting it). Thread-safe; actions must not call back into the registry.
public final class InterruptCleanup: Sendable {
    public static let shared = InterruptCleanup()

    private struct Registry {
        var actions: [(id: Int, run: @Sendable () -> Void)] = []
        var nextID = 0
    }

    private let registry = LockedValueBox(Registry())

    init() {}

    /// Adds `action`; the returned id unregisters it.
    public func register(_ action: @escaping @Sendable () -> Void) -> Int {
        registry.withLockedValue { r in
            r.nextID += 1
            r.actions.append((r.nextID, action))
            return r.nextID
        }
    }

    public func unregister(_ id: Int) {
        registry.withLockedValue { $0.actions.removeAll { $0.id == id } }
    }

    /// Runs every registered action (newest first) and forgets them; returns how many ran.
    /// Holds the registry's lock meanwhile, so a writer finishing at that moment waits for the
    /// clean-up.
    @discardableResult
    public func runAll() -> Int {
        registry.withLockedValue { r in
            let count = r.actions.count
            for action in r.actions.reversed() { action.run() }
            r.actions.removeAll()
            return count
        }
    }
}

/// Temporaries left by processes that died without cleaning up (SIGKILL, power loss): the next
/// run that writes to the same place removes them. Only names this tool creates are touched —
/// `.<name>.tmp-<pid>` and `.<name>.old-<pid>` beside the output `<name>` — and only when no
/// process `<pid>` is alive (a concurrent run's temporaries are left alone).
public enum StaleTemporaries {
    /// True when no process `pid` exists (`kill(pid, 0)` fails with ESRCH). The current
    /// process is alive.
    public static func isDead(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// The pid of `entry` when it is `.<name><infix><pid>` or `.<name><infix><pid>-<n>` (digits
    /// only; the second form is `LocalStorage`'s writers' temporaries), else nil.
    public static func pid(of entry: String, name: String, infix: String) -> Int32? {
        let prefix = "." + name + infix
        guard entry.hasPrefix(prefix) else { return nil }
        var digits = entry.dropFirst(prefix.count)
        if let dash = digits.firstIndex(of: "-") {
            let n = digits[digits.index(after: dash)...]
            guard !n.isEmpty, n.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            digits = digits[..<dash]
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int32(digits)
    }

    /// Cleans the regular files beside the output file `path` left by dead runs:
    /// `.<name>.tmp-<pid>` is deleted; `.<name>.old-<pid>` (the previous output, renamed aside
    /// by `FileIO.replaceFile`) is put back when `path` is missing, else deleted. Best effort:
    /// returns the names removed or restored; failures are ignored (the run goes on).
    @discardableResult
    public static func removeFiles(beside path: String) -> [String] {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty, let entries = try? FileIO.list(dir.isEmpty ? "." : dir) else { return [] }
        var cleaned: [String] = []
        for entry in entries.sorted() {
            let tmp = pid(of: entry, name: name, infix: ".tmp-"), old = pid(of: entry, name: name, infix: ".old-")
            guard let owner = tmp ?? old, owner != getpid(), isDead(owner) else { continue }
            let full = dir + entry
            var st = stat()
            guard lstat(full, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            if old != nil, !FileIO.exists(path), (try? FileIO.rename(full, path)) != nil {
                cleaned.append(entry)
            } else if unlink(full) == 0 {
                cleaned.append(entry)
            }
        }
        return cleaned
    }
}

/// Test hook: with `EXTRACT_TEST_PAUSE_AT=<name>` in the environment, `reach(name)` prints
/// `paused at <name>` on standard error and waits for a signal forever, so that a test can
/// interrupt a run at a known point. Without the variable it does nothing.
public enum PausePoint {
    static let armed: String? = getenv("EXTRACT_TEST_PAUSE_AT").map { String(cString: $0) }

    public static func reach(_ name: String) {
        guard let armed, armed == name else { return }
        let line = Array("paused at \(name)\n".utf8)
        line.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
        while true { pause() }
    }
}
