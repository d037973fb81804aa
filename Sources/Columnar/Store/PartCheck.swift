/// Checks one part file's footer against what its manifest says about it, so that no answer is
/// ever computed from metadata nobody checked. Uses only the footer `ParquetFile.init` already
/// read (no data page is read): O(row groups × columns) comparisons.
///
/// A part must have: the manifest's byte size and row count; exactly the schema the manifest's
/// format version declares (`StoreFormat.fileSchema`: names, order, types, nullability); in
/// every row group and column with statistics, min ≤ max, legacy min/max equal to the current
/// min_value/max_value where both are stored (our writer and pyarrow write both for signed
/// types, so one damaged field is seen), and a null count within the row
/// group (0 for a required column); for the time and sort columns, bounds present in every row
/// group holding a value; for the dataset's time column, bounds inside the part's
/// manifest [minTime, maxTime] (equal to them over the file) and inside the partition's day;
/// for a dataset sorted by a column, row groups in that column's order. A part file moved from
/// another day or swapped with another part fails on its size, rows or time bounds.
public enum PartCheck {
    /// Every problem found, each a phrase completing "store damaged: <file> …"; empty when the
    /// part agrees with its manifest.
    public static func problems(_ file: ParquetFile, entry: PartFile, partition: PartitionRecord,
                                manifest: DatasetManifest) -> [String] {
        var out: [String] = []
        if file.handle.size != entry.bytes {
            out.append("has \(file.handle.size) bytes, the manifest says \(entry.bytes)")
        }
        if file.rowCount != entry.rows { out.append("has \(file.rowCount) rows, the manifest says \(entry.rows)") }
        guard let expected = StoreFormat.fileSchema(declared: manifest.schema, version: manifest.formatVersion) else {
            return out + ["belongs to a manifest of unknown format version \(manifest.formatVersion)"]
        }
        if file.schema != expected || !file.unsupportedColumns.isEmpty {
            out.append("has schema \(describe(file.schema, file.unsupportedColumns)), the manifest declares \(describe(expected, [:]))")
            return out  // statistics are decoded by the file's own column types: not comparable
        }
        let timeColumn = StoreFormat.timeColumn(dataset: manifest.dataset, schema: expected)
        var timeBounds: ClosedRange<Int64> = ManifestCheck.microsRange
        if let day = partition.day {
            timeBounds = day * CivilTime.microsPerDay ... (day + 1) * CivilTime.microsPerDay - 1
        }
        if let lo = entry.minTime, let hi = entry.maxTime, lo <= hi { timeBounds = lo ... hi }
        var fileTimeMin: Int64?, fileTimeMax: Int64?, timeStatsComplete = true
        let sortColumn = manifest.sortedBy?.first.flatMap { expected.index(of: $0) != nil ? $0 : nil }
        var previousSortMax: StatValue?
        for g in 0..<file.rowGroupCount {
            let rows = Int64(file.rowCount(rowGroup: g))
            for field in expected.fields {
                let stats = file.statistics(rowGroup: g, column: field.name)
                let at = "row group \(g) column '\(field.name)'"
                if let n = stats?.nullCount {
                    if n > rows { out.append("\(at): null count \(n) exceeds the \(rows) rows") }
                    if !field.nullable && n != 0 { out.append("\(at): null count \(n) in a required column") }
                }
                // The time and sort columns' bounds drive pruning and the split between workers:
                // our writers always record them, so a row group with values but no bounds is damaged.
                if field.name == timeColumn || field.name == sortColumn, stats?.min == nil || stats?.max == nil,
                   rows > 0, (stats?.nullCount ?? 0) < rows {
                    out.append("\(at): statistics missing")
                }
                if let raw = rawStatistics(file, rowGroup: g, column: field.name),
                   (raw.min != nil && raw.minValue != nil && raw.min != raw.minValue)
                    || (raw.max != nil && raw.maxValue != nil && raw.max != raw.maxValue) {
                    out.append("\(at): legacy and current statistics disagree")
                }
                if let lo = stats?.min, let hi = stats?.max, !lessOrEqual(lo, hi) {
                    out.append("\(at): statistics min > max")
                }
                if field.name == timeColumn {
                    if case .int(let lo)? = stats?.min, case .int(let hi)? = stats?.max {
                        if !timeBounds.contains(lo) || !timeBounds.contains(hi) {
                            out.append("\(at): time statistics \(lo)...\(hi) outside the part's range \(timeBounds.lowerBound)...\(timeBounds.upperBound)")
                        }
                        fileTimeMin = min(fileTimeMin ?? lo, lo)
                        fileTimeMax = max(fileTimeMax ?? hi, hi)
                    } else if rows > 0 {
                        timeStatsComplete = false
                    }
                }
                if field.name == sortColumn, let lo = stats?.min, let hi = stats?.max {
                    if let p = previousSortMax, !lessOrEqual(p, lo) {
                        out.append("\(at): row groups out of '\(field.name)' order")
                    }
                    previousSortMax = hi
                }
            }
        }
        if timeStatsComplete, file.rowCount > 0, let lo = entry.minTime, let hi = entry.maxTime,
           let flo = fileTimeMin, let fhi = fileTimeMax, flo != lo || fhi != hi {
            out.append("has time range \(flo)...\(fhi), the manifest says \(lo)...\(hi)")
        }
        return out
    }

    /// Throws `.damaged(path: file.path, …)` with the first problem, if any.
    public static func check(_ file: ParquetFile, entry: PartFile, partition: PartitionRecord,
                             manifest: DatasetManifest) throws(ColumnarError) {
        if let first = problems(file, entry: entry, partition: partition, manifest: manifest).first {
            throw .damaged(path: file.path, problem: first)
        }
    }

    /// The footer's statistics of one column chunk as stored (legacy and current fields).
    static func rawStatistics(_ file: ParquetFile, rowGroup g: Int, column: String) -> Statistics? {
        guard let d = file.descriptors.first(where: { $0.name == column }), d.leafIndex >= 0,
              d.leafIndex < file.metadata.rowGroups[g].columns.count else { return nil }
        return file.metadata.rowGroups[g].columns[d.leafIndex].metaData?.statistics
    }

    static func lessOrEqual(_ a: StatValue, _ b: StatValue) -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): x <= y
        case (.double(let x), .double(let y)): x <= y || x.isNaN || y.isNaN
        case (.bytes(let x), .bytes(let y)): !y.lexicographicallyPrecedes(x)
        case (.bool(let x), .bool(let y)): !x || y
        default: false
        }
    }

    static func describe(_ s: Schema, _ unsupported: [String: String]) -> String {
        "(" + s.fields.map { "\($0.name) \($0.type.rawValue)\($0.nullable ? "" : " required")" }.joined(separator: ", ")
            + unsupported.keys.sorted().map { ", \($0) unsupported" }.joined() + ")"
    }
}
