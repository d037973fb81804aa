import Columnar

/// A seeded generator of realistic synthetic Sparkify data, shaped like the Udacity sample:
/// a song catalogue (`song_data/A/B/C/TR….json`, one pretty-ish object per file) and event logs
/// (`log_data/YYYY/MM/YYYY-MM-DD-events.json`, JSON lines sorted by `ts`).
///
/// Users have names, gender, a location, a user agent (escaped like the real logs: `\/` and
/// `\"`), a registration time and a level (free users may upgrade mid-period). Each session is a
/// run of events about a song length apart; most are `NextSong` (songs drawn from the catalogue
/// with a skewed popularity, `length` within a few milliseconds of the duration, a share of
/// songs unknown to the catalogue like in the real data), the rest are Home, Settings, Thumbs
/// Up, Roll Advert, Logout…; a share of sessions start logged out (`userId` "", no names).
///
/// The same options always give byte-identical files. Memory: the catalogue and the events of
/// about two days (events are generated day by day, spilling into the next day's file).
public struct SparkifyGenerator: Sendable {
    public struct Options: Sendable {
        public var seed: UInt64 = 42
        /// Approximate number of events (the generator stops at the first session end past it).
        public var events: Int = 100_000
        public var users: Int = 1000
        public var catalogueSongs: Int = 2000
        /// Share of NextSong events whose song is in the catalogue.
        public var knownSongShare: Double = 0.7
        /// First day (days since 1970-01-01); default 2018-11-01.
        public var firstDay: Int64 = 17836
        public var days: Int = 30

        public init() {}
    }

    /// One song of the synthetic catalogue.
    public struct Song: Sendable, Equatable {
        public var songId: String
        public var title: String
        public var artistId: String
        public var artistName: String
        public var location: String
        public var latitude: Double?
        public var longitude: Double?
        public var duration: Double
        public var year: Int
    }

    public let options: Options
    public let catalogue: [Song]
    /// JSON literals precomputed once (title, artist name) per catalogue song.
    let quotedSongs: [(title: String, artist: String)]
    /// Songs absent from the catalogue, as JSON literals, with their length.
    let unknownSongs: [(title: String, artist: String, length: Double)]

    public init(options: Options) {
        self.options = options
        var rng = SplitMix(seed: options.seed ^ 0x5EED_5096)
        var songs: [Song] = []
        let artistCount = max(1, options.catalogueSongs / 3)
        var artists: [(id: String, name: String, location: String, lat: Double?, lon: Double?)] = []
        for a in 0..<artistCount {
            let hasGeo = rng.chance(0.5)
            artists.append((Self.id("AR", rng.next(), 16), Self.words(&rng, 1...3, capital: true) + (a % 7 == 0 ? " & The Band" : ""),
                            rng.chance(0.3) ? "" : Self.cities[rng.int(Self.cities.count)],
                            hasGeo ? Self.round5(rng.double() * 90 - 10) : nil, hasGeo ? Self.round5(rng.double() * 200 - 120) : nil))
        }
        for _ in 0..<options.catalogueSongs {
            let artist = artists[rng.int(artists.count)]
            songs.append(Song(songId: Self.id("SO", rng.next(), 16), title: Self.words(&rng, 1...5, capital: true),
                              artistId: artist.id, artistName: artist.name, location: artist.location,
                              latitude: artist.lat, longitude: artist.lon,
                              duration: Self.round5(90 + rng.double() * 300), year: rng.chance(0.4) ? 0 : 1950 + rng.int(60)))
        }
        catalogue = songs
        quotedSongs = songs.map { (Self.quote($0.title), Self.quote($0.artistName)) }
        var unknown: [(String, String, Double)] = []
        for k in 0..<5000 {
            var urng = SplitMix(seed: UInt64(k) &+ 99)
            let length = Self.round5(120 + urng.double() * 240)
            unknown.append((Self.quote(Self.words(&urng, 1...4, capital: true)), Self.quote(Self.words(&urng, 1...2, capital: true)), length))
        }
        unknownSongs = unknown
    }

    // MARK: writing

