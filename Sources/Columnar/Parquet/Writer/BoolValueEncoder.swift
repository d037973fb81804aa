/// Values of a BOOLEAN column: PLAIN, bit-packed (1 bit per non-null value).
/// Memory: one page of 0/1 words, kept between chunks.
struct BoolValueEncoder: PageValueEncoder {
    private var bits: [UInt32] = []

    mutating func reset() { bits.removeAll(keepingCapacity: true) }

    var dictionaryCount: Int { 0 }

    /// Levels and values at 1 bit each.
    func pageEstimate(_ page: ColumnPageWriter) -> Int { (page.levels.count >> 3) &+ (bits.count >> 3) }

    /// Appends rows `range` of `c`, flushing pages as they fill up (statistics of the values are
    /// the caller's; null counts are kept here).
    mutating func append(_ c: FixedWidthColumn<Bool>, range: Range<Int>, page: inout ColumnPageWriter) throws(ColumnarError) {
        let nullable = page.nullable
        var row = range.lowerBound
        while row < range.upperBound {
            let room = max(8, min((page.pageBytes - pageEstimate(page)) * 8, ColumnPageWriter.maxPageRows - page.rows))
            let end = min(range.upperBound, row + room)
            c.values.withUnsafeBufferPointer { p in
                for i in row..<end {
                    if c.validity?[i] ?? true {
                        bits.append(p[i] ? 1 : 0)
                        page.nonNull &+= 1
                        if nullable { page.levels.append(1) }
                    } else {
                        page.stats.nullCount &+= 1
                        page.levels.append(0)
                    }
                }
            }
            page.rows &+= end - row
            row = end
            if page.isFull(estimate: pageEstimate(page)) { try page.flush(&self) }
        }
    }

    mutating func willFlush(nonNull: Int, last: Bool) {}

    mutating func encodeValues(into body: inout ByteSink) -> Encoding {
        bits.withUnsafeBufferPointer { BitPackingEncoder.pack($0, bitWidth: 1, into: &body) }
        return .plain
    }

    mutating func clearPage() { bits.removeAll(keepingCapacity: true) }
    func writeDictionary(into body: inout ByteSink) {}
    func addDictionaryStatistics(to stats: inout StatisticsAccumulator) {}
}
