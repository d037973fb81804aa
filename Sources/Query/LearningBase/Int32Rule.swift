/// The 32-bit rule of docs/learning-base.md §3.2 applied at query time: the store keeps ids as
/// Int64; the reference job casts them to `int`, so a value outside Int32 is NULL.
public enum Int32Rule {
    @inlinable public static func fits(_ v: Int64) -> Bool { v >= Int64(Int32.min) && v <= Int64(Int32.max) }
}
