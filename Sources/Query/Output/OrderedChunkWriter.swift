import Columnar
import Foundation

/// Hands out output chunks `0..<count` to workers in increasing order and writes their
/// finished byte buffers to one `WriteHandle` strictly in chunk order, so several workers fill
/// one sequential output stream without a final concatenation.
///
/// Contract:
/// * `next()` returns the next chunk index with an empty buffer to fill, or nil when every
///   chunk was handed out (or the run failed). It blocks while the chunk would be `window` or
///   more chunks ahead of the oldest unwritten one: at most `window` buffers exist at any time
///   (memory: `window` × the largest chunk's bytes; buffers are reused).
/// * `flushIfHead(_:_:)` lets the worker of the oldest unwritten chunk stream its text.
/// * `complete(_:_:)` gives back a filled buffer; whichever worker completes the oldest
///   unwritten chunk writes it and every following finished chunk (one writer at a time,
///   outside the lock), so the file's bytes are the chunks' bytes concatenated in order.
/// * `fail(_:)` records an error: waiting and later callers stop (`next()` returns nil) and
///   `finish()` throws the first recorded error. Buffers are freed by `finish()`/deinit.
/// A worker must `complete` or `fail` every chunk it got from `next()`.
final class OrderedChunkWriter: @unchecked Sendable {
    let count: Int
    let window: Int
    private let handle: WriteHandle
    private let condition = NSCondition()
    private var handedOut = 0
    private var written = 0
    private var writing = false
    private var ready: [Int: RawBytes] = [:]
    private var free: [RawBytes] = []
    private var failure: QueryError?
    private let initialCapacity: Int
    /// The most chunks ever handed out and not yet written (≤ `window`; for tests).
    private(set) var maxOutstanding = 0

    init(handle: WriteHandle, chunks: Int, window: Int, bufferCapacity: Int = 1 << 20) {
        self.handle = handle
        count = chunks
        self.window = max(1, window)
        initialCapacity = bufferCapacity
    }

    deinit { release() }

    /// The next chunk to compute and an empty buffer for it (nil: no chunk left, or failed).
    func next() -> (index: Int, buffer: RawBytes)? {
        condition.lock()
        defer { condition.unlock() }
        while failure == nil && handedOut < count && handedOut >= written + window { condition.wait() }
        guard failure == nil && handedOut < count else { return nil }
        let index = handedOut
        handedOut += 1
        maxOutstanding = max(maxOutstanding, handedOut - written)
        if let b = free.popLast() { return (index, b) }
        return (index, RawBytes(capacity: initialCapacity))
    }

    /// Hands back chunk `index` filled; writes every chunk that is now next in order.
    func complete(_ index: Int, _ buffer: RawBytes) {
        condition.lock()
        ready[index] = buffer
        guard !writing else { condition.unlock(); return }
        writing = true
        while failure == nil, var b = ready.removeValue(forKey: written) {
            condition.unlock()
            var writeError: QueryError?
            do throws(ColumnarError) { try handle.write(b.bytes) } catch {
                writeError = .outputNotWritable(path: handle.path, reason: error.description)
            }
            b.removeAll()
            condition.lock()
            free.append(b)
            if let writeError, failure == nil { failure = writeError }
            written += 1
            condition.broadcast()
        }
        writing = false
        condition.broadcast()
        condition.unlock()
    }

    /// Writes the partial text of chunk `index` now when every chunk before it is written (it
    /// is the head of the stream), then empties `buffer`; otherwise leaves it to `complete`.
    /// Keeps the head chunk's buffer small (streaming), so only chunks ahead of it are held.
    func flushIfHead(_ index: Int, _ buffer: inout RawBytes) throws(QueryError) {
        condition.lock()
        if let failure { condition.unlock(); throw failure }
        let isHead = written == index && !writing
        condition.unlock()
        guard isHead else { return }
        do throws(ColumnarError) { try handle.write(buffer.bytes) } catch {
            let e = QueryError.outputNotWritable(path: handle.path, reason: error.description)
            fail(e)
            throw e
        }
        buffer.removeAll()
    }

    /// Records `error` (the first one wins) and wakes every waiting worker.
    func fail(_ error: QueryError) {
        condition.lock()
        if failure == nil { failure = error }
        condition.broadcast()
        condition.unlock()
    }

    /// Throws the first error; otherwise checks every chunk was written. Frees the buffers.
    func finish() throws(QueryError) {
        condition.lock()
        let failure = failure
        let complete = written == count
        condition.unlock()
        release()
        if let failure { throw failure }
        guard complete else { throw .outputNotWritable(path: handle.path, reason: "internal: \(count - written) output chunks were not written") }
    }

    private func release() {
        condition.lock()
        for b in free { b.deallocate() }
        for (_, b) in ready { b.deallocate() }
        free.removeAll()
        ready.removeAll()
        condition.unlock()
    }
}
