/// Where in a Parquet file a problem was found. Every field but `file` is optional because
/// a problem may be found before row groups, columns or pages are known.
public struct ParquetLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var rowGroup: Int?
    public var column: String?
    public var page: Int?

    public init(file: String, rowGroup: Int? = nil, column: String? = nil, page: Int? = nil) {
        self.file = file
        self.rowGroup = rowGroup
        self.column = column
        self.page = page
    }

    public var description: String {
        var parts = [file]
        if let rowGroup { parts.append("row group \(rowGroup)") }
        if let column { parts.append("column '\(column)'") }
        if let page { parts.append("page \(page)") }
        return parts.joined(separator: ", ")
    }
}

/// Errors of the Columnar module (column vectors, codecs, Parquet, the store).
/// The CLI maps each case to a message and an exit code in one place.
public enum ColumnarError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A system call failed (`errno` from the OS).
    case io(path: String, operation: String, errno: Int32)
    /// The bytes of a Parquet file are inconsistent with the format (truncated, bad magic,
    /// out-of-bounds length, wrong CRC, undecodable page, …).
    case corrupt(ParquetLocation, reason: String)
    /// A valid Parquet feature this implementation does not read or write.
    case unsupported(ParquetLocation, feature: String)
    /// A codec failed (corrupt compressed data, or a library error).
    case codec(codec: String, reason: String)
    /// The caller passed something inconsistent (schema/column mismatch, bad option).
    case invalidArgument(String)
    /// The store on disk is missing, locked, or inconsistent.
    case store(path: String, reason: String)
    /// A store's own files contradict each other or the format: a manifest that does not
    /// decode or names a path outside its dataset, a part file that is missing or whose footer
    /// disagrees with the manifest. `path` is the offending file; `problem` reads after it
    /// ("missing", "lists …"). The CLI reports it as corrupt data (exit 4).
    case damaged(path: String, problem: String)
    /// An object store (S3, GCS) refused or failed a request after its retries: `url` names the
    /// object or bucket (`s3://bucket/key`), `reason` says why in words ("access denied: the
    /// signature does not match", "503 slow down after 5 attempts"), `kind` picks the exit code.
    case remote(url: String, kind: RemoteFailure, reason: String)

    public var description: String {
        switch self {
        case .io(let path, _, _): "\(path): \(reason)"
        case .corrupt(let loc, let reason): "\(loc): corrupt Parquet: \(reason)"
        case .unsupported(let loc, let feature): "\(loc): unsupported Parquet feature: \(feature)"
        case .codec(let codec, let reason): "\(codec): \(reason)"
        case .invalidArgument(let message): message
        case .store(let path, let reason): "\(path): \(reason)"
        case .damaged(let path, let problem): "store damaged: \(path) \(problem)"
        case .remote(let url, _, let reason): "\(url): \(reason)"
        }
    }

    /// What failed, in words, without the path: "create failed: no space left on device".
    /// For `.io` the OS error is spelled out (`FileIO.errorText`), never a raw errno number;
    /// other cases give their whole description.
    public var reason: String {
        switch self {
        case .io(_, let op, let errno): "\(op) failed: \(FileIO.errorText(errno))"
        default: description
        }
    }

    /// The same error with every path that starts with `temporary` (a hidden temporary file or
    /// folder of the run) rewritten to start with `final` (the path the user named), so that no
    /// message names a temporary the user never asked for.
    public func relocated(from temporary: String, to final: String) -> ColumnarError {
        func fix(_ path: String) -> String {
            guard !temporary.isEmpty, path.hasPrefix(temporary) else { return path }
            return final + path.dropFirst(temporary.count)
        }
        switch self {
        case .io(let path, let op, let errno): return .io(path: fix(path), operation: op, errno: errno)
        case .corrupt(var loc, let reason): loc.file = fix(loc.file); return .corrupt(loc, reason: reason)
        case .unsupported(var loc, let feature): loc.file = fix(loc.file); return .unsupported(loc, feature: feature)
        case .store(let path, let reason): return .store(path: fix(path), reason: reason)
        case .damaged(let path, let problem): return .damaged(path: fix(path), problem: problem)
        case .invalidArgument(let message): return .invalidArgument(temporary.isEmpty ? message : message.replacing(temporary, with: final))
        case .codec, .remote: return self
        }
    }
}
