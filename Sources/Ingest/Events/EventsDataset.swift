import Columnar

/// The REES46 events dataset: its Parquet schema per store version (a contract with the query
/// side and with the readers of the store: Spark, DuckDB, Polars, pyarrow, pandas) and the CSV
/// columns it is built from.
///
/// The version of a store's events dataset is `DatasetManifest.schemaVersion` (absent in
/// manifests written before versions existed, which means 1). Every part file of a dataset has
/// the schema of its version, `schemas[version]`, exactly (names, order, types, nullability):
///
/// | version | `user_session`                                                    | `user_session_raw` |
/// |---------|-------------------------------------------------------------------|--------------------|
/// | 1       | FIXED_LEN_BYTE_ARRAY(16) + UUID: canonical sessions only          | string: any other non-empty text, verbatim |
/// | 2       | BYTE_ARRAY + STRING (UTF-8): the session text as ingested (a canonical lowercase UUID in 36 characters, or any other non-empty text verbatim) | — (no column) |
///
/// Version 1 is unreadable by Spark (no UUID type: `PARQUET_TYPE_ILLEGAL`); version 2 is what
/// new stores get. A store keeps its version: ingesting into a version 1 store writes version 1
/// parts, so that every file of a dataset has one schema. The other columns are the same in
/// both: `event_time` INT64 TIMESTAMP(UTC, MICROS), strings STRING, ids INT64, price DOUBLE;
/// the `date` of the `date=YYYY-MM-DD` folders is the partition column (not in the files).
public enum EventsDataset {
    public static let name = "events"

    /// The version new stores get.
    public static let currentSchemaVersion = 2

    /// The schema of every part file, per version (see the table above): the one table of
    /// store schemas, for the writer and for checks of a store's files against its manifest.
    public static let schemas: [Int: Schema] = [
        1: Schema(common + [Field("user_session", .uuid), Field("user_session_raw", .string)]),
        2: Schema(common + [Field("user_session", .string)]),
    ]

    /// The columns both versions start with, in this order.
    private static let common: [Field] = [
        Field("event_time", .timestampMicros, nullable: false),
        Field("event_type", .string),
        Field("product_id", .int64),
        Field("category_id", .int64),
        Field("category_code", .string),
        Field("brand", .string),
        Field("price", .double),
        Field("user_id", .int64),
    ]

    /// The schema of `version`, nil for a version this build does not know (a newer store).
    public static func schema(version: Int) -> Schema? { schemas[version] }

    /// The schema of the current version.
    public static var schema: Schema { schemas[currentSchemaVersion]! }

    /// The version of a dataset's manifest (1 when the manifest predates versions).
    public static func version(of manifest: DatasetManifest) -> Int { manifest.schemaVersion ?? 1 }

    /// Sort order of every part file: user_id (NULLs first), event_time, input order.
    public static let sortedBy = ["user_id", "event_time"]

    /// The CSV header names that must all be present (any order; other columns ignored).
    public static let requiredColumns = ["event_time", "event_type", "product_id", "category_id",
                                         "category_code", "brand", "price", "user_id", "user_session"]
}
