/// Parsing of the footer and page-header structures from Thrift compact bytes.
///
/// Each `decode(from:depth:)` reads one struct (through its STOP byte). Unknown field ids, and
/// known ids with an unexpected wire type, are skipped recursively (depth limit 64). Unknown
/// union members become `.other(fieldId:)`. A missing required field the reader needs throws
/// `DecodeError`; fields we do not rely on get a default instead (tolerant, like arrow-rs).
/// Encryption (FileMetaData field 8) sets `isEncrypted` and is rejected by `ParquetFile`.
extension FileMetaData {
    /// Decodes a whole footer (the `FileMetaData` bytes, without length and magic).
    package static func decode(footer bytes: [UInt8]) throws(DecodeError) -> FileMetaData {
        try decode(footer: bytes, start: 0, end: bytes.count)
    }

    /// The footer held in `bytes[start..<end]` (a window of a larger read, no copy).
    package static func decode(footer bytes: [UInt8], start: Int, end: Int) throws(DecodeError) -> FileMetaData {
        var r = CompactReader(ByteReader(bytes, start: start, end: end))
        return try decode(from: &r, depth: 0)
    }

    static func decode(from r: inout CompactReader, depth: Int) throws(DecodeError) -> FileMetaData {
        try checkDepth(depth)
        var version: Int32 = 1
        var schema: [SchemaElement]?
        var numRows: Int64?
        var rowGroups: [RowGroup]?
        var kv: [KeyValue]?
        var createdBy: String?
        var orders: [ColumnOrder]?
        var encrypted = false
        var last: Int16 = 0
        while let f = try r.readFieldHeader(lastId: &last) {
            switch (f.id, f.type) {
            case (1, CompactType.i32): version = try r.readI32()
            case (2, CompactType.list):
                let (t, n) = try r.readListHeader()
                try expectStructs(t, n, "schema")
                var list: [SchemaElement] = []
                list.reserveCapacity(n)
                for _ in 0..<n { list.append(try SchemaElement.decode(from: &r, depth: depth + 1)) }
                schema = list
            case (3, CompactType.i64): numRows = try r.readI64()
            case (4, CompactType.list):
                let (t, n) = try r.readListHeader()
                try expectStructs(t, n, "row_groups")
                var list: [RowGroup] = []
                list.reserveCapacity(n)
                for _ in 0..<n { list.append(try RowGroup.decode(from: &r, depth: depth + 1)) }
                rowGroups = list
            case (5, CompactType.list): kv = try decodeKeyValues(from: &r, depth: depth + 1)
            case (6, CompactType.binary): createdBy = try r.readString()
            case (7, CompactType.list):
                let (t, n) = try r.readListHeader()
                try expectStructs(t, n, "column_orders")
                var list: [ColumnOrder] = []
                list.reserveCapacity(n)
                for _ in 0..<n { list.append(try ColumnOrder.decode(from: &r, depth: depth + 1)) }
                orders = list
            case (8, _):
                encrypted = true
                try r.skip(f.type, depth: depth + 1)
            default: try r.skip(f.type, depth: depth + 1)
            }
        }
        guard let schema else { throw DecodeError("FileMetaData without schema") }
        guard let numRows else { throw DecodeError("FileMetaData without num_rows") }
        var m = FileMetaData(version: version, schema: schema, numRows: numRows, rowGroups: rowGroups ?? [])
        m.keyValueMetadata = kv
        m.createdBy = createdBy
        m.columnOrders = orders
        m.isEncrypted = encrypted
        return m
    }
}

@inline(__always)
func checkDepth(_ depth: Int) throws(DecodeError) {
    guard depth <= CompactReader.maxDepth else { throw DecodeError("nesting deeper than \(CompactReader.maxDepth)") }
}

func expectStructs(_ t: UInt8, _ n: Int, _ what: String) throws(DecodeError) {
    guard n == 0 || t == CompactType.structure else { throw DecodeError("\(what): expected a list of structs, got element type \(t)") }
}

