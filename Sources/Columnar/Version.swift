/// The version of `extract`, written into every Parquet file's `created_by`.
public enum ExtractVersion {
    public static let semver = "0.1.0"
    /// `created_by` as parquet-java expects it: "<app> version <semver> (build <hash>)".
    /// Without it Spark ignores our string statistics (PARQUET-251).
    public static let createdBy = "extract version \(semver) (build 0000000)"
}
