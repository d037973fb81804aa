/// The Parquet footer and page-header structures this implementation reads and writes,
/// with the Thrift field ids of `parquet.thrift` in comments. Plain value types: serialisation
/// lives in `ParquetMetadata+Write.swift` (Thrift compact writer) and parsing in
/// `ParquetMetadata+Read.swift` (Thrift compact reader, unknown fields skipped).
/// Fields the IDL marks required are non-optional here.

/// LogicalType union (SchemaElement field 10). Unknown members are kept as `.other(fieldId)`.
package enum LogicalType: Hashable, Sendable {
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
package enum TimeUnit: Hashable, Sendable { case millis, micros, nanos }

/// SchemaElement (FileMetaData field 2, list).
package struct SchemaElement: Hashable, Sendable {
    package var type: PhysicalType?            // 1
    package var typeLength: Int32?             // 2
    package var repetitionType: Repetition?    // 3
    package var name: String                   // 4 (required)
    package var numChildren: Int32?            // 5
    package var convertedType: ConvertedType?  // 6
    package var scale: Int32?                  // 7
    package var precision: Int32?              // 8
    package var fieldId: Int32?                // 9
    package var logicalType: LogicalType?      // 10

    package init(name: String) { self.name = name }
}

/// Statistics (ColumnMetaData field 12, also in page headers). Note max precedes min.
package struct Statistics: Hashable, Sendable {
    package var max: [UInt8]?             // 1 legacy, signed order only
    package var min: [UInt8]?             // 2 legacy
    package var nullCount: Int64?         // 3
    package var distinctCount: Int64?     // 4
    package var maxValue: [UInt8]?        // 5
    package var minValue: [UInt8]?        // 6
    package var isMaxValueExact: Bool?    // 7
    package var isMinValueExact: Bool?    // 8
    package var nanCount: Int64?          // 9 (not in every parquet.thrift; written for floats)

    package init() {}
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
package struct PageEncodingStats: Hashable, Sendable {
    package var pageType: PageType  // 1
    package var encoding: Encoding  // 2
    package var count: Int32        // 3
}

/// ColumnMetaData (ColumnChunk field 3).
package struct ColumnMetaData: Hashable, Sendable {
    package var type: PhysicalType                  // 1
    package var encodings: [Encoding]               // 2
    package var pathInSchema: [String]              // 3
    package var codec: CompressionCodec             // 4
    package var numValues: Int64                    // 5 level entries, nulls included
    package var totalUncompressedSize: Int64        // 6 headers included
    package var totalCompressedSize: Int64          // 7 headers included
    package var keyValueMetadata: [KeyValue]?       // 8
    package var dataPageOffset: Int64               // 9 first data page
    package var indexPageOffset: Int64?             // 10
    package var dictionaryPageOffset: Int64?        // 11
    package var statistics: Statistics?             // 12
    package var encodingStats: [PageEncodingStats]? // 13

    package init(type: PhysicalType, encodings: [Encoding], pathInSchema: [String], codec: CompressionCodec,
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
package struct ColumnChunk: Hashable, Sendable {
    package var filePath: String?          // 1 (never written)
    package var fileOffset: Int64          // 2 (write 0)
    package var metaData: ColumnMetaData?  // 3 (writers must populate)
    package init(fileOffset: Int64 = 0, metaData: ColumnMetaData?) {
        self.fileOffset = fileOffset
        self.metaData = metaData
    }
}

/// RowGroup (FileMetaData field 4).
package struct RowGroup: Hashable, Sendable {
    package var columns: [ColumnChunk]          // 1
    package var totalByteSize: Int64            // 2
    package var numRows: Int64                  // 3
    package var sortingColumns: [SortingColumn]? // 4
    package var fileOffset: Int64?              // 5
    package var totalCompressedSize: Int64?     // 6
    package var ordinal: Int16?                 // 7
    package init(columns: [ColumnChunk], totalByteSize: Int64, numRows: Int64) {
        self.columns = columns
        self.totalByteSize = totalByteSize
        self.numRows = numRows
    }
}

/// ColumnOrder union (FileMetaData field 7).
package enum ColumnOrder: Hashable, Sendable { case typeOrder, ieee754TotalOrder, other(fieldId: Int16) }

/// FileMetaData: the footer.
package struct FileMetaData: Hashable, Sendable {
    package var version: Int32                  // 1
    package var schema: [SchemaElement]         // 2 depth-first; [0] is the root
    package var numRows: Int64                  // 3
    package var rowGroups: [RowGroup]           // 4
    package var keyValueMetadata: [KeyValue]?   // 5
    package var createdBy: String?              // 6
    package var columnOrders: [ColumnOrder]?    // 7
    /// True when field 8 (encryption_algorithm) was present: such files are rejected.
    package var isEncrypted: Bool = false
    package init(version: Int32, schema: [SchemaElement], numRows: Int64, rowGroups: [RowGroup]) {
        self.version = version
        self.schema = schema
        self.numRows = numRows
        self.rowGroups = rowGroups
    }
}

/// DataPageHeader (v1; PageHeader field 5).
package struct DataPageHeader: Hashable, Sendable {
    package var numValues: Int32                  // 1 nulls included
    package var encoding: Encoding                // 2
    package var definitionLevelEncoding: Encoding // 3
    package var repetitionLevelEncoding: Encoding // 4
    package var statistics: Statistics?           // 5
    package init(numValues: Int32, encoding: Encoding,
                definitionLevelEncoding: Encoding = .rle, repetitionLevelEncoding: Encoding = .rle) {
        self.numValues = numValues
        self.encoding = encoding
        self.definitionLevelEncoding = definitionLevelEncoding
        self.repetitionLevelEncoding = repetitionLevelEncoding
    }
}

/// DictionaryPageHeader (PageHeader field 7).
package struct DictionaryPageHeader: Hashable, Sendable {
    package var numValues: Int32   // 1 entries
    package var encoding: Encoding // 2 PLAIN (or PLAIN_DICTIONARY on read)
    package var isSorted: Bool?    // 3
    package init(numValues: Int32, encoding: Encoding = .plain) {
        self.numValues = numValues
        self.encoding = encoding
    }
}

/// DataPageHeaderV2 (PageHeader field 8; read side).
package struct DataPageHeaderV2: Hashable, Sendable {
    package var numValues: Int32                  // 1
    package var numNulls: Int32                   // 2
    package var numRows: Int32                    // 3
    package var encoding: Encoding                // 4
    package var definitionLevelsByteLength: Int32 // 5
    package var repetitionLevelsByteLength: Int32 // 6
    package var isCompressed: Bool                // 7 default true
    package var statistics: Statistics?           // 8
    package init(numValues: Int32, numNulls: Int32, numRows: Int32, encoding: Encoding,
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
package struct PageHeader: Hashable, Sendable {
    package var type: PageType                              // 1
    package var uncompressedPageSize: Int32                 // 2
    package var compressedPageSize: Int32                   // 3
    package var crc: Int32?                                 // 4 CRC-32 of the compressed body
    package var dataPageHeader: DataPageHeader?             // 5
    package var dictionaryPageHeader: DictionaryPageHeader? // 7
    package var dataPageHeaderV2: DataPageHeaderV2?         // 8
    package init(type: PageType, uncompressedPageSize: Int32, compressedPageSize: Int32) {
        self.type = type
        self.uncompressedPageSize = uncompressedPageSize
        self.compressedPageSize = compressedPageSize
    }
}