func decodeKeyValues(from r: inout CompactReader, depth: Int) throws(DecodeError) -> [KeyValue] {
    let (t, n) = try r.readListHeader()
    try expectStructs(t, n, "key_value_metadata")
    var out: [KeyValue] = []
    for _ in 0..<n {
        try checkDepth(depth)
        var key: String?
        var value: String?
        var last: Int16 = 0
        while let f = try r.readFieldHeader(lastId: &last) {
            switch (f.id, f.type) {
            case (1, CompactType.binary): key = try r.readString()
            case (2, CompactType.binary): value = try r.readString()
            default: try r.skip(f.type, depth: depth + 1)
            }
        }
        out.append(KeyValue(key: key ?? "", value: value))
    }
    return out
}

extension SchemaElement {
    static func decode(from r: inout CompactReader, depth: Int) throws(DecodeError) -> SchemaElement {
        try checkDepth(depth)
        var e = SchemaElement(name: "")
        var hasName = false
        var last: Int16 = 0
        while let f = try r.readFieldHeader(lastId: &last) {
            switch (f.id, f.type) {
            case (1, CompactType.i32): e.type = PhysicalType(rawValue: try r.readI32())
            case (2, CompactType.i32): e.typeLength = try r.readI32()
            case (3, CompactType.i32): e.repetitionType = Repetition(rawValue: try r.readI32())
            case (4, CompactType.binary): e.name = try r.readString(); hasName = true
            case (5, CompactType.i32): e.numChildren = try r.readI32()
            case (6, CompactType.i32): e.convertedType = ConvertedType(rawValue: try r.readI32())
            case (7, CompactType.i32): e.scale = try r.readI32()
            case (8, CompactType.i32): e.precision = try r.readI32()
            case (9, CompactType.i32): e.fieldId = try r.readI32()
            case (10, CompactType.structure): e.logicalType = try LogicalType.decode(from: &r, depth: depth + 1)
            default: try r.skip(f.type, depth: depth + 1)
            }
        }
        guard hasName else { throw DecodeError("SchemaElement without name") }
        return e
    }
}

extension LogicalType {
    /// Decodes the union; nil when no member is set.
    static func decode(from r: inout CompactReader, depth: Int) throws(DecodeError) -> LogicalType? {
        try checkDepth(depth)
        var result: LogicalType?
        var last: Int16 = 0
        while let f = try r.readFieldHeader(lastId: &last) {
            guard f.type == CompactType.structure else {
                try r.skip(f.type, depth: depth + 1)
                result = result ?? .other(fieldId: f.id)
                continue
            }
            let member: LogicalType
            switch f.id {
            case 1: try r.skipStruct(depth: depth + 1); member = .string
            case 2: try r.skipStruct(depth: depth + 1); member = .map
            case 3: try r.skipStruct(depth: depth + 1); member = .list
            case 4: try r.skipStruct(depth: depth + 1); member = .enumType
            case 5:
                var scale: Int32 = 0, precision: Int32 = 0
                var l: Int16 = 0
                while let g = try r.readFieldHeader(lastId: &l) {
                    switch (g.id, g.type) {
                    case (1, CompactType.i32): scale = try r.readI32()
                    case (2, CompactType.i32): precision = try r.readI32()
                    default: try r.skip(g.type, depth: depth + 2)
                    }
                }
                member = .decimal(scale: scale, precision: precision)
            case 6: try r.skipStruct(depth: depth + 1); member = .date
            case 7, 8:
                var utc = false
                var unit: TimeUnit?
                var l: Int16 = 0
                while let g = try r.readFieldHeader(lastId: &l) {
                    switch (g.id, g.type) {
                    case (1, _) where g.isBool: utc = g.boolValue
                    case (2, CompactType.structure): unit = try TimeUnit.decode(from: &r, depth: depth + 2)
                    default: try r.skip(g.type, depth: depth + 2)
                    }
                }
                if let unit {
                    member = f.id == 7 ? .time(isAdjustedToUTC: utc, unit: unit) : .timestamp(isAdjustedToUTC: utc, unit: unit)
                } else {
                    member = .other(fieldId: f.id)
                }
            case 10:
                var width: Int8 = 0
                var signed = true
                var l: Int16 = 0
                while let g = try r.readFieldHeader(lastId: &l) {
                    switch (g.id, g.type) {
                    case (1, CompactType.byte): width = try r.readI8()
                    case (2, _) where g.isBool: signed = g.boolValue
                    default: try r.skip(g.type, depth: depth + 2)
                    }
                }
                member = .integer(bitWidth: width, isSigned: signed)
            case 11: try r.skipStruct(depth: depth + 1); member = .unknown
            case 12: try r.skipStruct(depth: depth + 1); member = .json
            case 13: try r.skipStruct(depth: depth + 1); member = .bson
            case 14: try r.skipStruct(depth: depth + 1); member = .uuid
            case 15: try r.skipStruct(depth: depth + 1); member = .float16
            default: try r.skipStruct(depth: depth + 1); member = .other(fieldId: f.id)
            }
            if result == nil { result = member }
        }
        return result
    }
}

