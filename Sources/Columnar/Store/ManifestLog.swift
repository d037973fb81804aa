import Foundation

/// Where a dataset's manifest versions live and how they are named, read and created — the one
/// place that knows the keys:
///
/// ```
/// <dataset>/_manifests/0000000001.json   version 1 (immutable once created)
/// <dataset>/_manifests/0000000002.json   version 2 …; the highest number is the dataset
/// <dataset>/_manifest.json               a copy of a recent version, for people and for older
///                                        `extract` builds (which then refuse format 2 cleanly);
///                                        never read when `_manifests/` holds a version. In a
///                                        format 1 store it is the manifest itself (version 0)
/// ```
///
/// Version numbers are 10 digits, zero-padded, so key order is number order. A version is
/// created only with `putIfAbsent` (the commit point): of two writers creating the same number,
/// exactly one succeeds. Versions are never rewritten or deleted (but an empty version 1 that
/// its creator abandons). Memory: one manifest at a time; a LIST of the log per lookup.
enum ManifestLog {
    static let folder = "_manifests"
    static let legacyName = "_manifest.json"

    static func key(dataset: String, version: Int) -> String {
        let digits = String(version)
        return dataset + "/" + folder + "/" + String(repeating: "0", count: max(0, 10 - digits.count)) + digits + ".json"
    }

    static func legacyKey(dataset: String) -> String { dataset + "/" + legacyName }

    /// The version number a log file name stands for ("0000000012.json" → 12); nil for any
    /// other name (a writer's hidden temporary, a stray file).
    static func version(ofName name: Substring) -> Int? {
        guard name.count == 15, name.hasSuffix(".json") else { return nil }
        let digits = name.prefix(10)
        guard digits.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return nil }
        return Int(digits)
    }

    /// The dataset's newest manifest key and number: the highest version in the log, else the
    /// format 1 `_manifest.json` as version 0; nil when the dataset does not exist.
    static func latest(_ storage: any ObjectStorage, dataset: String) throws(ColumnarError) -> (version: Int, key: String)? {
        let prefix = dataset + "/" + folder + "/"
        var best: Int?
        for o in try storage.list(prefix: prefix) {
            let name = o.key.dropFirst(prefix.count)
            guard !name.contains("/"), let v = version(ofName: name) else { continue }
            if v > (best ?? -1) { best = v }
        }
        if let best { return (best, key(dataset: dataset, version: best)) }
        let legacy = legacyKey(dataset: dataset)
        return try storage.size(of: legacy) != nil ? (0, legacy) : nil
    }

    /// Names of the datasets under the storage's root (folders holding a manifest), sorted.
    static func datasets(_ storage: any ObjectStorage) throws(ColumnarError) -> [String] {
        var names = Set<String>()
        for o in try storage.list(prefix: "") {
            let parts = o.key.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count >= 2, parts[0] != "_rejects", !parts[0].hasPrefix(".") else { continue }
            if (parts.count == 2 && parts[1] == legacyName)
                || (parts.count == 3 && parts[1] == folder && version(ofName: parts[2]) != nil) {
                names.insert(String(parts[0]))
            }
        }
        return names.sorted()
    }

    /// Pretty-printed JSON with sorted keys.
    static func encode(_ manifest: DatasetManifest, at location: String) throws(ColumnarError) -> [UInt8] {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            return Array(try encoder.encode(manifest))
        } catch {
            throw .store(path: location, reason: "cannot encode manifest: \(error)")
        }
    }

    /// Decodes and validates (`ManifestCheck`) the manifest at `key` (number `version`).
    /// `.damaged` naming `file` when it is empty, undecodable, invalid, or its version or
    /// format does not match where it sits.
    static func decode(_ bytes: [UInt8], dataset: String, version: Int, file: String) throws(ColumnarError) -> DatasetManifest {
        let m: DatasetManifest
        do {
            m = try JSONDecoder().decode(DatasetManifest.self, from: Data(bytes))
        } catch {
            throw .damaged(path: file, problem: bytes.isEmpty ? "is empty (not a manifest)" : "is not a valid manifest: \(Store.describe(error))")
        }
        try ManifestCheck.validate(m, folder: dataset, file: file)
        if version == 0 {
            guard m.version == nil else {
                throw .damaged(path: file, problem: "is a copy of manifest version \(m.version.map(String.init) ?? "?") (format \(m.formatVersion)) but the version log \(dataset)/\(folder)/ is missing")
            }
        } else {
            guard m.formatVersion >= 2, m.version == version else {
                throw .damaged(path: file, problem: "says version \(m.version.map(String.init) ?? "none") (format \(m.formatVersion)) but is version \(version) of the log")
            }
        }
        return m
    }
}
