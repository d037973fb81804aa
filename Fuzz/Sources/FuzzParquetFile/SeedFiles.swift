import Columnar
import Glibc

/// libFuzzer's start-up hook. With `EXTRACT_FUZZ_WRITE_SEEDS=DIR` in the environment it writes
/// the seed files (below) into DIR and exits instead of fuzzing: the fuzzer binary links
/// libFuzzer's own `main`, so the seed writer lives here rather than in a second executable.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?,
                           _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    guard let dir = getenv("EXTRACT_FUZZ_WRITE_SEEDS") else { return 0 }
    exit(SeedFiles.write(into: String(cString: dir)))
}

/// Small seed files written with our own `ParquetWriter`: every column type, nulls, zstd /
/// gzip / uncompressed, dictionary and PLAIN strings, DELTA_BINARY_PACKED integers, pages with and without CRCs, several row groups and
/// small pages. Each file is a few hundred bytes to a few KB so the fuzzer runs fast.
enum SeedFiles {
    /// Writes the seeds into `directory` (which must exist); returns the exit status.
    static func write(into directory: String) -> CInt {
        // Most variants omit page CRCs: a mutated page body then reaches the decoders instead of
        // stopping at the checksum (two variants keep CRCs so that path stays covered).
        let variants: [(String, (inout ParquetWriterOptions) -> Void)] = [
            ("zstd-dict-crc", { _ in }),
            ("zstd-plain-delta", { $0.dictionary = false; $0.deltaEncodeSortedIntegers = true; $0.pageCRC = false }),
            ("gzip-dict-smallpages-crc", { $0.codec = .gzip; $0.pageBytes = 64; $0.rowGroupRows = 25 }),
            ("uncompressed-plain", { $0.codec = .uncompressed; $0.dictionary = false; $0.pageCRC = false }),
            ("uncompressed-dict-delta-rowgroups", {
                $0.codec = .uncompressed; $0.deltaEncodeSortedIntegers = true; $0.rowGroupRows = 16; $0.pageBytes = 100
                $0.pageCRC = false
            }),
        ]
        do {
            for rows in [40, 3] {
                let batch = try sampleBatch(rows: rows)
                for (name, configure) in variants {
                    var options = ParquetWriterOptions()
                    configure(&options)
                    let bytes = try ParquetWriter.encode(schema: batch.schema, batches: [batch], options: options)
                    try FileIO.writeAll("\(directory)/ours-\(name)-\(rows).parquet", bytes)
                }
            }
        } catch {
            fputs("seed files: \(error)\n", stderr)
            return 1
        }
        return 0
    }

    /// One column of every `ColumnType`, nullable and required, with repeats (for dictionaries),
    /// sorted runs (for delta encoding) and a few nulls.
    static func sampleBatch(rows: Int) throws(ColumnarError) -> RecordBatch {
        var fields: [Field] = []
        var columns: [AnyColumn] = []
        func validity(_ every: Int) -> Bitmap {
            var b = Bitmap(reservingCapacity: rows)
            for r in 0..<rows { b.append(r % every != 0) }
            return b
        }
        func add(_ name: String, _ type: ColumnType, nullable: Bool, _ column: AnyColumn) {
            fields.append(Field(name, type, nullable: nullable))
            columns.append(column)
        }
        let ints = ContiguousArray((0..<rows).map { Int32($0 * 3 - 7) })
        let longs = ContiguousArray((0..<rows).map { Int64($0) * 1_000_003 - 50 })
        add("b", .bool, nullable: true, .bool(FixedWidthColumn(values: ContiguousArray((0..<rows).map { $0 % 3 == 0 }), validity: validity(5))))
        add("i32", .int32, nullable: false, .int32(FixedWidthColumn(values: ints)))
        add("i64", .int64, nullable: true, .int64(FixedWidthColumn(values: longs, validity: validity(7))))
        add("d", .double, nullable: true, .double(FixedWidthColumn(values: ContiguousArray((0..<rows).map { Double($0) / 3 }), validity: validity(4))))
        let words = ["", "a", "bb", "d\u{fc}", "event_type"]
        add("s", .string, nullable: true, .string(StringColumn((0..<rows).map { $0 % 6 == 0 ? nil : words[$0 % words.count] })))
        add("s_req", .string, nullable: false, .string(StringColumn((0..<rows).map { "v\($0 % 4)" })))
        add("bin", .binary, nullable: true, .string(StringColumn((0..<rows).map { $0 % 5 == 0 ? nil : String(repeating: "x", count: $0 % 9) })))
        add("ts", .timestampMicros, nullable: true, .int64(FixedWidthColumn(values: ContiguousArray((0..<rows).map { 1_700_000_000_000_000 + Int64($0) * 1_000_000 }), validity: validity(9))))
        add("day", .date, nullable: false, .int32(FixedWidthColumn(values: ContiguousArray((0..<rows).map { 19_000 + Int32($0 / 10) }))))
        var uuid = FixedBytesColumn(width: 16)
        for r in 0..<rows { uuid.append(r % 8 == 0 ? nil : (0..<16).map { UInt8(truncatingIfNeeded: $0 * 17 + r) }) }
        add("id", .uuid, nullable: true, .fixedBytes(uuid))
        return try RecordBatch(schema: Schema(fields), columns: columns)
    }
}
