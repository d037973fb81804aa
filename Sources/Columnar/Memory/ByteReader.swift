/// Why a low-level decoder (byte cursor, Thrift, RLE, delta, page bodies) rejected its input.
/// The Parquet reader wraps it into `ColumnarError.corrupt` with the file location.
public struct DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    /// True when the input is valid but uses a feature we do not implement (an encoding or a
    /// codec): the reader reports `.unsupported` instead of `.corrupt`.
    public var isUnsupported = false
    public init(_ reason: String) { self.reason = reason }
    public static func unsupported(_ feature: String) -> DecodeError {
        var e = DecodeError(feature)
        e.isUnsupported = true
        return e
    }
    public var description: String { reason }
}

/// A bounds-checked forward cursor over a byte array (or a window `start..<end` of one).
///
/// Every read checks the remaining length first and throws `DecodeError` instead of trapping,
/// so hostile lengths, offsets and counts can never read out of bounds. The cursor never
/// allocates except in `readArray`, which allocates exactly the (checked) requested bytes.
public struct ByteReader: Sendable {
    public let bytes: [UInt8]
    public private(set) var position: Int
    public let end: Int

    /// A cursor over `bytes[start..<end]` (`end` defaults to `bytes.count`).
    public init(_ bytes: [UInt8], start: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        let e = min(max(end ?? bytes.count, 0), bytes.count)
        self.end = e
        self.position = min(max(start, 0), e)
    }

    @inlinable public var remaining: Int { end - position }
    @inlinable public var isAtEnd: Bool { position >= end }

    @inline(never)
    static func truncated(_ need: Int, _ have: Int) -> DecodeError {
        DecodeError("truncated: need \(need) bytes, \(have) left")
    }

    public mutating func readByte() throws(DecodeError) -> UInt8 {
        guard position < end else { throw Self.truncated(1, 0) }
        let b = bytes[position]
        position += 1
        return b
    }

    /// Advances by `count` bytes and returns their range in `bytes`.
    public mutating func take(_ count: Int) throws(DecodeError) -> Range<Int> {
        guard count >= 0, count <= remaining else { throw Self.truncated(count, remaining) }
        let r = position..<(position + count)
        position += count
        return r
    }

    public mutating func skip(_ count: Int) throws(DecodeError) { _ = try take(count) }

    /// Copies the next `count` bytes into a new array.
    public mutating func readArray(_ count: Int) throws(DecodeError) -> [UInt8] {
        Array(bytes[try take(count)])
    }

    public mutating func readUInt32LE() throws(DecodeError) -> UInt32 {
        let r = try take(4)
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[r.lowerBound + i]) << UInt32(8 * i) }
        return v
    }

    public mutating func readUInt64LE() throws(DecodeError) -> UInt64 {
        let r = try take(8)
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[r.lowerBound + i]) << UInt64(8 * i) }
        return v
    }

    /// An unsigned LEB128 varint of at most 10 bytes (64 bits).
    public mutating func readULEB128() throws(DecodeError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try readByte()
            if shift == 63 && b > 1 { throw DecodeError("varint overflows 64 bits") }
            result |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw DecodeError("varint longer than 10 bytes") }
        }
    }
}
