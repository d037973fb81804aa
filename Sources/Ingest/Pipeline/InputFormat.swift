import Columnar

/// The input formats of `extract ingest --format`, spelled as on the command line. Each is one
/// `SourceReader` run by the shared `SourceLoop`; adding a format is a reader and a case here.
public enum InputFormat: String, CaseIterable, Sendable {
    /// REES46 e-commerce CSV dumps → `events` (`REES46Reader`).
    case rees46
    /// Sparkify JSON event logs → `sparkify_log` (`SparkifyReader` with `BatchPartWriter`).
    case sparkifyLogs = "sparkify-logs"
    /// The Sparkify JSON song catalogue → `songs` (`SparkifyReader` with `SongPartBatcher`).
    case sparkifySongs = "sparkify-songs"

    /// The spellings, for messages: "rees46, sparkify-logs or sparkify-songs".
    public static var spellings: String {
        let names = allCases.map(\.rawValue)
        return names.dropLast().joined(separator: ", ") + " or " + names.last!
    }

    /// The Sparkify JSON format of this case, if it is one.
    public var sparkify: SparkifyFormat? {
        switch self {
        case .rees46: nil
        case .sparkifyLogs: .logs
        case .sparkifySongs: .songs
        }
    }

    /// Ingests the command line's `inputs` (paths; for rees46 also "-" for standard input) into
    /// `store`, as one transaction (see `SourceLoop`).
    public func ingest(_ inputs: [String], into store: Store, options: IngestOptions) throws(IngestError) -> IngestReport {
        switch self {
        case .rees46: try Ingestor(store: store, options: options).ingest(sources: inputs.map(InputSource.init(argument:)))
        case .sparkifyLogs: try SparkifyIngestor(store: store, format: .logs, options: options).ingest(inputs: inputs)
        case .sparkifySongs: try SparkifyIngestor(store: store, format: .songs, options: options).ingest(inputs: inputs)
        }
    }
}
