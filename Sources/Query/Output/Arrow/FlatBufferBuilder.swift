/// A FlatBuffers table described as a value (the Arrow IPC metadata: `ArrowSchemaMessage`,
/// `ArrowRecordBatchEncoder`, `ArrowIPCWriter`), serialized by `FlatBufferBuilder`.
///
/// Slots are addressed by field id (declaration order in the `.fbs` schema; a union takes two
/// ids: its type byte, then its value). Scalars are stored little-endian; every slot that is
/// set is written, defaults included (allowed by the format, simpler to check).
struct FlatTable: Equatable {
    enum Slot: Equatable {
        /// A little-endian scalar of 1, 2, 4 or 8 bytes (its size is its alignment).
        case scalar([UInt8])
        /// An offset to an object written after the table.
        case child(FlatObject)
    }

    private(set) var slots: [Slot?] = []

    init() {}

    mutating func set(_ id: Int, _ slot: Slot) {
        if slots.count <= id { slots += Array(repeating: nil, count: id + 1 - slots.count) }
        slots[id] = slot
    }

    mutating func addBool(_ id: Int, _ v: Bool) { set(id, .scalar([v ? 1 : 0])) }
    mutating func addUInt8(_ id: Int, _ v: UInt8) { set(id, .scalar([v])) }
    mutating func addInt16(_ id: Int, _ v: Int16) { set(id, .scalar(FlatBytes.littleEndian(v))) }
    mutating func addInt32(_ id: Int, _ v: Int32) { set(id, .scalar(FlatBytes.littleEndian(v))) }
    mutating func addInt64(_ id: Int, _ v: Int64) { set(id, .scalar(FlatBytes.littleEndian(v))) }
    mutating func addTable(_ id: Int, _ t: FlatTable) { set(id, .child(.table(t))) }
    mutating func addString(_ id: Int, _ s: String) { set(id, .child(.string(Array(s.utf8)))) }
    mutating func addTables(_ id: Int, _ ts: [FlatTable]) { set(id, .child(.tables(ts))) }
    /// A vector of `count` structs of `alignment`, given as their concatenated bytes.
    mutating func addStructs(_ id: Int, bytes: [UInt8], count: Int, alignment: Int) {
        set(id, .child(.structs(bytes: bytes, count: count, alignment: alignment)))
    }
}

/// What an offset slot points to.
indirect enum FlatObject: Equatable {
    case table(FlatTable)
    /// UTF-8 bytes (written with a length prefix and a terminating zero).
    case string([UInt8])
    case tables([FlatTable])
    case structs(bytes: [UInt8], count: Int, alignment: Int)
}

enum FlatBytes {
    static func littleEndian<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
        withUnsafeBytes(of: v.littleEndian) { Array($0) }
    }
}

/// Serializes a `FlatTable` tree as one FlatBuffer, front to back: the root offset, then each
/// table's vtable, the table, and its children after it (so every `uoffset` points forward, as
/// the format requires). Every scalar is aligned to its size and every table/vector to 4 or 8
/// relative to the buffer start; the result is padded to a multiple of 8, so a buffer placed
/// at an 8-aligned position keeps every alignment. Memory: the bytes of the result only.
/// Vtables are not shared (valid FlatBuffers; sharing is an optional size optimisation).
enum FlatBufferBuilder {
    static func finish(_ root: FlatTable) -> [UInt8] {
        var w = Writer()
        w.bytes = [0, 0, 0, 0]
        let position = w.write(.table(root))
        w.patchOffset(at: 0, to: position)
        w.pad(8)
        return w.bytes
    }

    private struct Writer {
        var bytes: [UInt8] = []

        mutating func pad(_ alignment: Int) {
            while bytes.count % alignment != 0 { bytes.append(0) }
        }

        mutating func put<T: FixedWidthInteger>(_ v: T) { bytes += FlatBytes.littleEndian(v) }

        /// Writes the uoffset at `slot` that makes it point to `target` (which lies after it).
        mutating func patchOffset(at slot: Int, to target: Int) {
            let v = FlatBytes.littleEndian(UInt32(target - slot))
            bytes.replaceSubrange(slot ..< slot + 4, with: v)
        }

        /// Writes `object` and its children; returns the position offsets to it must point to.
        mutating func write(_ object: FlatObject) -> Int {
            switch object {
            case .table(let t):
                return writeTable(t)
            case .string(let s):
                pad(4)
                let at = bytes.count
                put(UInt32(s.count))
                bytes += s
                bytes.append(0)
                return at
            case .tables(let ts):
                pad(4)
                let at = bytes.count
                put(UInt32(ts.count))
                let slots = bytes.count
                bytes += Array(repeating: 0, count: 4 * ts.count)
                for (i, t) in ts.enumerated() { patchOffset(at: slots + 4 * i, to: writeTable(t)) }
                return at
            case .structs(let raw, let count, let alignment):
                // The elements (after the 4-byte count) start aligned to the struct's alignment.
                while (bytes.count + 4) % max(alignment, 4) != 0 { bytes.append(0) }
                let at = bytes.count
                put(UInt32(count))
                bytes += raw
                return at
            }
        }

        /// vtable (u16 vtable size, u16 table size, u16 field offsets), then the table (an
        /// i32 back to its vtable, then the fields), then the children.
        mutating func writeTable(_ t: FlatTable) -> Int {
            var offsets = [Int](repeating: 0, count: t.slots.count)
            var size = 4, alignment = 4
            for (id, slot) in t.slots.enumerated() {
                guard let slot else { continue }
                let width = if case .scalar(let b) = slot { b.count } else { 4 }
                size = (size + width - 1) / width * width
                offsets[id] = size
                size += width
                alignment = max(alignment, width)
            }
            pad(2)
            let vtable = bytes.count
            put(UInt16(4 + 2 * t.slots.count))
            put(UInt16(size))
            for o in offsets { put(UInt16(o)) }
            pad(alignment)
            let start = bytes.count
            var inline = [UInt8](repeating: 0, count: size)
            inline.replaceSubrange(0 ..< 4, with: FlatBytes.littleEndian(Int32(start - vtable)))
            for (id, slot) in t.slots.enumerated() {
                if case .scalar(let b)? = slot { inline.replaceSubrange(offsets[id] ..< offsets[id] + b.count, with: b) }
            }
            bytes += inline
            for (id, slot) in t.slots.enumerated() {
                if case .child(let child)? = slot { patchOffset(at: start + offsets[id], to: write(child)) }
            }
            return start
        }
    }
}
