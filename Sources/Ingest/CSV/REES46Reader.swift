#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Columnar

/// The REES46 CSV input format (`--format rees46`): raw dumps (`.csv`, `.csv.gz`, stdin, named
/// pipes) → the `events` dataset, parsed (this thread) into per-day buffers (`EventDays`) that
/// are flushed to a `PartWriterThread`, which sorts and encodes them on the second core.
///
/// Sources: the header of every regular file is validated before the store lock is taken.
/// Streams (a named pipe, `<(...)`, stdin) are opened before the lock too (open() of a FIFO
/// waits for a writer; never while holding the lock) and read once, from that descriptor; their
/// header is checked when their turn comes (a bad one abandons the whole transaction). A source
/// is hashed while it is read (`identifiesBeforeReading` is false: its parts are labelled
/// provisionally, see `SourceLoop`). A store keeps the events schema version it was created
/// with; a new store gets the current one.
/// Memory: bounded by `IngestOptions.maxBufferedRows` (see there), never by the input size.
///
/// ### Semantics (docs/learning-base.md §2–§3) and the documented differences from Spark's reader
/// * Values are converted exactly as the reference job converts them (`TimestampParser`,
///   `IntegerParser` without the 32-bit rule — ids are stored as Int64 and the query applies
///   it —, `DoubleParser`, `UUIDParser`). A line whose stored values differ from its text is
///   COERCED: stored, and its raw text recorded in `_rejects/` with the reasons.
/// * A line whose field count differs from the header's is REJECTED. Spark would fill missing
///   trailing fields with NULL and ignore extra ones; we refuse to guess (a truncated last line
///   of a cut dump is the typical case) and keep the line in `_rejects/` instead.
/// * A missing or unparseable event_time REJECTS the line (the reference drops it too).
/// * One physical line is one record, as the reference reads (`multiLine=false`): a quote
///   still open at the end of its line (also a `\"` ending a quoted field) REJECTS that line
///   only, as "unterminated quoted field"; the next line is parsed on its own. So stored +
///   rejected = lines read (blank lines aside). Inside quotes only `\"` is unescaped; RFC-4180
///   `""` is kept raw as Spark does.
/// * Non-ASCII digits in timestamps and Java hex-float prices are NULL here (out of scope of
///   byte-exact compatibility per docs/learning-base.md).
/// * A source with a new content hash is a new source even at the same path (its rows are
///   added; use `replace` with the old content to remove an old source).
///
struct REES46Reader: SourceReader {
    let options: IngestOptions

    init(options: IngestOptions) { self.options = options }

    /// One REES46 input: a regular file (header already checked), or a stream opened before the lock.
    struct Source: IngestSource {
        let input: InputSource
        let stream: InputReader?
        var name: String { input.name }
        var identityFile: String? {
            guard stream == nil, case .file(let path) = input else { return nil }
            return path
        }
    }

    var identifiesBeforeReading: Bool { false }

    func sources(_ arguments: [InputSource]) throws(IngestError) -> [Source] {
        var out: [Source] = []
        for input in arguments {
            if case .file(let path) = input, InputReader.isStream(path) {
                out.append(Source(input: input, stream: try InputReader(input, readSize: options.chunkBytes)))
            } else {
                if case .file = input { _ = try Self.readHeader(input) }
                out.append(Source(input: input, stream: nil))
            }
        }
        return out
    }

    func target(in store: Store) throws(IngestError) -> DatasetTarget {
        // A store keeps the schema version it was created with (every part of a dataset has one
        // schema); a new store gets the current one. `begin` checks it again under the lock.
        let version: Int, declaredVersion: Int?
        do {
            let current = try store.manifest(dataset: EventsDataset.name)
            version = current.map(EventsDataset.version(of:)) ?? EventsDataset.currentSchemaVersion
            declaredVersion = current == nil ? version : current?.schemaVersion
        } catch { throw .columnar(error) }
        guard let schema = EventsDataset.schema(version: version) else {
            throw .columnar(.store(path: store.datasetPath(EventsDataset.name),
                                   reason: "events schema version \(version) is newer than this extract knows "
                                       + "(\(EventsDataset.currentSchemaVersion)); use a newer extract"))
        }
        return DatasetTarget(name: EventsDataset.name, schema: schema, schemaVersion: declaredVersion,
                             sortedBy: EventsDataset.sortedBy)
    }

    func makeSink(transaction: StoreTransaction, options: IngestOptions) -> PartWriterThread {
        PartWriterThread(transaction: transaction, encoder: options.encoder)
    }

