import Columnar
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where an output may go: never into the store a run reads, never over a folder the tool did
/// not write. Pure path checks on canonical paths (absolute, symbolic links and `..` resolved),
/// so `store/../store/x`, a link into the store and a not-yet-existing name inside it are all
/// recognised. Errors are `.outputNotWritable` naming the user's path (exit 5).
public enum OutputSafety {
    /// `path` made absolute with every symbolic link and `.`/`..` resolved as the kernel would:
    /// the longest existing prefix through `realpath`, then the remaining (not yet existing)
    /// components appended, `..` removing the last one.
    public static func canonical(_ path: String) -> String {
        if let real = FileIO.resolvedPath(path) { return real }
        var trimmed = path
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let slash = trimmed.lastIndex(of: "/") else {
            return join(currentDirectory(), trimmed)
        }
        let parentText = String(trimmed[..<slash])
        let last = String(trimmed[trimmed.index(after: slash)...])
        return join(canonical(parentText.isEmpty ? "/" : parentText), last)
    }

    /// True when the canonical `path` is `directory` itself or anywhere below it.
    public static func isSameOrInside(_ path: String, _ directory: String) -> Bool {
        path == directory || path.hasPrefix(directory == "/" ? "/" : directory + "/")
    }

    /// Refuses an output that is the store, inside it (a part file, `_manifest.json`, `.lock`, a
    /// new name in one of its folders) or that contains it.
    public static func refuseStoreOverlap(output: String, store: String) throws(QueryError) {
        let out = canonical(output), st = canonical(store)
        if out == st {
            throw .outputNotWritable(path: output, reason: "is the store itself; choose an output outside the store")
        }
        if isSameOrInside(out, st) {
            throw .outputNotWritable(path: output, reason: "is inside the store \(store); choose an output outside the store")
        }
        if isSameOrInside(st, out) {
            throw .outputNotWritable(path: output, reason: "contains the store \(store); choose another output folder")
        }
    }

    static func join(_ parent: String, _ name: String) -> String {
        switch name {
        case "", ".": return parent
        case "..":
            guard let slash = parent.lastIndex(of: "/"), parent != "/" else { return "/" }
            let up = String(parent[..<slash])
            return up.isEmpty ? "/" : up
        default: return parent == "/" ? "/" + name : parent + "/" + name
        }
    }

    static func currentDirectory() -> String {
        guard let cwd = getcwd(nil, 0) else { return "." }
        defer { free(cwd) }
        return String(cString: cwd)
    }
}
