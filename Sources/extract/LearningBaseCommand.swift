import ArgumentParser
import Query

/// The default verb: the ML learning base for a window, from the store.
struct LearningBaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learning-base",
        abstract: "Build the ML learning base (one row per user, session and product) for a time window.",
        discussion: """
        Reads only the day partitions of the store that intersect [--start, --end] (both inclusive,
        UTC) and writes the 18-column learning base of the reference Spark job, as CSV (the
        reference's exact text format), Parquet (zstd) or Arrow IPC (uncompressed; the same column
        names and types as Parquet). The format follows --format, else the output's extension
        (.parquet/.pq, .arrow/.feather/.arrows, else CSV). Without --output the name is
        extracted_<yyyyMMdd start>_<yyyyMMdd end>.csv. `-o -` writes to standard output: with
        --format arrow, the Arrow IPC stream format (for pyarrow.ipc.open_stream); an .arrow or
        .feather file gets the Arrow IPC file format (Feather v2), an .arrows file the stream format.

        Rows are sorted by (user_id, start_time, user_session, product_id with NULL first), so the
        same query always writes the same bytes. Sessions of a user with equal start_time take
        their sessions_precedentes slots in user_session text order, the hidden NULL-session
        group first (the reference leaves that order arbitrary). CSV strings are trimmed and
        quoted as the reference's CSV writer does; that is a rule of the CSV text format only:
        Parquet strings are written as they are. ids outside 32 bits are NULL (reference cast).
        The output is written under a temporary name and renamed, so a failed run never leaves
        a partial file; a device or FIFO (e.g. --output /dev/stdout) and `-` are written directly.
        A window without data writes a header-only file (Arrow: the schema, no rows) and a warning.

        Shards: --users LO:HI computes only the users with LO <= user_id < HI (either bound may be
        empty, e.g. --users :1000000 or --users=-5:), reading only the row groups whose user_id
        statistics overlap. Each learning-base row depends on one user's events, and users are
        written in increasing order, so the outputs of contiguous ranges concatenated in range
        order are the whole output: `extract shards` prints balanced ranges; with --no-header
        (CSV) a shard writes its rows only, so one header plus every shard's body in order is
        byte for byte the single-run CSV.
        """
    )

    @OptionGroup var query: WindowOptions

    @Option(name: [.short, .long], help: "Output file (.csv, .parquet, .arrow), or - for standard output.")
    var output: String?

    @Option(name: .long, help: "Output format: csv, parquet or arrow (default: from the output's extension, else csv).")
    var format: String?

    @Option(name: .long, help: "Worker threads (each merges the same files over its own user-id range).")
    var workers: Int = 2

    /// More threads than this only add memory (one decoded row group per file each).
    static let maximumWorkers = 256

    @Option(name: .long, parsing: .unconditional,
            help: "Only users with LO <= user_id < HI (integers; either may be empty): one shard, see `extract shards`.")
    var users: String?

    @Flag(name: .customLong("no-header"), help: "CSV without the header line (shard bodies to append after one header).")
    var noHeader = false

    func run() throws {
        try ErrorReporting.run {
            try OptionCheck.integer(workers, "--workers", atLeast: 1, atMost: Self.maximumWorkers)
            let window = try TimeWindow(start: query.start, end: query.end)
            let shard = try users.map { (text: String) throws(QueryError) in try UserRange(parsing: text) } ?? .all
            let path = output ?? LearningBase.defaultOutputName(window)
            let chosen = try OutputFormat.resolve(format, path: path)
            let report = try LearningBase.run(store: query.store, window: window, output: path, format: chosen, workers: workers,
                                              users: shard, header: !noHeader)
            for warning in report.warnings { printError("extract: warning: \(warning)") }
            printError("extract: wrote \(report.stats.outputRows) rows (\(report.stats.users) users, "
                       + "\(report.stats.rowsScanned) rows scanned in \(report.stats.batchesRead) row groups of \(report.files) files, "
                       + "\(report.stats.batchesPruned) pruned) to \(report.outputPath == "-" ? "standard output" : report.outputPath)")
        }
    }
}
