import Columnar

/// Errors of the Query module.
public enum QueryError: Error, Sendable, CustomStringConvertible {
    /// Bad window or option (e.g. start >= end, malformed date).
    case invalidWindow(String)
    /// The store directory does not exist or holds no dataset of the needed kind.
    case missingStore(String)
    /// The output could not be created or written.
    case outputNotWritable(path: String, reason: String)
    /// A store file is corrupt or unreadable.
    case columnar(ColumnarError)

    public var description: String {
        switch self {
        case .invalidWindow(let m): m
        case .missingStore(let m): m
        case .outputNotWritable(let path, let reason): "\(path): cannot write output: \(reason)"
        case .columnar(let e): e.description
        }
    }
}
