import Columnar

/// One store file (a sorted run of one day) as an `EventRun`: its row groups are the batches,
/// pruned by the user_id and event_time statistics before any page is read, and read with only
/// the learning-base columns. Safe to share between workers (reads are positional).
public struct ParquetEventRun: EventRun {
    public let file: ParquetFile
    private let allBounds: [BatchBounds]
    private let columns: [String]

    public var name: String { file.path }

    /// Opens `path` and checks it has the needed columns. Errors name the file: a corrupt or
    /// foreign file → `.columnar(.corrupt)`, an unreadable one → `.columnar(.io)`.
    public init(path: String) throws(QueryError) {
        do {
            file = try ParquetFile(path: path)
        } catch {
            throw .columnar(error)
        }
        let expected: [(String, ColumnType)] = [
            (EventColumns.eventTime, .timestampMicros), (EventColumns.eventType, .string), (EventColumns.productId, .int64),
            (EventColumns.categoryCode, .string), (EventColumns.brand, .string), (EventColumns.price, .double),
            (EventColumns.userId, .int64), (EventColumns.userSession, .uuid), (EventColumns.userSessionRaw, .string),
        ]
        for (name, type) in expected {
            guard let i = file.schema.index(of: name), file.schema.fields[i].type == type else {
                throw .columnar(.corrupt(ParquetLocation(file: path, column: name),
                                         reason: "not an events store file: column '\(name)' of type \(type) is missing"))
            }
        }
        columns = expected.map(\.0)
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
        do {
            return try file.read(rowGroup: batch, columns: columns)
        } catch {
            throw .columnar(error)
        }
    }
}
