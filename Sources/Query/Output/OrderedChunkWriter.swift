import Columnar

/// One output chunk handed to a worker: its index and the buffer to fill, owned by the worker
/// until it gives the buffer back (`OrderedChunkWriter.complete`) or drops it (freed).
struct OutputChunk: ~Copyable {
    let index: Int
    var buffer: RawBytes

    /// Ends the chunk value, handing its buffer to the caller.
    consuming func takeBuffer() -> RawBytes { buffer }
}

/// Hands out output chunks `0..<count` to workers in increasing order and writes their
/// finished byte buffers to one `ObjectWriter` strictly in chunk order, so several workers fill
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
///   `finish()` throws the first recorded error.
/// A worker must `complete` or `fail` every chunk it got from `next()`. Ownership: a buffer
/// (`RawBytes`, non-copyable) is always in exactly one place — a worker, the sequencer or the
/// spare pool — and is freed wherever it is dropped, so no path frees one twice or leaks one.
/// `@unchecked Sendable` only for `output` (an `ObjectWriter` is not `Sendable`): the sequencer
/// lets one thread at a time write, so the output is never used concurrently.
final class OrderedChunkWriter: @unchecked Sendable {
    private let sequencer: OrderedSequencer<RawBytes>
    private let output: any ObjectWriter
    /// The output's name in errors.
    private let name: String
    private let spares: RecyclePool<RawBytes>
    private let initialCapacity: Int

    /// The most chunks ever handed out and not yet written (≤ `window`; for tests).
    var maxOutstanding: Int { sequencer.maxOutstanding }

    /// `name`: the output in errors (the caller relocates a temporary's name to the user's).
    init(output: any ObjectWriter, name: String, chunks: Int, window: Int, bufferCapacity: Int = 1 << 20) {
        self.output = output
        self.name = name
        sequencer = OrderedSequencer(chunks: chunks, window: window)
        spares = RecyclePool(limit: sequencer.window)
        initialCapacity = bufferCapacity
    }

    /// A local file written in place, named by its path.
    convenience init(handle: WriteHandle, chunks: Int, window: Int, bufferCapacity: Int = 1 << 20) {
        self.init(output: handle, name: handle.path, chunks: chunks, window: window, bufferCapacity: bufferCapacity)
    }

    /// The next chunk to compute and an empty buffer for it (nil: no chunk left, or failed).
    func next() -> OutputChunk? {
        guard let index = sequencer.next() else { return nil }
        return OutputChunk(index: index, buffer: spares.take() ?? RawBytes(capacity: initialCapacity))
    }

    /// Hands back chunk `index` filled; writes every chunk that is now next in order.
    func complete(_ index: Int, _ buffer: consuming RawBytes) {
        let output = output, name = name, spares = spares
        sequencer.complete(index, buffer, write: { (b: borrowing RawBytes) throws(QueryError) in
            do throws(ColumnarError) { try output.write(b.bytes) } catch {
                throw .outputNotWritable(path: name, reason: error.reason)
            }
        }, recycle: { (b: consuming RawBytes) in
            b.removeAll()
            spares.give(b)
        })
    }

    /// Writes the partial text of chunk `index` now when every chunk before it is written (it
    /// is the head of the stream), then empties `buffer`; otherwise leaves it to `complete`.
    /// Keeps the head chunk's buffer small (streaming), so only chunks ahead of it are held.
    func flushIfHead(_ index: Int, _ buffer: inout RawBytes) throws(QueryError) {
        guard try sequencer.isHead(index) else { return }
        do throws(ColumnarError) { try output.write(buffer.bytes) } catch {
            let e = QueryError.outputNotWritable(path: name, reason: error.reason)
            fail(e)
            throw e
        }
        buffer.removeAll()
    }

    /// Records `error` (the first one wins) and wakes every waiting worker.
    func fail(_ error: QueryError) { sequencer.fail(error) }

    /// Throws the first error; otherwise checks every chunk was written.
    func finish() throws(QueryError) {
        try sequencer.finish(path: name)
    }
}
