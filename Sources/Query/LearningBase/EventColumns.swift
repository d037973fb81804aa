import Columnar

/// Names of the store's `events` columns the learning base reads (the store schema is owned by
/// Ingest; Query only depends on these names and their types):
///
/// | column             | type             | use                                          |
/// |--------------------|------------------|----------------------------------------------|
/// | `event_time`       | timestampMicros  | window filter, session start/end             |
/// | `event_type`       | string           | `view` / `purchase` (exact, case-sensitive)  |
/// | `product_id`       | int64 (nullable) | group key, 32-bit rule at query time         |
/// | `category_code`    | string           | `first()` of the group                       |
/// | `brand`            | string           | `first()` of the group                       |
/// | `price`            | double           | mean of the group                            |
/// | `user_id`          | int64 (nullable) | merge key, 32-bit rule at query time         |
/// | `user_session`     | string, or uuid  | the session text (canonical uuid or not); in |
/// |                    | (16 bytes)       | stores of schema version 1: canonical uuids  |
/// | `user_session_raw` | string           | version 1 only: the raw text when not a      |
/// |                    |                  | canonical uuid                               |
///
/// Both store layouts are read (per file, by the type of `user_session`; see `EventsDataset` in
/// Ingest, which owns the per-version schemas) and give the same results. `category_id` is
/// never read. `schema` below is the version 1 layout, the one in-memory inputs use.
public enum EventColumns {
    public static let eventTime = "event_time"
    public static let eventType = "event_type"
    public static let productId = "product_id"
    public static let categoryCode = "category_code"
    public static let brand = "brand"
    public static let price = "price"
    public static let userId = "user_id"
    public static let userSession = "user_session"
    public static let userSessionRaw = "user_session_raw"

    /// The projection of the learning base on a version 1 file, in reading order (a version 2
    /// file has no `user_session_raw`).
    public static let learningBase: [String] = [
        eventTime, eventType, productId, categoryCode, brand, price, userId, userSession, userSessionRaw,
    ]

    /// The events schema restricted to the learning-base columns (for in-memory inputs and tests).
    public static let schema = Schema([
        Field(eventTime, .timestampMicros, nullable: false),
        Field(eventType, .string),
        Field(productId, .int64),
        Field(categoryCode, .string),
        Field(brand, .string),
        Field(price, .double),
        Field(userId, .int64),
        Field(userSession, .uuid),
        Field(userSessionRaw, .string),
    ])
}

/// The 32-bit rule of docs/learning-base.md §3.2 applied at query time: the store keeps ids as
/// Int64; the reference job casts them to `int`, so a value outside Int32 is NULL.
public enum Int32Rule {
    @inlinable public static func fits(_ v: Int64) -> Bool { v >= Int64(Int32.min) && v <= Int64(Int32.max) }
}
