import Columnar
#if canImport(Glibc)
import Glibc
#endif

/// One store file (a sorted run of one day) as an `EventRun`: its row groups are the batches,
/// pruned by the user_id and event_time statistics before any page is read, and read with only
/// the learning-base columns (either session layout of `EventColumns`). Safe to share between
/// workers (reads are positional).
///
/// Opened from the store (`init(path:entry:partition:manifest:)`), the footer is first checked
/// against the manifest (`PartCheck`), and each batch loaded is checked against the footer's
/// user_id statistics it was pruned by (first and last user of a sorted batch: O(1)). The file's
/// descriptor comes from `DescriptorPool.shared`, so any number of runs stays within a bounded
/// number of open files.
public struct ParquetEventRun: EventRun {
    public let file: ParquetFile
    private var allBounds: [BatchBounds]
    private let columns: [String]
    /// For a version 2 file: its session texts are decoded to the version 1 layout while the
    /// pages are read (16 bytes + raw texts; `UUIDTextSplit`), so no text column is built.
    private let sessionSplit: UUIDTextSplit?

    public var name: String { file.path }

    /// Opens `path` and checks it has the needed columns. Errors name the file: a corrupt or
    /// foreign file → `.columnar(.corrupt)`, an unreadable one → `.columnar(.io)`.
    public init(path: String) throws(QueryError) {
        try self.init(path: path, pool: nil)
    }

    /// Opens part `entry` of `partition` at `path` (resolved by `Store.partPath`) and checks its
    /// footer against `manifest`: any disagreement throws `.columnar(.damaged)` naming the file.
    public init(path: String, entry: PartFile, partition: PartitionRecord, manifest: DatasetManifest) throws(QueryError) {
        try self.init(path: path, pool: .shared)
        do { try PartCheck.check(file, entry: entry, partition: partition, manifest: manifest) } catch { throw .columnar(error) }
        // A row group's time bounds decide whether its rows are filtered by the window. PartCheck
        // proved the row groups' bounds lie inside the part's [minTime, maxTime] and reach both
        // ends, but an inner row group's narrowed bounds cannot be told from true ones: use the
        // part's range (computed from the rows at ingest) for every row group, so that a part
        // crossing a window boundary is always filtered row by row. Rows of one part are sorted
        // by user, so each row group spans about the whole range anyway: nothing is lost.
        if let lo = entry.minTime, let hi = entry.maxTime {
            for g in allBounds.indices where allBounds[g].timeMin != nil || allBounds[g].timeMax != nil {
                allBounds[g].timeMin = lo
                allBounds[g].timeMax = hi
            }
        }
    }

    private init(path: String, pool: DescriptorPool?) throws(QueryError) {
        do {
            file = try ParquetFile(path: path, pool: pool)
        } catch {
            if case .io(_, _, let e) = error, e == ENOENT { throw .columnar(.damaged(path: path, problem: "missing")) }
            throw .columnar(error)
        }
        // Sessions as text (schema version 2), else as 16 bytes plus raw text (version 1).
        let fileSchema = file.schema
        let sessionType = fileSchema.index(of: EventColumns.userSession).map { fileSchema.fields[$0].type }
        let expected = EventColumns.learningBaseFields(version: sessionType == .string ? 2 : 1).map { ($0.name, $0.type) }
        for (name, type) in expected {
            guard let i = file.schema.index(of: name), file.schema.fields[i].type == type else {
                throw .columnar(.corrupt(ParquetLocation(file: path, column: name),
                                         reason: "not an events store file: column '\(name)' of type \(type) is missing"))
            }
        }
        columns = expected.map(\.0)
        sessionSplit = sessionType == .string
            ? UUIDTextSplit(column: EventColumns.userSession, rawColumn: EventColumns.userSessionRaw) : nil
        var bounds: [BatchBounds] = []
        for g in 0..<file.rowGroupCount {
            var b = BatchBounds(rows: file.rowCount(rowGroup: g))
            if let s = file.statistics(rowGroup: g, column: EventColumns.userId),
               case .int(let lo)? = s.min, case .int(let hi)? = s.max {
                b.userMin = lo
                b.userMax = hi
            }
            if let s = file.statistics(rowGroup: g, column: EventColumns.eventTime),
               case .int(let lo)? = s.min, case .int(let hi)? = s.max {
                b.timeMin = lo
                b.timeMax = hi
            }
            bounds.append(b)
        }
        allBounds = bounds
    }

    public var batchCount: Int { allBounds.count }
    public func bounds(batch: Int) -> BatchBounds { allBounds[batch] }

    public func load(batch: Int) throws(QueryError) -> RecordBatch {
        let b: RecordBatch
        do {
            b = try file.read(rowGroup: batch, columns: columns, uuidText: sessionSplit)
        } catch {
            throw .columnar(error)
        }
        try checkUsers(b, against: allBounds[batch], batch: batch)
        return b
    }

    /// The batch is sorted by user_id with NULLs first, so its first and last valid ids are its
    /// min and max: they must be the statistics the batch was pruned and split by.
    private func checkUsers(_ b: RecordBatch, against bounds: BatchBounds, batch: Int) throws(QueryError) {
        guard let lo = bounds.userMin, let hi = bounds.userMax,
              let ids = b.column(named: EventColumns.userId)?.int64Column else { return }
        var first = 0
        while first < ids.count && !ids.isValid(first) { first += 1 }
        let ok = first < ids.count ? ids.values[first] == lo && ids.values[ids.count - 1] == hi && ids.isValid(ids.count - 1) : false
        if !ok {
            throw .columnar(.damaged(path: file.path, problem: "row group \(batch): user_id values disagree with the footer's statistics"))
        }
    }
}
