import Columnar

/// One record of the song catalogue (the `songs` dataset of the store), as Swift values.
struct SongRecord: Sendable {
    var songId: String
    var title: String?
    var artistId: String
    var artistName: String?
    var artistLocation: String?
    var latitude: Double?
    var longitude: Double?
    var duration: Double?
    var year: Int32?
}

/// Orders optional values with nulls last (for the deterministic tie-break rules).
@inline(__always)
func nullsLastLess<T: Comparable>(_ a: T?, _ b: T?) -> Bool? {
    switch (a, b) {
    case (nil, nil): return nil
    case (nil, _): return false
    case (_, nil): return true
    case (let x?, let y?): return x == y ? nil : x < y
    }
}

/// The catalogue side of the star schema: deduplicated songs, one record per artist, and the
/// (title, artist name) index used to match log events to songs. Memory: the catalogue.
struct SongCatalogue {
    /// One record per song_id, sorted by song_id.
    var songs: [SongRecord] = []
    /// One record per artist_id (the most complete), sorted by artist_id.
    var artists: [SongRecord] = []
    /// FNV-1a of (title, 0xFF, artist_name) bytes -> indices into `songs`; candidates are then
    /// compared byte for byte, so events are matched without building Strings.
    var byTitleArtist: [UInt64: [Int]] = [:]
    var titleBytes: [[UInt8]] = []
    var artistBytes: [[UInt8]] = []
    var songIdBytes: [[UInt8]] = []
    var artistIdBytes: [[UInt8]] = []

