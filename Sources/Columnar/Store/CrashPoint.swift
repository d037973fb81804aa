#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Test-only crash injection: when the environment variable `EXTRACT_TEST_ABORT_AT` names a
/// point, reaching it kills the process with SIGKILL (exactly what `kill -9` does), so tests
/// can prove crash safety at each step of a commit. Inert otherwise (one `getenv` at start).
///
/// The store's points, in commit order (`StoreTransaction.commit`): `commit-before-manifest`
/// (parts written, no version created), `commit-after-manifest` (version N+1 created, nothing
/// moved), `commit-mid-renames` (the first move done), `commit-before-clean` (every move done,
/// the clean version not yet written). Ingest and the lake add their own.
public enum CrashPoint {
    static let armed: String? = getenv("EXTRACT_TEST_ABORT_AT").map { String(cString: $0) }

    public static func reach(_ name: String) {
        if let armed, armed == name { kill(getpid(), SIGKILL) }
    }
}
