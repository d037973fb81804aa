/// What each manifest `formatVersion` promises about its part files: the footer schema a part
/// must carry for the schema the manifest declares, and which column the manifest's
/// `minTime`/`maxTime` (and the day partitions) describe. Used by `PartCheck` to compare every
/// footer with its manifest, so old and new stores are both checked against what they claim.
///
/// Adding a version is one line in `fileTypes` (e.g. a version storing `.uuid` columns as
/// Spark-readable strings: `2: [.uuid: .string]`).
public enum StoreFormat {
    /// The version new manifests are written with. 1: `_manifest.json` renamed under an
    /// exclusive lock; 2: versioned manifests (`_manifests/<n>.json`) created with
    /// write-if-absent, any number of writers (`Store`). Part files are the same in both.
    public static let current = 2

    /// Per version: declared column type → the type our reader maps the part file's column to,
    /// where the two differ. Absent types are stored as declared.
    static let fileTypes: [Int: [ColumnType: ColumnType]] = [
        1: [:],  // as declared (user_session: FIXED_LEN_BYTE_ARRAY(16) UUID)
        2: [:],  // as 1 (only the commit protocol changed)
    ]

    /// The time column each dataset is partitioned by (the manifest's minTime/maxTime are its
    /// bounds); datasets not listed have none.
    static let timeColumns: [String: String] = ["events": "event_time", "sparkify_log": "ts"]

    public static func isKnown(_ version: Int) -> Bool { fileTypes[version] != nil }

    /// The schema (names, types as read back, nullability, order) a part file of a dataset
    /// declaring `declared` must have under `version`; nil for an unknown version.
    public static func fileSchema(declared: Schema, version: Int) -> Schema? {
        guard let map = fileTypes[version] else { return nil }
        return Schema(declared.fields.map { Field($0.name, map[$0.type] ?? $0.type, nullable: $0.nullable) })
    }

    /// The time column of `dataset`, if it is partitioned by one and the schema has it.
    public static func timeColumn(dataset: String, schema: Schema) -> String? {
        guard let name = timeColumns[dataset], schema.index(of: name) != nil else { return nil }
        return name
    }
}
