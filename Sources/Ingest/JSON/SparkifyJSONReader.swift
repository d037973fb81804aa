import Columnar

/// The two Sparkify JSON input formats.
public enum SparkifyFormat: String, Sendable, CaseIterable {
    /// The song catalogue: one or more JSON objects per file (pretty-printed or not).
    case songs = "sparkify-songs"
    /// The event logs: JSON lines.
    case logs = "sparkify-logs"

    public var schema: Schema { self == .songs ? SparkifySchemas.songSchema : SparkifySchemas.logSchema }
    public var fields: [JSONFieldSpec] { self == .songs ? SparkifySchemas.songFields : SparkifySchemas.logFields }
    /// The schema of the stored dataset (songs add `source_hash`).
    public var datasetSchema: Schema { self == .songs ? SparkifySchemas.songDatasetSchema : SparkifySchemas.logSchema }
    public var dataset: String { self == .songs ? SparkifySchemas.songDataset : SparkifySchemas.logDataset }
}

/// Reads Sparkify JSON files into typed `RecordBatch`es.
///
/// A file is read in chunks of `chunkBytes`; an object cut by a chunk's end is parsed once the
/// next read completes it (see `read`). Memory: a chunk plus the largest object (at most
/// `maxPendingBytes`) plus the batch being built (`batchRows` rows).
public struct SparkifyJSONReader: Sendable {
    public let format: SparkifyFormat
    public var chunkBytes: Int
    public var batchRows: Int

    public init(format: SparkifyFormat, chunkBytes: Int = 8 << 20, batchRows: Int = 1 << 17) {
        self.format = format
        self.chunkBytes = max(chunkBytes, 16)
        self.batchRows = max(batchRows, 1)
    }

    /// The input files named by `inputs`: each file as given; each directory walked recursively
    /// for `*.json` files (hidden entries skipped), sorted by path for a reproducible order.
    public static func expandInputs(_ inputs: [String]) throws(IngestError) -> [String] {
        var files: [String] = []
        func walk(_ dir: String) throws(IngestError) {
            let names: [String]
            do { names = try FileIO.list(dir) } catch { throw .io(source: dir, reason: error.description) }
            for name in names.sorted() where !name.hasPrefix(".") {
                let path = dir.hasSuffix("/") ? dir + name : dir + "/" + name
                if FileIO.isDirectory(path) {
                    try walk(path)
                } else if name.hasSuffix(".json") {
                    files.append(path)
                }
            }
        }
        for input in inputs {
            if FileIO.isDirectory(input) {
                try walk(input)
            } else if FileIO.exists(input) {
                files.append(input)
            } else {
                throw .io(source: input, reason: "no such file or directory")
            }
        }
        return files
    }

    /// Parses one file, calling `onBatch` with each batch of accepted rows (at least every
    /// `batchRows` rows and once at the end when rows remain) and `onProgress` with the bytes read
    /// so far. Returns the rejected records. Throws only when the file cannot be read.
    /// (`read(path:name:onBatch:onRejects:onProgress:)` with the rejects collected.)
    public func read(path: String, name: String? = nil, onBatch: (RecordBatch) throws -> Void,
                     onProgress: (Int) -> Void = { _ in }) throws -> [JSONReject] {
        var rejects: [JSONReject] = []
        try read(path: path, name: name, onBatch: onBatch, onRejects: { rejects += $0 }, onProgress: onProgress)
        return rejects
    }

    /// Parses one file, calling `onBatch` with each batch of accepted rows (at least every
    /// `batchRows` rows and once at the end when rows remain), `onRejects` with the records
    /// rejected since the previous call (after each read), and `onProgress` with the bytes read so
    /// far (after each read). Throws when the file cannot be read, or what a callback throws.
    ///
    /// The file is read in `chunkBytes` reads appended to the unparsed rest of the previous one;
    /// `JSONObjectStream.parseAvailable` parses what is settled and the rest waits for the next
    /// read, so the result never depends on where reads end (an object larger than a chunk, or
    /// one with nested objects starting lines, is whole). Only a pending rest beyond
    /// `maxPendingBytes` (an object or malformed text that large) is judged without more input.
    /// `name`: the source named in rejects (default `path`; a spooled stream's copy is read
    /// under the stream's name).
    public func read(path: String, name: String? = nil, onBatch: (RecordBatch) throws -> Void,
                     onRejects: ([JSONReject]) throws -> Void, onProgress: (Int) throws -> Void) throws {
        let sourceName = name ?? path
        let handle: ReadHandle
        do { handle = try ReadHandle(path: path) } catch { throw IngestError.io(source: path, reason: error.description) }
        defer { handle.close() }
        var builder = JSONBatchBuilder(schema: format.schema, fields: format.fields)
        var rejects: [JSONReject] = []
        var line = 1
        var offset = 0
        var atFileStart = true
        var pending: [UInt8] = []
        while true {
            let n = min(chunkBytes, handle.size - offset)
            if n > 0 {
                do { pending += try handle.read(offset: offset, count: n) } catch {
                    throw IngestError.io(source: path, reason: error.description)
                }
                offset += n
            }
            let atEnd = offset >= handle.size
            let final = atEnd || pending.count >= Self.maxPendingBytes
            let (nextLine, consumed) = pending.withUnsafeBytes { raw in
                JSONObjectStream.parseAvailable(raw, firstLine: line, atFileStart: atFileStart, final: final, source: sourceName,
                                                builder: &builder, rejects: &rejects)
            }
            if consumed > 0 {
                line = nextLine
                atFileStart = false
                pending.removeFirst(consumed)
            }
            if !rejects.isEmpty {
                try onRejects(rejects)
                rejects.removeAll(keepingCapacity: true)
            }
            if builder.rowCount >= batchRows || (atEnd && builder.rowCount > 0) {
                try onBatch(try builder.finish())
            }
            try onProgress(offset - pending.count)
            if atEnd { break }
        }
        if builder.rowCount > 0 { try onBatch(try builder.finish()) }
    }

    /// The most unparsed bytes held while waiting for an object's end: 256 MiB (a constant, so
    /// the result does not depend on `chunkBytes`).
    static let maxPendingBytes = 256 << 20
}
