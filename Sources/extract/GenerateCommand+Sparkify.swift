import Columnar
import Ingest
#if canImport(Glibc)
import Glibc
#endif

/// `extract generate --format sparkify-logs|sparkify-songs`: a seeded synthetic Sparkify log
/// set or song catalogue (`SparkifyGenerator`), in the layout of the Udacity sample
/// (`YYYY/MM/YYYY-MM-DD-events.json` JSON lines; `A/X/Y/TR….json`, one song per file).
///
/// Size from `--scale`: 1.0 = 1,000,000 events, 5,000 users and a 10,000-song catalogue
/// (at most 14,896 songs, the size of the real catalogue; at least 100 songs and 50 users);
/// 30 days from 2018-11-01 (like the sample; `--month` does not apply). The same (scale, seed)
/// gives the same bytes, and a log set and a catalogue generated with the same (scale, seed)
/// belong together (events name catalogue songs). The output folder must not exist (exit 5): files are
/// written into a hidden sibling folder renamed to it at the end.
func runSparkifyGenerate(format: String, scale: Double, seed: UInt64, output: String, quiet: Bool) throws {
    guard let kind = SparkifyFormat(rawValue: format) else {
        throw CLIError.usage("unknown --format '\(format)' (rees46, sparkify-logs or sparkify-songs)")
    }
    try OptionCheck.scale(scale, maximum: GenerateCommand.maximumScale)
    guard output != "-" else { throw CLIError.usage("--format \(format) writes a folder, not standard output") }
    let target = output.count > 1 && output.hasSuffix("/") ? String(output.dropLast()) : output
    guard !FileIO.exists(target) else { throw CLIError.outputNotWritable("\(target): already exists (give a new folder)") }
    let options = sparkifyGeneratorOptions(scale: scale, seed: seed)
    let slash = target.lastIndex(of: "/")
    let parent = slash.map { String(target[..<$0]) } ?? "."
    let name = slash.map { String(target[target.index(after: $0)...]) } ?? target
    let tmp = (parent.isEmpty ? "" : parent + "/") + "." + name + ".tmp-\(getpid())"
    let progress = ProgressLine(quiet: quiet)
    let started = MonotonicClock.now()
    let generator = SparkifyGenerator(options: options)
    let cleanup = InterruptCleanup.shared.register { removeTreeBestEffort(tmp) }
    defer { InterruptCleanup.shared.unregister(cleanup) }
    do {
        try FileIO.makeDirectories(tmp)
        let what: String
        switch kind {
        case .songs:
            what = "\(try generator.writeSongs(to: tmp)) song files"
        case .logs:
            let events = try generator.writeLogs(to: tmp) { n in progress.update("generating Sparkify logs: \(n) of ~\(options.events) events") }
            what = "\(events) events over \(options.days) days"
        }
        try FileIO.rename(tmp, target)
        progress.finish()
        if !quiet { printError("generated \(what) in \(formatSeconds(MonotonicClock.seconds(since: started))) s -> \(target)") }
    } catch {
        progress.finish()
        removeTreeBestEffort(tmp)  // leave no half-written folder behind
        throw error.relocated(from: tmp, to: target)  // name the user's folder, not the hidden one
    }
}

/// Generator sizes for a scale (see `runSparkifyGenerate`).
func sparkifyGeneratorOptions(scale: Double, seed: UInt64) -> SparkifyGenerator.Options {
    var o = SparkifyGenerator.Options()
    o.seed = seed
    o.events = max(1, Int((scale * 1_000_000).rounded()))
    o.users = max(50, Int((scale * 5_000).rounded()))
    o.catalogueSongs = min(14_896, max(100, Int((scale * 10_000).rounded())))
    o.days = 30
    o.firstDay = 17836  // 2018-11-01
    return o
}

private func removeTreeBestEffort(_ path: String) {
    guard FileIO.isDirectory(path) else { try? FileIO.remove(path); return }
    for entry in (try? FileIO.list(path)) ?? [] { removeTreeBestEffort(path + "/" + entry) }
    rmdir(path)
}
