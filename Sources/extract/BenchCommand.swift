import ArgumentParser
import Columnar
import Ingest
#if canImport(Glibc)
import Glibc
#endif

/// `extract bench`: generate, ingest, extract, and report throughput.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure ingest and extraction throughput on generated REES46 data.",
        discussion: """
        Generates October and November at --scale (or uses --store), ingests them, then builds the
        learning base for a one-day, a one-week and the 17-day reference window
        (2019-10-20 00:00:00 .. 2019-11-05 23:00:00). It also computes the 17-day result from the
        raw CSV with no prepared store (parse, sort and compute in one go, through a throw-away
        store), which is what a user without `ingest` pays for every query. Each stage runs as its
        own process so its peak RSS is its own. Prints a table and writes it as JSON.
        Side-by-side comparisons with DuckDB, Polars and Spark live in benchmarks/ (see README).
        """
    )

    @Option(name: .long, help: "Scale of the generated data (1.0 = a real month; Oct + Nov are generated).")
    var scale: Double = 0.05

    @Option(name: .long, help: "Keep the generated data, store and outputs in this directory (default: a temporary one, removed).")
    var keep: String?

    @Option(name: .long, help: "Use an existing store instead of generating and ingesting data (skips the raw-CSV path).")
    var store: String?

    @Option(name: .long, help: "Where to write the JSON report (default: bench.json in the working directory).")
    var json: String?

    @Option(name: .long, help: ArgumentHelp("Parquet I/O mode: read this Parquet file, time writing it (zstd) and reading it back, print JSON.", visibility: .hidden))
    var parquetIo: String?

    @Option(name: .long, help: ArgumentHelp("Output file of --parquet-io.", visibility: .hidden))
    var out: String?

    @Option(name: .long, help: ArgumentHelp("zstd level of --parquet-io (default: the writer's, 3).", visibility: .hidden))
    var level: Int32?

    static let windows: [(label: String, start: String, end: String)] = [
        ("1 day", "2019-10-15 00:00:00", "2019-10-15 23:59:59"),
        ("1 week", "2019-10-14 00:00:00", "2019-10-20 23:59:59"),
        ("17 days", "2019-10-20 00:00:00", "2019-11-05 23:00:00"),
    ]

    func run() throws {
        try ErrorReporting.run {
            if let parquetIo {
                guard let out else { throw CLIError.usage("--parquet-io needs --out FILE") }
                try ParquetIOBench.run(source: parquetIo, output: out, level: level)
                return
            }
            guard scale > 0, scale <= 2 else { throw CLIError.usage("--scale must be in (0, 2]") }
            try runBench()
        }
    }

    private func runBench() throws {
        let work = keep ?? "/tmp/extract-bench-\(getpid())"
        try FileIO.makeDirectories(work)
        defer { if keep == nil { removeTree(work) } }
        var rows: [BenchRow] = []
        var csvBytes = 0
        var csvRows = 0
        let storePath: String
        let status = StatusLine()

        if let store {
            storePath = store
        } else {
            var csvs: [String] = []
            for month in ["2019-10", "2019-11"] {
                let path = "\(work)/\(month)-\(scale).csv"
                if !FileIO.exists(path) {
                    status.say("generating \(month) at scale \(scale)")
                    let m = try StageRunner.run(["generate", "--month", month, "--scale", "\(scale)", "-o", path, "--quiet"])
                    let bytes = try FileIO.size(path)
                    let n = REES46Generator(monthText: month, scale: scale)!.targetRows
                    rows.append(BenchRow(stage: "generate \(month)", inputBytes: 0, rows: n, m: m, outputBytes: bytes))
                }
                csvs.append(path)
                csvBytes += try FileIO.size(path)
            }
            csvRows = try csvs.reduce(0) { $0 + (try countLines($1)) - 1 }
            storePath = "\(work)/store"
            removeTree(storePath)
            status.say("ingesting \(csvRows) rows (\(csvBytes >> 20) MB)")
            let m = try StageRunner.run(["ingest"] + csvs + ["--store", storePath, "--quiet"])
            rows.append(BenchRow(stage: "ingest (CSV -> store)", inputBytes: csvBytes, rows: csvRows, m: m,
                                 outputBytes: treeSize(storePath)))

            // The raw path: the 17-day result straight from the CSV, no prepared store.
            let w = Self.windows[2]
            let raw = "\(work)/raw-store"
            status.say("17-day learning base from the raw CSV")
            removeTree(raw)
            let ingestRaw = try StageRunner.run(["ingest"] + csvs + ["--store", raw, "--quiet"])
            let query = try StageRunner.run(["--store", raw, "--start", w.start, "--end", w.end, "-o", "\(work)/raw.csv"])
            removeTree(raw)
            let combined = StageMeasurement(seconds: ingestRaw.seconds + query.seconds,
                                            cpuSeconds: ingestRaw.cpuSeconds + query.cpuSeconds,
                                            peakRSSBytes: max(ingestRaw.peakRSSBytes, query.peakRSSBytes))
            rows.append(BenchRow(stage: "17 days from raw CSV (no store)", inputBytes: csvBytes, rows: csvRows, m: combined,
                                 outputBytes: try FileIO.size("\(work)/raw.csv")))
        }

        for w in Self.windows {
            status.say("learning base, \(w.label)")
            let out = "\(work)/lb-\(w.label.replacingOccurrences(of: " ", with: "")).csv"
            var best: StageMeasurement?
            for _ in 0..<3 {  // median of three
                let m = try StageRunner.run(["--store", storePath, "--start", w.start, "--end", w.end, "-o", out])
                best = best.map { [$0, m].sorted { $0.seconds < $1.seconds }[0] } ?? m
                if best!.seconds > 20 { break }
            }
            let scanned = try windowRows(storePath, start: w.start, end: w.end)
            rows.append(BenchRow(stage: "learning base, \(w.label) (store)", inputBytes: scanned.bytes, rows: scanned.rows,
                                 m: best!, outputBytes: try FileIO.size(out)))
        }
        status.clear()

        let report = BenchReport(scale: scale, csvBytes: csvBytes, csvRows: csvRows, rows: rows)
        print(report.table())
        let jsonPath = json ?? "bench.json"
        try FileIO.writeAll(jsonPath, Array(report.json().utf8))
        printError("JSON report written to \(jsonPath)" + (keep.map { "; data kept in \($0)" } ?? ""))
    }

    /// Rows and on-disk bytes of the store files a window reads (from the manifest).
    private func windowRows(_ store: String, start: String, end: String) throws -> (rows: Int, bytes: Int) {
        guard let s = CivilTime.parseStrict(start), let e = CivilTime.parseStrict(end) else { return (0, 0) }
        let first = CivilTime.dayNumber(micros: s), last = CivilTime.dayNumber(micros: e)
        guard let manifest = try Store(readingAt: store).manifest(dataset: EventsDataset.name) else { return (0, 0) }
        var rows = 0, bytes = 0
        for p in manifest.partitions { if let d = p.day, d >= first, d <= last { for f in p.files { rows += f.rows; bytes += f.bytes } } }
        return (rows, bytes)
    }
}

