/// The column chunks of one row-group read, fetched with as few ranged reads as the object
/// wants: chunks whose gap is at most the object's `coalescingGap` are read as one range (0 on
/// the local disk: only touching chunks merge, nothing extra is read; about a MiB for a bucket,
/// where a request costs more than the bytes between), then each chunk is decoded from its
/// window of that buffer, without a copy.
///
/// Errors are those of one read per chunk, in the same order: when any requested chunk fails
/// its metadata checks, nothing is read ahead and every chunk is read and checked on its own
/// (`ParquetFile.readColumn`). Memory: the requested chunks' compressed bytes plus the merged
/// gaps, held until the value is dropped.
struct ChunkReads {
    private let file: ParquetFile
    private let rowGroup: Int
    private let descriptors: [ParquetColumnDescriptor]
    /// nil: a chunk failed its checks; columns are then read one by one.
    private let plans: [ParquetFile.ChunkPlan]?
    private var buffers: [(bytes: [UInt8], base: Int)] = []
    /// For each requested column, the buffer holding its chunk.
    private var bufferOf: [Int] = []

    init(_ file: ParquetFile, rowGroup: Int, _ wanted: [ParquetColumnDescriptor]) throws(ColumnarError) {
        self.file = file
        self.rowGroup = rowGroup
        descriptors = wanted
        var plans: [ParquetFile.ChunkPlan] = []
        for d in wanted {
            guard let p = try? file.plan(rowGroup: rowGroup, descriptor: d) else { self.plans = nil; return }
            plans.append(p)
        }
        self.plans = plans
        let merged = Self.coalesce(plans.map(\.range), maxGap: file.handle.coalescingGap)
        for r in merged { buffers.append(try file.fetch(r)) }
        bufferOf = plans.map { p in
            merged.firstIndex { $0.lowerBound <= p.range.lowerBound && p.range.upperBound <= $0.upperBound }!
        }
    }

    /// Decodes requested column `i` (its index in `wanted`).
    func column(_ i: Int, uuidText: Bool) throws(ColumnarError) -> (column: AnyColumn, raw: AnyColumn?) {
        guard let plans else {
            return try file.readColumn(rowGroup: rowGroup, descriptor: descriptors[i], uuidText: uuidText)
        }
        let b = buffers[bufferOf[i]]
        return try file.decode(plans[i], rowGroup: rowGroup, descriptor: descriptors[i], uuidText: uuidText,
                               bytes: b.bytes, start: plans[i].range.lowerBound - b.base)
    }

    /// `ranges` (any order, may overlap or be empty) merged into sorted, disjoint ranges: two
    /// ranges at most `maxGap` bytes apart become one covering both (and the gap). Every input
    /// range lies inside exactly one output range.
    static func coalesce(_ ranges: [Range<Int>], maxGap: Int) -> [Range<Int>] {
        var out: [Range<Int>] = []
        for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = out.last, r.lowerBound <= last.upperBound + max(0, maxGap) {
                out[out.count - 1] = last.lowerBound..<max(last.upperBound, r.upperBound)
            } else {
                out.append(r)
            }
        }
        return out
    }
}