extension TimeUnit {
    /// nil for an unknown or empty union.
    static func decode(from r: inout CompactReader, depth: Int) throws(DecodeError) -> TimeUnit? {
        try checkDepth(depth)
        var unit: TimeUnit?
        var last: Int16 = 0
        while let f = try r.readFieldHeader(lastId: &last) {
            if f.type == CompactType.structure, unit == nil {
                switch f.id {
                case 1: unit = .millis
                case 2: unit = .micros
                case 3: unit = .nanos
                default: break
                }
            }
            try r.skip(f.type, depth: depth + 1)
        }
        return unit
    }
}

extension ColumnOrder {
    static func decode(from r: inout CompactReader, depth: Int) throws(DecodeError) -> ColumnOrder {
        try checkDepth(depth)
        var order: ColumnOrder?
        var last: Int16 = 0
        while let f = try r.readFieldHeader(lastId: &last) {
            if order == nil {
                order = f.id == 1 ? .typeOrder : f.id == 2 ? .ieee754TotalOrder : .other(fieldId: f.id)
            }
            try r.skip(f.type, depth: depth + 1)
        }
        return order ?? .other(fieldId: 0)
    }
}

extension RowGroup {
    static func decode(from r: inout CompactReader, depth: Int) throws(DecodeError) -> RowGroup {
        try checkDepth(depth)
        var columns: [ColumnChunk]?
        var totalByteSize: Int64 = 0
        var numRows: Int64?
        var sorting: [SortingColumn]?
        var fileOffset: Int64?
        var totalCompressed: Int64?
        var ordinal: Int16?
        var last: Int16 = 0
        while let f = try r.readFieldHeader(lastId: &last) {
            switch (f.id, f.type) {
            case (1, CompactType.list):
                let (t, n) = try r.readListHeader()
                try expectStructs(t, n, "columns")
                var list: [ColumnChunk] = []
                list.reserveCapacity(n)
                for _ in 0..<n { list.append(try ColumnChunk.decode(from: &r, depth: depth + 1)) }
                columns = list
            case (2, CompactType.i64): totalByteSize = try r.readI64()
            case (3, CompactType.i64): numRows = try r.readI64()
            case (4, CompactType.list):
                let (t, n) = try r.readListHeader()
                try expectStructs(t, n, "sorting_columns")
                var list: [SortingColumn] = []
                for _ in 0..<n {
                    try checkDepth(depth + 1)
                    var s = SortingColumn(columnIndex: 0)
                    var l: Int16 = 0
                    while let g = try r.readFieldHeader(lastId: &l) {
                        switch (g.id, g.type) {
                        case (1, CompactType.i32): s.columnIndex = try r.readI32()
                        case (2, _) where g.isBool: s.descending = g.boolValue
                        case (3, _) where g.isBool: s.nullsFirst = g.boolValue
                        default: try r.skip(g.type, depth: depth + 2)
                        }
                    }
                    list.append(s)
                }
                sorting = list
            case (5, CompactType.i64): fileOffset = try r.readI64()
            case (6, CompactType.i64): totalCompressed = try r.readI64()
            case (7, CompactType.i16): ordinal = try r.readI16()
            default: try r.skip(f.type, depth: depth + 1)
            }
        }
        guard let columns else { throw DecodeError("RowGroup without columns") }
        guard let numRows else { throw DecodeError("RowGroup without num_rows") }
        var g = RowGroup(columns: columns, totalByteSize: totalByteSize, numRows: numRows)
        g.sortingColumns = sorting
        g.fileOffset = fileOffset
        g.totalCompressedSize = totalCompressed
        g.ordinal = ordinal
        return g
    }
}

