@testable import Query
import Columnar
import TestSupport
import XCTest
import Foundation

/// `OrderedChunkWriter`'s ordering, memory bound and failure contract (several threads).
final class OrderedChunkWriterTests: XCTestCase {
    /// Byte `k` of chunk `index` in the ordering test (a letter, never the `|` separator).
    private static func byte(_ index: Int, _ k: Int) -> UInt8 { UInt8(0x41 + (index &+ k) % 26) }

    private func temporaryFile() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("ocw-\(UUID().uuidString)").path
    }

    /// Three threads fill 200 chunks of random sizes, finishing out of order: the file is the
    /// chunks in index order, and no more than `window` chunks were ever outstanding.
    func testChunksAreWrittenInOrderWithinTheWindow() throws {
        let path = temporaryFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try WriteHandle(path: path)
        let chunks = 200, window = 5
        let writer = OrderedChunkWriter(handle: handle, chunks: chunks, window: window, bufferCapacity: 16)
        let probe = WindowProbe()
        DispatchQueue.concurrentPerform(iterations: 3) { worker in
            var rng = SeededRandom(seed: UInt64(worker + 1))
            while let chunk = writer.next() {
                probe.enter()
                let index = chunk.index
                var b = chunk.takeBuffer()
                XCTAssertEqual(b.count, 0)
                var produced = 0
                for _ in 0..<Int(rng.next() % 300) { b.append(Self.byte(index, produced)); produced += 1 }
                if rng.next() % 3 == 0 { usleep(UInt32(rng.next() % 500)) }
                // Part of the text may be streamed early (only while this chunk is the head).
                if rng.next() % 2 == 0 {
                    do { try writer.flushIfHead(index, &b) } catch { XCTFail("\(error)") }
                }
                for _ in 0..<Int(rng.next() % 50) { b.append(Self.byte(index, produced)); produced += 1 }
                b.append("|")
                probe.leave()
                writer.complete(index, b)
            }
        }
        XCTAssertNoThrow(try writer.finish())
        try handle.close()
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let parts = written.split(separator: UInt8(ascii: "|"), omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(parts.count, chunks)
        for (index, part) in parts.enumerated() {
            for (k, byte) in part.enumerated() { XCTAssertEqual(byte, Self.byte(index, k)) }
        }
        XCTAssertLessThanOrEqual(probe.maxInside, 3)
        XCTAssertLessThanOrEqual(writer.maxOutstanding, window)
        XCTAssertGreaterThan(writer.maxOutstanding, 1)
    }

    /// A failing worker stops the others (no further chunk is handed out) and `finish` throws
    /// its error; zero chunks write nothing and succeed.
    func testFailureStopsEveryWorkerAndIsReported() throws {
        let path = temporaryFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try WriteHandle(path: path)
        let writer = OrderedChunkWriter(handle: handle, chunks: 1000, window: 3)
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            while let chunk = writer.next() {
                if chunk.index == 10 {
                    // The chunk's buffer is dropped here (freed by its owner type).
                    writer.fail(.outputNotWritable(path: path, reason: "boom"))
                } else {
                    writer.complete(chunk.index, chunk.takeBuffer())
                }
            }
        }
        XCTAssertThrowsError(try writer.finish()) { error in
            XCTAssertEqual("\(error)".contains("boom"), true, "\(error)")
        }
        let empty = OrderedChunkWriter(handle: handle, chunks: 0, window: 2)
        if empty.next() != nil { XCTFail("zero chunks handed out a chunk") }
        XCTAssertNoThrow(try empty.finish())
        try handle.close()
    }
}

/// Counts chunks being filled at once (under a lock).
private final class WindowProbe: Sendable {
    private let counts = LockedValueBox((inside: 0, max: 0))
    var maxInside: Int { counts.withLockedValue { $0.max } }
    func enter() { counts.withLockedValue { c in c.inside += 1; c.max = max(c.max, c.inside) } }
    func leave() { counts.withLockedValue { $0.inside -= 1 } }
}

/// Counts destroyed `CountedPayload`s.
private final class PayloadTally: Sendable {
    private let drops = LockedValueBox(0)
    var count: Int { drops.withLockedValue { $0 } }
    func dropped() { drops.withLockedValue { $0 += 1 } }
}

/// A non-copyable payload that reports its destruction.
private struct CountedPayload: ~Copyable, Sendable {
    let index: Int
    let tally: PayloadTally
    deinit { tally.dropped() }
}

/// `OrderedSequencer` with non-copyable payloads: each one is written once in order and then
/// recycled, or, after a failure, destroyed with the sequencer; none twice, none leaked.
final class OrderedSequencerOwnershipTests: XCTestCase {
    func testEveryPayloadIsWrittenInOrderOrDestroyedOnce() {
        for failAt in [nil, 0, 7, 40] as [Int?] {
            let tally = PayloadTally()
            let order = LockedValueBox<[Int]>([])
            let made = LockedValueBox(0)
            do {
                let sequencer = OrderedSequencer<CountedPayload>(chunks: 60, window: 4)
                DispatchQueue.concurrentPerform(iterations: 3) { worker in
                    var rng = SeededRandom(seed: UInt64(worker + 1))
                    while let index = sequencer.next() {
                        let payload = CountedPayload(index: index, tally: tally)
                        made.withLockedValue { $0 += 1 }
                        if rng.next() % 2 == 0 { usleep(UInt32(rng.next() % 300)) }
                        if index == failAt {
                            sequencer.fail(.outputNotWritable(path: "x", reason: "boom"))
                            continue  // the payload is dropped here
                        }
                        sequencer.complete(index, payload, write: { p in order.withLockedValue { $0.append(p.index) } },
                                           recycle: { _ in })
                    }
                }
                let written = order.withLockedValue { $0 }
                XCTAssertEqual(written, Array(0..<written.count), "written in chunk order (fail at \(String(describing: failAt)))")
                if let failAt {
                    XCTAssertLessThanOrEqual(written.count, failAt)
                    XCTAssertThrowsError(try sequencer.finish(path: "x"))
                } else {
                    XCTAssertEqual(written.count, 60)
                    XCTAssertNoThrow(try sequencer.finish(path: "x"))
                }
                XCTAssertLessThanOrEqual(sequencer.maxOutstanding, 4)
            }
            XCTAssertEqual(tally.count, made.withLockedValue { $0 }, "every payload destroyed exactly once (fail at \(String(describing: failAt)))")
        }
    }
}
