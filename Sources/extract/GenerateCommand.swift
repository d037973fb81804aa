import ArgumentParser
import Columnar
import Ingest
#if canImport(Glibc)
import Glibc
#endif

/// `extract generate`: realistic synthetic REES46 dumps.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a realistic, seeded synthetic REES46 month as CSV (for benchmarks and demos).",
        discussion: """
        Same (month, scale, seed) -> same bytes. Scale 1.0 is a real month (~42 M rows in October,
        ~67 M in November, ~3 M users); 0.01 is ~420 K rows (~60 MB). Rows are sorted by time, in the
        exact text format of the real dumps. The file is written under a hidden temporary name (.NAME.tmp-PID) and renamed.
        """
    )

    @Option(name: .long, help: "Month to generate, YYYY-MM.")
    var month: String = "2019-10"

    @Option(name: .long, help: "Scale (1.0 = a real month, ~42 M rows in October).")
    var scale: Double = 0.01

    @Option(name: .long, help: "Random seed.")
    var seed: UInt64 = 46

    @Option(name: [.short, .long], help: "Output CSV path, or - for standard output.")
    var output: String

    @Flag(name: .long, help: "No progress line.")
    var quiet = false

    @Option(name: .long, help: "rees46 (CSV), or sparkify-logs / sparkify-songs (a JSON folder; scale 1.0 = 1 M events).")
    var format: String = "rees46"

    /// Largest `--scale` accepted (1000 real months: ~42 G rows, far beyond any disk here, but
    /// small enough that every row count stays far from Int overflow).
    static let maximumScale = 1000.0

    func run() throws {
        try ErrorReporting.run {
            try OptionCheck.scale(scale, maximum: Self.maximumScale)
            if format != "rees46" {
                try runSparkifyGenerate(format: format, scale: scale, seed: seed, output: output, quiet: quiet)
                return
            }
            guard let generator = REES46Generator(monthText: month, scale: scale, seed: seed) else {
                throw CLIError.usage("--month must be YYYY-MM (got '\(month)')")
            }
            let toStdout = output == "-"
            if FileIO.fileType(output) == .directory { throw CLIError.outputNotWritable("\(output): is a directory") }
            // A device or FIFO (/dev/null, a named pipe) is written in place, never renamed over.
            let inPlace = FileIO.fileType(output) == .other
            // Written as a hidden `.NAME.tmp-PID` beside OUTPUT, removed on SIGINT/SIGTERM, and by
            // the next run when a killed run left it.
            let tmp = toStdout ? "" : inPlace ? output : FileIO.hiddenSibling(of: output, suffix: ".tmp-\(getpid())")
            if !toStdout && !inPlace { StaleTemporaries.removeFiles(beside: output) }
            let cleanup = toStdout || inPlace ? nil : InterruptCleanup.shared.register { unlink(tmp) }
            defer { if let cleanup { InterruptCleanup.shared.unregister(cleanup) } }
            let handle: WriteHandle?
            do throws(ColumnarError) { handle = toStdout ? nil : try WriteHandle(path: tmp) } catch { throw error.relocated(from: tmp, to: output) }
            let target = generator.targetRows
            let progress = ProgressLine(quiet: quiet || toStdout)
            let started = MonotonicClock.now()
            do {
                let report = try generator.generate(sink: { chunk in
                    if let handle { try handle.write(chunk) } else { try StandardStreams.writeOut(chunk) }
                }, progress: { rows, bytes in
                    progress.update("generating \(generator.month)/\(generator.year): \(rows) of ~\(target) rows, \(bytes >> 20) MB")
                })
                if let handle {
                    try handle.close()
                    if !inPlace { try FileIO.replaceFile(tmp, output) }
                }
                let seconds = MonotonicClock.seconds(since: started)
                progress.finish()
                if !quiet {
                    printError("generated \(report.rows) rows, \(report.sessions) sessions, \(report.bytes >> 20) MB in "
                               + "\(formatSeconds(seconds)) s (\(Int(Double(report.bytes) / 1_048_576 / max(seconds, 1e-9))) MB/s)"
                               + (toStdout ? "" : " -> \(output)"))
                }
            } catch {
                handle?.abandon()
                if let e = error as? ColumnarError { throw e.relocated(from: tmp, to: output) }
                throw error
            }
        }
    }
}
