import ArgumentParser
import Columnar

/// `extract info`: what a store holds. Opens the store for reading only (writes nothing, not
/// even `.lock`). Missing part files are always reported; `--check` also reads every footer.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "List a store's datasets, days, rows, bytes on disk, compression ratio, time range, sources and rejects.",
        discussion: """
            Part files listed by a manifest but missing are always reported (exit 4). With --check, \
            every part file's footer is also read and checked against its manifest (size, rows, \
            schema and nullability, statistics, time bounds of its day); every problem is printed \
            (file and what is wrong) and the exit code is 4 if there is any. No data page is read.
            """
    )

    @Option(name: .long, help: "The store directory.")
    var store: String = "./store"

    @Flag(name: .long, help: "Also read every part file's footer and check it against the manifest (exit 4 on any problem).")
    var check: Bool = false

    func run() throws {
        try ErrorReporting.run {
            let st = try Store(readingAt: store)
            print(try Self.describe(st))
            let problems = try StoreVerify.problems(st, footers: check)
            for p in problems { printError("extract: \(p)") }
            if !problems.isEmpty {
                throw CLIError.corruptStore("\(st.path): \(problems.count) problem(s) found")
            }
            if check { print("check: every manifest and part footer agrees") }
        }
    }

    static func describe(_ st: Store) throws(ColumnarError) -> String {
        var out: [String] = ["store: \(st.path)"]
        let names = try st.datasets()
        if names.isEmpty { out.append("(no datasets)") }
        for name in names {
            let manifest: DatasetManifest?
            do { manifest = try st.manifest(dataset: name) } catch {
                guard case .damaged = error else { throw error }
                out.append("dataset \(name): damaged manifest (see below)")
                continue
            }
            guard let m = manifest else { continue }
            // Sums cannot overflow: the manifest was validated (ManifestCheck).
            let sourceBytes = m.sources.reduce(0) { $0 + $1.size }
            let ratio = m.totalBytes > 0 ? Double(sourceBytes) / Double(m.totalBytes) : 0
            out.append("dataset \(name): \(m.partitions.count) partitions, \(m.totalRows) rows, "
                       + "\(ProgressLine.bytes(m.totalBytes)) on disk, "
                       + "\(m.allFiles.count) files, compression ratio \(ProgressLine.fixed(ratio, 1))x vs sources")
            let mins = m.allFiles.compactMap(\.file.minTime), maxs = m.allFiles.compactMap(\.file.maxTime)
            if let lo = mins.min(), let hi = maxs.max() {
                out.append("  time range: \(CivilTime.isoDateTime(micros: lo)) .. \(CivilTime.isoDateTime(micros: hi)) UTC")
            }
            for p in m.partitions {
                out.append("  \(p.key.isEmpty ? "(root)" : p.key): \(p.rows) rows, \(p.files.count) files, "
                           + ProgressLine.bytes(p.files.reduce(0) { $0 + $1.bytes }))
            }
            out.append("  sources:")
            for s in m.sources {
                out.append("    \(s.path) (\(ProgressLine.bytes(s.size)), \(s.contentHash)) ingested \(s.ingestedAt): "
                           + "\(s.rowsRead) read, \(s.rowsStored) stored, \(s.rowsRejected) rejected, \(s.rowsCoerced) coerced"
                           + (s.rejectsFile.map { " → \($0)" } ?? ""))
            }
        }
        return out.joined(separator: "\n")
    }
}
