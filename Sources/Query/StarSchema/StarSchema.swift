import Columnar

/// Builds the Sparkify star schema (songplays, users, songs, artists, time) from batches of the
/// `sparkify_log` and `songs` datasets. The rules are specified in `docs/star-schema.md`.
///
/// Memory: the song catalogue, the songplay rows, and one (batch, row) reference per user;
/// the log batches themselves are held by the caller. One pass over the events.
public enum StarSchema {
    /// Builds all five tables. `window` (inclusive, UTC) keeps only events whose `ts` is inside.
    /// Throws `.columnar(.invalidArgument)` when a batch lacks a needed column.
    public static func build(logs: [RecordBatch], songs: [RecordBatch],
                             window: TimeWindow? = nil) throws(QueryError) -> StarSchemaTables {
        let catalogue = try SongCatalogue(batches: songs)
        var plays = SongplayBuilder()
        var latest: [Int64: UserRef] = [:]
        for (b, batch) in logs.enumerated() {
            let view = try LogView(batch)
            plays.views.append(view)
            let nextSong = Array("NextSong".utf8)
            for row in 0..<batch.rowCount {
                guard let ts = view.ts[row] else { continue }
                if let window, !window.contains(ts) { continue }
                let session = view.sessionId[row], item = view.itemInSession[row]
                if let user = view.userIdInt[row] {
                    let ref = UserRef(ts: ts, session: session ?? .min, item: item ?? .min, batch: b, row: row)
                    if let old = latest[user] {
                        if !(ref.key < old.key) { latest[user] = ref }
                    } else {
                        latest[user] = ref
                    }
                }
                guard view.page.equals(row, nextSong) else { continue }
                var match: SongRecord?
                if view.song.isValid(row), view.artist.isValid(row), let length = view.length[row] {
                    match = view.song.withBytes(row) { title in
                        view.artist.withBytes(row) { artist in catalogue.match(title: title, artist: artist, length: length) }
                    }
                }
                let id = view.userId.withBytes(row) { bytes in
                    SongplayID.make(tsMillis: Self.floorMillis(ts), userId: bytes, sessionId: session, itemInSession: item)
                }
                plays.append(id: id, ts: ts, user: view.userIdInt[row], session: session, match: match, batch: b, row: row)
            }
        }
        return StarSchemaTables(
            songplays: try plays.finish(),
            users: try usersBatch(latest, logs),
            songs: try catalogue.songsBatch(),
            artists: try catalogue.artistsBatch(),
            time: try timeBatch(plays.startTimes))
    }

    @inline(__always) static func floorMillis(_ micros: Int64) -> Int64 {
        micros >= 0 ? micros / 1000 : (micros - 999) / 1000
    }

    /// The latest event of a user: ordered by (ts, sessionId, itemInSession), later input wins ties.
    struct UserRef {
        var ts: Int64
        var session: Int64
        var item: Int32
        var batch: Int
        var row: Int
        var key: (Int64, Int64, Int32) { (ts, session, item) }
    }

    static func usersBatch(_ latest: [Int64: UserRef], _ logs: [RecordBatch]) throws(QueryError) -> RecordBatch {
        var views: [LogView] = []
        for batch in logs { views.append(try LogView(batch)) }
        var ids = FixedWidthColumn<Int64>()
        var first = StringColumn(), last = StringColumn(), gender = StringColumn(), level = StringColumn()
        for user in latest.keys.sorted() {
            let ref = latest[user]!
            let v = views[ref.batch]
            ids.append(user, placeholder: 0)
            v.firstName.append(ref.row, to: &first)
            v.lastName.append(ref.row, to: &last)
            v.gender.append(ref.row, to: &gender)
            v.level.append(ref.row, to: &level)
        }
        do {
            return try RecordBatch(schema: StarSchemaTables.usersSchema,
                                   columns: [.int64(ids), .string(first), .string(last), .string(gender), .string(level)])
        } catch { throw .columnar(error) }
    }

    static func timeBatch(_ startTimes: [Int64]) throws(QueryError) -> RecordBatch {
        var distinct = startTimes.sorted()
        var w = 0
        for i in distinct.indices where i == 0 || distinct[i] != distinct[i - 1] {
            distinct[w] = distinct[i]
            w += 1
        }
        distinct.removeSubrange(w...)
        var cols = Array(repeating: ContiguousArray<Int32>(), count: 6)
        for c in cols.indices { cols[c].reserveCapacity(distinct.count) }
        for ts in distinct {
            let f = TimeFields(micros: ts)
            cols[0].append(f.hour); cols[1].append(f.day); cols[2].append(f.week)
            cols[3].append(f.month); cols[4].append(f.year); cols[5].append(f.weekday)
        }
        do {
            return try RecordBatch(schema: StarSchemaTables.timeSchema,
                                   columns: [.int64(FixedWidthColumn(values: ContiguousArray(distinct)))]
                                       + cols.map { .int32(FixedWidthColumn(values: $0)) })
        } catch { throw .columnar(error) }
    }
}

