import ArgumentParser
import Columnar
import Ingest

/// `extract ingest`: raw dumps into the day-partitioned Parquet store.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Convert raw REES46 CSV dumps (.csv, .csv.gz, - for stdin) into the Parquet store.",
        discussion: """
        Run once per raw dump. Each UTC day becomes events/date=YYYY-MM-DD/part-<id>.parquet, sorted
        by (user_id, event_time, input order), zstd-compressed, with min/max statistics. Lines that
        cannot be stored exactly go to _rejects/ with source, line and reason: REJECTED lines (wrong
        field count — unlike Spark, which fills missing trailing fields with NULL —, missing or
        unparseable event_time) are not stored; COERCED lines are stored with the value the
        reference Spark job computes. Re-ingesting a source already in the manifest is a no-op
        (use --replace to redo it). A crash leaves the store as it was; re-run the same command.
        """
    )

    @Argument(help: "Input files: .csv, .csv.gz, or - for standard input.")
    var inputs: [String] = []

    @Option(name: .long, help: "The store directory (created if missing).")
    var store: String = "./store"

    @Option(name: .long, help: "Input format: rees46 (CSV), sparkify-logs or sparkify-songs (JSON).")
    var format: InputFormat = .rees46

    @Option(name: .long, help: "Fail when more than N lines are rejected.")
    var maxRejects: Int?

    @Option(name: .long, help: "Memory bound: rows buffered before the largest day is flushed (≈100 bytes each).")
    var maxBufferedRows: Int = 3_000_000

    @Flag(name: .long, help: "Re-ingest sources already in the manifest.")
    var replace = false

    @Flag(name: .long, help: "No progress line (the final summary is still printed).")
    var quiet = false

    func run() throws {
        try ErrorReporting.run {
            if let maxRejects { try OptionCheck.integer(maxRejects, "--max-rejects", atLeast: 0) }
            if format.sparkify != nil {
                try runSparkifyIngest(format: format, inputs: inputs, store: store, quiet: quiet, replace: replace,
                                      maxRejects: maxRejects)
                return
            }
            guard !inputs.isEmpty else { throw CLIError.usage("give at least one input file (or - for stdin)") }
            try OptionCheck.integer(maxBufferedRows, "--max-buffered-rows", atLeast: 1000)
            AllocatorTuning.retainFreedMemory()
            let line = ProgressLine(quiet: quiet)
            var options = IngestOptions(encoder: ParquetPartEncoder())
            options.maxRejects = maxRejects
            options.replace = replace
            options.maxBufferedRows = maxBufferedRows
            if line.enabled {
                options.progress = { p in line.update(ProgressLine.ingestText(p)) }
            }
            options.message = { m in
                line.finish()
                printError(m)
            }
            let st = try Store(path: store, create: true)
            let report = try format.ingest(inputs, into: st, options: options)
            line.finish()
            print(Self.summary(report))
        }
    }

    static func summary(_ r: IngestReport) -> String {
        var out: [String] = []
        for s in r.sources {
            if s.skipped { out.append("\(s.source): already ingested, skipped"); continue }
            out.append("\(s.source): \(s.rowsRead) rows read, \(s.rowsStored) stored, \(s.rowsRejected) rejected, "
                       + "\(s.rowsCoerced) coerced; \(s.parts) part files over \(s.days) days")
            for (reason, n) in s.reasons.sorted(by: { $0.key < $1.key }) { out.append("  \(n)\t\(reason)") }
            if let f = s.rejectsFile { out.append("  details: \(f)") }
        }
        let mbps = r.elapsedSeconds > 0 ? Double(r.bytes) / 1e6 / r.elapsedSeconds : 0
        let rps = r.elapsedSeconds > 0 ? Double(r.rowsRead) / r.elapsedSeconds : 0
        out.append("total: \(r.rowsRead) rows read, \(r.rowsStored) stored, \(r.rowsRejected) rejected, "
                   + "\(r.rowsCoerced) coerced in \(ProgressLine.fixed(r.elapsedSeconds, 2)) s "
                   + "(\(ProgressLine.fixed(mbps, 1)) MB/s, \(Int(rps)) rows/s)")
        return out.joined(separator: "\n")
    }
}

/// `--format` on the command line: the `InputFormat` spellings. An unknown spelling is refused
/// before parsing (`ErrorReporting.unknownValueMessage`), with `unknownMessage`.
extension InputFormat: ExpressibleByArgument {
    /// Not listed again by the help (its text names the formats, as before the enum); shell
    /// completion still offers them.
    public static var allValueStrings: [String] { [] }
    public static var defaultCompletionKind: CompletionKind { .list(allCases.map(\.rawValue)) }

    static func unknownMessage(_ value: String) -> String { "unknown --format '\(value)' (\(spellings))" }
}
