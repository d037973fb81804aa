import Columnar

/// Errors of the Ingest module. Each names the source (file path or "-") and, where known, the
/// line, so the CLI can print "file:line: reason".
public enum IngestError: Error, Sendable, CustomStringConvertible {
    /// The input could not be opened or read.
    case io(source: String, reason: String)
    /// The header lacks a required column, or is not a header at all.
    case badHeader(source: String, reason: String)
    /// More lines were rejected than `--max-rejects` allows.
    case tooManyRejects(source: String, rejected: Int, limit: Int)
    /// A malformed input that cannot be ingested at all (e.g. corrupt gzip), with line if known.
    case malformed(source: String, line: Int?, reason: String)
    /// The store layer failed.
    case columnar(ColumnarError)

    public var description: String {
        switch self {
        case .io(let source, let reason): "\(source): \(reason)"
        case .badHeader(let source, let reason): "\(source):1: \(reason)"
        case .tooManyRejects(let source, let rejected, let limit):
            "\(source): \(rejected) lines rejected, more than --max-rejects \(limit); the store was left unchanged"
        case .malformed(let source, let line, let reason):
            line.map { "\(source):\($0): \(reason)" } ?? "\(source): \(reason)"
        case .columnar(let e): e.description
        }
    }
}

extension IngestError {
    /// Any error raised while reading `source`, as an `IngestError`: an `IngestError` as is, a
    /// `ColumnarError` (store, I/O) wrapped, anything else as an I/O failure of `source`.
    init(reading source: String, _ error: any Error) {
        switch error {
        case let e as IngestError: self = e
        case let e as ColumnarError: self = .columnar(e)
        default: self = .io(source: source, reason: "\(error)")
        }
    }
}
