import Columnar

/// The file that says "extract wrote this lake": `LAKE/_extract_lake.json`. Every lake gets it
/// (written first into the hidden temporary folder), and `star-schema --output DIR` replaces
/// only a DIR that is absent, empty, or holds it: a user's folder, a dataset folder or the store
/// is never deleted. Readers ignore it (Spark, pyarrow and DuckDB skip `_`-prefixed files, and
/// it sits at the lake's root, beside the table folders).
public enum LakeMarker {
    public static let fileName = "_extract_lake.json"

    /// `{"tool":"extract","version":"<semver>","kind":"star-schema"}` and a newline.
    public static var contents: [UInt8] {
        Array("{\"tool\":\"extract\",\"version\":\"\(ExtractVersion.semver)\",\"kind\":\"star-schema\"}\n".utf8)
    }

    /// Writes the marker into `folder`.
    static func write(into folder: String) throws(ColumnarError) {
        try FileIO.writeAll(folder + "/" + fileName, contents)
    }

    /// True when `folder` holds a marker written by this tool (a regular file naming `extract`).
    public static func isPresent(in folder: String) -> Bool {
        let path = folder + "/" + fileName
        guard FileIO.fileType(path) == .regular, let bytes = try? FileIO.readAll(path), bytes.count < 4096 else { return false }
        return String(decoding: bytes, as: UTF8.self).contains("\"tool\":\"extract\"")
    }

    /// Refuses a lake path that overlaps the store (`OutputSafety.refuseStoreOverlap`, when
    /// `store` is given) or names something this tool may not replace: a file, or a non-empty
    /// folder without the marker. An absent path or an empty folder is fine.
    public static func checkTarget(lake: String, store: String?) throws(QueryError) {
        if let store { try OutputSafety.refuseStoreOverlap(output: lake, store: store) }
        guard let type = FileIO.fileType(lake) else { return }
        guard type == .directory else {
            throw .outputNotWritable(path: lake, reason: "exists and is not a directory")
        }
        let entries: [String]
        do { entries = try FileIO.list(lake) } catch { throw .outputNotWritable(path: lake, reason: error.reason) }
        if entries.isEmpty || isPresent(in: lake) { return }
        throw .outputNotWritable(path: lake, reason: "is a folder that extract did not write (no \(fileName)); "
                                 + "refusing to replace it: choose a new or empty folder")
    }
}
