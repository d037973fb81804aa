/// Values of a FIXED_LEN_BYTE_ARRAY column (UUID: 16 bytes): PLAIN, the bytes back to back.
/// Statistics are byte-wise, kept here. Memory: one page of bytes, kept between chunks.
struct FixedBytesValueEncoder: PageValueEncoder {
    private var values = ByteSink()

    mutating func reset() { values.removeAll() }

    var dictionaryCount: Int { 0 }

    func pageEstimate(_ page: ColumnPageWriter) -> Int { values.count &+ (page.levels.count >> 3) }

    /// Appends rows `range` of `c`, flushing pages as they fill up.
    mutating func append(_ c: FixedBytesColumn, range: Range<Int>, page: inout ColumnPageWriter) throws(ColumnarError) {
        let w = c.width
        let nullable = page.nullable
        var row = range.lowerBound
        while row < range.upperBound {
            let room = page.room(estimate: pageEstimate(page), bytesPerRow: w)
            let end = min(range.upperBound, row + room)
            c.bytes.withUnsafeBytes { raw in
                // Whole runs of valid rows: one bulk copy of their PLAIN bytes and one levels append.
                func putRun(_ run: Range<Int>) {
                    values.append(UnsafeRawBufferPointer(rebasing: raw[(run.lowerBound &* w)..<(run.upperBound &* w)]))
                    for i in run { page.stats.updateBytes(UnsafeRawBufferPointer(rebasing: raw[(i &* w)..<(i &* w &+ w)])) }
                    page.nonNull &+= run.count
                    if nullable { page.levels.append(contentsOf: repeatElement(1, count: run.count)) }
                }
                if let validity = c.validity {
                    validity.forEachRun(in: row..<end) { run, valid in
                        if valid {
                            putRun(run)
                        } else {
                            page.stats.nullCount &+= Int64(run.count)
                            page.levels.append(contentsOf: repeatElement(0, count: run.count))
                        }
                    }
                } else {
                    putRun(row..<end)
                }
            }
            page.rows &+= end - row
            row = end
            if page.isFull(estimate: pageEstimate(page)) { try page.flush(&self) }
        }
    }

    mutating func willFlush(nonNull: Int, last: Bool) {}

    mutating func encodeValues(into body: inout ByteSink) -> Encoding {
        body.append(contentsOf: values.bytes)
        return .plain
    }

    mutating func clearPage() { values.removeAll() }
    func writeDictionary(into body: inout ByteSink) {}
    func addDictionaryStatistics(to stats: inout StatisticsAccumulator) {}
}
