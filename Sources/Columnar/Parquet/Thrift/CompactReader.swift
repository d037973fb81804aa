/// Thrift compact protocol types (the low nibble of a field header or list header).
enum CompactType {
    static let boolTrue: UInt8 = 1
    static let boolFalse: UInt8 = 2
    static let byte: UInt8 = 3
    static let i16: UInt8 = 4
    static let i32: UInt8 = 5
    static let i64: UInt8 = 6
    static let double: UInt8 = 7
    static let binary: UInt8 = 8
    static let list: UInt8 = 9
    static let set: UInt8 = 10
    static let map: UInt8 = 11
    static let structure: UInt8 = 12
}

/// One field header of a compact-protocol struct. For bool fields the value is the type
/// (`boolTrue`/`boolFalse`) and there is no payload.
struct CompactField {
    var id: Int16
    var type: UInt8
    var isBool: Bool { type == CompactType.boolTrue || type == CompactType.boolFalse }
    var boolValue: Bool { type == CompactType.boolTrue }
}

/// A reader of the Thrift compact protocol (parquet-format's metadata encoding) over a
/// bounds-checked `ByteReader`.
///
/// Tolerance (as arrow-rs `parquet_thrift.rs`): unknown fields are skipped recursively with a
/// nesting limit of `maxDepth`; an empty-list header byte `0x00` is accepted; bool list
/// elements may be typed 1 or 2. Every error is a `DecodeError` (truncation, bad varint, bad
/// type nibble, too deep, a count larger than the remaining bytes). Lists are bounded by the
/// bytes left (every element takes at least one byte), so counts never size an allocation blindly.
struct CompactReader {
    var input: ByteReader
    static let maxDepth = 64

    init(_ input: ByteReader) { self.input = input }
    init(_ bytes: [UInt8]) { self.input = ByteReader(bytes) }

    var position: Int { input.position }

    mutating func readVarint() throws(DecodeError) -> UInt64 { try input.readULEB128() }