    /// Writes the catalogue under `directory` (`A/<X>/<Y>/TR….json`); returns the file count.
    @discardableResult
    public func writeSongs(to directory: String) throws(ColumnarError) -> Int {
        var n = 0
        for (i, s) in catalogue.enumerated() {
            let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            let dir = directory + "/A/" + String(letters[i % 26]) + "/" + String(letters[(i / 26) % 26])
            try FileIO.makeDirectories(dir)
            var text = "{\"num_songs\": 1, \"artist_id\": \"\(s.artistId)\", "
            text += "\"artist_latitude\": \(s.latitude.map { String($0) } ?? "null"), "
            text += "\"artist_longitude\": \(s.longitude.map { String($0) } ?? "null"), "
            text += "\"artist_location\": \(Self.quote(s.location)), \"artist_name\": \(Self.quote(s.artistName)), "
            text += "\"song_id\": \"\(s.songId)\", \"title\": \(Self.quote(s.title)), \"duration\": \(s.duration), \"year\": \(s.year)}"
            try FileIO.writeAll(dir + "/TR" + s.songId.dropFirst(2) + ".json", Array(text.utf8))
            n += 1
        }
        return n
    }

    /// Writes the event logs under `directory` (one JSON-lines file per day); returns the number
    /// of events written. `progress` is called after each day with the events so far.
    @discardableResult
    public func writeLogs(to directory: String, progress: (Int) -> Void = { _ in }) throws(ColumnarError) -> Int {
        var rng = SplitMix(seed: options.seed)
        let users = makeUsers(&rng)
        let perDay = max(1, options.events / max(1, options.days))
        var written = 0
        var spill: [Event] = []
        var sessionId = 1
        for d in 0..<options.days {
            let day = options.firstDay + Int64(d)
            let dayStartMs = day * 86_400_000
            var events = spill
            spill = []
            var made = events.count
            let target = d == options.days - 1 ? options.events - written : perDay
            while made < target {
                let session = makeSession(&rng, users: users, sessionId: sessionId, startMs: dayStartMs + Int64(rng.int(86_400_000)))
                sessionId += 1
                made += session.count
                for e in session {
                    if e.ts < dayStartMs + 86_400_000 || d == options.days - 1 { events.append(e) } else { spill.append(e) }
                }
            }
            events.sort { ($0.ts, $0.order) < ($1.ts, $1.order) }
            let (y, m, dd) = CivilTime.civilFromDays(day)
            let dir = directory + "/" + String(y) + "/" + Self.pad2(m)
            try FileIO.makeDirectories(dir)
            var text = ""
            text.reserveCapacity(events.count * 400)
            for e in events { appendJSON(e, users, to: &text) }
            let handle = try WriteHandle(path: dir + "/\(y)-\(Self.pad2(m))-\(Self.pad2(dd))-events.json")
            do throws(ColumnarError) {
                try handle.write(Array(text.utf8))
                try handle.close()
            } catch {
                handle.abandon()
                throw error
            }
            written += events.count
            progress(written)
        }
        return written
    }

    // MARK: model

    struct User {
        var id: Int
        var first: String
        var last: String
        var gender: String
        var location: String
        var agent: String
        var registration: Int64
        var paid: Bool
        /// `"firstName":…,"gender":…,` / `"lastName":…,` / `"location":…,` / registration / userAgent+userId
        var jsonFirstGender = ""
        var jsonLast = ""
        var jsonLocation = ""
        var jsonRegistration = ""
        var jsonAgentId = ""
    }

    struct Event {
        var ts: Int64
        var order: Int
        var user: Int?          // index into users; nil = logged out
        var page: String
        var method: String
        var status: Int
        var auth: String
        var level: String
        var sessionId: Int
        var item: Int
        var song: Int?          // index into catalogue, or -1 - k for an unknown song k
        var unknownSong: Int?    // index into unknownSongs
        var length: Double?
    }

