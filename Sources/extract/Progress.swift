#if canImport(Glibc)
import Glibc
#endif
import Ingest

/// A one-line progress display on standard error, redrawn in place (`\r`), shown only when
/// standard error is a terminal and not `quiet`. Reusable by any verb: call `update` with
/// the text (at most a few times a second) and `finish` once. Not thread-safe: one caller.
final class ProgressLine: @unchecked Sendable {
    let enabled: Bool
    private var lastWidth = 0

    init(quiet: Bool) { enabled = !quiet && isatty(2) != 0 }

    func update(_ text: String) {
        guard enabled else { return }
        let pad = max(0, lastWidth - text.count)
        lastWidth = text.count
        write("\r" + text + String(repeating: " ", count: pad))
    }

    /// Clears the line.
    func finish() {
        guard enabled, lastWidth > 0 else { return }
        write("\r" + String(repeating: " ", count: lastWidth) + "\r")
        lastWidth = 0
    }

    private func write(_ s: String) {
        var t = s
        t.withUTF8 { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }

    /// "1.2 GB", "340.5 MB", "12 KB".
    static func bytes(_ n: Int) -> String {
        let d = Double(n)
        if d >= 1e9 { return fixed(d / 1e9, 2) + " GB" }
        if d >= 1e6 { return fixed(d / 1e6, 1) + " MB" }
        if d >= 1e3 { return fixed(d / 1e3, 0) + " KB" }
        return "\(n) B"
    }

    static func fixed(_ v: Double, _ digits: Int) -> String {
        guard v.isFinite else { return "\(v)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let r = (v * scale).rounded() / scale
        var s = "\(r)"
        if digits == 0, s.hasSuffix(".0") { s.removeLast(2) }
        if let dot = s.firstIndex(of: "."), digits > 0 {
            let have = s.distance(from: dot, to: s.endIndex) - 1
            if have < digits { s += String(repeating: "0", count: digits - have) }
        }
        return s
    }

    /// "1:05" / "1:02:03".
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        let two = { (v: Int) in v < 10 ? "0\(v)" : "\(v)" }
        return s >= 3600 ? "\(s / 3600):\(two(s / 60 % 60)):\(two(s % 60))" : "\(s / 60):\(two(s % 60))"
    }

    /// The progress text of an ingest: "<source>: 1.2 GB / 5.3 GB, 9000000 rows, 650000 rows/s, ETA 1:05"
    /// (`unit` names what is counted: "rows" or "records").
    static func ingestText(_ p: IngestProgress, unit: String = "rows") -> String {
        var text = "\(p.source): \(bytes(p.bytesRead))"
        if let total = p.bytesTotal, total > 0 { text += " / \(bytes(total))" }
        let rate = p.elapsedSeconds > 0 ? Double(p.rowsRead) / p.elapsedSeconds : 0
        text += ", \(p.rowsRead) \(unit), \(Int(rate)) \(unit)/s"
        if let total = p.bytesTotal, p.bytesRead > 0, p.elapsedSeconds > 0 {
            let eta = Double(total - p.bytesRead) / (Double(p.bytesRead) / p.elapsedSeconds)
            text += ", ETA \(duration(eta))"
        }
        return text
    }
}
