import Columnar

/// The Sparkify JSON input formats (`--format sparkify-logs|sparkify-songs`): files and folders
/// (walked for `*.json`) → `RecordBatch`es of the format's schema (`SparkifyJSONReader`) handed
/// to `Sink` (logs: day-partitioned parts, `BatchPartWriter`; songs: few shared parts,
/// `SongPartBatcher`).
///
/// Sources: every file as given, folders expanded, before the store lock; streams (named pipes,
/// `<(...)`) are read once, to a temporary copy, before the lock: their bytes are then hashed and
/// parsed like a file's. Every source is identified before it is read (`identifiesBeforeReading`:
/// the songs batcher shares parts between sources and tags rows with their hash). Standard input
/// is not a source of these formats (the CLI refuses it).
/// Rejected records (malformed JSON, wrong types, missing `ts`/`song_id`/`artist_id`) are
/// recorded with their detailed reason, counted under a value-free category.
/// Memory: one read chunk plus the largest object, and up to `maxBufferedRows` parsed rows.
struct SparkifyReader<Sink: BatchSink>: SourceReader {
    let format: SparkifyFormat
    let options: IngestOptions
    let sink: (StoreTransaction, IngestOptions) -> Sink

    /// One JSON file: `name` as given (or found in a folder), `file` the bytes read (a spooled
    /// stream's copy, else the same path).
    struct Source: IngestSource {
        let name: String
        let file: String
        let spooled: Bool
        var identityFile: String? { file }
    }

    var identifiesBeforeReading: Bool { true }

    func sources(_ inputs: [String]) throws(IngestError) -> [Source] {
        let files = try SparkifyJSONReader.expandInputs(inputs)
        guard !files.isEmpty else { throw .io(source: inputs.joined(separator: " "), reason: "no .json files found") }
        var spooled: [String: String] = [:]
        var out: [Source] = []
        do {
            for path in files {
                if let copy = spooled[path] {
                    out.append(Source(name: path, file: copy, spooled: false))
                } else if InputReader.isStream(path) {
                    let copy = try StreamSpool.spool(path)
                    spooled[path] = copy
                    out.append(Source(name: path, file: copy, spooled: true))
                } else {
                    out.append(Source(name: path, file: path, spooled: false))
                }
            }
        } catch {
            for copy in spooled.values { StreamSpool.remove(copy) }
            throw error
        }
        return out
    }

    func release(_ sources: [Source]) {
        for s in sources where s.spooled { StreamSpool.remove(s.file) }
    }

    func target(in store: Store) throws(IngestError) -> DatasetTarget {
        DatasetTarget(name: format.dataset, schema: format.datasetSchema, sortedBy: format == .logs ? ["ts"] : nil)
    }

    func makeSink(transaction: StoreTransaction, options: IngestOptions) -> Sink { sink(transaction, options) }

    func read(_ source: Source, into sink: Sink, context: SourceContext) throws(IngestError) -> SourceRead {
        let reader = SparkifyJSONReader(format: format, batchRows: max(1000, options.maxBufferedRows))
        var stored = 0
        do {
            try reader.read(path: source.file, name: source.name, onBatch: { batch in
                try sink.append(batch, label: context.label)
                stored += batch.rowCount
            }, onRejects: { rejects in
                for r in rejects { try context.reject(line: r.line, reason: r.cause, field: r.field, detail: r.reason, raw: r.text) }
            }, onProgress: { bytes in
                try context.checkpoint(bytesRead: bytes, rowsRead: stored + context.rejected)
            })
            let bytes = try FileIO.size(source.file)
            return SourceRead(rowsRead: stored + context.rejected, rowsStored: stored, bytes: bytes)
        } catch {
            throw IngestError(reading: source.name, error)
        }
    }
}
