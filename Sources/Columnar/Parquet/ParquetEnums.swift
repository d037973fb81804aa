/// Parquet enum values as RawRepresentable structs (swift-system style), so that codes this
/// implementation does not know round-trip and can be reported instead of trapping.
/// Values from apache/parquet-format `parquet.thrift`.

package struct PhysicalType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    package var rawValue: Int32
    package init(rawValue: Int32) { self.rawValue = rawValue }
    package static let boolean = PhysicalType(rawValue: 0)
    package static let int32 = PhysicalType(rawValue: 1)
    package static let int64 = PhysicalType(rawValue: 2)
    package static let int96 = PhysicalType(rawValue: 3)
    package static let float = PhysicalType(rawValue: 4)
    package static let double = PhysicalType(rawValue: 5)
    package static let byteArray = PhysicalType(rawValue: 6)
    package static let fixedLenByteArray = PhysicalType(rawValue: 7)
    package var description: String {
        ["BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"]
            .indices.contains(Int(rawValue))
            ? ["BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"][Int(rawValue)]
            : "Type(\(rawValue))"
    }
}

package struct Repetition: RawRepresentable, Hashable, Sendable {
    package var rawValue: Int32
    package init(rawValue: Int32) { self.rawValue = rawValue }
    package static let required = Repetition(rawValue: 0)
    package static let optional = Repetition(rawValue: 1)
    package static let repeated = Repetition(rawValue: 2)
}

package struct ConvertedType: RawRepresentable, Hashable, Sendable {
    package var rawValue: Int32
    package init(rawValue: Int32) { self.rawValue = rawValue }
    package static let utf8 = ConvertedType(rawValue: 0)
    package static let decimal = ConvertedType(rawValue: 5)
    package static let date = ConvertedType(rawValue: 6)
    package static let timestampMillis = ConvertedType(rawValue: 9)
    package static let timestampMicros = ConvertedType(rawValue: 10)
    package static let uint8 = ConvertedType(rawValue: 11)
    package static let uint16 = ConvertedType(rawValue: 12)
    package static let uint32 = ConvertedType(rawValue: 13)
    package static let uint64 = ConvertedType(rawValue: 14)
    package static let int8 = ConvertedType(rawValue: 15)
    package static let int16 = ConvertedType(rawValue: 16)
    package static let int32 = ConvertedType(rawValue: 17)
    package static let int64 = ConvertedType(rawValue: 18)
    package static let json = ConvertedType(rawValue: 19)
}

package struct Encoding: RawRepresentable, Hashable, Sendable {
    package var rawValue: Int32
    package init(rawValue: Int32) { self.rawValue = rawValue }
    package static let plain = Encoding(rawValue: 0)
    package static let plainDictionary = Encoding(rawValue: 2)
    package static let rle = Encoding(rawValue: 3)
    package static let bitPacked = Encoding(rawValue: 4)
    package static let deltaBinaryPacked = Encoding(rawValue: 5)
    package static let deltaLengthByteArray = Encoding(rawValue: 6)
    package static let deltaByteArray = Encoding(rawValue: 7)
    package static let rleDictionary = Encoding(rawValue: 8)
    package static let byteStreamSplit = Encoding(rawValue: 9)
}

public struct CompressionCodec: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let uncompressed = CompressionCodec(rawValue: 0)
    public static let snappy = CompressionCodec(rawValue: 1)
    public static let gzip = CompressionCodec(rawValue: 2)
    public static let lzo = CompressionCodec(rawValue: 3)
    public static let brotli = CompressionCodec(rawValue: 4)
    public static let lz4 = CompressionCodec(rawValue: 5)
    public static let zstd = CompressionCodec(rawValue: 6)
    public static let lz4Raw = CompressionCodec(rawValue: 7)
    public var description: String {
        switch rawValue {
        case 0: "UNCOMPRESSED"
        case 1: "SNAPPY"
        case 2: "GZIP"
        case 3: "LZO"
        case 4: "BROTLI"
        case 5: "LZ4"
        case 6: "ZSTD"
        case 7: "LZ4_RAW"
        default: "codec(\(rawValue))"
        }
    }
}

package struct PageType: RawRepresentable, Hashable, Sendable {
    package var rawValue: Int32
    package init(rawValue: Int32) { self.rawValue = rawValue }
    package static let dataPage = PageType(rawValue: 0)
    package static let indexPage = PageType(rawValue: 1)
    package static let dictionaryPage = PageType(rawValue: 2)
    package static let dataPageV2 = PageType(rawValue: 3)
}
