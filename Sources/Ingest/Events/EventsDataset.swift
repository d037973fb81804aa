import Columnar

/// The REES46 events dataset: its fixed Parquet schema (a contract with the query side) and
/// the CSV columns it is built from.
public enum EventsDataset {
    public static let name = "events"

    /// Exactly these names, in this order. `user_session` holds canonical lowercase UUIDs;
    /// any other non-empty session text is kept verbatim in `user_session_raw`.
    public static let schema = Schema([
        Field("event_time", .timestampMicros, nullable: false),
        Field("event_type", .string),
        Field("product_id", .int64),
        Field("category_id", .int64),
        Field("category_code", .string),
        Field("brand", .string),
        Field("price", .double),
        Field("user_id", .int64),
        Field("user_session", .uuid),
        Field("user_session_raw", .string),
    ])

    /// Sort order of every part file: user_id (NULLs first), event_time, input order.
    public static let sortedBy = ["user_id", "event_time"]

    /// The CSV header names that must all be present (any order; other columns ignored).
    public static let requiredColumns = ["event_time", "event_type", "product_id", "category_id",
                                         "category_code", "brand", "price", "user_id", "user_session"]
}
