/// A whole-store check for `extract info` (`--check`): every dataset's manifest is read and
/// validated, and every part file listed is found (always) and, with `footers`, opened and its
/// footer checked against the manifest (`PartCheck`). Reads only manifests and footers, never a
/// data page; writes nothing. Problems are collected, not thrown, so that all are reported.
public enum StoreVerify {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// The offending file (a manifest or a part file).
        public var file: String
        /// What is wrong, a phrase completing "store damaged: <file> …".
        public var problem: String
        public var description: String { ColumnarError.damaged(path: file, problem: problem).description }
    }

    /// Problems of `store`, in dataset and manifest order (empty: healthy). `footers: false`
    /// only checks that each part file exists.
    public static func problems(_ store: Store, footers: Bool) throws(ColumnarError) -> [Problem] {
        var out: [Problem] = []
        for name in try store.datasets() {
            let manifest: DatasetManifest
            do {
                guard let m = try store.manifest(dataset: name) else { continue }
                manifest = m
            } catch {
                if case .damaged(let path, let problem) = error { out.append(Problem(file: path, problem: problem)); continue }
                throw error
            }
            for (partition, file) in manifest.allFiles {
                let path: String
                do {
                    path = try store.partPath(file, of: manifest)
                    guard footers else { continue }
                    let pf = try ParquetFile(path: path)
                    out += PartCheck.problems(pf, entry: file, partition: partition, manifest: manifest)
                        .map { Problem(file: path, problem: $0) }
                } catch {
                    switch error {
                    case .damaged(let p, let problem): out.append(Problem(file: p, problem: problem))
                    case .corrupt(let loc, let reason): out.append(Problem(file: loc.file, problem: "is corrupt: \(reason)"))
                    case .unsupported(let loc, let feature): out.append(Problem(file: loc.file, problem: "uses \(feature)"))
                    case .io(let p, let op, let e): out.append(Problem(file: p, problem: "cannot be read (\(op) failed, errno \(e))"))
                    default: throw error
                    }
                }
            }
        }
        return out
    }
}
