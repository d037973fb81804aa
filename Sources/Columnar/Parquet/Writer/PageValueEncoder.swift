/// The per-type half of `ColumnChunkEncoder` (arrow-rs's `ColumnValueEncoder`, DuckDB's
/// per-type column writers): it buffers one physical representation's non-null values for the
/// current page and encodes them, while `ColumnPageWriter` keeps the type-independent rest
/// (levels, row counts, statistics, page framing).
///
/// Conforming types: `NumericValueEncoder<T>` (INT32/INT64/DOUBLE), `BoolValueEncoder`,
/// `FixedBytesValueEncoder` (UUID) and `ByteArrayValueEncoder` (string/binary). They are only
/// used as concrete types (chosen once per column in `ColumnChunkEncoder.init`), so every call
/// through this protocol is specialised; it states the contract, it is not an existential.
protocol PageValueEncoder {
    /// Estimated uncompressed body of the current page, levels (at 1 bit each, `page.levels`)
    /// included. Pages are cut when it reaches `pageBytes`.
    func pageEstimate(_ page: ColumnPageWriter) -> Int
    /// Called by `ColumnPageWriter.flush` before the page is encoded: `nonNull` values are in
    /// the page, `last` says it is the chunk's last page. (The numeric dictionary trial may end
    /// here.)
    mutating func willFlush(nonNull: Int, last: Bool)
    /// Appends the page's values (there is at least one) to `body` and returns their encoding.
    mutating func encodeValues(into body: inout ByteSink) -> Encoding
    /// Forgets the page's values (capacity and the chunk dictionary are kept).
    mutating func clearPage()
    /// Entries of the chunk dictionary (0 when there is none).
    var dictionaryCount: Int { get }
    /// Writes the chunk dictionary as a PLAIN dictionary page body.
    func writeDictionary(into body: inout ByteSink)
    /// Adds what the chunk dictionary tells about the chunk's statistics (byte arrays: the
    /// dictionary-encoded values were not counted when appended).
    func addDictionaryStatistics(to stats: inout StatisticsAccumulator)
    /// Starts a new chunk, keeping capacity.
    mutating func reset()
}

/// Whether an encoder is filling dictionary indices or PLAIN values.
enum ValueEncodingMode { case dictionary, plain }

extension RLEHybridEncoder {
    /// Bits per dictionary index used for page size estimates with `count` entries (≥ 1).
    @inline(__always)
    static func estimateBits(dictionaryCount count: Int) -> Int {
        max(1, bitWidth(forMax: UInt32(max(count, 1))))
    }
}