    /// Parses one source completely, submitting its day buffers to the writer.
    func read(_ source: Source, into writer: PartWriterThread, context: SourceContext) throws(IngestError) -> SourceRead {
        let reader: InputReader
        if let stream = source.stream {
            stream.computeLegacyDigest(context.legacyDigest)
            reader = stream
        } else {
            reader = try InputReader(source.input, readSize: options.chunkBytes, legacyHash: context.legacyDigest)
        }
        let buf = ScanBuffer(capacity: 2 * options.chunkBytes)
        let header = try Self.readHeader(reader: reader, into: buf)
        var parser = EventCSVParser(header: header.header, rejects: context.rejects, firstDataLine: 2)
        buf.removeFirst(header.consumed)
        do {
            var more = true
            // Bytes to hold before parsing: one chunk, or more while no row end is in the window
            // (a row longer than a chunk).
            var target = options.chunkBytes
            while more {
                while buf.count < target {
                    if !(try reader.read(into: buf)) { more = false; break }
                }
                let end = try parser.parse(buf.bytes)
                if end == 0 && buf.count > (64 << 20) {
                    throw IngestError.malformed(source: source.name, line: parser.line, reason: "a line longer than 64 MiB")
                }
                target = end == 0 ? buf.count + options.chunkBytes : options.chunkBytes
                buf.removeFirst(end)
                try context.checkpoint(bytesRead: reader.rawBytesRead, rowsRead: parser.rowsRead)
                // Rolling flush: a day with no row for maxBufferedRows/100 rows is finished in
                // time-ordered input; hand it to the writer now so sorting/encoding overlaps the
                // parse. When the writer is behind, this thread writes the part itself (both
                // cores busy instead of this one blocking).
                let coldRows = options.maxBufferedRows / 10
                while let day = parser.days.takeColdDay(coldRows: max(1, options.maxBufferedRows / 100), rowsRead: parser.rowsRead) {
                    try writer.submitOrWrite(day, source: context.label)
                }
                while parser.bufferedRows > options.maxBufferedRows,
                      let day = parser.days.takeFlushCandidate(coldRows: coldRows, rowsRead: parser.rowsRead) {
                    try writer.submitOrWrite(day, source: context.label)
                }
            }
            try parser.parseFinal(buf.bytes)
            try context.checkpoint(bytesRead: reader.rawBytesRead, rowsRead: parser.rowsRead)
            for day in parser.days.takeAll() { try writer.submitOrWrite(day, source: context.label) }
        } catch {
            throw IngestError(reading: source.name, error)
        }
        return SourceRead(rowsRead: parser.rowsRead, rowsStored: parser.rowsStored, bytes: reader.rawBytesRead,
                          digest: reader.hasher.digest, legacyDigest: reader.hasher.legacyDigest)
    }

    /// Reads until the end of the header line; returns it parsed and the bytes it used
    /// (BOM and line end included). Throws `.badHeader` for an empty input, a missing or
    /// duplicated column, or CR-only line ends.
    static func readHeader(reader: InputReader, into scan: ScanBuffer) throws(IngestError)
        -> (header: CSVHeader, consumed: Int) {
        var scanned = 0
        var newline: Int?
        while newline == nil {
            if let k = scan.bytes[scanned...].firstIndex(of: 0x0A) { newline = k; break }
            // No LF yet but a CR followed by a byte: CR-only line ends, refused below.
            if scan.bytes[scanned..<max(scanned, scan.count - 1)].contains(0x0D) { break }
            scanned = scan.count
            if !(try reader.read(into: scan)) { break }
            if scan.count > (16 << 20) { throw .badHeader(source: reader.source.name, reason: "no header line in the first 16 MiB") }
        }
        let buf = scan.bytes
        if buf.isEmpty { throw .badHeader(source: reader.source.name, reason: "empty input: no header line") }
        let lineEnd = newline ?? buf.count
        // CR-only line ends (classic Mac OS): the whole file would read as one header line.
        if let cr = buf[0..<lineEnd].firstIndex(of: 0x0D), cr + 1 < buf.count, buf[cr + 1] != 0x0A {
            throw .badHeader(source: reader.source.name,
                             reason: "lines end with CR only (no LF after the CR ending the header line): convert the line ends to LF or CRLF (e.g. tr '\\r' '\\n')")
        }
        var start = 0
        if buf.count >= 3, buf[0] == 0xEF, buf[1] == 0xBB, buf[2] == 0xBF { start = 3 }
        var end = lineEnd
        if end > start, buf[end - 1] == 0x0D { end -= 1 }
        let (header, missing, duplicate) = CSVHeader.parse(UnsafeRawBufferPointer(rebasing: buf[start..<end]),
                                                           required: EventsDataset.requiredColumns)
        if let duplicate {
            throw .badHeader(source: reader.source.name, reason: "column \"\(duplicate)\" appears twice in the header")
        }
        guard let header else {
            throw .badHeader(source: reader.source.name, reason: "missing required column(s) \(missing.joined(separator: ", ")) in the header")
        }
        return (header, min(buf.count, lineEnd + 1))
    }

    static func readHeader(_ source: InputSource) throws(IngestError) -> CSVHeader {
        let reader = try InputReader(source, readSize: 64 << 10)
        return try readHeader(reader: reader, into: ScanBuffer(capacity: 128 << 10)).header
    }
}