extension ColumnChunk {
    static func decode(from r: inout CompactReader, depth: Int) throws(DecodeError) -> ColumnChunk {
        try checkDepth(depth)
        var c = ColumnChunk(fileOffset: 0, metaData: nil)
        var last: Int16 = 0
        while let f = try r.readFieldHeader(lastId: &last) {
            switch (f.id, f.type) {
            case (1, CompactType.binary): c.filePath = try r.readString()
            case (2, CompactType.i64): c.fileOffset = try r.readI64()
            case (3, CompactType.structure): c.metaData = try ColumnMetaData.decode(from: &r, depth: depth + 1)
            default: try r.skip(f.type, depth: depth + 1)
            }
        }
        return c
    }
}

extension ColumnMetaData {
    static func decode(from r: inout CompactReader, depth: Int) throws(DecodeError) -> ColumnMetaData {
        try checkDepth(depth)
        var type: PhysicalType?
        var encodings: [Encoding] = []
        var path: [String] = []
        var codec: CompressionCodec?
        var numValues: Int64?
        var totalUncompressed: Int64 = 0
        var totalCompressed: Int64?
        var kv: [KeyValue]?
        var dataPageOffset: Int64?
        var indexPageOffset: Int64?
        var dictionaryPageOffset: Int64?
        var statistics: Statistics?
        var encodingStats: [PageEncodingStats]?
        var last: Int16 = 0
        while let f = try r.readFieldHeader(lastId: &last) {
            switch (f.id, f.type) {
            case (1, CompactType.i32): type = PhysicalType(rawValue: try r.readI32())
            case (2, CompactType.list): encodings = try r.readI32List().map { Encoding(rawValue: $0) }
            case (3, CompactType.list): path = try r.readStringList()
            case (4, CompactType.i32): codec = CompressionCodec(rawValue: try r.readI32())
            case (5, CompactType.i64): numValues = try r.readI64()
            case (6, CompactType.i64): totalUncompressed = try r.readI64()
            case (7, CompactType.i64): totalCompressed = try r.readI64()
            case (8, CompactType.list): kv = try decodeKeyValues(from: &r, depth: depth + 1)
            case (9, CompactType.i64): dataPageOffset = try r.readI64()
            case (10, CompactType.i64): indexPageOffset = try r.readI64()
            case (11, CompactType.i64): dictionaryPageOffset = try r.readI64()
            case (12, CompactType.structure): statistics = try Statistics.decode(from: &r, depth: depth + 1)
            case (13, CompactType.list):
                let (t, n) = try r.readListHeader()
                try expectStructs(t, n, "encoding_stats")
                var list: [PageEncodingStats] = []
                for _ in 0..<n {
                    try checkDepth(depth + 1)
                    var s = PageEncodingStats(pageType: .dataPage, encoding: .plain, count: 0)
                    var l: Int16 = 0
                    while let g = try r.readFieldHeader(lastId: &l) {
                        switch (g.id, g.type) {
                        case (1, CompactType.i32): s.pageType = PageType(rawValue: try r.readI32())
                        case (2, CompactType.i32): s.encoding = Encoding(rawValue: try r.readI32())
                        case (3, CompactType.i32): s.count = try r.readI32()
                        default: try r.skip(g.type, depth: depth + 2)
                        }
                    }
                    list.append(s)
                }
                encodingStats = list
            default: try r.skip(f.type, depth: depth + 1)
            }
        }
        guard let type else { throw DecodeError("ColumnMetaData without type") }
        guard let codec else { throw DecodeError("ColumnMetaData without codec") }
        guard let numValues else { throw DecodeError("ColumnMetaData without num_values") }
        guard let totalCompressed else { throw DecodeError("ColumnMetaData without total_compressed_size") }
        guard let dataPageOffset else { throw DecodeError("ColumnMetaData without data_page_offset") }
        var m = ColumnMetaData(type: type, encodings: encodings, pathInSchema: path, codec: codec,
                               numValues: numValues, totalUncompressedSize: totalUncompressed,
                               totalCompressedSize: totalCompressed, dataPageOffset: dataPageOffset)
        m.keyValueMetadata = kv
        m.indexPageOffset = indexPageOffset
        m.dictionaryPageOffset = dictionaryPageOffset
        m.statistics = statistics
        m.encodingStats = encodingStats
        return m
    }
}

