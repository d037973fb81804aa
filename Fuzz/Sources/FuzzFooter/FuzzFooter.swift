@_spi(Fuzzing) import Columnar

/// libFuzzer entry: the input bytes are a Parquet footer (the Thrift compact `FileMetaData`
/// between the last column chunk and the length + `PAR1` tail). Decoding must return a value
/// or throw `DecodeError`; never trap, recurse without bound or allocate without bound.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFooter(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let sink = FooterFuzzing.decode(bytes), sink == 0x5EED_F00D { print("") }
    return 0
}
