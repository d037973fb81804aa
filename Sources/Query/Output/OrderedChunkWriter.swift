import Columnar
import Foundation

/// Hands out output chunks `0..<count` to workers in increasing order and writes their
/// finished byte buffers to one `WriteHandle` strictly in chunk order, so several workers fill
/// one sequential output stream without a final concatenation (ordering: `OrderedSequencer`).
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
    private let sequencer: OrderedSequencer<RawBytes>
    private let handle: WriteHandle
    private let freeLock = NSLock()
    private var free: [RawBytes] = []
    private let initialCapacity: Int

    /// The most chunks ever handed out and not yet written (≤ `window`; for tests).
    var maxOutstanding: Int { sequencer.maxOutstanding }

    init(handle: WriteHandle, chunks: Int, window: Int, bufferCapacity: Int = 1 << 20) {
        self.handle = handle
        sequencer = OrderedSequencer(chunks: chunks, window: window)
        initialCapacity = bufferCapacity
    }

    deinit { release() }

    /// The next chunk to compute and an empty buffer for it (nil: no chunk left, or failed).
    func next() -> (index: Int, buffer: RawBytes)? {
        guard let index = sequencer.next() else { return nil }
        freeLock.lock()
        let reused = free.popLast()
        freeLock.unlock()
        return (index, reused ?? RawBytes(capacity: initialCapacity))
    }

    /// Hands back chunk `index` filled; writes every chunk that is now next in order.
    func complete(_ index: Int, _ buffer: RawBytes) {
        let handle = handle
        sequencer.complete(index, buffer, write: { (b: RawBytes) throws(QueryError) in
            do throws(ColumnarError) { try handle.write(b.bytes) } catch {
                throw .outputNotWritable(path: handle.path, reason: error.reason)
            }
        }, recycle: { b in
            var b = b
            b.removeAll()
            freeLock.lock()
            free.append(b)
            freeLock.unlock()
        })
    }

    /// Writes the partial text of chunk `index` now when every chunk before it is written (it
    /// is the head of the stream), then empties `buffer`; otherwise leaves it to `complete`.
    /// Keeps the head chunk's buffer small (streaming), so only chunks ahead of it are held.
    func flushIfHead(_ index: Int, _ buffer: inout RawBytes) throws(QueryError) {
        guard try sequencer.isHead(index) else { return }
        do throws(ColumnarError) { try handle.write(buffer.bytes) } catch {
            let e = QueryError.outputNotWritable(path: handle.path, reason: error.reason)
            fail(e)
            throw e
        }
        buffer.removeAll()
    }

    /// Records `error` (the first one wins) and wakes every waiting worker.
    func fail(_ error: QueryError) { sequencer.fail(error) }

    /// Throws the first error; otherwise checks every chunk was written. Frees the buffers.
    func finish() throws(QueryError) {
        defer { release() }
        try sequencer.finish(path: handle.path)
    }

    private func release() {
        for b in sequencer.drainLeftovers() { b.deallocate() }
        freeLock.lock()
        for b in free { b.deallocate() }
        free.removeAll()
        freeLock.unlock()
    }
}
