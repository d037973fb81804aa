#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Columnar

/// `extract ingest`: raw REES46 CSV dumps → the `events` dataset of a store.
///
/// One call is one store transaction: every source is parsed (this thread) into per-day
/// buffers flushed to a writer thread that sorts and encodes the part files; rejected and
/// coerced lines go to one rejects file per source; the manifest is committed once at the end
/// (see `Store`). Any error, or more than `maxRejects` rejected lines, abandons the
/// transaction: the store is left unchanged.
///
/// Idempotence: a source whose content hash is already in the manifest is skipped with a
/// message (`replace` redoes it and removes its old parts and rejects). A file is hashed up
/// front only when the manifest has a source of the same size; otherwise the hash is computed
/// while parsing (stdin always; a duplicate found once read is discarded). A store written
/// before the `xxh64:` digests records `crc32:` ones: a source that may match one (stdin, or a
/// file of such a source's size) also computes that digest, so it is recognised (skipped, or
/// replaced under its old identity with `replace`) and never ingested twice. The known sources
/// are read under the store lock (taken before any source is read), and `commit` checks again
/// that no committed source has the same hash: two ingests of one file started together store
/// it once.
///
/// Headers of every regular file are validated before the store lock is taken. Streams (a
/// named pipe, `<(...)`, stdin) are opened before the lock too (open() of a FIFO waits for a
/// writer; it never does so holding the lock) and read once, from that descriptor; their
/// header is checked when their turn comes (a bad one abandons the whole transaction).
/// An ingest that finds the lock held says so through `IngestOptions.message`, naming the
/// holder (pid and host), then waits.
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
/// ### Example
/// ```swift
/// let store = try Store(path: "./store", create: true)
/// let report = try Ingestor(store: store, options: IngestOptions(encoder: ParquetPartEncoder()))
///     .ingest(sources: [.file("2019-Oct.csv.gz"), .standardInput])
/// ```
public struct Ingestor {
    public let store: Store
    public let options: IngestOptions

    public init(store: Store, options: IngestOptions) {
        self.store = store
        self.options = options
    }

    public func ingest(sources: [InputSource]) throws(IngestError) -> IngestReport {
        let started = IngestClock.now()
        // Streams (named pipes, `<(...)`, devices) can be opened and read once only, and open()
        // of a FIFO blocks until a writer comes: they are opened here, before the store lock, and
        // read from that one descriptor (their header is checked when their turn comes; the
        // transaction is then abandoned if it is bad). Regular files: headers checked now.
        var streams: [Int: InputReader] = [:]
        for (index, source) in sources.enumerated() {
            guard case .file(let path) = source else { continue }
            if InputReader.isStream(path) {
                streams[index] = try InputReader(source, readSize: options.chunkBytes)
            } else {
                _ = try Self.readHeader(source)
            }
        }
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
        let txn: StoreTransaction
        do {
            txn = try store.begin(dataset: EventsDataset.name, schema: schema, schemaVersion: declaredVersion,
                                  sortedBy: EventsDataset.sortedBy, waiting: options.waiting ?? options.message)
        } catch { throw .columnar(error) }
        // The known sources are read under the lock (a concurrent ingest of the same file
        // commits first or waits), and checked again by `commit`.
        let existing: DatasetManifest?
        do { existing = try store.manifest(dataset: EventsDataset.name) } catch {
            txn.abandon()
            throw .columnar(error)
        }
        let knownHashes = Set((existing?.sources ?? []).map(\.contentHash))
        let knownSizes = Set((existing?.sources ?? []).map(\.size))
        // An older store records pre-`xxh64:` digests: a source that may match one also computes
        // that digest while it is read (stdin, or a file of a known size).
        let legacySizes = Set((existing?.sources ?? []).filter { ContentHasher.isLegacy($0.contentHash) }.map(\.size))

        let writer = PartWriterThread(transaction: txn, encoder: options.encoder)
        var reports: [SourceReport] = []
        var records: [SourceRecord] = []
        var seen = Set<String>()
        var discarded: [(label: String, rejectsTemp: String?)] = []
        var kept: [(label: String, hash: String)] = []
        var totalRejected = 0
        do throws(IngestError) {
            for (index, source) in sources.enumerated() {
                var legacyHash = !legacySizes.isEmpty
                if case .file(let path) = source, streams[index] == nil, let size = try? FileIO.size(path) {
                    legacyHash = legacySizes.contains(size)
                    if knownSizes.contains(size) {
                        let h: String
                        do { h = try ContentHasher.identity(ofFile: path, known: knownHashes) } catch { throw .columnar(error) }
                        if seen.contains(h) || (knownHashes.contains(h) && !options.replace) {
                            reports.append(skipped(source, hash: h, size: size))
                            continue
                        }
                    }
                }
                let label = "pending-\(index)"
                let reader: InputReader
                if let stream = streams.removeValue(forKey: index) {
                    stream.computeLegacyDigest(legacyHash)
                    reader = stream
                } else {
                    reader = try InputReader(source, readSize: options.chunkBytes, legacyHash: legacyHash)
                }
                let (report, record, rejectsTemp, legacyDigest) = try ingestOne(
                    reader, label: label, txn: txn, writer: writer, rejectedBefore: totalRejected)
                let hash = report.contentHash
                // The digest under which the store already holds these bytes (either format), if any.
                let knownAs = [hash, legacyDigest].compactMap { $0 }.first { knownHashes.contains($0) }
                if seen.contains(hash) || (knownAs != nil && !options.replace) {
                    discarded.append((label, rejectsTemp))
                    reports.append(skipped(source, hash: knownAs ?? hash, size: report.bytes))
                    continue
                }
                if let knownAs { txn.replaceSource(contentHash: knownAs) }
                seen.insert(hash)
                totalRejected += report.rowsRejected
                kept.append((label, hash))
                reports.append(report)
                records.append(record)
            }
            do { try writer.finish() } catch { throw .columnar(error) }
            for d in discarded {
                txn.discardParts(source: d.label)
                if let t = d.rejectsTemp { try? FileIO.remove(t) }
            }
            for k in kept { txn.relabelParts(source: k.label, as: k.hash) }
            for i in reports.indices where !reports[i].skipped {
                let parts = txn.addedParts(source: reports[i].contentHash)
                reports[i].parts = parts.count
                reports[i].days = Set(parts.map { $0.path.prefix { $0 != "/" } }).count
            }
            let stamp = IngestClock.isoNow()
            for i in records.indices {
                records[i].transaction = txn.id
                records[i].ingestedAt = stamp
            }
            CrashPoint.reach("before-commit")
            if records.isEmpty {
                txn.abandon()
            } else {
                let warnings: [String]
                do { warnings = try txn.commit(sources: records) } catch { throw .columnar(error) }
                for w in warnings { options.message?("warning: " + w) }
            }
        } catch {
            try? writer.finish()
            txn.abandon()
            throw error
        }
        return IngestReport(sources: reports, elapsedSeconds: IngestClock.now() - started)
    }

