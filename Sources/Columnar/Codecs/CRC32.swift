import CZlib

/// CRC-32 (IEEE 802.3, the polynomial of gzip and of Parquet's `PageHeader.crc`), computed by
/// the system zlib. Parquet stores it as a signed i32 over the page body as written
/// (compressed bytes), excluding the header.
package enum CRC32 {
    package static func checksum(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return seed }
        var crc = uLong(seed)
        var offset = 0
        while offset < bytes.count {  // zlib takes uInt lengths: feed in 1 GiB slices
            let n = min(bytes.count - offset, 1 << 30)
            crc = crc32(crc, (base + offset).assumingMemoryBound(to: Bytef.self), uInt(n))
            offset += n
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    package static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// The value as Parquet's signed i32 `crc` field.
    package static func parquetValue(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        Int32(bitPattern: checksum(bytes))
    }
}
