import Foundation
import Columnar

/// The second core of the ingest: takes flushed day buffers from a bounded queue, sorts each
/// (user_id NULLs first, event_time, input order), encodes it as a part file of its day and
/// adds it to the transaction. `submitOrWrite` lets the submitting thread write a buffer itself
/// when the queue is full. Memory: at most `queueCapacity` waiting buffers plus the one being
/// written by each thread (and its sorted copy). The first error stops the work; `finish` reports it.
/// Shared state: the queue and one `LockedValueBox` (the transaction and encoder are shared
/// as they are: `StoreTransaction.addPart` is thread-safe, the encoder stateless).
final class PartWriterThread: PartSink, @unchecked Sendable {
    struct Job: Sendable {
        var buffer: EventBuffer
        var sourceLabel: String
    }

    private struct State {
        var finished = false
        var failure: ColumnarError?
        var partsWritten = 0
    }

    private let queue: BoundedQueue<Job>
    private let transaction: StoreTransaction
    private let encoder: any PartEncoder
    private let state = LockedValueBox(State())

    /// Parts written so far (by either thread).
    var partsWritten: Int { state.withLockedValue { $0.partsWritten } }

    init(transaction: StoreTransaction, encoder: any PartEncoder, queueCapacity: Int = 1) {
        queue = BoundedQueue(capacity: queueCapacity)
        self.transaction = transaction
        self.encoder = encoder
        let thread = Thread { [self] in run() }
        thread.name = "extract-part-writer"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Hands a buffer to the writer (blocks while the queue is full). Throws the writer's
    /// error, if it already failed.
    func submit(_ buffer: EventBuffer, source: String) throws(ColumnarError) {
        if let e = currentFailure() { throw e }
        queue.put(Job(buffer: buffer, sourceLabel: source))
    }

    /// Hands a buffer to the writer if the queue has room; otherwise (the writer is behind)
    /// sorts, encodes and adds it on the calling thread, so both cores work instead of the
    /// caller blocking. Memory: the same bound as `submit` (the caller holds this one buffer
    /// either way). Throws the writer's error, or this write's.
    func submitOrWrite(_ buffer: EventBuffer, source: String) throws(ColumnarError) {
        if let e = currentFailure() { throw e }
        let job = Job(buffer: buffer, sourceLabel: source)
        if queue.tryPut(job) { return }
        try write(job)
    }

    private func currentFailure() -> ColumnarError? { state.withLockedValue { $0.failure } }

    private func run() {
        while let job = queue.take() {
            if currentFailure() != nil { continue }
            do throws(ColumnarError) { try write(job) } catch {}
        }
        state.withLockedValue(wakingWaiters: true) { $0.finished = true }
    }

    /// Sorts, encodes and adds one part (on the calling thread); records the first failure.
    private func write(_ job: Job) throws(ColumnarError) {
        do throws(ColumnarError) {
            let batch = try job.buffer.sortedBatch(schemaVersion: transaction.schemaVersion ?? 1)
            let r = try transaction.reservePart(partitionKey: StoreTransaction.dayKey(job.buffer.day), day: job.buffer.day)
            let bytes = try encoder.write(batch, to: r.temporaryPath)
            transaction.addPart(r, rows: batch.rowCount, bytes: bytes, source: job.sourceLabel,
                                minTime: job.buffer.minTime, maxTime: job.buffer.maxTime)
            state.withLockedValue { $0.partsWritten += 1 }
            CrashPoint.reach("after-first-part")
        } catch {
            state.withLockedValue { s in if s.failure == nil { s.failure = error } }
            throw error
        }
    }

    /// Closes the queue, waits for every submitted buffer to be written, rethrows the first error.
    func finish() throws(ColumnarError) {
        queue.close()
        if let f = state.withLockedValue(waitingUntil: { $0.finished }, wakingWaiters: false, { $0.failure }) { throw f }
    }

    /// After a failure: waits for the thread to stop (its error, if any, is the loop's to ignore).
    func abandon() { try? finish() }

    func extent(label: String, rowsStored: Int) -> (parts: Int, days: Int) {
        PartFile.extent(transaction.addedParts(source: label))
    }
}
