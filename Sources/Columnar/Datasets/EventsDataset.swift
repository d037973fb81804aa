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
///
/// The one table of the events columns' types (column names: `EventColumns`): Ingest writes
/// these schemas, `extract info --check` compares part footers with them, and the learning base
/// checks a part file's columns against them (`ParquetEventRun`) and derives its in-memory input
/// schema from version 1 (`EventColumns.schema` in Query).
public enum EventsDataset {
    public static let name = "events"

    /// The version new stores get.
    public static let currentSchemaVersion = 2

    /// The schema of every part file, per version (see the table above): the one table of
    /// store schemas, for the writer and for checks of a store's files against its manifest.
    public static let schemas: [Int: Schema] = [
        1: Schema(common + [Field(EventColumns.userSession, .uuid), Field(EventColumns.userSessionRaw, .string)]),
        2: Schema(common + [Field(EventColumns.userSession, .string)]),
    ]

    /// The columns both versions start with, in this order.
    private static let common: [Field] = [
        Field(EventColumns.eventTime, .timestampMicros, nullable: false),
        Field(EventColumns.eventType, .string),
        Field(EventColumns.productId, .int64),
        Field(EventColumns.categoryId, .int64),
        Field(EventColumns.categoryCode, .string),
        Field(EventColumns.brand, .string),
        Field(EventColumns.price, .double),
        Field(EventColumns.userId, .int64),
    ]

    /// The schema of `version`, nil for a version this build does not know (a newer store).
    public static func schema(version: Int) -> Schema? { schemas[version] }

    /// The schema of the current version.
    public static var schema: Schema { schemas[currentSchemaVersion]! }

    /// The version of a dataset's manifest (1 when the manifest predates versions).
    public static func version(of manifest: DatasetManifest) -> Int { manifest.schemaVersion ?? 1 }

    /// Sort order of every part file: user_id (NULLs first), event_time, input order.
    public static let sortedBy = [EventColumns.userId, EventColumns.eventTime]

    /// The CSV header names that must all be present (any order; other columns ignored), in the
    /// order of the REES46 dumps' header (the generator writes this header): the columns of
    /// version 2, the session as its text.
    public static let requiredColumns: [String] = schemas[2]!.names
}