extension Statistics {
    static func decode(from r: inout CompactReader, depth: Int) throws(DecodeError) -> Statistics {
        try checkDepth(depth)
        var s = Statistics()
        var last: Int16 = 0
        while let f = try r.readFieldHeader(lastId: &last) {
            switch (f.id, f.type) {
            case (1, CompactType.binary): s.max = try r.readBinary()
            case (2, CompactType.binary): s.min = try r.readBinary()
            case (3, CompactType.i64): s.nullCount = try r.readI64()
            case (4, CompactType.i64): s.distinctCount = try r.readI64()
            case (5, CompactType.binary): s.maxValue = try r.readBinary()
            case (6, CompactType.binary): s.minValue = try r.readBinary()
            case (7, _) where f.isBool: s.isMaxValueExact = f.boolValue
            case (8, _) where f.isBool: s.isMinValueExact = f.boolValue
            case (9, CompactType.i64): s.nanCount = try r.readI64()
            default: try r.skip(f.type, depth: depth + 1)
            }
        }
        return s
    }
}

extension PageHeader {
    /// Decodes one page header starting at the reader's position (the reader advances past it).
    static func decode(from r: inout CompactReader, depth: Int = 0) throws(DecodeError) -> PageHeader {
        try checkDepth(depth)
        var type: PageType?
        var uncompressed: Int32?
        var compressed: Int32?
        var crc: Int32?
        var v1: DataPageHeader?
        var dict: DictionaryPageHeader?
        var v2: DataPageHeaderV2?
        var last: Int16 = 0
        while let f = try r.readFieldHeader(lastId: &last) {
            switch (f.id, f.type) {
            case (1, CompactType.i32): type = PageType(rawValue: try r.readI32())
            case (2, CompactType.i32): uncompressed = try r.readI32()
            case (3, CompactType.i32): compressed = try r.readI32()
            case (4, CompactType.i32): crc = try r.readI32()
            case (5, CompactType.structure): v1 = try DataPageHeader.decode(from: &r, depth: depth + 1)
            case (7, CompactType.structure): dict = try DictionaryPageHeader.decode(from: &r, depth: depth + 1)
            case (8, CompactType.structure): v2 = try DataPageHeaderV2.decode(from: &r, depth: depth + 1)
            default: try r.skip(f.type, depth: depth + 1)
            }
        }
        guard let type, let uncompressed, let compressed else {
            throw DecodeError("PageHeader without type or sizes")
        }
        var h = PageHeader(type: type, uncompressedPageSize: uncompressed, compressedPageSize: compressed)
        h.crc = crc
        h.dataPageHeader = v1
        h.dictionaryPageHeader = dict
        h.dataPageHeaderV2 = v2
        return h
    }
}

