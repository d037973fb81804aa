import ArgumentParser

/// `extract ingest`: raw dumps into the day-partitioned Parquet store.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Convert raw REES46 CSV dumps (.csv, .csv.gz, - for stdin) into the Parquet store.",
        discussion: """
        Run once per raw dump. Each UTC day becomes events/date=YYYY-MM-DD/part-<id>.parquet, sorted
        by (user_id, event_time, input order), zstd-compressed, with min/max statistics. Lines that
        cannot be stored exactly go to _rejects/ with source, line and reason. Re-ingesting a source
        already in the manifest is a no-op (use --replace to redo it).
        """
    )

    @Argument(help: "Input files: .csv, .csv.gz, or - for standard input.")
    var inputs: [String] = []

    @Option(name: .long, help: "The store directory (created if missing).")
    var store: String = "./store"

    @Option(name: .long, help: "Input format: rees46 (CSV), sparkify-logs or sparkify-songs (JSON).")
    var format: String = "rees46"

    @Option(name: .long, help: "Fail when more than N lines are rejected.")
    var maxRejects: Int?

    @Flag(name: .long, help: "Re-ingest sources already in the manifest.")
    var replace = false

    @Flag(name: .long, help: "No progress line.")
    var quiet = false

    func run() throws {
        try ErrorReporting.run {
            throw CLIError.notImplemented(verb: "ingest", issue: "issue 4")
        }
    }
}
