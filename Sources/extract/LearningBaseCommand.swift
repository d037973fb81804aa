import ArgumentParser

/// The default verb: the ML learning base for a window, from the store.
struct LearningBaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learning-base",
        abstract: "Build the ML learning base (one row per user, session and product) for a time window.",
        discussion: """
        Reads only the day partitions of the store that intersect [--start, --end] (both inclusive,
        UTC) and writes the 18-column learning base of the reference Spark job, as CSV (the
        reference's exact text format) or Parquet. The format follows --format, else the output's
        extension. Without --output the name is extracted_<yyyyMMdd start>_<yyyyMMdd end>.csv.
        """
    )

    @Option(name: .long, help: "The store written by `extract ingest`.")
    var store: String = "./store"

    @Option(name: .long, help: "Window start, 'YYYY-MM-DD HH:MM:SS' UTC, inclusive.")
    var start: String

    @Option(name: .long, help: "Window end, 'YYYY-MM-DD HH:MM:SS' UTC, inclusive; must be after --start.")
    var end: String

    @Option(name: [.short, .long], help: "Output file (.csv or .parquet).")
    var output: String?

    @Option(name: .long, help: "Output format: csv or parquet (default: from the output's extension, else csv).")
    var format: String?

    func run() throws {
        try ErrorReporting.run {
            throw CLIError.notImplemented(verb: "learning-base", issue: "issue 5")
        }
    }
}
