/// Thrift compact serialisation of the footer and page-header structs (docs/parquet.md §3), fields
/// in increasing id order, optional fields only when set. Each `write(to:)` writes the struct's
/// fields and its STOP byte, so it can be nested with `beginStruct` / `beginListStruct`.

extension LogicalType {
    func write(to w: inout ThriftCompactWriter) {
        func empty(_ id: Int16) {
            w.beginStruct(field: id)
            w.endStruct()
        }
        func unit(_ u: TimeUnit) {
            w.beginStruct(field: 2)
            switch u {
            case .millis: empty(1)
            case .micros: empty(2)
            case .nanos: empty(3)
            }
            w.endStruct()
        }
        switch self {
        case .string: empty(1)
        case .map: empty(2)
        case .list: empty(3)
        case .enumType: empty(4)
        case .decimal(let scale, let precision):
            w.beginStruct(field: 5)
            w.fieldI32(1, scale)
            w.fieldI32(2, precision)
            w.endStruct()
        case .date: empty(6)
        case .time(let utc, let u):
            w.beginStruct(field: 7)
            w.fieldBool(1, utc)
            unit(u)
            w.endStruct()
        case .timestamp(let utc, let u):
            w.beginStruct(field: 8)
            w.fieldBool(1, utc)
            unit(u)
            w.endStruct()
        case .integer(let bitWidth, let isSigned):
            w.beginStruct(field: 10)
            w.fieldI8(1, bitWidth)
            w.fieldBool(2, isSigned)
            w.endStruct()
        case .unknown: empty(11)
        case .json: empty(12)
        case .bson: empty(13)
        case .uuid: empty(14)
        case .float16: empty(15)
        case .other(let id): empty(id)
        }
        w.endStruct()
    }
}

extension SchemaElement {
    func write(to w: inout ThriftCompactWriter) {
        if let type { w.fieldI32(1, type.rawValue) }
        if let typeLength { w.fieldI32(2, typeLength) }
        if let repetitionType { w.fieldI32(3, repetitionType.rawValue) }
        w.fieldString(4, name)
        if let numChildren { w.fieldI32(5, numChildren) }
        if let convertedType { w.fieldI32(6, convertedType.rawValue) }
        if let scale { w.fieldI32(7, scale) }
        if let precision { w.fieldI32(8, precision) }
        if let fieldId { w.fieldI32(9, fieldId) }
        if let logicalType {
            w.beginStruct(field: 10)
            logicalType.write(to: &w)
        }
        w.endStruct()
    }
}

extension Statistics {
    func write(to w: inout ThriftCompactWriter) {
        if let max { w.fieldBinary(1, max) }
        if let min { w.fieldBinary(2, min) }
        if let nullCount { w.fieldI64(3, nullCount) }
        if let distinctCount { w.fieldI64(4, distinctCount) }
        if let maxValue { w.fieldBinary(5, maxValue) }
        if let minValue { w.fieldBinary(6, minValue) }
        if let isMaxValueExact { w.fieldBool(7, isMaxValueExact) }
        if let isMinValueExact { w.fieldBool(8, isMinValueExact) }
        if let nanCount { w.fieldI64(9, nanCount) }
        w.endStruct()
    }
}

extension KeyValue {
    func write(to w: inout ThriftCompactWriter) {
        w.fieldString(1, key)
        if let value { w.fieldString(2, value) }
        w.endStruct()
    }
}

extension SortingColumn {
    func write(to w: inout ThriftCompactWriter) {
        w.fieldI32(1, columnIndex)
        w.fieldBool(2, descending)
        w.fieldBool(3, nullsFirst)
        w.endStruct()
    }
}

extension PageEncodingStats {
    func write(to w: inout ThriftCompactWriter) {
        w.fieldI32(1, pageType.rawValue)
        w.fieldI32(2, encoding.rawValue)
        w.fieldI32(3, count)
        w.endStruct()
    }
}

extension ColumnMetaData {
    func write(to w: inout ThriftCompactWriter) {
        w.fieldI32(1, type.rawValue)
        w.fieldList(2, .i32, count: encodings.count)
        for e in encodings { w.valueI32(e.rawValue) }
        w.fieldList(3, .binary, count: pathInSchema.count)
        for p in pathInSchema { w.valueString(p) }
        w.fieldI32(4, codec.rawValue)
        w.fieldI64(5, numValues)
        w.fieldI64(6, totalUncompressedSize)
        w.fieldI64(7, totalCompressedSize)
        if let keyValueMetadata {
            w.fieldList(8, .struct, count: keyValueMetadata.count)
            for kv in keyValueMetadata {
                w.beginListStruct()
                kv.write(to: &w)
            }
        }
        w.fieldI64(9, dataPageOffset)
        if let indexPageOffset { w.fieldI64(10, indexPageOffset) }
        if let dictionaryPageOffset { w.fieldI64(11, dictionaryPageOffset) }
        if let statistics {
            w.beginStruct(field: 12)
            statistics.write(to: &w)
        }
        if let encodingStats {
            w.fieldList(13, .struct, count: encodingStats.count)
            for s in encodingStats {
                w.beginListStruct()
                s.write(to: &w)
            }
        }
        w.endStruct()
    }
}

