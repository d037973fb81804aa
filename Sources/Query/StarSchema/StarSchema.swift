import Columnar

/// Builds the Sparkify star schema (songplays, users, songs, artists, time) from batches of the
/// `sparkify_log` and `songs` datasets. The rules are specified in `docs/star-schema.md`.
public enum StarSchema {
    /// Builds all five tables. `window` (inclusive, UTC) keeps only events whose `ts` is inside.
    /// Throws `.columnar(.invalidArgument)` when a batch lacks a needed column.
    public static func build(logs: [RecordBatch], songs: [RecordBatch],
                             window: TimeWindow? = nil) throws(QueryError) -> StarSchemaTables {
        var builder = try StarSchemaBuilder(songs: songs, window: window)
        for batch in logs { try builder.add(batch) }
        return try builder.finish()
    }

    @inline(__always) static func floorMillis(_ micros: Int64) -> Int64 {
        micros >= 0 ? micros / 1000 : (micros - 999) / 1000
    }

    static func timeBatch(_ startTimes: ContiguousArray<Int64>) throws(QueryError) -> RecordBatch {
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
            return try RecordBatch(schema: StarSchemaLayout.time.schema,
                                   columns: [.int64(FixedWidthColumn(values: ContiguousArray(distinct)))]
                                       + cols.map { .int32(FixedWidthColumn(values: $0)) })
        } catch { throw .columnar(error) }
    }
}

/// The streaming form of `StarSchema.build`: feed `sparkify_log` batches one at a time with
/// `add` (each may be dropped afterwards), then `finish`.
///
/// Memory: the catalogue, the songplay rows built so far (their strings copied: level,
/// location, user agent), and one record per user (the latest event's attributes); never the
/// log batches themselves.
public struct StarSchemaBuilder {
    let catalogue: SongCatalogue
    let window: TimeWindow?
    var plays: SongplayBuilder
    var users: [Int64: UserState] = [:]
    static let nextSong = Array("NextSong".utf8)

    /// The latest event of a user: ordered by (ts, sessionId, itemInSession), later input wins ties.
    struct UserState {
        var key: (Int64, Int64, Int32)
        var first: String?
        var last: String?
        var gender: String?
        var level: String?
    }

    public init(songs: [RecordBatch], window: TimeWindow? = nil) throws(QueryError) {
        catalogue = try SongCatalogue(batches: songs)
        self.window = window
        plays = SongplayBuilder()
    }

    /// Adds the events of one `sparkify_log` batch (any column order; extra columns ignored).
    public mutating func add(_ batch: RecordBatch) throws(QueryError) {
        let view = try LogView(batch)
        var latest: [Int64: (key: (Int64, Int64, Int32), row: Int)] = [:]
        for row in 0..<batch.rowCount {
            guard let ts = view.ts[row] else { continue }
            if let window, !window.contains(ts) { continue }
            let session = view.sessionId[row], item = view.itemInSession[row]
            let user = view.userIdInt[row]
            if let user {
                let key = (ts, session ?? .min, item ?? .min)
                if latest[user].map({ key < $0.key }) != true { latest[user] = (key, row) }
            }
            guard view.page.equals(row, Self.nextSong) else { continue }
            var match = -1
            if view.song.isValid(row), view.artist.isValid(row), let length = view.length[row] {
                match = view.song.withBytes(row) { title in
                    view.artist.withBytes(row) { artist in catalogue.match(title: title, artist: artist, length: length) }
                } ?? -1
            }
            let id = view.userId.withBytes(row) { bytes in
                SongplayID.make(tsMillis: StarSchema.floorMillis(ts), userId: bytes, sessionId: session, itemInSession: item)
            }
            plays.append(id: id, ts: ts, user: user, session: session, match: match, view: view, row: row)
        }
        for (user, candidate) in latest {
            if let old = users[user], candidate.key < old.key { continue }
            let r = candidate.row
            users[user] = UserState(key: candidate.key, first: view.firstName.string(r), last: view.lastName.string(r),
                                    gender: view.gender.string(r), level: view.level.string(r))
        }
    }

    /// The five tables. Consumes the builder (its songplay columns are released one by one
    /// while the sorted copies are made, which bounds the peak).
    public consuming func finish() throws(QueryError) -> StarSchemaTables {
        let time = try StarSchema.timeBatch(plays.startTimes)
        let songplays = try plays.finish(catalogue)
        return StarSchemaTables(songplays: songplays, users: try usersBatch(), songs: try catalogue.songsBatch(),
                                artists: try catalogue.artistsBatch(), time: time)
    }

    /// The songplays (sorted by (start_time, songplay_id)) and time rows of the events added
    /// since the last call; afterwards the builder holds only the users and the catalogue.
    /// Called after each day partition of the log, it streams the two big tables: days are
    /// disjoint in time, so the concatenation of the drained batches is sorted and its time rows
    /// are distinct (events of one instant must not be split across calls).
    public mutating func drainSongplays() throws(QueryError) -> (songplays: RecordBatch, time: RecordBatch) {
        let time = try StarSchema.timeBatch(plays.startTimes)
        let songplays = try plays.finish(catalogue)
        plays = SongplayBuilder()
        return (songplays, time)
    }

