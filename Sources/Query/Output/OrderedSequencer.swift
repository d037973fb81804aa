import Columnar

/// Hands out chunk indices `0..<count` to workers in increasing order and passes their
/// finished payloads to a `write` function strictly in chunk order, one write at a time, so
/// several workers can fill one sequential output (CSV text, Parquet row groups) without a
/// final concatenation. The ordering core of `OrderedChunkWriter` and the Parquet output.
///
/// Contract:
/// * `next()` returns the next chunk index, or nil when every chunk was handed out (or the run
///   failed). It blocks while the chunk would be `window` or more chunks ahead of the oldest
///   unwritten one: at most `window` payloads exist at any time.
/// * `complete(_:_:write:recycle:)` moves chunk `index`'s payload in; whichever worker
///   completes the oldest unwritten chunk calls `write` for it and every following finished
///   chunk (outside the lock), then `recycle` for each written payload.
/// * `isHead(_:)` tells a worker its chunk is next to be written and nobody is writing, so it
///   may write part of it now (see `OrderedChunkWriter.flushIfHead`).
/// * `fail(_:)` records an error: waiting and later callers stop (`next()` returns nil), a
///   `write` error is recorded the same way, and `finish()` throws the first error.
/// A worker must `complete` or `fail` every chunk it got from `next()`.
/// Ownership: payloads may be non-copyable owners (`RawBytes`); the ones never written (after
/// a failure) are destroyed with the sequencer. State: one `LockedValueBox`; memory: `window`
/// payload slots (chunk `i` waits in slot `i % window`: unwritten chunks span < `window`).
final class OrderedSequencer<Payload: Sendable & ~Copyable>: Sendable {
    private struct State: ~Copyable, Sendable {
        var handedOut = 0
        var written = 0
        var writing = false
        var ready: FixedSlots<Payload>
        var failure: QueryError?
        var maxOutstanding = 0

        /// Moves out the oldest unwritten chunk's payload when it is ready and nothing failed.
        mutating func takeHead() -> Payload? {
            guard failure == nil else { return nil }
            return ready.take(at: written % ready.count)
        }
    }

    let count: Int
    let window: Int
    private let state: LockedValueBox<State>

    /// The most chunks ever handed out and not yet written (≤ `window`; for tests).
    var maxOutstanding: Int { state.withLockedValue { $0.maxOutstanding } }

    init(chunks: Int, window: Int) {
        count = chunks
        self.window = max(1, window)
        state = LockedValueBox(State(ready: FixedSlots(count: self.window)))
    }

    func next() -> Int? {
        let count = count, window = window
        return state.withLockedValue(waitingUntil: { s in
            s.failure != nil || s.handedOut >= count || s.handedOut < s.written + window
        }, wakingWaiters: false) { s -> Int? in
            guard s.failure == nil && s.handedOut < count else { return nil }
            let index = s.handedOut
            s.handedOut += 1
            s.maxOutstanding = max(s.maxOutstanding, s.handedOut - s.written)
            return index
        }
    }

    func complete(_ index: Int, _ payload: consuming Payload, write: (borrowing Payload) throws(QueryError) -> Void,
                  recycle: (consuming Payload) -> Void) {
        var parcel: Payload? = consume payload
        var next = state.withLockedValue { s -> Payload? in
            s.ready.put(parcel.take()!, at: index % s.ready.count)
            guard !s.writing, let head = s.takeHead() else { return nil }
            s.writing = true
            return head
        }
        while let p = next.take() {
            var writeError: QueryError?
            do throws(QueryError) { try write(p) } catch { writeError = error }
            recycle(p)
            next = state.withLockedValue(wakingWaiters: true) { s -> Payload? in
                if let writeError, s.failure == nil { s.failure = writeError }
                s.written += 1
                guard let head = s.takeHead() else {
                    s.writing = false
                    return nil
                }
                return head
            }
        }
    }

    /// True when every chunk before `index` is written and no write is under way; throws the
    /// recorded failure, if any.
    func isHead(_ index: Int) throws(QueryError) -> Bool {
        let (head, failure) = state.withLockedValue { s in (s.written == index && !s.writing, s.failure) }
        if let failure { throw failure }
        return head
    }

    func fail(_ error: QueryError) {
        state.withLockedValue(wakingWaiters: true) { s in if s.failure == nil { s.failure = error } }
    }

    /// Throws the first recorded error, or an internal error when some chunk was not written.
    func finish(path: String) throws(QueryError) {
        let count = count
        let (failure, unwritten) = state.withLockedValue { s in (s.failure, count - s.written) }
        if let failure { throw failure }
        guard unwritten == 0 else { throw .outputNotWritable(path: path, reason: "internal: \(unwritten) output chunks were not written") }
    }
}