    mutating func readI64() throws(DecodeError) -> Int64 {
        let v = try readVarint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    mutating func readI32() throws(DecodeError) -> Int32 {
        let v = try readI64()
        guard let r = Int32(exactly: v) else { throw DecodeError("i32 out of range (\(v))") }
        return r
    }

    mutating func readI16() throws(DecodeError) -> Int16 {
        let v = try readI64()
        guard let r = Int16(exactly: v) else { throw DecodeError("i16 out of range (\(v))") }
        return r
    }

    mutating func readI8() throws(DecodeError) -> Int8 { Int8(bitPattern: try input.readByte()) }

    mutating func readDouble() throws(DecodeError) -> Double { Double(bitPattern: try input.readUInt64LE()) }

    mutating func readBinary() throws(DecodeError) -> [UInt8] {
        let n = try readVarint()
        guard n <= UInt64(input.remaining) else { throw DecodeError("binary length \(n) exceeds \(input.remaining) bytes left") }
        return try input.readArray(Int(n))
    }

    mutating func readString() throws(DecodeError) -> String {
        let n = try readVarint()
        guard n <= UInt64(input.remaining) else { throw DecodeError("string length \(n) exceeds \(input.remaining) bytes left") }
        let r = try input.take(Int(n))
        return String(decoding: input.bytes[r], as: UTF8.self)
    }

    /// Reads the next field header of a struct; nil at STOP. `lastId` is the struct's previous id.
    mutating func readFieldHeader(lastId: inout Int16) throws(DecodeError) -> CompactField? {
        let b = try input.readByte()
        if b == 0 { return nil }
        let type = b & 0x0f
        guard type >= 1 && type <= 12 else { throw DecodeError("invalid field type \(type)") }
        let delta = Int16(b >> 4)
        let id: Int16
        if delta != 0 {
            let (sum, overflow) = lastId.addingReportingOverflow(delta)
            guard !overflow else { throw DecodeError("field id overflow") }
            id = sum
        } else {
            id = try readI16()
        }
        lastId = id
        return CompactField(id: id, type: type)
    }

    /// Reads a list/set header: element type and count (checked against the bytes left).
    mutating func readListHeader() throws(DecodeError) -> (elementType: UInt8, count: Int) {
        let b = try input.readByte()
        let elementType = b & 0x0f
        var count = UInt64(b >> 4)
        if count == 15 { count = try readVarint() }
        if count == 0 { return (elementType, 0) }  // accepts the empty-list byte 0x00
        guard elementType >= 1 && elementType <= 12 else { throw DecodeError("invalid list element type \(elementType)") }
        guard count <= UInt64(input.remaining) else {
            throw DecodeError("list of \(count) elements exceeds \(input.remaining) bytes left")
        }
        return (elementType, Int(count))
    }

    /// Reads a bool list element (one byte: 1 = true; 0 or 2 = false).
    mutating func readListBool() throws(DecodeError) -> Bool { try input.readByte() == 1 }

    /// Reads a list of i32 (enum) values.
    mutating func readI32List() throws(DecodeError) -> [Int32] {
        let (t, n) = try readListHeader()
        guard n == 0 || t == CompactType.i32 else { throw DecodeError("expected list<i32>, got element type \(t)") }
        var out: [Int32] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try readI32()) }
        return out
    }

    mutating func readStringList() throws(DecodeError) -> [String] {
        let (t, n) = try readListHeader()
        guard n == 0 || t == CompactType.binary else { throw DecodeError("expected list<string>, got element type \(t)") }
        var out: [String] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try readString()) }
        return out
    }

    /// Skips one value of `type`. `inList` selects the one-byte encoding of bools in
    /// collections. `depth` is the current nesting; beyond `maxDepth` the input is rejected.
    mutating func skip(_ type: UInt8, depth: Int, inList: Bool = false) throws(DecodeError) {
        guard depth <= Self.maxDepth else { throw DecodeError("nesting deeper than \(Self.maxDepth)") }
        switch type {
        case CompactType.boolTrue, CompactType.boolFalse:
            if inList { try input.skip(1) }
        case CompactType.byte: try input.skip(1)
        case CompactType.i16, CompactType.i32, CompactType.i64: _ = try readVarint()
        case CompactType.double: try input.skip(8)
        case CompactType.binary:
            let n = try readVarint()
            guard n <= UInt64(input.remaining) else { throw DecodeError("binary length \(n) exceeds \(input.remaining) bytes left") }
            try input.skip(Int(n))
        case CompactType.list, CompactType.set:
            let (t, n) = try readListHeader()
            for _ in 0..<n { try skip(t, depth: depth + 1, inList: true) }
        case CompactType.map:
            let n = try readVarint()
            if n == 0 { return }
            guard n <= UInt64(input.remaining) else { throw DecodeError("map of \(n) entries exceeds \(input.remaining) bytes left") }
            let kv = try input.readByte()
            let kt = kv >> 4, vt = kv & 0x0f
            guard (1...12).contains(kt), (1...12).contains(vt) else { throw DecodeError("invalid map types \(kv)") }
            for _ in 0..<Int(n) {
                try skip(kt, depth: depth + 1, inList: true)
                try skip(vt, depth: depth + 1, inList: true)
            }
        case CompactType.structure:
            try skipStruct(depth: depth + 1)
        default:
            throw DecodeError("cannot skip type \(type)")
        }
    }

    /// Skips a whole struct (after its opening; consumes through STOP).
    mutating func skipStruct(depth: Int) throws(DecodeError) {
        guard depth <= Self.maxDepth else { throw DecodeError("nesting deeper than \(Self.maxDepth)") }
        var last: Int16 = 0
        while let f = try readFieldHeader(lastId: &last) {
            try skip(f.type, depth: depth)
        }
    }
}
