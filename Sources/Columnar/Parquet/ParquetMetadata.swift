/// The Parquet footer and page-header structures this implementation reads and writes,
/// with the Thrift field ids of `parquet.thrift` in comments. Plain value types: serialisation
/// lives in `ParquetMetadata+Write.swift` (Thrift compact writer) and parsing in
/// `ParquetMetadata+Read.swift` (Thrift compact reader, unknown fields skipped).
/// Fields the IDL marks required are non-optional here.

/// LogicalType union (SchemaElement field 10). Unknown members are kept as `.other(fieldId)`.
public enum LogicalType: Hashable, Sendable {
    case string                                   // 1
    case map                                      // 2
    case list                                     // 3
    case enumType                                 // 4
    case decimal(scale: Int32, precision: Int32)  // 5
    case date                                     // 6
    case time(isAdjustedToUTC: Bool, unit: TimeUnit)       // 7
    case timestamp(isAdjustedToUTC: Bool, unit: TimeUnit)  // 8
    case integer(bitWidth: Int8, isSigned: Bool)  // 10
    case unknown                                  // 11
    case json                                     // 12
    case bson                                     // 13
    case uuid                                     // 14
    case float16                                  // 15
    case other(fieldId: Int16)
}

/// TimeUnit union: 1 MILLIS, 2 MICROS, 3 NANOS.
public enum TimeUnit: Hashable, Sendable { case millis, micros, nanos }

/// SchemaElement (FileMetaData field 2, list).
public struct SchemaElement: Hashable, Sendable {
    public var type: PhysicalType?            // 1
    public var typeLength: Int32?             // 2
    public var repetitionType: Repetition?    // 3
    public var name: String                   // 4 (required)
    public var numChildren: Int32?            // 5
    public var convertedType: ConvertedType?  // 6
    public var scale: Int32?                  // 7
    public var precision: Int32?              // 8
    public var fieldId: Int32?                // 9
    public var logicalType: LogicalType?      // 10

    public init(name: String) { self.name = name }
}

/// Statistics (ColumnMetaData field 12, also in page headers). Note max precedes min.
public struct Statistics: Hashable, Sendable {
    public var max: [UInt8]?             // 1 legacy, signed order only
    public var min: [UInt8]?             // 2 legacy
    public var nullCount: Int64?         // 3
    public var distinctCount: Int64?     // 4
    public var maxValue: [UInt8]?        // 5
    public var minValue: [UInt8]?        // 6
    public var isMaxValueExact: Bool?    // 7
    public var isMinValueExact: Bool?    // 8
    public var nanCount: Int64?          // 9 (not in every parquet.thrift; written for floats)

    public init() {}
}

public struct KeyValue: Hashable, Sendable {
    public var key: String     // 1
    public var value: String?  // 2
    public init(key: String, value: String?) { self.key = key; self.value = value }
}

/// SortingColumn (RowGroup field 4).
public struct SortingColumn: Hashable, Sendable {
    public var columnIndex: Int32  // 1
    public var descending: Bool    // 2
    public var nullsFirst: Bool    // 3
    public init(columnIndex: Int32, descending: Bool = false, nullsFirst: Bool = true) {
        self.columnIndex = columnIndex
        self.descending = descending
        self.nullsFirst = nullsFirst
    }
}

/// PageEncodingStats (ColumnMetaData field 13).
public struct PageEncodingStats: Hashable, Sendable {
    public var pageType: PageType  // 1
    public var encoding: Encoding  // 2
    public var count: Int32        // 3
}

/// ColumnMetaData (ColumnChunk field 3).
public struct ColumnMetaData: Hashable, Sendable {
    public var type: PhysicalType                  // 1
    public var encodings: [Encoding]               // 2
    public var pathInSchema: [String]              // 3
    public var codec: CompressionCodec             // 4
    public var numValues: Int64                    // 5 level entries, nulls included
    public var totalUncompressedSize: Int64        // 6 headers included
    public var totalCompressedSize: Int64          // 7 headers included
    public var keyValueMetadata: [KeyValue]?       // 8
    public var dataPageOffset: Int64               // 9 first data page
    public var indexPageOffset: Int64?             // 10
    public var dictionaryPageOffset: Int64?        // 11
    public var statistics: Statistics?             // 12
    public var encodingStats: [PageEncodingStats]? // 13

    public init(type: PhysicalType, encodings: [Encoding], pathInSchema: [String], codec: CompressionCodec,
                numValues: Int64, totalUncompressedSize: Int64, totalCompressedSize: Int64,
                dataPageOffset: Int64) {
        self.type = type
        self.encodings = encodings
        self.pathInSchema = pathInSchema
        self.codec = codec
        self.numValues = numValues
        self.totalUncompressedSize = totalUncompressedSize
        self.totalCompressedSize = totalCompressedSize
        self.dataPageOffset = dataPageOffset
    }
}

