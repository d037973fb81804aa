import Columnar

/// Errors of the Query module.
public enum QueryError: Error, Sendable, CustomStringConvertible {
    /// Bad window (start >= end, malformed date).
    case invalidWindow(String)
    /// A `--format` that names no `OutputFormat` (the value given, as typed). A usage error.
    case unknownOutputFormat(String)
    /// A bad `--users LO:HI` shard or shard count (not integers, LO >= HI).
    case invalidUsers(String)
    /// The store directory does not exist or holds no dataset of the needed kind.
    case missingStore(String)
    /// The output could not be created or written.
    case outputNotWritable(path: String, reason: String)
    /// A store file is corrupt or unreadable.
    case columnar(ColumnarError)

    public var description: String {
        switch self {
        case .invalidWindow(let m): m
        case .unknownOutputFormat(let f):
            "--format '\(f)' is not one of: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))"
        case .invalidUsers(let m): m
        case .missingStore(let m): m
        case .outputNotWritable(let path, let reason): "\(path): cannot write output: \(reason)"
        case .columnar(let e): e.description
        }
    }
}

extension QueryError {
    /// The same error with the run's hidden temporary path (`temporary`, a prefix) replaced by
    /// the path the user named (`final`) wherever it appears, so that messages name the user's
    /// output, never `.NAME.tmp-PID`.
    public func relocated(from temporary: String, to final: String) -> QueryError {
        guard !temporary.isEmpty else { return self }
        switch self {
        case .outputNotWritable(let path, let reason):
            let p = path.hasPrefix(temporary) ? final + path.dropFirst(temporary.count) : path
            return .outputNotWritable(path: p, reason: reason.replacing(temporary, with: final))
        case .columnar(let e): return .columnar(e.relocated(from: temporary, to: final))
        case .invalidWindow, .unknownOutputFormat, .invalidUsers, .missingStore: return self
        }
    }
}
