import Columnar
import Ingest

/// `extract ingest --format sparkify-songs|sparkify-logs DIR_OR_FILES`: the Sparkify JSON
/// ingest, called by `IngestCommand` for those formats (inside its `ErrorReporting.run`).
/// Directories are walked recursively for `*.json`. Prints the same summary as the CSV ingest
/// unless `quiet`; errors are `IngestError`s (usage problems are `CLIError.usage`).
func runSparkifyIngest(format: InputFormat, inputs: [String], store: String, quiet: Bool, replace: Bool,
                       maxRejects: Int?) throws {
    guard let kind = format.sparkify else { throw CLIError.usage("--format \(format.rawValue) is not a Sparkify format") }
    guard !inputs.isEmpty else { throw CLIError.usage("give at least one JSON file or directory") }
    guard !inputs.contains("-") else {
        throw CLIError.usage("--format \(format.rawValue) reads files or directories, not standard input")
    }
    let line = ProgressLine(quiet: quiet)
    var options = IngestOptions(encoder: ParquetPartEncoder.sparkify)
    options.maxRejects = maxRejects
    options.replace = replace
    if line.enabled {
        options.progress = { p in line.update(ProgressLine.ingestText(p, unit: "records")) }
    }
    options.message = { m in
        line.finish()
        if !quiet { printError(m) }
    }
    // Waiting for another writer is said even with --quiet (a silent wait looks like a hang).
    options.waiting = { m in
        line.finish()
        printError(m)
    }
    let st = try Store(path: store, create: true)
    let report = try format.ingest(inputs, into: st, options: options)
    line.finish()
    if !quiet { print(sparkifyIngestSummary(report, dataset: kind.dataset)) }
}

/// One line per ingested source (skipped ones collapsed into a count), then the total.
func sparkifyIngestSummary(_ r: IngestReport, dataset: String) -> String {
    var out: [String] = []
    let skipped = r.sources.filter(\.skipped).count
    for s in r.sources where !s.skipped && (s.rowsRejected > 0 || r.sources.count <= 40) {
        out.append("\(s.source): \(s.rowsRead) records read, \(s.rowsStored) stored, \(s.rowsRejected) rejected")
        for (reason, n) in s.reasons.sorted(by: { $0.key < $1.key }) { out.append("  \(n)\t\(reason)") }
        if let f = s.rejectsFile { out.append("  details: \(f)") }
    }
    if skipped > 0 { out.append("\(skipped) file(s) already ingested, skipped") }
    out.append("\(dataset): \(r.sources.count - skipped) file(s), \(r.rowsRead) records read, \(r.rowsStored) stored, "
               + "\(r.rowsRejected) rejected in \(ProgressLine.fixed(r.elapsedSeconds, 2)) s")
    return out.joined(separator: "\n")
}
