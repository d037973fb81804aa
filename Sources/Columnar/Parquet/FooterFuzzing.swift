/// The footer decoder for the libFuzzer target `FuzzFooter` (Fuzz/, a separate package, which
/// cannot see the `package` Thrift model): not API, hence behind `@_spi(Fuzzing)`.
@_spi(Fuzzing)
public enum FooterFuzzing {
    /// Decodes `footer` (Thrift compact `FileMetaData` bytes); returns the number of row groups,
    /// schema elements and column chunks it holds, or nil when the bytes do not decode.
    /// Like the decoder, never traps on any input.
    public static func decode(_ footer: [UInt8]) -> Int? {
        guard let meta = try? FileMetaData.decode(footer: footer) else { return nil }
        var count = meta.rowGroups.count &+ meta.schema.count
        for group in meta.rowGroups { count &+= group.columns.count }
        return count
    }
}