    @inline(__always)
    static func matchHash(_ title: UnsafeRawBufferPointer, _ artist: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in title { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        h = (h ^ 0xFF) &* 0x0000_0100_0000_01B3
        for b in artist { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    init(batches: [RecordBatch]) throws(QueryError) {
        var records: [SongRecord] = []
        for batch in batches {
            func strings(_ name: String) throws(QueryError) -> StringAccess {
                guard let c = batch.column(named: name), let s = StringAccess(c) else {
                    throw .columnar(.invalidArgument("songs dataset lacks string column '\(name)'"))
                }
                return s
            }
            func doubles(_ name: String) throws(QueryError) -> FixedWidthColumn<Double> {
                guard let c = batch.column(named: name)?.doubleColumn else {
                    throw .columnar(.invalidArgument("songs dataset lacks double column '\(name)'"))
                }
                return c
            }
            let songId = try strings("song_id"), title = try strings("title"), artistId = try strings("artist_id")
            let artistName = try strings("artist_name"), location = try strings("artist_location")
            let lat = try doubles("artist_latitude"), lon = try doubles("artist_longitude"), duration = try doubles("duration")
            guard let year = batch.column(named: "year")?.int32Column else {
                throw .columnar(.invalidArgument("songs dataset lacks int32 column 'year'"))
            }
            for row in 0..<batch.rowCount {
                guard let id = songId.string(row), let artist = artistId.string(row) else { continue }
                records.append(SongRecord(songId: id, title: title.string(row), artistId: artist,
                                          artistName: artistName.string(row), artistLocation: location.string(row),
                                          latitude: lat[row], longitude: lon[row], duration: duration[row], year: year[row]))
            }
        }
        songs = Self.deduplicateSongs(records)
        artists = Self.bestArtists(records)
        for (i, s) in songs.enumerated() {
            songIdBytes.append(Array(s.songId.utf8))
            artistIdBytes.append(Array(s.artistId.utf8))
            titleBytes.append(Array((s.title ?? "").utf8))
            artistBytes.append(Array((s.artistName ?? "").utf8))
            guard s.title != nil, s.artistName != nil else { continue }
            let h = titleBytes[i].withUnsafeBytes { t in artistBytes[i].withUnsafeBytes { a in Self.matchHash(t, a) } }
            byTitleArtist[h, default: []].append(i)
        }
    }

    /// Per song_id the record with the smallest (title, artist_id, year, duration), nulls last.
    static func deduplicateSongs(_ records: [SongRecord]) -> [SongRecord] {
        func less(_ a: SongRecord, _ b: SongRecord) -> Bool {
            if a.songId != b.songId { return a.songId < b.songId }
            if let r = nullsLastLess(a.title, b.title) { return r }
            if a.artistId != b.artistId { return a.artistId < b.artistId }
            if let r = nullsLastLess(a.year, b.year) { return r }
            if let r = nullsLastLess(a.duration, b.duration) { return r }
            return false
        }
        let sorted = records.sorted(by: less)
        var out: [SongRecord] = []
        for r in sorted where out.last?.songId != r.songId { out.append(r) }
        return out
    }

    /// How many of the artist fields a record fills (empty strings count as missing).
    static func completeness(_ r: SongRecord) -> Int {
        (r.artistName.map { $0.isEmpty ? 0 : 1 } ?? 0) + (r.artistLocation.map { $0.isEmpty ? 0 : 1 } ?? 0)
            + (r.latitude == nil ? 0 : 1) + (r.longitude == nil ? 0 : 1)
    }

    /// Per artist_id the most complete record; ties by smallest song_id, then smallest
    /// (name, location, latitude, longitude) with nulls last.
    static func bestArtists(_ records: [SongRecord]) -> [SongRecord] {
        func less(_ a: SongRecord, _ b: SongRecord) -> Bool {
            if a.artistId != b.artistId { return a.artistId < b.artistId }
            let ca = completeness(a), cb = completeness(b)
            if ca != cb { return ca > cb }
            if a.songId != b.songId { return a.songId < b.songId }
            if let r = nullsLastLess(a.artistName, b.artistName) { return r }
            if let r = nullsLastLess(a.artistLocation, b.artistLocation) { return r }
            if let r = nullsLastLess(a.latitude, b.latitude) { return r }
            if let r = nullsLastLess(a.longitude, b.longitude) { return r }
            return false
        }
        let sorted = records.sorted(by: less)
        var out: [SongRecord] = []
        for r in sorted where out.last?.artistId != r.artistId { out.append(r) }
        return out
    }

    /// The song matching a NextSong event: same title and artist name (bytes), duration within
    /// 1 s of `length`; the closest duration wins, ties by smallest song_id (songs are sorted by id).
    /// Returns the index into `songs`.
    func match(title: UnsafeRawBufferPointer, artist: UnsafeRawBufferPointer, length: Double) -> Int? {
        guard let candidates = byTitleArtist[Self.matchHash(title, artist)] else { return nil }
        var best: Int?
        var bestDiff = Double.infinity
        for i in candidates {
            guard let d = songs[i].duration, titleBytes[i].elementsEqual(title), artistBytes[i].elementsEqual(artist) else { continue }
            let diff = abs(d - length)
            if diff <= 1.0, diff < bestDiff {
                best = i
                bestDiff = diff
            }
        }
        return best
    }

    func songsBatch() throws(QueryError) -> RecordBatch {
        var id = StringColumn(), title = StringColumn(), artist = StringColumn()
        var year = FixedWidthColumn<Int32>(), duration = FixedWidthColumn<Double>()
        for s in songs {
            id.append(s.songId)
            title.append(s.title)
            artist.append(s.artistId)
            year.append(s.year, placeholder: 0)
            duration.append(s.duration, placeholder: 0)
        }
        do {
            return try RecordBatch(schema: StarSchemaLayout.songs.schema,
                                   columns: [.string(id), .string(title), .string(artist), .int32(year), .double(duration)])
        } catch { throw .columnar(error) }
    }

    func artistsBatch() throws(QueryError) -> RecordBatch {
        var id = StringColumn(), name = StringColumn(), location = StringColumn()
        var lat = FixedWidthColumn<Double>(), lon = FixedWidthColumn<Double>()
        for a in artists {
            id.append(a.artistId)
            name.append(a.artistName)
            location.append(a.artistLocation)
            lat.append(a.latitude, placeholder: 0)
            lon.append(a.longitude, placeholder: 0)
        }
        do {
            return try RecordBatch(schema: StarSchemaLayout.artists.schema,
                                   columns: [.string(id), .string(name), .string(location), .double(lat), .double(lon)])
        } catch { throw .columnar(error) }
    }
}
