/// Type nibbles of the Thrift compact protocol (field headers and list headers).
package enum ThriftCompactType: UInt8, Sendable {
    case boolTrue = 1, boolFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7
    case binary = 8, list = 9, set = 10, map = 11, `struct` = 12
}

/// Serialises Thrift compact-protocol structs into a `ByteSink` (docs/parquet.md §2).
///
/// Usage: call the `field…` methods in increasing field-id order inside a struct, open nested
/// structs with `beginStruct(field:)` / `endStruct()`, and lists with `listHeader`, writing
/// their elements with the bare `value…` methods (or `beginListStruct()` / `endStruct()` for
/// struct elements). `finish()` writes the STOP of the outermost struct.
///
/// Field headers use the short form `(delta << 4) | type` when the id delta is 1...15 and the
/// long form (type byte + zigzag i16 id) otherwise. Bool fields carry their value in the type
/// nibble. Misuse (decreasing ids, unbalanced `endStruct`) is a programming error.
package struct ThriftCompactWriter: Sendable {
    package var sink: ByteSink
    private var lastFieldId: Int16 = 0
    private var stack: [Int16] = []

    package init(capacity: Int = 256) { sink = ByteSink(capacity: capacity) }

    /// The bytes written so far.
    package var bytes: [UInt8] { sink.bytes }

    // MARK: field headers

    package mutating func fieldHeader(_ id: Int16, _ type: ThriftCompactType) {
        let delta = Int(id) - Int(lastFieldId)
        if delta > 0 && delta <= 15 {
            sink.append(UInt8(delta << 4) | type.rawValue)
        } else {
            sink.append(type.rawValue)
            sink.appendZigzag(Int64(id))
        }
        lastFieldId = id
    }

    // MARK: fields

    package mutating func fieldBool(_ id: Int16, _ value: Bool) {
        fieldHeader(id, value ? .boolTrue : .boolFalse)
    }

    package mutating func fieldI8(_ id: Int16, _ value: Int8) {
        fieldHeader(id, .byte)
        sink.append(UInt8(bitPattern: value))
    }

    package mutating func fieldI16(_ id: Int16, _ value: Int16) {
        fieldHeader(id, .i16)
        sink.appendZigzag(Int64(value))
    }

    package mutating func fieldI32(_ id: Int16, _ value: Int32) {
        fieldHeader(id, .i32)
        sink.appendZigzag(Int64(value))
    }

    package mutating func fieldI64(_ id: Int16, _ value: Int64) {
        fieldHeader(id, .i64)
        sink.appendZigzag(value)
    }

    package mutating func fieldDouble(_ id: Int16, _ value: Double) {
        fieldHeader(id, .double)
        sink.appendLittleEndian(value.bitPattern)
    }

    package mutating func fieldBinary<C: Collection>(_ id: Int16, _ value: C) where C.Element == UInt8 {
        fieldHeader(id, .binary)
        valueBinary(value)
    }

    package mutating func fieldString(_ id: Int16, _ value: String) {
        fieldBinary(id, Array(value.utf8))
    }

    /// Opens a nested struct field; close it with `endStruct()`.
    package mutating func beginStruct(field id: Int16) {
        fieldHeader(id, .struct)
        beginListStruct()
    }

    /// Opens a struct that is a list element (no field header); close it with `endStruct()`.
    package mutating func beginListStruct() {
        stack.append(lastFieldId)
        lastFieldId = 0
    }

    /// Writes STOP and returns to the enclosing struct's field numbering.
    package mutating func endStruct() {
        sink.append(0)
        lastFieldId = stack.popLast() ?? 0
    }

    /// Writes a list field header: `(size << 4) | elem` below 15 elements, else `0xF0 | elem`
    /// followed by the varint size.
    package mutating func fieldList(_ id: Int16, _ elementType: ThriftCompactType, count: Int) {
        fieldHeader(id, .list)
        listHeader(elementType, count: count)
    }

    package mutating func listHeader(_ elementType: ThriftCompactType, count: Int) {
        if count < 15 {
            sink.append(UInt8(count << 4) | elementType.rawValue)
        } else {
            sink.append(0xF0 | elementType.rawValue)
            sink.appendVarint(UInt64(count))
        }
    }

    // MARK: bare values (list elements)

    package mutating func valueI32(_ value: Int32) { sink.appendZigzag(Int64(value)) }
    package mutating func valueI64(_ value: Int64) { sink.appendZigzag(value) }
    /// A bool list element: one byte, 1 = true, 2 = false (readers accept 0 or 2).
    package mutating func valueBool(_ value: Bool) { sink.append(value ? 1 : 2) }

    package mutating func valueBinary<C: Collection>(_ value: C) where C.Element == UInt8 {
        sink.appendVarint(UInt64(value.count))
        sink.append(contentsOf: value)
    }

    package mutating func valueString(_ value: String) { valueBinary(Array(value.utf8)) }

    /// Writes the STOP byte of the outermost struct and returns the bytes.
    package mutating func finish() -> [UInt8] {
        sink.append(0)
        lastFieldId = 0
        return sink.bytes
    }
}
