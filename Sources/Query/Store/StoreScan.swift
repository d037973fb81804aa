import Columnar
import Foundation

/// Planning of a learning-base query over the store: the `events` manifest's day partitions
/// that intersect the window, their files in manifest (ingest) order — a file whose
/// [minTime, maxTime] misses the window is skipped without being opened — each opened as a
/// `ParquetEventRun` (row groups are pruned later, per worker, by their statistics).
///
/// Errors: no store, no events dataset, or an events dataset without rows → `.missingStore`
/// (exit 3); a damaged manifest, a missing part, or a part whose footer disagrees with the
/// manifest → `.columnar(.damaged)` naming the file (exit 4); a file that cannot be opened or
/// is not an events file → `.columnar(…)` naming the file. The store is opened for reading
/// only (nothing written, not even `.lock`).
public enum StoreScan {
    public struct Plan: Sendable {
        /// Runs in (day, file) order.
        public var runs: [any EventRun]
        /// Day partitions in the store / in the window; files skipped by their time bounds.
        public var daysInStore: Int
        public var daysInWindow: Int
        public var filesSkipped: Int
    }

    public static let dataset = EventsDataset.name

    public static func plan(store path: String, window: TimeWindow) throws(QueryError) -> Plan {
        guard FileIO.isDirectory(path) else { throw .missingStore("\(path): no such store directory (run `extract ingest` first)") }
        let store: Store
        let manifest: DatasetManifest?
        do {
            store = try Store(readingAt: path)
        } catch {
            if case .store(let p, let reason) = error { throw .missingStore("\(p): \(reason)") }
            throw .columnar(error)
        }
        do { manifest = try store.manifest(dataset: dataset) } catch { throw .columnar(error) }
        guard let manifest, manifest.totalRows > 0 else {
            throw .missingStore("\(path): the store holds no events (run `extract ingest` first)")
        }
        var runs: [any EventRun] = []
        var inWindow = 0, skipped = 0
        let partitions = manifest.partitions.sorted { ($0.day ?? .min) < ($1.day ?? .min) }
        for partition in partitions {
            // A partition without a day (NULL event_time) can never be inside a window.
            guard let day = partition.day, window.dayRange.contains(day) else { continue }
            inWindow += 1
            for file in partition.files {
                if let hi = file.maxTime, hi < window.startMicros { skipped += 1; continue }
                if let lo = file.minTime, lo > window.endMicros { skipped += 1; continue }
                if file.rows == 0 { skipped += 1; continue }
                let resolved: String
                do { resolved = try store.partPath(file, of: manifest) } catch { throw .columnar(error) }
                runs.append(try ParquetEventRun(path: resolved, entry: file, partition: partition, manifest: manifest))
            }
        }
        return Plan(runs: runs, daysInStore: manifest.partitions.count, daysInWindow: inWindow, filesSkipped: skipped)
    }
}
