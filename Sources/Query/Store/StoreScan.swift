import Columnar

/// Planning of a learning-base query over the store: the day partitions of
/// `<store>/events/date=YYYY-MM-DD/` that intersect the window, their files in name order
/// (ingest order), each opened as a `ParquetEventRun`.
///
/// Errors: no store directory, or no events dataset in it → `.missingStore` (exit 3); a file
/// that cannot be opened or is not an events file → `.columnar(…)` naming the file.
public enum StoreScan {
    public struct Plan: Sendable {
        /// Runs in (day, file) order.
        public var runs: [any EventRun]
        /// Day partitions in the store / in the window.
        public var daysInStore: Int
        public var daysInWindow: Int
    }

    public static func plan(store: String, window: TimeWindow) throws(QueryError) -> Plan {
        let dataset = store + "/events"
        guard FileIO.isDirectory(store) else { throw .missingStore("\(store): no such store directory") }
        guard FileIO.isDirectory(dataset) else { throw .missingStore("\(store): the store holds no events (no events/ dataset); run `extract ingest` first") }
        let names: [String]
        do { names = try FileIO.list(dataset) } catch { throw .columnar(error) }
        var days: [(Int64, String)] = []
        for name in names where name.hasPrefix("date=") {
            guard let day = CivilTime.parseStrict(String(name.dropFirst(5))).map({ CivilTime.dayNumber(micros: $0) }) else { continue }
            days.append((day, name))
        }
        guard !days.isEmpty else { throw .missingStore("\(store): the events dataset is empty; run `extract ingest` first") }
        days.sort { $0.0 < $1.0 }
        var runs: [any EventRun] = []
        var inWindow = 0
        for (day, name) in days where window.dayRange.contains(day) {
            inWindow += 1
            let dir = dataset + "/" + name
            let files: [String]
            do { files = try FileIO.list(dir) } catch { throw .columnar(error) }
            for file in files.sorted() where file.hasSuffix(".parquet") && !file.hasPrefix(".") {
                runs.append(try ParquetEventRun(path: dir + "/" + file))
            }
        }
        return Plan(runs: runs, daysInStore: days.count, daysInWindow: inWindow)
    }
}