/// One line of the bench table.
struct BenchRow {
    var stage: String
    var inputBytes: Int
    var rows: Int
    var m: StageMeasurement
    var outputBytes: Int
}

struct BenchReport {
    var scale: Double
    var csvBytes: Int
    var csvRows: Int
    var rows: [BenchRow]

    func table() -> String {
        var lines = ["scale \(scale): \(csvRows) CSV rows, \(ProgressLine.bytes(csvBytes)) of CSV", ""]
        let header = ["stage", "input", "rows", "seconds", "rows/s", "MB/s", "peak RSS", "output"]
        var cells: [[String]] = [header]
        for r in rows {
            let secs = max(r.m.seconds, 1e-9)
            cells.append([r.stage, r.inputBytes > 0 ? ProgressLine.bytes(r.inputBytes) : "-", "\(r.rows)",
                          ProgressLine.fixed(r.m.seconds, 2), "\(Int(Double(r.rows) / secs))",
                          r.inputBytes > 0 ? ProgressLine.fixed(Double(r.inputBytes) / 1e6 / secs, 1) : "-",
                          ProgressLine.bytes(r.m.peakRSSBytes), ProgressLine.bytes(r.outputBytes)])
        }
        let widths = header.indices.map { i in cells.map { $0[i].count }.max()! }
        for (n, row) in cells.enumerated() {
            lines.append(row.enumerated().map { i, c in i == 0 ? c.padding(widths[i]) : c.leftPadding(widths[i]) }.joined(separator: "  "))
            if n == 0 { lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
        if let ingest = rows.first(where: { $0.stage.hasPrefix("ingest") }), csvBytes > 0, ingest.outputBytes > 0 {
            lines.append("")
            lines.append("store: \(ProgressLine.bytes(ingest.outputBytes)), \(ProgressLine.fixed(Double(csvBytes) / Double(ingest.outputBytes), 1))x smaller than the CSV")
        }
        if let raw = rows.first(where: { $0.stage.contains("raw CSV") }),
           let store = rows.first(where: { $0.stage.contains("17 days (store)") }) {
            lines.append("17-day learning base: \(ProgressLine.fixed(raw.m.seconds / max(store.m.seconds, 1e-9), 1))x faster from the store than from the raw CSV")
        }
        return lines.joined(separator: "\n")
    }

    func json() -> String {
        let items = rows.map { r in
            "    {\"stage\": \"\(r.stage)\", \"input_bytes\": \(r.inputBytes), \"rows\": \(r.rows), \"seconds\": \(r.m.seconds), "
                + "\"cpu_seconds\": \(r.m.cpuSeconds), \"peak_rss_bytes\": \(r.m.peakRSSBytes), \"output_bytes\": \(r.outputBytes)}"
        }
        return "{\n  \"scale\": \(scale),\n  \"csv_bytes\": \(csvBytes),\n  \"csv_rows\": \(csvRows),\n  \"stages\": [\n"
            + items.joined(separator: ",\n") + "\n  ]\n}\n"
    }
}

/// A status message on standard error while the bench runs (one line, overwritten on a terminal).
final class StatusLine {
    private let line = ProgressLine(quiet: false)
    func say(_ text: String) {
        if line.enabled { line.update(text) } else { printError(text) }
    }
    func clear() { line.finish() }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    func leftPadding(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

/// Number of '\n' in a file (streamed in 4 MiB reads).
func countLines(_ path: String) throws -> Int {
    let handle = try ReadHandle(path: path)
    defer { handle.close() }
    var offset = 0, lines = 0
    while offset < handle.size {
        let n = min(4 << 20, handle.size - offset)
        let chunk = try handle.read(offset: offset, count: n)
        for b in chunk where b == 10 { lines += 1 }
        offset += n
    }
    return lines
}

/// Total size of the regular files under a directory.
func treeSize(_ path: String) -> Int {
    guard let names = try? FileIO.list(path) else { return (try? FileIO.size(path)) ?? 0 }
    return names.reduce(0) { sum, name in
        let child = path + "/" + name
        return sum + (FileIO.isDirectory(child) ? treeSize(child) : ((try? FileIO.size(child)) ?? 0))
    }
}

/// Removes a directory tree (best effort).
func removeTree(_ path: String) {
    if FileIO.isDirectory(path) {
        for name in (try? FileIO.list(path)) ?? [] { removeTree(path + "/" + name) }
        _ = rmdir(path)
    } else {
        try? FileIO.remove(path)
    }
}