    func makeUsers(_ rng: inout SplitMix) -> [User] {
        (0..<max(1, options.users)).map { i in
            let female = rng.chance(0.5)
            let names = female ? Self.femaleNames : Self.maleNames
            var u = User(id: i + 2, first: names[rng.int(names.count)], last: Self.lastNames[rng.int(Self.lastNames.count)],
                         gender: female ? "F" : "M", location: Self.cities[rng.int(Self.cities.count)],
                         agent: Self.agents[rng.int(Self.agents.count)],
                         registration: options.firstDay * 86_400_000 - Int64(rng.int(60 * 86_400)) * 1000 - 204,
                         paid: rng.chance(0.25))
            u.jsonFirstGender = "\"firstName\":\(Self.quote(u.first)),\"gender\":\(Self.quote(u.gender)),"
            u.jsonLast = "\"lastName\":\(Self.quote(u.last)),"
            u.jsonLocation = "\"location\":\(Self.quote(u.location)),"
            u.jsonRegistration = "\"registration\":\(u.registration).0,"
            u.jsonAgentId = "\"userAgent\":\(Self.quote("\"" + u.agent + "\"", escapeSlash: true)),\"userId\":\"\(u.id)\"}\n"
            return u
        }
    }

    /// Pages other than NextSong, weighted roughly like the real sample (per mille of events).
    static let otherPages: [(String, String, Int)] = {
        let weighted: [(String, String, Int, Int)] = [
            ("Home", "GET", 200, 24), ("Thumbs Up", "PUT", 307, 34), ("Add to Playlist", "PUT", 200, 24),
            ("Roll Advert", "GET", 200, 29), ("Add Friend", "PUT", 307, 11), ("Thumbs Down", "PUT", 307, 9),
            ("Settings", "GET", 200, 6), ("Downgrade", "GET", 200, 7), ("Help", "GET", 200, 5), ("About", "GET", 200, 2),
            ("Save Settings", "PUT", 307, 1), ("Error", "GET", 404, 1),
        ]
        return weighted.flatMap { page in Array(repeating: (page.0, page.1, page.2), count: page.3) }
    }()

    func makeSession(_ rng: inout SplitMix, users: [User], sessionId: Int, startMs: Int64) -> [Event] {
        var out: [Event] = []
        var ts = startMs
        var item = 0
        func push(_ page: String, _ method: String, _ status: Int, _ auth: String, _ user: Int?, _ level: String) {
            out.append(Event(ts: ts, order: sessionId &* 4096 &+ item, user: user, page: page, method: method, status: status,
                             auth: auth, level: level, sessionId: sessionId, item: item, song: nil, unknownSong: nil, length: nil))
            item += 1
        }
        if rng.chance(0.04) {
            // A logged-out visit: Home, maybe Login, then nothing (or a short logged-in run below).
            push("Home", "GET", 200, "Logged Out", nil, "free")
            ts += Int64(rng.int(60_000))
            push("Login", "PUT", 307, "Logged Out", nil, "free")
            return out
        }
        let u = rng.int(users.count)
        // Skewed user activity: low indices are more active.
        let user = rng.chance(0.5) ? u / 4 : u
        var paid = users[user].paid
        let length = 1 + rng.int(rng.chance(0.2) ? 120 : 25)
        for _ in 0..<length {
            let level = paid ? "paid" : "free"
            if rng.chance(0.82) {
                var e = Event(ts: ts, order: sessionId &* 4096 &+ item, user: user, page: "NextSong", method: "PUT", status: 200,
                              auth: "Logged In", level: level, sessionId: sessionId, item: item, song: nil, unknownSong: nil, length: nil)
                if rng.chance(options.knownSongShare), !catalogue.isEmpty {
                    // Popularity skew: square of a uniform draw favours the first songs.
                    let r = rng.double()
                    let s = min(catalogue.count - 1, Int(r * r * Double(catalogue.count)))
                    e.song = s
                    e.length = Self.round5(catalogue[s].duration + (rng.double() - 0.5) * 0.01)
                } else {
                    let k = rng.int(unknownSongs.count)
                    e.unknownSong = k
                    e.length = unknownSongs[k].length
                }
                out.append(e)
                item += 1
                ts += Int64((e.length ?? 200) * 1000)
            } else {
                let (page, method, status) = Self.otherPages[rng.int(Self.otherPages.count)]
                push(page, method, status, "Logged In", user, level)
                if !paid, rng.chance(0.05) {
                    push("Upgrade", "GET", 200, "Logged In", user, level)
                    push("Submit Upgrade", "PUT", 307, "Logged In", user, level)
                    paid = true
                }
                ts += Int64(1000 + rng.int(30_000))
            }
        }
        if rng.chance(0.3) { push("Logout", "PUT", 307, "Logged In", user, paid ? "paid" : "free") }
        return out
    }

    func appendJSON(_ e: Event, _ users: [User], to text: inout String) {
        let u = e.user.map { users[$0] }
        var artist = "null", song = "null"
        if let s = e.song { (song, artist) = quotedSongs[s] }
        if let k = e.unknownSong { (song, artist) = (unknownSongs[k].title, unknownSongs[k].artist) }
        text += "{\"artist\":"
        text += artist
        text += ",\"auth\":\""
        text += e.auth
        text += "\","
        text += u?.jsonFirstGender ?? "\"firstName\":null,\"gender\":null,"
        text += "\"itemInSession\":"
        text += String(e.item)
        text += ","
        text += u?.jsonLast ?? "\"lastName\":null,"
        text += "\"length\":"
        text += e.length.map { String($0) } ?? "null"
        text += ",\"level\":\""
        text += e.level
        text += "\","
        text += u?.jsonLocation ?? "\"location\":null,"
        text += "\"method\":\""
        text += e.method
        text += "\",\"page\":\""
        text += e.page
        text += "\","
        text += u?.jsonRegistration ?? "\"registration\":null,"
        text += "\"sessionId\":"
        text += String(e.sessionId)
        text += ",\"song\":"
        text += song
        text += ",\"status\":"
        text += String(e.status)
        text += ",\"ts\":"
        text += String(e.ts)
        text += ","
        text += u?.jsonAgentId ?? "\"userAgent\":null,\"userId\":\"\"}\n"
    }

    // MARK: text helpers

    /// A JSON string literal; `escapeSlash` writes `/` as `\/` like the real logs.
    static func quote(_ s: String, escapeSlash: Bool = false) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "/" where escapeSlash: out += "\\/"
            case "\n": out += "\\n"
            default:
                if scalar.value < 0x20 {
                    out += "\\u00" + (scalar.value < 16 ? "0" : "1") + String(scalar.value % 16, radix: 16)
                } else if scalar.value > 0x7E {
                    out += Self.unicodeEscape(scalar)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `\uXXXX` (a surrogate pair above the BMP), as the real data escapes non-ASCII text.
    static func unicodeEscape(_ scalar: Unicode.Scalar) -> String {
        func hex4(_ v: UInt32) -> String {
            let h = String(v, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - h.count) + h
        }
        if scalar.value >= 0x10000 {
            let v = scalar.value - 0x10000
            return hex4(0xD800 + (v >> 10)) + hex4(0xDC00 + (v & 0x3FF))
        }
        return hex4(scalar.value)
    }

    static func id(_ prefix: String, _ v: UInt64, _ length: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var x = v
        var s = prefix
        for _ in 0..<length {
            s.append(alphabet[Int(x % 36)])
            x /= 36
            if x == 0 { x = v &* 0x9E37_79B9_7F4A_7C15 | 1 }
        }
        return s
    }

    static func words(_ rng: inout SplitMix, _ count: ClosedRange<Int>, capital: Bool) -> String {
        let n = count.lowerBound + rng.int(count.count)
        return (0..<n).map { _ in
            let w = vocabulary[rng.int(vocabulary.count)]
            return capital ? w.prefix(1).uppercased() + w.dropFirst() : w
        }.joined(separator: " ")
    }

    static func round5(_ x: Double) -> Double { (x * 100_000).rounded() / 100_000 }
    static func pad2(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }

    static let vocabulary = ["love", "night", "heart", "fire", "dream", "rain", "city", "light", "dance", "blue", "road",
                             "gold", "river", "time", "wild", "ghost", "summer", "stone", "echo", "moon", "señor", "café",
                             "daylight", "shadow", "ocean", "radio", "velvet", "storm", "garden", "silver", "nação", "zoë", "🎵"]
    static let femaleNames = ["Kaylee", "Lily", "Jacqueline", "Tegan", "Chloe", "Ava", "Layla", "Aleena", "Rylan",
                              "Jayden", "Sara", "Anabelle", "Amiya", "Madison", "Olivia", "Emma", "Zoë"]
    static let maleNames = ["Walter", "Ryan", "Kevin", "Jacob", "Noah", "Liam", "Mohammad", "Wyatt", "Aiden", "Sebastián",
                            "Theodore", "Martin", "Jordan", "Lucas", "Caleb", "Connar", "Everett", "Ethan"]
    static let lastNames = ["Frye", "Summers", "Smith", "Lynch", "Levine", "Cuevas", "Cruz", "Koch", "Johnson", "Williams",
                            "Garrison", "Perez", "Rodriguez", "Hodge", "O'Brien", "Müller", "Nguyen", "Silva"]
    static let cities = ["San Francisco-Oakland-Hayward, CA", "Phoenix-Mesa-Scottsdale, AZ", "Chicago-Naperville-Elgin, IL-IN-WI",
                         "New York-Newark-Jersey City, NY-NJ-PA", "Atlanta-Sandy Springs-Roswell, GA", "Lansing-East Lansing, MI",
                         "Portland-South Portland, ME", "Houston-The Woodlands-Sugar Land, TX", "Nashville, TN.", "Seattle-Tacoma-Bellevue, WA"]
    static let agents = [
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1985.143 Safari/537.36",
        "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/35.0.1916.153 Safari/537.36",
        "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:31.0) Gecko/20100101 Firefox/31.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 7_1_2 like Mac OS X) AppleWebKit/537.51.2 (KHTML, like Gecko) Version/7.0 Mobile/11D257 Safari/9537.53",
        "Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.1; WOW64; Trident/6.0)",
    ]
}

/// SplitMix64: the generator's deterministic PRNG (no global state).
struct SplitMix: Sendable {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
    mutating func double() -> Double { Double(next() >> 11) * 0x1.0p-53 }
    mutating func chance(_ p: Double) -> Bool { double() < p }
}
