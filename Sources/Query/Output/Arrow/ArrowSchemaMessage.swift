import Columnar

/// The Arrow IPC metadata of a schema (Arrow columnar format, `Schema.fbs` / `Message.fbs`,
/// metadata version V5): each `ColumnType` as an Arrow type, and the Schema message that
/// opens a stream or file.
///
/// | ColumnType        | Arrow type                         | buffers                     |
/// |-------------------|------------------------------------|-----------------------------|
/// | bool              | Bool                               | validity, bit-packed values |
/// | int32 / int64     | Int(32/64, signed)                 | validity, values            |
/// | double            | FloatingPoint(DOUBLE)              | validity, values            |
/// | string / binary   | Utf8 / Binary (int32 offsets)      | validity, offsets, bytes    |
/// | timestampMicros   | Timestamp(MICROSECOND, "UTC")      | validity, values            |
/// | date              | Date(DAY)                          | validity, values            |
/// | uuid              | FixedSizeBinary(16)                | validity, values            |
///
/// `nullable` is the field's. No dictionaries, no custom metadata, little-endian.
enum ArrowSchemaMessage {
    /// `MetadataVersion.V5`.
    static let metadataVersion: Int16 = 4

    /// `MessageHeader` union type ids.
    enum Header: UInt8 { case schema = 1, recordBatch = 3 }

    /// The `Schema` table (also the footer's schema in the file format).
    static func schemaTable(_ schema: Schema) -> FlatTable {
        var t = FlatTable()
        t.addInt16(0, 0)  // endianness: Little
        t.addTables(1, schema.fields.map(fieldTable))
        return t
    }

    /// One `Field`: name, nullable, the `Type` union (type id at slot 2, table at slot 3), and
    /// an empty `children` vector (readers expect it present even for primitive types).
    static func fieldTable(_ field: Field) -> FlatTable {
        var t = FlatTable()
        t.addString(0, field.name)
        t.addBool(1, field.nullable)
        let (id, type) = arrowType(field.type)
        t.addUInt8(2, id)
        t.addTable(3, type)
        t.addTables(5, [])
        return t
    }

    /// The `Type` union member id and table of a column type.
    static func arrowType(_ type: ColumnType) -> (UInt8, FlatTable) {
        var t = FlatTable()
        switch type {
        case .bool:
            return (6, t)
        case .int32, .int64:
            t.addInt32(0, type == .int32 ? 32 : 64)
            t.addBool(1, true)
            return (2, t)
        case .double:
            t.addInt16(0, 2)  // Precision.DOUBLE
            return (3, t)
        case .string:
            return (5, t)
        case .binary:
            return (4, t)
        case .timestampMicros:
            t.addInt16(0, 2)  // TimeUnit.MICROSECOND
            t.addString(1, "UTC")
            return (10, t)
        case .date:
            t.addInt16(0, 0)  // DateUnit.DAY
            return (8, t)
        case .uuid:
            t.addInt32(0, 16)
            return (15, t)
        }
    }

    /// A `Message` table around `header` of kind `kind`, with `bodyLength` bytes of body.
    static func message(_ kind: Header, _ header: FlatTable, bodyLength: Int) -> FlatTable {
        var t = FlatTable()
        t.addInt16(0, metadataVersion)
        t.addUInt8(1, kind.rawValue)
        t.addTable(2, header)
        t.addInt64(3, Int64(bodyLength))
        return t
    }

    /// The encapsulated Schema message: continuation marker, metadata length, metadata.
    static func encoded(_ schema: Schema) -> [UInt8] {
        ArrowFraming.frame(metadata: FlatBufferBuilder.finish(message(.schema, schemaTable(schema), bodyLength: 0)))
    }
}

/// The IPC encapsulation of a message: `0xFFFFFFFF`, the int32 length of the metadata (padded
/// so that the body starts 8-aligned), the metadata flatbuffer, zero padding.
enum ArrowFraming {
    static let continuation: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF]
    /// End of stream: the continuation marker and a zero length.
    static let endOfStream: [UInt8] = continuation + [0, 0, 0, 0]
    /// The file format's leading and trailing magic.
    static let magic = Array("ARROW1".utf8)

    /// `metadata` framed; its count is the `metaDataLength` of a file `Block` (a multiple of 8).
    static func frame(metadata: [UInt8]) -> [UInt8] {
        let padded = (metadata.count + 7) / 8 * 8
        var out = continuation
        out.reserveCapacity(8 + padded)
        out += FlatBytes.littleEndian(Int32(padded))
        out += metadata
        out += Array(repeating: 0, count: padded - metadata.count)
        return out
    }

    /// Rounds up to the 8-byte alignment every buffer, body and message keeps.
    @inline(__always) static func aligned(_ n: Int) -> Int { (n + 7) & ~7 }
}
