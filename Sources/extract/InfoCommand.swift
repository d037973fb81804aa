import ArgumentParser
import Columnar

/// `extract info`: what a store holds.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "List a store's datasets, days, rows, bytes on disk, compression ratio, time range, sources and rejects."
    )

    @Option(name: .long, help: "The store directory.")
    var store: String = "./store"

    func run() throws {
        try ErrorReporting.run {
            let st = try Store(path: store)
            print(try Self.describe(st))
        }
    }

    static func describe(_ st: Store) throws(ColumnarError) -> String {
        var out: [String] = ["store: \(st.path)"]
        let names = try st.datasets()
        if names.isEmpty { out.append("(no datasets)") }
        for name in names {
            guard let m = try st.manifest(dataset: name) else { continue }
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