/// Typed access to the columns of one `sparkify_log` batch the star schema reads.
struct LogView {
    let ts: FixedWidthColumn<Int64>
    let userId: StringAccess
    let userIdInt: FixedWidthColumn<Int64>
    let sessionId: FixedWidthColumn<Int64>
    let itemInSession: FixedWidthColumn<Int32>
    let page: StringAccess
    let level: StringAccess
    let firstName: StringAccess
    let lastName: StringAccess
    let gender: StringAccess
    let song: StringAccess
    let artist: StringAccess
    let length: FixedWidthColumn<Double>
    let location: StringAccess
    let userAgent: StringAccess

    init(_ batch: RecordBatch) throws(QueryError) {
        func missing(_ name: String, _ type: String) -> QueryError {
            .columnar(.invalidArgument("sparkify_log batch lacks \(type) column '\(name)'"))
        }
        func s(_ name: String) throws(QueryError) -> StringAccess {
            guard let c = batch.column(named: name), let a = StringAccess(c) else { throw missing(name, "string") }
            return a
        }
        func i64(_ name: String) throws(QueryError) -> FixedWidthColumn<Int64> {
            guard let c = batch.column(named: name)?.int64Column else { throw missing(name, "int64") }
            return c
        }
        guard let item = batch.column(named: "itemInSession")?.int32Column else { throw missing("itemInSession", "int32") }
        guard let length = batch.column(named: "length")?.doubleColumn else { throw missing("length", "double") }
        ts = try i64("ts")
        userId = try s("userId")
        userIdInt = try i64("userIdInt")
        sessionId = try i64("sessionId")
        itemInSession = item
        page = try s("page")
        level = try s("level")
        firstName = try s("firstName")
        lastName = try s("lastName")
        gender = try s("gender")
        song = try s("song")
        artist = try s("artist")
        self.length = length
        location = try s("location")
        userAgent = try s("userAgent")
    }
}

/// Accumulates songplay rows, then sorts them by (start_time, songplay_id).
struct SongplayBuilder {
    var ids = ContiguousArray<Int64>()
    var startTimes: [Int64] = []
    var users = NullableValues<Int64>()
    var songIds = StringColumn()
    var artistIds = StringColumn()
    var sessions = NullableValues<Int64>()
    /// (batch, row) of each songplay's event: level, location and user agent are copied once,
    /// in output order, by `finish`.
    var batches = ContiguousArray<Int32>()
    var rows = ContiguousArray<Int32>()
    var views: [LogView] = []

    mutating func append(id: Int64, ts: Int64, user: Int64?, session: Int64?, match: SongRecord?, batch: Int, row: Int) {
        ids.append(id)
        startTimes.append(ts)
        users.append(user)
        songIds.append(match?.songId)
        artistIds.append(match?.artistId)
        sessions.append(session)
        batches.append(Int32(batch))
        rows.append(Int32(row))
    }

    func strings(_ pick: (LogView) -> StringAccess, _ order: [Int]) -> StringColumn {
        ColumnGather.gatherStrings(views.map(pick), count: order.count,
                                   source: { Int(batches[order[$0]]) }, row: { Int(rows[order[$0]]) })
    }

    func finish() throws(QueryError) -> RecordBatch {
        var order = Array(0..<ids.count)
        order.sort { (startTimes[$0], ids[$0], $0) < (startTimes[$1], ids[$1], $1) }
        var years = ContiguousArray<Int32>(), months = ContiguousArray<Int32>()
        years.reserveCapacity(order.count)
        months.reserveCapacity(order.count)
        var sortedTimes = ContiguousArray<Int64>()
        sortedTimes.reserveCapacity(order.count)
        var sortedIds = ContiguousArray<Int64>()
        sortedIds.reserveCapacity(order.count)
        for i in order {
            let ts = startTimes[i]
            let (y, m, _) = CivilTime.civilFromDays(CivilTime.dayNumber(micros: ts))
            years.append(Int32(y))
            months.append(Int32(m))
            sortedTimes.append(ts)
            sortedIds.append(ids[i])
        }
        let columns: [AnyColumn] = [
            .int64(FixedWidthColumn(values: sortedIds)),
            .int64(FixedWidthColumn(values: sortedTimes)),
            .int64(ColumnGather.gather(users.column, order)),
            .string(strings(\.level, order)),
            .string(ColumnGather.gather(songIds, order)),
            .string(ColumnGather.gather(artistIds, order)),
            .int64(ColumnGather.gather(sessions.column, order)),
            .string(strings(\.location, order)),
            .string(strings(\.userAgent, order)),
            .int32(FixedWidthColumn(values: years)),
            .int32(FixedWidthColumn(values: months)),
        ]
        do { return try RecordBatch(schema: StarSchemaTables.songplaysSchema, columns: columns) } catch { throw .columnar(error) }
    }
}

/// A fixed-width column under construction: values plus validity bits, specialised here
/// (FixedWidthColumn's generic `append` is not specialised across the module boundary).
struct NullableValues<T: BitwiseCopyable & Sendable & Numeric> {
    var values = ContiguousArray<T>()
    var validity = Bitmap(reservingCapacity: 0)
    var nulls = 0

    @inline(__always) mutating func append(_ v: T?) {
        values.append(v ?? 0)
        validity.append(v != nil)
        if v == nil { nulls += 1 }
    }

    var column: FixedWidthColumn<T> { FixedWidthColumn(values: values, validity: nulls > 0 ? validity : nil) }
}
