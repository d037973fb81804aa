import Foundation
import XCTest
@testable import Columnar
import TestSupport

/// An in-memory `RandomAccessObject` that records every ranged read (offset, count): the test
/// double standing for a remote object, where each read is a request.
final class CountingObject: RandomAccessObject, @unchecked Sendable {
    let name: String
    let bytes: [UInt8]
    let coalescingGap: Int
    private let lock = NSLock()
    private var log: [Range<Int>] = []

    init(name: String, bytes: [UInt8], coalescingGap: Int = 0) {
        self.name = name
        self.bytes = bytes
        self.coalescingGap = coalescingGap
    }

    var size: Int { bytes.count }
    var reads: [Range<Int>] { lock.withLock { log } }
    func reset() { lock.withLock { log = [] } }

    func read(offset: Int, count: Int) throws(ColumnarError) -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw .corrupt(ParquetLocation(file: name), reason: "read of \(count) bytes at \(offset) past end of file (\(size) bytes)")
        }
        lock.withLock { log.append(offset..<(offset + count)) }
        return Array(bytes[offset..<(offset + count)])
    }

    func close() {}
}

/// `ParquetFile` over any `RandomAccessObject`: opening costs one suffix read (two for a footer
/// longer than the tail read), a row group's chunks are fetched by coalesced ranged reads, and
/// every result and error equals the local path's.
final class ParquetObjectReadTests: XCTestCase {
    /// Three row groups of four columns (uncompressed, so the file is well above 64 KiB).
    static func sampleFile() throws -> [UInt8] {
        let schema = Schema([Field("id", .int64, nullable: false), Field("price", .double, nullable: true),
                             Field("name", .string, nullable: true), Field("flag", .bool, nullable: false)])
        var rng = SeededRandom(seed: 7)
        var batches: [RecordBatch] = []
        for _ in 0..<3 {
            var id = FixedWidthColumn<Int64>(), price = FixedWidthColumn<Double>(), flag = FixedWidthColumn<Bool>()
            var name = StringColumn()
            for i in 0..<4000 {
                id.append(Int64(bitPattern: rng.next()), placeholder: 0)
                price.append(i % 7 == 0 ? nil : Double(rng.next() % 100_000) / 100, placeholder: 0)
                name.append(i % 5 == 0 ? nil : "n\(rng.next() % 100_000)")
                flag.append(rng.next() % 2 == 0, placeholder: false)
            }
            batches.append(try RecordBatch(schema: schema, columns: [.int64(id), .double(price), .string(name), .bool(flag)]))
        }
        var options = ParquetWriterOptions()
        options.codec = .uncompressed
        options.dictionary = false
        options.rowGroupRows = 4000
        return try ParquetWriter.encode(schema: schema, batches: batches, options: options)
    }

    static func cells(_ b: RecordBatch) -> [[Cell]] {
        b.columns.map { c in (0..<b.rowCount).map { Cell(c, $0) } }
    }

    func testOpeningIsOneSuffixRead() throws {
        let bytes = try Self.sampleFile()
        XCTAssertGreaterThan(bytes.count, ParquetFile.defaultTailRead)
        let object = CountingObject(name: "mem://a.parquet", bytes: bytes)
        let file = try ParquetFile(object: object)
        XCTAssertEqual(object.reads, [(bytes.count - ParquetFile.defaultTailRead)..<bytes.count])
        XCTAssertEqual(file.path, "mem://a.parquet")
        XCTAssertEqual(file.rowGroupCount, 3)
        XCTAssertEqual(file.rowCount, 12000)

        // The local path opens to the same metadata.
        let dir = try TestPaths.temporaryDirectory(self, "pq-object")
        let path = dir.appendingPathComponent("a.parquet").path
        try FileIO.writeAll(path, bytes)
        XCTAssertEqual(try ParquetFile(path: path).metadata, file.metadata)

        // A footer longer than the tail read: one more read, of the footer's missing start only.
        let short = CountingObject(name: "mem://b", bytes: bytes)
        let small = try ParquetFile(object: short, tailRead: 64)
        XCTAssertEqual(small.metadata, file.metadata)
        let dataEnd = small.dataEnd
        XCTAssertLessThan(dataEnd, bytes.count - 64)
        XCTAssertEqual(short.reads, [(bytes.count - 64)..<bytes.count, dataEnd..<(bytes.count - 64)])

        // A file shorter than the tail read: one read of all of it (head magic checked from it).
        let tiny = try FileIO.readAll(TestPaths.fixture("parquet-lab/min_int64.parquet").path)
        let tinyObject = CountingObject(name: "mem://c", bytes: tiny)
        _ = try ParquetFile(object: tinyObject)
        XCTAssertEqual(tinyObject.reads, [0..<tiny.count])
    }

