import Columnar

/// The one ingest loop, for every input format: one call is one store transaction over the
/// sources a `SourceReader` found; the reader parses each source into its `PartSink`.
///
/// The loop owns, for every format alike:
/// - the transaction: begun once the reader's sources are open (streams are opened before the
///   lock, never while holding it), committed once at the end, abandoned on any error — the
///   store is then left unchanged (see `Store`); `CrashPoint` "before-commit" just before;
/// - source identity: the known sources are read after `begin`; one committed meanwhile by a
///   concurrent ingest is found by `commit`, which skips this call's copy (reported skipped). A
///   regular file is hashed before it is read when the reader asks for it
///   (`identifiesBeforeReading`) or when the manifest has a source of its size; otherwise its
///   hash is computed while it is read, under a provisional label, and a source then found
///   already stored is discarded (its parts and rejects file dropped). A known source is skipped
///   with a message unless `replace`, which replaces the old one at commit. A source that may
///   match a pre-`xxh64:` digest of an older store also computes that digest while read;
/// - rejects: one `RejectLog` (one streaming rejects file) per source; more than
///   `maxRejects` REJECTED records over the call abandons it (`.tooManyRejects`, exit 6),
///   checked at every reader checkpoint;
/// - progress (at most four reports a second, counters of the whole call) and the reports.
///
/// Memory: the reader's and the sink's (see each); the loop holds one report per source.
public struct SourceLoop<Reader: SourceReader> {
    public let store: Store
    public let reader: Reader
    public let options: IngestOptions

    public init(store: Store, reader: Reader, options: IngestOptions) {
        self.store = store
        self.reader = reader
        self.options = options
    }

    public func run(_ arguments: [Reader.Argument]) throws(IngestError) -> IngestReport {
        let started = IngestClock.now()
        let sources = try reader.sources(arguments)
        defer { reader.release(sources) }
        let target = try reader.target(in: store)
        let txn: StoreTransaction
        do {
            txn = try store.begin(dataset: target.name, schema: target.schema, schemaVersion: target.schemaVersion,
                                  sortedBy: target.sortedBy, waiting: options.waiting ?? options.message)
        } catch { throw .columnar(error) }
        let sink = reader.makeSink(transaction: txn, options: options)
        do throws(IngestError) {
            let report = try run(sources, txn: txn, sink: sink, started: started)
            return report
        } catch {
            sink.abandon()
            txn.abandon()
            throw error
        }
    }