extension DataPageHeader {
    static func decode(from r: inout CompactReader, depth: Int) throws(DecodeError) -> DataPageHeader {
        try checkDepth(depth)
        var n: Int32?
        var enc: Encoding?
        var defEnc = Encoding.rle, repEnc = Encoding.rle
        var stats: Statistics?
        var last: Int16 = 0
        while let f = try r.readFieldHeader(lastId: &last) {
            switch (f.id, f.type) {
            case (1, CompactType.i32): n = try r.readI32()
            case (2, CompactType.i32): enc = Encoding(rawValue: try r.readI32())
            case (3, CompactType.i32): defEnc = Encoding(rawValue: try r.readI32())
            case (4, CompactType.i32): repEnc = Encoding(rawValue: try r.readI32())
            case (5, CompactType.structure): stats = try Statistics.decode(from: &r, depth: depth + 1)
            default: try r.skip(f.type, depth: depth + 1)
            }
        }
        guard let n, let enc else { throw DecodeError("DataPageHeader without num_values or encoding") }
        var h = DataPageHeader(numValues: n, encoding: enc, definitionLevelEncoding: defEnc, repetitionLevelEncoding: repEnc)
        h.statistics = stats
        return h
    }
}

extension DictionaryPageHeader {
    static func decode(from r: inout CompactReader, depth: Int) throws(DecodeError) -> DictionaryPageHeader {
        try checkDepth(depth)
        var n: Int32?
        var enc = Encoding.plain
        var sorted: Bool?
        var last: Int16 = 0
        while let f = try r.readFieldHeader(lastId: &last) {
            switch (f.id, f.type) {
            case (1, CompactType.i32): n = try r.readI32()
            case (2, CompactType.i32): enc = Encoding(rawValue: try r.readI32())
            case (3, _) where f.isBool: sorted = f.boolValue
            default: try r.skip(f.type, depth: depth + 1)
            }
        }
        guard let n else { throw DecodeError("DictionaryPageHeader without num_values") }
        var h = DictionaryPageHeader(numValues: n, encoding: enc)
        h.isSorted = sorted
        return h
    }
}

extension DataPageHeaderV2 {
    static func decode(from r: inout CompactReader, depth: Int) throws(DecodeError) -> DataPageHeaderV2 {
        try checkDepth(depth)
        var n: Int32?, nulls: Int32?, rows: Int32?
        var enc: Encoding?
        var defLen: Int32?, repLen: Int32?
        var compressed = true
        var stats: Statistics?
        var last: Int16 = 0
        while let f = try r.readFieldHeader(lastId: &last) {
            switch (f.id, f.type) {
            case (1, CompactType.i32): n = try r.readI32()
            case (2, CompactType.i32): nulls = try r.readI32()
            case (3, CompactType.i32): rows = try r.readI32()
            case (4, CompactType.i32): enc = Encoding(rawValue: try r.readI32())
            case (5, CompactType.i32): defLen = try r.readI32()
            case (6, CompactType.i32): repLen = try r.readI32()
            case (7, _) where f.isBool: compressed = f.boolValue
            case (8, CompactType.structure): stats = try Statistics.decode(from: &r, depth: depth + 1)
            default: try r.skip(f.type, depth: depth + 1)
            }
        }
        guard let n, let nulls, let rows, let enc, let defLen, let repLen else {
            throw DecodeError("DataPageHeaderV2 missing a required field")
        }
        var h = DataPageHeaderV2(numValues: n, numNulls: nulls, numRows: rows, encoding: enc,
                                 definitionLevelsByteLength: defLen, repetitionLevelsByteLength: repLen,
                                 isCompressed: compressed)
        h.statistics = stats
        return h
    }
}