    func testRowGroupReadCoalescesChunks() throws {
        let bytes = try Self.sampleFile()
        let dir = try TestPaths.temporaryDirectory(self, "pq-object")
        let path = dir.appendingPathComponent("a.parquet").path
        try FileIO.writeAll(path, bytes)
        let local = try ParquetFile(path: path)

        // Every column of a row group: the chunks touch, so one read (gap 0).
        let object = CountingObject(name: "mem://a", bytes: bytes)
        let file = try ParquetFile(object: object)
        for g in 0..<3 {
            object.reset()
            let batch = try file.read(rowGroup: g)
            XCTAssertEqual(object.reads.count, 1, "row group \(g): \(object.reads)")
            XCTAssertEqual(Self.cells(batch), Self.cells(try local.read(rowGroup: g)))
        }
        // The first row group's read starts at byte 0: the head magic is checked by it.
        object.reset()
        _ = try file.read(rowGroup: 0)
        XCTAssertEqual(object.reads.first?.lowerBound, 0)

        // Columns with an unread one between them: two reads at gap 0, one with a large gap.
        object.reset()
        let sparse = try file.read(rowGroup: 1, columns: ["flag", "id"])
        XCTAssertEqual(object.reads.count, 2, "\(object.reads)")
        XCTAssertEqual(Self.cells(sparse), Self.cells(try local.read(rowGroup: 1, columns: ["flag", "id"])))
        let wide = CountingObject(name: "mem://w", bytes: bytes, coalescingGap: 1 << 20)
        let wideFile = try ParquetFile(object: wide)
        wide.reset()
        let merged = try wideFile.read(rowGroup: 1, columns: ["flag", "id"])
        XCTAssertEqual(wide.reads.count, 1, "\(wide.reads)")
        XCTAssertEqual(Self.cells(merged), Self.cells(sparse))
        // Same column twice: one chunk read, decoded twice.
        wide.reset()
        let twice = try wideFile.read(rowGroup: 2, columns: ["price", "price"])
        XCTAssertEqual(wide.reads.count, 1)
        XCTAssertEqual(Self.cells(twice)[0], Self.cells(twice)[1])
    }

    func testCoalesceMergesWithinTheGapOnly() {
        XCTAssertEqual(ChunkReads.coalesce([], maxGap: 10), [])
        XCTAssertEqual(ChunkReads.coalesce([20..<30, 0..<10, 10..<15], maxGap: 0), [0..<15, 20..<30])
        XCTAssertEqual(ChunkReads.coalesce([20..<30, 0..<10, 10..<15], maxGap: 5), [0..<30])
        XCTAssertEqual(ChunkReads.coalesce([0..<100, 10..<20, 150..<150], maxGap: 49), [0..<100, 150..<150])
        XCTAssertEqual(ChunkReads.coalesce([0..<100, 10..<20, 150..<150], maxGap: 50), [0..<150])
        XCTAssertEqual(ChunkReads.coalesce([5..<9, 5..<9], maxGap: 0), [5..<9])
    }

    /// A damaged leading magic in a file longer than the tail read: `init(path:)` reports it at
    /// open (as always); `init(object:)` opens with one read and reports it at the first chunk read.
    func testDamagedHeadOfALargeFile() throws {
        var bytes = try Self.sampleFile()
        bytes[0] = 0x51
        let dir = try TestPaths.temporaryDirectory(self, "pq-object")
        let path = dir.appendingPathComponent("a.parquet").path
        try FileIO.writeAll(path, bytes)
        XCTAssertThrowsError(try ParquetFile(path: path)) { e in
            XCTAssertEqual("\(e)", "\(ColumnarError.corrupt(ParquetLocation(file: path), reason: "missing PAR1 magic"))")
        }
        let object = CountingObject(name: path, bytes: bytes)
        let file = try ParquetFile(object: object)
        XCTAssertEqual(object.reads.count, 1)
        XCTAssertThrowsError(try file.read(rowGroup: 0, columns: ["id"])) { e in
            XCTAssertEqual("\(e)", "\(ColumnarError.corrupt(ParquetLocation(file: path), reason: "missing PAR1 magic"))")
        }
        XCTAssertThrowsError(try file.read(rowGroup: 0)) { e in
            guard case ColumnarError.corrupt(_, let reason) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(reason, "missing PAR1 magic")
        }
        // Row groups not starting at byte 4 read fine (their bytes are intact).
        XCTAssertEqual(try file.read(rowGroup: 1).rowCount, 4000)
        // Asked to, the object init checks the head at open too (one more 4-byte read).
        let strict = CountingObject(name: path, bytes: bytes)
        XCTAssertThrowsError(try ParquetFile(object: strict, verifyHeadAtOpen: true))
        XCTAssertEqual(strict.reads.last, 0..<4)
    }

    /// Every hostile tail gives the same error through the path, an object, and any tail size.
    func testErrorsAreTheSameForEveryTailRead() throws {
        let dir = try TestPaths.temporaryDirectory(self, "pq-object")
        let file = try FileIO.readAll(TestPaths.fixture("parquet-lab/min_int64.parquet").path)
        var cases: [[UInt8]] = [[], Array("PAR1PAR1".utf8), Array(file.dropLast()), file]
        var bad = file; bad[0] = 0x51; cases.append(bad)
        var long = file; long[196] = 0xF0; cases.append(long)
        var garbage = file; for i in 45..<60 { garbage[i] = 0xEE }; cases.append(garbage)
        var rows = file; rows[69] = 0x08; cases.append(rows)
        var pare = file; pare.replaceSubrange((pare.count - 4)..., with: Array("PARE".utf8)); cases.append(pare)
        func outcome(_ body: () throws -> ParquetFile) -> String {
            do { return "ok \(try body().readAll().map(\.rowCount))" } catch { return "\(error)" }
        }
        for (n, bytes) in cases.enumerated() {
            let path = dir.appendingPathComponent("t\(n).parquet").path
            try FileIO.writeAll(path, bytes)
            let expected = outcome { try ParquetFile(path: path) }
            for tail in [8, 12, 20, 64, 100, 1 << 16] {
                XCTAssertEqual(outcome { try ParquetFile(object: CountingObject(name: path, bytes: bytes), tailRead: tail,
                                                         verifyHeadAtOpen: true) },
                               expected, "case \(n), tail read \(tail)")
            }
        }
    }
}