    private func run(_ sources: [Reader.Source], txn: StoreTransaction, sink: Reader.Sink,
                     started: Double) throws(IngestError) -> IngestReport {
        // The known sources are read after `begin`; a concurrent ingest of the same file that
        // commits first is found by `commit`, which then skips this one's copy.
        let existing: DatasetManifest?
        do { existing = try store.manifest(dataset: txn.dataset) } catch { throw .columnar(error) }
        let known = Set((existing?.sources ?? []).map(\.contentHash))
        let knownSizes = Set((existing?.sources ?? []).map(\.size))
        let legacySizes = Set((existing?.sources ?? []).filter { ContentHasher.isLegacy($0.contentHash) }.map(\.size))

        // Identity up front (cheap next to parsing), before anything is read.
        var upfront: [String?] = Array(repeating: nil, count: sources.count)
        var sizes: [Int?] = Array(repeating: nil, count: sources.count)
        var legacy: [Bool] = Array(repeating: !legacySizes.isEmpty, count: sources.count)
        for (i, source) in sources.enumerated() {
            guard let file = source.identityFile else { continue }
            do {
                if reader.identifiesBeforeReading {
                    upfront[i] = try ContentHasher.identity(ofFile: file, known: known)
                    sizes[i] = try FileIO.size(file)
                } else if let size = try? FileIO.size(file) {
                    sizes[i] = size
                    legacy[i] = legacySizes.contains(size)
                    if knownSizes.contains(size) { upfront[i] = try ContentHasher.identity(ofFile: file, known: known) }
                }
            } catch { throw .io(source: source.name, reason: error.description) }
        }
        // Sources skipped on their up-front identity (the same rule as in the loop below), for
        // the progress total.
        var skippedUpfront = Set<Int>()
        var firstSeen = Set<String>()
        for i in upfront.indices {
            guard let h = upfront[i] else { continue }
            if firstSeen.contains(h) || (known.contains(h) && !options.replace) { skippedUpfront.insert(i) }
            firstSeen.insert(h)
        }
        let replacedUpfront = options.replace ? Set(upfront.compactMap { $0 }.filter { known.contains($0) }) : []
        do { try sink.prepare(replacing: replacedUpfront, existing: existing) } catch { throw .columnar(error) }

        let readSizes = sources.indices.filter { !skippedUpfront.contains($0) }.map { sizes[$0] }
        let progress = ProgressCounter(started: started,
                                       bytesTotal: readSizes.contains(nil) ? nil : readSizes.reduce(0) { $0 + $1! })
        var seen = Set<String>()
        var reports: [SourceReport] = []
        var records: [SourceRecord] = []
        var discarded: [(label: String, rejectsTemp: String?)] = []
        var kept: [(label: String, hash: String)] = []
        var totalRejected = 0
        for (i, source) in sources.enumerated() {
            if let h = upfront[i], seen.contains(h) || (known.contains(h) && !options.replace) {
                reports.append(skipped(source.name, hash: h, size: sizes[i] ?? 0))
                continue
            }
            let label = reader.identifiesBeforeReading ? upfront[i]! : "pending-\(i)"
            let limit = options.maxRejects
            let rejectedBefore = totalRejected
            let log = RejectLog(source: source.name) { () throws(ColumnarError) in try txn.reserveRejectsFile() }
            let context = SourceContext(name: source.name, label: label, legacyDigest: legacy[i], rejects: log) {
                (context, bytesRead, rowsRead) throws(IngestError) in
                if let limit, rejectedBefore + context.rejected > limit {
                    throw .tooManyRejects(source: context.name, rejected: rejectedBefore + context.rejected, limit: limit)
                }
                if let report = options.progress { progress.report(context.name, bytesRead, rowsRead, to: report) }
            }
            let read = try reader.read(source, into: sink, context: context)
            do { try log.finish() } catch { throw .columnar(error) }
            progress.finished(bytes: read.bytes, rows: read.rowsRead)
            guard let hash = read.digest ?? upfront[i] else {
                preconditionFailure("a SourceReader that does not identify sources before reading must return their digest")
            }
            // The digest under which the store already holds these bytes (either format), if any.
            let knownAs = [hash, read.legacyDigest].compactMap { $0 }.first { known.contains($0) }
            if !reader.identifiesBeforeReading, seen.contains(hash) || (knownAs != nil && !options.replace) {
                discarded.append((label, log.temporaryPath))
                reports.append(skipped(source.name, hash: knownAs ?? hash, size: read.bytes))
                continue
            }
            if let knownAs { txn.replaceSource(contentHash: knownAs) }
            seen.insert(hash)
            totalRejected += log.rejected
            kept.append((label, hash))
            let reasons = log.counts
            reports.append(SourceReport(source: source.name, skipped: false, contentHash: hash, bytes: read.bytes,
                                        rowsRead: read.rowsRead, rowsStored: read.rowsStored, rowsRejected: log.rejected,
                                        rowsCoerced: log.coerced, reasons: reasons, parts: 0, days: 0,
                                        rejectsFile: log.finalPath))
            records.append(SourceRecord(path: source.name, size: read.bytes, contentHash: hash,
                                        rowsRead: read.rowsRead, rowsStored: read.rowsStored, rowsRejected: log.rejected,
                                        rowsCoerced: log.coerced, reasons: reasons, rejectsFile: log.finalPath,
                                        ingestedAt: "", transaction: ""))
        }
        do { try sink.finish() } catch { throw .columnar(error) }
        for d in discarded {
            txn.discardParts(source: d.label)
            if let t = d.rejectsTemp { try? FileIO.remove(t) }
        }
        for k in kept where k.label != k.hash { txn.relabelParts(source: k.label, as: k.hash) }
        for i in reports.indices where !reports[i].skipped {
            (reports[i].parts, reports[i].days) = sink.extent(label: reports[i].contentHash, rowsStored: reports[i].rowsStored)
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
            SourceReport.markSkippedAtCommit(&reports, hashes: txn.skippedAtCommit, message: options.message)
        }
        return IngestReport(sources: reports, elapsedSeconds: IngestClock.now() - started)
    }

    private func skipped(_ name: String, hash: String, size: Int) -> SourceReport {
        options.message?("\(name): already ingested (same content), skipped; use --replace to redo it")
        return SourceReport(source: name, skipped: true, contentHash: hash, bytes: size, rowsRead: 0,
                            rowsStored: 0, rowsRejected: 0, rowsCoerced: 0, reasons: [:], parts: 0, days: 0,
                            rejectsFile: nil)
    }
}

/// The progress counters of one call: sources finished so far plus the one being read,
/// reported at most every 0.25 s.
final class ProgressCounter {
    let started: Double
    let bytesTotal: Int?
    private var lastReport: Double
    private var doneBytes = 0
    private var doneRows = 0

    init(started: Double, bytesTotal: Int?) {
        self.started = started
        self.bytesTotal = bytesTotal
        lastReport = started
    }

    func report(_ source: String, _ bytesRead: Int, _ rowsRead: Int, to report: (IngestProgress) -> Void) {
        let t = IngestClock.now()
        guard t - lastReport >= 0.25 else { return }
        lastReport = t
        report(IngestProgress(source: source, bytesRead: doneBytes + bytesRead, bytesTotal: bytesTotal,
                              rowsRead: doneRows + rowsRead, elapsedSeconds: t - started))
    }

    func finished(bytes: Int, rows: Int) {
        doneBytes += bytes
        doneRows += rows
    }
}
