import Columnar
import Dispatch

/// The learning base (docs/learning-base.md): 18 columns per (user, session, product) of a time
/// window, exactly as the reference Spark job computes them. Its entry points live in one file
/// per way of delivering the result: `LearningBase-memory.swift` (rows or CSV text in memory),
/// `LearningBase-run.swift` (a store window to a CSV/Parquet/Arrow file), `LearningBase-arrow.swift` (Arrow IPC output).
public enum LearningBase {
    /// Runs `body(0..<n)` on up to `n` threads; rethrows the first error (by index).
    static func parallel<T: Sendable>(_ n: Int, _ body: @Sendable (Int) throws(QueryError) -> T) throws(QueryError) -> [T] {
        if n == 1 { return [try body(0)] }
        let slots = LockedValueBox<[Result<T, QueryError>?]>(Array(repeating: nil, count: n))
        DispatchQueue.concurrentPerform(iterations: n) { i in
            let r: Result<T, QueryError>
            do throws(QueryError) { r = .success(try body(i)) } catch { r = .failure(error) }
            slots.withLockedValue { $0[i] = r }
        }
        var out: [T] = []
        for r in slots.withLockedValue({ $0 }) {
            switch r! {
            case .success(let v): out.append(v)
            case .failure(let e): throw e
            }
        }
        return out
    }
}
