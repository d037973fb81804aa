import Columnar
#if canImport(Glibc)
import Glibc
#endif

/// Where a learning base is written, decided from what the output path names now.
///
/// * Nothing, or a regular file: `replace`: written to `temporary` beside it and renamed over
///   it at the end (`FileIO.replaceFile`), so a failed run never leaves a half file under the
///   final name. A symbolic link to a regular file is followed: the file it points to is
///   replaced and the link kept.
/// * A device, FIFO or socket (`/dev/stdout`, `/dev/null`, a named pipe): `direct`: streamed
///   into the path itself; it must never be renamed over (that would replace `/dev/null` by a
///   regular file).
/// * `-`: `standardOutput`: streamed into the process's standard output (a duplicate of
///   descriptor 1), whatever it is (pipe, terminal, a file the shell opened); nothing is
///   renamed or removed.
/// * A directory: `.outputNotWritable`.
enum OutputTarget: Equatable {
    case replace(final: String, temporary: String)
    case direct(String)
    case standardOutput

    static func resolve(_ path: String) throws(QueryError) -> OutputTarget {
        if path == "-" { return .standardOutput }
        switch FileIO.fileType(path) {
        case .directory?:
            throw .outputNotWritable(path: path, reason: "is a directory")
        case .other?:
            return .direct(path)
        case .regular?:
            let final = FileIO.isSymbolicLink(path) ? FileIO.resolvedPath(path) ?? path : path
            return .replace(final: final, temporary: temporaryName(for: final))
        case nil:
            return .replace(final: path, temporary: temporaryName(for: path))
        }
    }

    /// The path the run opens and writes (`-` for standard output).
    var writePath: String {
        switch self {
        case .replace(_, let temporary): temporary
        case .direct(let path): path
        case .standardOutput: "-"
        }
    }

    /// Opens the output for sequential writing. `replace`: an object of the `LocalStorage` of
    /// the final file's folder (not durable: outputs are reproducible; a missing folder is an
    /// error, never created), written to `temporary`
    /// and put in place by `finish()` (`FileIO.replaceFile`); `direct`: the path itself, created
    /// or truncated; `standardOutput`: a duplicate of descriptor 1. `finish()` closes the last two.
    func open() throws(ColumnarError) -> any ObjectWriter {
        switch self {
        case .standardOutput:
            return try WriteHandle(duplicating: STDOUT_FILENO, name: "standard output")
        case .direct(let path):
            return try WriteHandle(path: path)
        case .replace(let final, let temporary):
            let slash = final.lastIndex(of: "/")
            let folder = slash.map { $0 == final.startIndex ? "/" : String(final[..<$0]) } ?? "."
            let name = slash.map { String(final[final.index(after: $0)...]) } ?? final
            let temporaryName = temporary.lastIndex(of: "/").map { String(temporary[temporary.index(after: $0)...]) } ?? temporary
            return try LocalStorage(root: folder, durable: false).makeWriter(name, temporaryName: temporaryName, createFolders: false)
        }
    }

    /// `<dir>/.<name>.tmp-<pid>` beside the final output (same file system, so rename is atomic).
    static func temporaryName(for path: String) -> String {
        FileIO.hiddenSibling(of: path, suffix: ".tmp-\(getpid())")
    }
}