    private func skipped(_ source: InputSource, hash: String, size: Int) -> SourceReport {
        options.message?("\(source.name): already ingested (same content), skipped; use --replace to redo it")
        return SourceReport(source: source.name, skipped: true, contentHash: hash, bytes: size, rowsRead: 0,
                            rowsStored: 0, rowsRejected: 0, rowsCoerced: 0, reasons: [:], parts: 0, days: 0,
                            rejectsFile: nil)
    }

    /// Parses one source completely, submitting its day buffers to the writer.
    /// Also returns the rejects temporary file and the pre-`xxh64:` digest when the reader computes it.
    private func ingestOne(_ reader: InputReader, label: String, txn: StoreTransaction, writer: PartWriterThread,
                           rejectedBefore: Int)
        throws(IngestError) -> (SourceReport, SourceRecord, String?, String?) {
        let source = reader.source
        let buf = ScanBuffer(capacity: 2 * options.chunkBytes)
        let header = try Self.readHeader(reader: reader, into: buf)
        var rejectsTemp: String?
        let log = RejectLog(source: source.name) { () throws(ColumnarError) in
            let pair = try txn.reserveRejectsFile()
            rejectsTemp = pair.temporaryPath
            return pair
        }
        var parser = EventCSVParser(header: header.header, rejects: log, firstDataLine: 2)
        buf.removeFirst(header.consumed)
        let started = IngestClock.now()
        var lastReport = started
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
                    throw IngestError.malformed(source: source.name, line: parser.line,
                                                reason: "a line longer than 64 MiB")
                }
                target = end == 0 ? buf.count + options.chunkBytes : options.chunkBytes
                buf.removeFirst(end)
                if let limit = options.maxRejects, rejectedBefore + log.rejected > limit {
                    throw IngestError.tooManyRejects(source: source.name, rejected: rejectedBefore + log.rejected, limit: limit)
                }
                // Rolling flush: a day with no row for maxBufferedRows/100 rows is finished in
                // time-ordered input; hand it to the writer now so sorting/encoding overlaps the
                // parse. When the writer is behind, this thread writes the part itself (both
                // cores busy instead of this one blocking).
                let coldRows = options.maxBufferedRows / 10
                while let day = parser.takeColdDay(coldRows: max(1, options.maxBufferedRows / 100)) {
                    try writer.submitOrWrite(day, source: label)
                }
                while parser.bufferedRows > options.maxBufferedRows, let day = parser.takeFlushCandidate(coldRows: coldRows) {
                    try writer.submitOrWrite(day, source: label)
                }
                if let progress = options.progress {
                    let t = IngestClock.now()
                    if t - lastReport >= 0.25 {
                        lastReport = t
                        progress(IngestProgress(source: source.name, bytesRead: reader.rawBytesRead, bytesTotal: reader.fileSize,
                                                rowsRead: parser.rowsRead, elapsedSeconds: t - started))
                    }
                }
            }
            try parser.parseFinal(buf.bytes)
            if let limit = options.maxRejects, rejectedBefore + log.rejected > limit {
                throw IngestError.tooManyRejects(source: source.name, rejected: rejectedBefore + log.rejected, limit: limit)
            }
            for day in parser.takeAll() { try writer.submitOrWrite(day, source: label) }
            try log.finish()
        } catch let e as IngestError {
            throw e
        } catch let e as ColumnarError {
            throw .columnar(e)
        } catch {
            throw .io(source: source.name, reason: "\(error)")
        }
        let hash = reader.hasher.digest
        var reasons: [String: Int] = [:]
        for (r, n) in log.counts { reasons[r.rawValue] = n }
        let report = SourceReport(source: source.name, skipped: false, contentHash: hash, bytes: reader.rawBytesRead,
                                  rowsRead: parser.rowsRead, rowsStored: parser.rowsStored, rowsRejected: log.rejected,
                                  rowsCoerced: log.coerced, reasons: reasons, parts: 0, days: 0, rejectsFile: log.finalPath)
        let record = SourceRecord(path: source.name, size: reader.rawBytesRead, contentHash: hash,
                                  rowsRead: parser.rowsRead, rowsStored: parser.rowsStored, rowsRejected: log.rejected,
                                  rowsCoerced: log.coerced, reasons: reasons, rejectsFile: log.finalPath,
                                  ingestedAt: "", transaction: "")
        return (report, record, rejectsTemp, reader.hasher.legacyDigest)
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