    /// The users, songs and artists tables (for use with `drainSongplays`).
    public func dimensions() throws(QueryError) -> (users: RecordBatch, songs: RecordBatch, artists: RecordBatch) {
        (try usersBatch(), try catalogue.songsBatch(), try catalogue.artistsBatch())
    }

    func usersBatch() throws(QueryError) -> RecordBatch {
        var ids = ContiguousArray<Int64>()
        var first = StringColumn(), last = StringColumn(), gender = StringColumn(), level = StringColumn()
        for user in users.keys.sorted() {
            let u = users[user]!
            ids.append(user)
            first.append(u.first)
            last.append(u.last)
            gender.append(u.gender)
            level.append(u.level)
        }
        do {
            return try RecordBatch(schema: StarSchemaLayout.users.schema,
                                   columns: [.int64(FixedWidthColumn(values: ids)), .string(first), .string(last),
                                             .string(gender), .string(level)])
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

/// Accumulates songplay rows (strings copied from the event), then sorts them by
/// (start_time, songplay_id).
struct SongplayBuilder {
    var ids = ContiguousArray<Int64>()
    var startTimes = ContiguousArray<Int64>()
    var users = NullableValues<Int64>()
    var sessions = NullableValues<Int64>()
    /// Index of the matched song in the catalogue, -1 for none.
    var matches = ContiguousArray<Int32>()
    var levels = StringBuilder()
    var locations = StringBuilder()
    var agents = StringBuilder()

    mutating func append(id: Int64, ts: Int64, user: Int64?, session: Int64?, match: Int, view: LogView, row: Int) {
        ids.append(id)
        startTimes.append(ts)
        users.append(user)
        sessions.append(session)
        matches.append(Int32(match))
        levels.append(view.level, row)
        locations.append(view.location, row)
        agents.append(view.userAgent, row)
    }

    /// The sorted batch; each builder column is released as soon as its sorted copy exists.
    mutating func finish(_ catalogue: SongCatalogue) throws(QueryError) -> RecordBatch {
        var order = Array(0..<ids.count)
        order.sort { (startTimes[$0], ids[$0], $0) < (startTimes[$1], ids[$1], $1) }
        var years = ContiguousArray<Int32>(), months = ContiguousArray<Int32>()
        years.reserveCapacity(order.count)
        months.reserveCapacity(order.count)
        var sortedTimes = ContiguousArray<Int64>()
        sortedTimes.reserveCapacity(order.count)
        var sortedIds = ContiguousArray<Int64>()
        sortedIds.reserveCapacity(order.count)
        var songIds = StringBuilder(), artistIds = StringBuilder()
        for i in order {
            let ts = startTimes[i]
            let (y, m, _) = CivilTime.civilFromDays(CivilTime.dayNumber(micros: ts))
            years.append(Int32(y))
            months.append(Int32(m))
            sortedTimes.append(ts)
            sortedIds.append(ids[i])
            let k = Int(matches[i])
            songIds.append(k >= 0 ? catalogue.songIdBytes[k] : nil)
            artistIds.append(k >= 0 ? catalogue.artistIdBytes[k] : nil)
        }
        ids = []
        startTimes = []
        matches = []
        let userColumn = ColumnGather.gather(users.column, order)
        users = NullableValues()
        let sessionColumn = ColumnGather.gather(sessions.column, order)
        sessions = NullableValues()
        let levelColumn = ColumnGather.gather(levels.column, order)
        levels = StringBuilder()
        let locationColumn = ColumnGather.gather(locations.column, order)
        locations = StringBuilder()
        let agentColumn = ColumnGather.gather(agents.column, order)
        agents = StringBuilder()
        let columns: [AnyColumn] = [
            .int64(FixedWidthColumn(values: sortedIds)),
            .int64(FixedWidthColumn(values: sortedTimes)),
            .int64(userColumn),
            .string(levelColumn),
            .string(songIds.column),
            .string(artistIds.column),
            .int64(sessionColumn),
            .string(locationColumn),
            .string(agentColumn),
            .int32(FixedWidthColumn(values: years)),
            .int32(FixedWidthColumn(values: months)),
        ]
        do { return try RecordBatch(schema: StarSchemaLayout.songplays.schema, columns: columns) } catch { throw .columnar(error) }
    }
}

/// A string column under construction, appended with one bulk copy per value.
struct StringBuilder {
    var offsets: ContiguousArray<Int32> = [0]
    var bytes = ContiguousArray<UInt8>()
    var validity = Bitmap(reservingCapacity: 0)
    var nulls = 0

    mutating func append(_ access: StringAccess, _ row: Int) {
        if access.isValid(row) {
            access.withBytes(row) { b in
                bytes.append(contentsOf: UnsafeBufferPointer(start: b.baseAddress?.assumingMemoryBound(to: UInt8.self), count: b.count))
            }
            validity.append(true)
        } else {
            validity.append(false)
            nulls += 1
        }
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
    }

    mutating func append(_ value: [UInt8]?) {
        if let value {
            bytes.append(contentsOf: value)
            validity.append(true)
        } else {
            validity.append(false)
            nulls += 1
        }
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
    }

    var column: StringColumn { StringColumn(offsets: offsets, bytes: bytes, validity: nulls > 0 ? validity : nil) }
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
