/// A column of fixed-length byte strings (FIXED_LEN_BYTE_ARRAY), e.g. 16-byte UUIDs.
///
/// Row `i` is `bytes[i*width ..< (i+1)*width]`; a null row holds zeros and has its bit clear in
/// `validity`. Memory: `count * width` bytes plus the bitmap.
public struct FixedBytesColumn: Sendable, Equatable {
    public let width: Int
    public var bytes: ContiguousArray<UInt8>
    public var validity: Bitmap?

    public init(width: Int, bytes: ContiguousArray<UInt8> = [], validity: Bitmap? = nil) {
        precondition(width > 0 && bytes.count % width == 0, "invalid fixed-bytes buffer")
        precondition(validity == nil || validity!.count == bytes.count / width, "validity length mismatch")
        self.width = width
        self.bytes = bytes
        self.validity = validity
    }

    public var count: Int { bytes.count / width }
    public var nullCount: Int { validity?.clearCount ?? 0 }
    @inlinable public func isValid(_ row: Int) -> Bool { validity?[row] ?? true }

    public subscript(row: Int) -> [UInt8]? {
        guard isValid(row) else { return nil }
        return Array(bytes[row * width ..< (row + 1) * width])
    }

    public mutating func append<C: Collection>(_ value: C?) where C.Element == UInt8 {
        if let value {
            precondition(value.count == width, "fixed-bytes value has the wrong width")
            bytes.append(contentsOf: value)
            validity?.append(true)
        } else {
            if validity == nil { validity = Bitmap(count: count, value: true) }
            bytes.append(contentsOf: repeatElement(0, count: width))
            validity!.append(false)
        }
    }
}
