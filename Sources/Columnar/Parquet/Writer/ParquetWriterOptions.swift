/// How `ParquetWriter` lays out and encodes a file. The defaults suit the store: zstd level 3,
/// dictionary-encoded strings and numbers, ~1 MiB pages, 1 Mi-row row groups, page CRCs.
public struct ParquetWriterOptions: Sendable, Equatable {
    /// `.zstd`, `.gzip` (one RFC 1952 member per page) or `.uncompressed`; others are rejected.
    public var codec: CompressionCodec = .zstd
    /// nil = codec default (zstd 3, gzip 6).
    public var compressionLevel: Int32? = nil
    /// Maximum rows per row group (≥ 1).
    public var rowGroupRows: Int = 1 << 20
    /// Target uncompressed data page size in bytes (a page holds at least one row).
    public var pageBytes: Int = 1 << 20
    /// RLE_DICTIONARY pages for string/binary columns.
    public var dictionary: Bool = true
    /// RLE_DICTIONARY pages for INT32/INT64/DOUBLE columns (incl. date and timestamp) too, when
    /// `dictionary` is on. The dictionary is keyed on bit patterns (-0.0/0.0 and NaN payloads
    /// round-trip exactly) and tried on the chunk's first 64 Ki values: the chunk stays PLAIN
    /// when the dictionary would not make them 1/4 smaller, the values are sorted, or new values
    /// keep arriving at the same rate (timestamps in time order, ids from a large set).
    public var numericDictionary: Bool = true
    /// When a chunk's dictionary (PLAIN size) would grow past this, the rest of the chunk is
    /// written as PLAIN pages.
    public var dictionaryMaxBytes: Int = 1 << 20
    /// Columns (by name) written PLAIN whatever `dictionary` says.
    public var plainColumns: Set<String> = []
    /// DELTA_BINARY_PACKED for INT32/INT64 (int, date, timestamp) pages where it is smaller than PLAIN.
    public var deltaEncodeSortedIntegers: Bool = false
    /// Non-null values of a chunk on which the numeric dictionary is tried (see
    /// `NumericValueEncoder`, `NumericDictionaryTrial`); smaller only in tests.
    internal var numericTrialValues: Int = 1 << 16
    /// Write `PageHeader.crc` (CRC-32 of the compressed page body).
    public var pageCRC: Bool = true
    /// Footer `key_value_metadata` (omitted when empty).
    public var keyValueMetadata: [KeyValue] = []
    /// Written on every row group when the caller guarantees the data is sorted this way.
    public var sortingColumns: [SortingColumn]? = nil
    /// fsync the file in `close()`.
    public var sync: Bool = false
    /// Write INT(32/64, signed) + INT_32/INT_64 annotations on `.int32`/`.int64` columns.
    /// Only turned off by the byte-exact golden test (docs/parquet.md §10 has bare INT64).
    internal var annotateIntegers: Bool = true

    public init() {}

    /// The compression level passed to the codec.
    var effectiveLevel: Int32 {
        if let compressionLevel { return compressionLevel }
        return codec == .gzip ? 6 : Zstd.defaultLevel
    }

    func validate() throws(ColumnarError) {
        guard codec == .zstd || codec == .gzip || codec == .uncompressed else {
            throw .invalidArgument("the Parquet writer cannot compress with \(codec)")
        }
        guard rowGroupRows >= 1 else { throw .invalidArgument("rowGroupRows must be ≥ 1") }
        guard pageBytes >= 1 && pageBytes <= 1 << 30 else { throw .invalidArgument("pageBytes must be in 1...2^30") }
        guard dictionaryMaxBytes >= 0 && dictionaryMaxBytes <= 1 << 30 else {
            throw .invalidArgument("dictionaryMaxBytes must be in 0...2^30")
        }
    }
}
