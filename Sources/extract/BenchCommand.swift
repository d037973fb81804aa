import ArgumentParser

/// `extract bench`: generate, ingest, extract, and report throughput.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure ingest and extraction throughput on generated REES46 data.",
        discussion: "Side-by-side comparisons with DuckDB, Polars and Spark live in benchmarks/ (see README)."
    )

    @Option(name: .long, help: "Scale of the generated data (1.0 = a real month, ~42 M rows).")
    var scale: Double = 0.05

    @Option(name: .long, help: "Keep the generated data and store in this directory.")
    var keep: String?

    @Option(name: .long, help: "Use an existing store instead of generating data.")
    var store: String?

    @Option(name: .long, help: ArgumentHelp("Parquet I/O mode: read this Parquet file, time writing it (zstd) and reading it back, print JSON.", visibility: .hidden))
    var parquetIo: String?

    @Option(name: .long, help: ArgumentHelp("Output file of --parquet-io.", visibility: .hidden))
    var out: String?

    func run() throws {
        try ErrorReporting.run {
            if let parquetIo {
                guard let out else { throw CLIError.usage("--parquet-io needs --out FILE") }
                try ParquetIOBench.run(source: parquetIo, output: out)
                return
            }
            throw CLIError.notImplemented(verb: "bench", issue: "issue 6")
        }
    }
}
