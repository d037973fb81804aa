import ArgumentParser
import Columnar
import Query
#if canImport(Glibc)
import Glibc
#endif

/// `extract star-schema`: the Sparkify star schema as a partitioned Parquet lake.
struct StarSchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "star-schema",
        abstract: "Write songplays, users, songs, artists and time as Hive-partitioned Parquet from a Sparkify store.",
        discussion: """
        Reads the sparkify_log and songs datasets (extract ingest --format sparkify-logs / sparkify-songs)
        and writes LAKE/{songplays,users,songs,artists,time}/…/part-00000.parquet, partitioned like the
        reference Spark job (songplays and time by year/month, songs by year/artist_id), readable with
        partition discovery by Spark, DuckDB (hive_partitioning=true) and pyarrow (partitioning='hive').
        The lake is written beside LAKE and swapped in atomically; re-running replaces it.
        --start/--end (inclusive, UTC) restrict the events used. Rules: docs/star-schema.md.
        """
    )

    @Option(name: .long, help: "The store holding the sparkify_log and songs datasets.")
    var store: String = "./store"

    @Option(name: [.short, .long], help: "Output lake directory (replaced atomically).")
    var output: String

    @Option(name: .long, help: "Optional window start 'YYYY-MM-DD HH:MM:SS' UTC (inclusive).")
    var start: String?

    @Option(name: .long, help: "Optional window end 'YYYY-MM-DD HH:MM:SS' UTC (inclusive).")
    var end: String?

    @Flag(name: .long, help: "No summary.")
    var quiet = false

    func run() throws {
        try ErrorReporting.run {
            let window = try Self.window(start: start, end: end)
            let started = Self.now()
            let summary = try StarSchemaStore.run(store: store, output: output, window: window)
            if !quiet {
                for table in StarSchemaLayout.tables.map(\.name) {
                    print("\(table): \(summary.rows[table] ?? 0) rows in \(summary.files[table] ?? 0) file(s)")
                }
                print("lake written to \(output) in \(ProgressLine.fixed(Self.now() - started, 2)) s")
            }
        }
    }

    /// The window of the options: nil when neither is given; an open side is unbounded.
    static func window(start: String?, end: String?) throws -> TimeWindow? {
        if start == nil && end == nil { return nil }
        // Open sides: far enough from the Int64 limits for day arithmetic not to overflow.
        var s: Int64 = -(1 << 62), e: Int64 = 1 << 62
        if let start {
            guard let v = CivilTime.parseStrict(start) else {
                throw QueryError.invalidWindow("--start '\(start)' is not a valid 'YYYY-MM-DD HH:MM:SS' UTC time")
            }
            s = v
        }
        if let end {
            guard let v = CivilTime.parseStrict(end) else {
                throw QueryError.invalidWindow("--end '\(end)' is not a valid 'YYYY-MM-DD HH:MM:SS' UTC time")
            }
            e = v
        }
        return try TimeWindow(startMicros: s, endMicros: e)
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