/// ColumnChunk (RowGroup field 1).
public struct ColumnChunk: Hashable, Sendable {
    public var filePath: String?          // 1 (never written)
    public var fileOffset: Int64          // 2 (write 0)
    public var metaData: ColumnMetaData?  // 3 (writers must populate)
    public init(fileOffset: Int64 = 0, metaData: ColumnMetaData?) {
        self.fileOffset = fileOffset
        self.metaData = metaData
    }
}

/// RowGroup (FileMetaData field 4).
public struct RowGroup: Hashable, Sendable {
    public var columns: [ColumnChunk]          // 1
    public var totalByteSize: Int64            // 2
    public var numRows: Int64                  // 3
    public var sortingColumns: [SortingColumn]? // 4
    public var fileOffset: Int64?              // 5
    public var totalCompressedSize: Int64?     // 6
    public var ordinal: Int16?                 // 7
    public init(columns: [ColumnChunk], totalByteSize: Int64, numRows: Int64) {
        self.columns = columns
        self.totalByteSize = totalByteSize
        self.numRows = numRows
    }
}

/// ColumnOrder union (FileMetaData field 7).
public enum ColumnOrder: Hashable, Sendable { case typeOrder, ieee754TotalOrder, other(fieldId: Int16) }

/// FileMetaData: the footer.
public struct FileMetaData: Hashable, Sendable {
    public var version: Int32                  // 1
    public var schema: [SchemaElement]         // 2 depth-first; [0] is the root
    public var numRows: Int64                  // 3
    public var rowGroups: [RowGroup]           // 4
    public var keyValueMetadata: [KeyValue]?   // 5
    public var createdBy: String?              // 6
    public var columnOrders: [ColumnOrder]?    // 7
    /// True when field 8 (encryption_algorithm) was present: such files are rejected.
    public var isEncrypted: Bool = false
    public init(version: Int32, schema: [SchemaElement], numRows: Int64, rowGroups: [RowGroup]) {
        self.version = version
        self.schema = schema
        self.numRows = numRows
        self.rowGroups = rowGroups
    }
}

/// DataPageHeader (v1; PageHeader field 5).
public struct DataPageHeader: Hashable, Sendable {
    public var numValues: Int32                  // 1 nulls included
    public var encoding: Encoding                // 2
    public var definitionLevelEncoding: Encoding // 3
    public var repetitionLevelEncoding: Encoding // 4
    public var statistics: Statistics?           // 5
    public init(numValues: Int32, encoding: Encoding,
                definitionLevelEncoding: Encoding = .rle, repetitionLevelEncoding: Encoding = .rle) {
        self.numValues = numValues
        self.encoding = encoding
        self.definitionLevelEncoding = definitionLevelEncoding
        self.repetitionLevelEncoding = repetitionLevelEncoding
    }
}

/// DictionaryPageHeader (PageHeader field 7).
public struct DictionaryPageHeader: Hashable, Sendable {
    public var numValues: Int32   // 1 entries
    public var encoding: Encoding // 2 PLAIN (or PLAIN_DICTIONARY on read)
    public var isSorted: Bool?    // 3
    public init(numValues: Int32, encoding: Encoding = .plain) {
        self.numValues = numValues
        self.encoding = encoding
    }
}

/// DataPageHeaderV2 (PageHeader field 8; read side).
public struct DataPageHeaderV2: Hashable, Sendable {
    public var numValues: Int32                  // 1
    public var numNulls: Int32                   // 2
    public var numRows: Int32                    // 3
    public var encoding: Encoding                // 4
    public var definitionLevelsByteLength: Int32 // 5
    public var repetitionLevelsByteLength: Int32 // 6
    public var isCompressed: Bool                // 7 default true
    public var statistics: Statistics?           // 8
    public init(numValues: Int32, numNulls: Int32, numRows: Int32, encoding: Encoding,
                definitionLevelsByteLength: Int32, repetitionLevelsByteLength: Int32, isCompressed: Bool = true) {
        self.numValues = numValues
        self.numNulls = numNulls
        self.numRows = numRows
        self.encoding = encoding
        self.definitionLevelsByteLength = definitionLevelsByteLength
        self.repetitionLevelsByteLength = repetitionLevelsByteLength
        self.isCompressed = isCompressed
    }
}

/// PageHeader: precedes every page body. Sizes exclude the header itself.
public struct PageHeader: Hashable, Sendable {
    public var type: PageType                              // 1
    public var uncompressedPageSize: Int32                 // 2
    public var compressedPageSize: Int32                   // 3
    public var crc: Int32?                                 // 4 CRC-32 of the compressed body
    public var dataPageHeader: DataPageHeader?             // 5
    public var dictionaryPageHeader: DictionaryPageHeader? // 7
    public var dataPageHeaderV2: DataPageHeaderV2?         // 8
    public init(type: PageType, uncompressedPageSize: Int32, compressedPageSize: Int32) {
        self.type = type
        self.uncompressedPageSize = uncompressedPageSize
        self.compressedPageSize = compressedPageSize
    }
}
