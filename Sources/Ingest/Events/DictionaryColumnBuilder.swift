import Columnar

/// A dictionary-encoded string column being built by ingest (one per text column of a batch):
/// a code per row into its interned distinct strings, NULL rows recorded apart. Finished into
/// Columnar's `DictionaryColumn` by `gathered`. Not the Parquet writer's per-chunk dictionary
/// (Columnar's `ByteArrayDictionaryBuilder`).
/// Memory: 4 bytes per row + 4 per NULL + the distinct bytes and their interner table.
struct DictionaryColumnBuilder {
    var codes: ContiguousArray<UInt32> = []
    var nulls = NullPositions()
    var interner = StringInterner()

    mutating func append(_ b: UnsafeRawBufferPointer) {
        codes.append(interner.intern(b))
    }

    mutating func appendNull() {
        nulls.rows.append(Int32(truncatingIfNeeded: codes.count))
        codes.append(0)
    }

    var validity: Bitmap? { nulls.bitmap(count: codes.count) }

    var byteEstimate: Int { codes.count * 4 + nulls.rows.count * 4 + interner.values.bytes.count + interner.count * 12 }

    /// The column in `perm` order (`inverse`: its inverse permutation).
    func gathered(_ perm: ContiguousArray<Int32>?, _ inverse: ContiguousArray<Int32>?) -> DictionaryColumn {
        let v = nulls.bitmap(count: codes.count, inverse: inverse)
        guard let perm else { return DictionaryColumn(codes: codes, dictionary: interner.values, validity: v) }
        return DictionaryColumn(codes: PermutationGather.gather(codes, perm), dictionary: interner.values, validity: v)
    }
}