extension ColumnChunk {
    func write(to w: inout ThriftCompactWriter) {
        if let filePath { w.fieldString(1, filePath) }
        w.fieldI64(2, fileOffset)
        if let metaData {
            w.beginStruct(field: 3)
            metaData.write(to: &w)
        }
        w.endStruct()
    }
}

extension RowGroup {
    func write(to w: inout ThriftCompactWriter) {
        w.fieldList(1, .struct, count: columns.count)
        for c in columns {
            w.beginListStruct()
            c.write(to: &w)
        }
        w.fieldI64(2, totalByteSize)
        w.fieldI64(3, numRows)
        if let sortingColumns {
            w.fieldList(4, .struct, count: sortingColumns.count)
            for s in sortingColumns {
                w.beginListStruct()
                s.write(to: &w)
            }
        }
        if let fileOffset { w.fieldI64(5, fileOffset) }
        if let totalCompressedSize { w.fieldI64(6, totalCompressedSize) }
        if let ordinal { w.fieldI16(7, ordinal) }
        w.endStruct()
    }
}

extension ColumnOrder {
    func write(to w: inout ThriftCompactWriter) {
        let id: Int16
        switch self {
        case .typeOrder: id = 1
        case .ieee754TotalOrder: id = 2
        case .other(let fieldId): id = fieldId
        }
        w.beginStruct(field: id)
        w.endStruct()
        w.endStruct()
    }
}

extension FileMetaData {
    /// The footer as Thrift compact bytes (without the length and magic that follow it).
    package func serialized() -> [UInt8] {
        var w = ThriftCompactWriter(capacity: 1024)
        w.fieldI32(1, version)
        w.fieldList(2, .struct, count: schema.count)
        for e in schema {
            w.beginListStruct()
            e.write(to: &w)
        }
        w.fieldI64(3, numRows)
        w.fieldList(4, .struct, count: rowGroups.count)
        for rg in rowGroups {
            w.beginListStruct()
            rg.write(to: &w)
        }
        if let keyValueMetadata {
            w.fieldList(5, .struct, count: keyValueMetadata.count)
            for kv in keyValueMetadata {
                w.beginListStruct()
                kv.write(to: &w)
            }
        }
        if let createdBy { w.fieldString(6, createdBy) }
        if let columnOrders {
            w.fieldList(7, .struct, count: columnOrders.count)
            for o in columnOrders {
                w.beginListStruct()
                o.write(to: &w)
            }
        }
        return w.finish()
    }
}

extension DataPageHeader {
    func write(to w: inout ThriftCompactWriter) {
        w.fieldI32(1, numValues)
        w.fieldI32(2, encoding.rawValue)
        w.fieldI32(3, definitionLevelEncoding.rawValue)
        w.fieldI32(4, repetitionLevelEncoding.rawValue)
        if let statistics {
            w.beginStruct(field: 5)
            statistics.write(to: &w)
        }
        w.endStruct()
    }
}

extension DictionaryPageHeader {
    func write(to w: inout ThriftCompactWriter) {
        w.fieldI32(1, numValues)
        w.fieldI32(2, encoding.rawValue)
        if let isSorted { w.fieldBool(3, isSorted) }
        w.endStruct()
    }
}

extension DataPageHeaderV2 {
    func write(to w: inout ThriftCompactWriter) {
        w.fieldI32(1, numValues)
        w.fieldI32(2, numNulls)
        w.fieldI32(3, numRows)
        w.fieldI32(4, encoding.rawValue)
        w.fieldI32(5, definitionLevelsByteLength)
        w.fieldI32(6, repetitionLevelsByteLength)
        w.fieldBool(7, isCompressed)
        if let statistics {
            w.beginStruct(field: 8)
            statistics.write(to: &w)
        }
        w.endStruct()
    }
}

extension PageHeader {
    /// Appends this header as Thrift compact bytes to `sink`.
    package func serialize(into sink: inout ByteSink) {
        var w = ThriftCompactWriter(capacity: 0)
        swap(&w.sink, &sink)
        w.fieldI32(1, type.rawValue)
        w.fieldI32(2, uncompressedPageSize)
        w.fieldI32(3, compressedPageSize)
        if let crc { w.fieldI32(4, crc) }
        if let dataPageHeader {
            w.beginStruct(field: 5)
            dataPageHeader.write(to: &w)
        }
        if let dictionaryPageHeader {
            w.beginStruct(field: 7)
            dictionaryPageHeader.write(to: &w)
        }
        if let dataPageHeaderV2 {
            w.beginStruct(field: 8)
            dataPageHeaderV2.write(to: &w)
        }
        _ = w.finish()
        swap(&w.sink, &sink)
    }

    /// This header as Thrift compact bytes.
    package func serialized() -> [UInt8] {
        var sink = ByteSink(capacity: 32)
        serialize(into: &sink)
        return sink.bytes
    }
}
