import Foundation

/// Hands out chunk indices `0..<count` to workers in increasing order and passes their
/// finished payloads to a `write` function strictly in chunk order, one write at a time, so
/// several workers can fill one sequential output (CSV text, Parquet row groups) without a
/// final concatenation. The ordering core of `OrderedChunkWriter` and the Parquet output.
///
/// Contract:
/// * `next()` returns the next chunk index, or nil when every chunk was handed out (or the run
///   failed). It blocks while the chunk would be `window` or more chunks ahead of the oldest
///   unwritten one: at most `window` payloads exist at any time.
/// * `complete(_:_:write:recycle:)` gives back chunk `index`'s payload; whichever worker
///   completes the oldest unwritten chunk calls `write` for it and every following finished
///   chunk (outside the lock), then `recycle` for each written payload.
/// * `isHead(_:)` tells a worker its chunk is next to be written and nobody is writing, so it
///   may write part of it now (see `OrderedChunkWriter.flushIfHead`).
/// * `fail(_:)` records an error: waiting and later callers stop (`next()` returns nil), a
///   `write` error is recorded the same way, and `finish()` throws the first error.
/// A worker must `complete` or `fail` every chunk it got from `next()`.
final class OrderedSequencer<Payload>: @unchecked Sendable {
    let count: Int
    let window: Int
    private let condition = NSCondition()
    private var handedOut = 0
    private var written = 0
    private var writing = false
    private var ready: [Int: Payload] = [:]
    private var failure: QueryError?
    /// The most chunks ever handed out and not yet written (≤ `window`; for tests).
    private(set) var maxOutstanding = 0

    init(chunks: Int, window: Int) {
        count = chunks
        self.window = max(1, window)
    }

    func next() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while failure == nil && handedOut < count && handedOut >= written + window { condition.wait() }
        guard failure == nil && handedOut < count else { return nil }
        let index = handedOut
        handedOut += 1
        maxOutstanding = max(maxOutstanding, handedOut - written)
        return index
    }

    func complete(_ index: Int, _ payload: Payload, write: (Payload) throws(QueryError) -> Void, recycle: (Payload) -> Void) {
        condition.lock()
        ready[index] = payload
        guard !writing else { condition.unlock(); return }
        writing = true
        while failure == nil, let p = ready.removeValue(forKey: written) {
            condition.unlock()
            var writeError: QueryError?
            do throws(QueryError) { try write(p) } catch { writeError = error }
            recycle(p)
            condition.lock()
            if let writeError, failure == nil { failure = writeError }
            written += 1
            condition.broadcast()
        }
        writing = false
        condition.broadcast()
        condition.unlock()
    }

    /// True when every chunk before `index` is written and no write is under way; throws the
    /// recorded failure, if any.
    func isHead(_ index: Int) throws(QueryError) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw failure }
        return written == index && !writing
    }

    func fail(_ error: QueryError) {
        condition.lock()
        if failure == nil { failure = error }
        condition.broadcast()
        condition.unlock()
    }

    /// Throws the first recorded error, or an internal error when some chunk was not written.
    /// Payloads never written (after a failure) stay for `drainLeftovers()`.
    func finish(path: String) throws(QueryError) {
        condition.lock()
        let failure = failure, complete = written == count
        condition.unlock()
        if let failure { throw failure }
        guard complete else { throw .outputNotWritable(path: path, reason: "internal: \(count - written) output chunks were not written") }
    }

    /// Removes and returns the payloads never written (for release on any path).
    func drainLeftovers() -> [Payload] {
        condition.lock()
        defer { condition.unlock() }
        let leftover = Array(ready.values)
        ready.removeAll()
        return leftover
    }
}
