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
/// A file is read in chunks of `chunkBytes` cut just before a line starting with `{` (so JSON
/// lines and pretty-printed top-level objects are never split); a single object larger than a
/// chunk grows the chunk. Memory: about two chunks plus the batch being built (`batchRows` rows).
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
    public func read(path: String, onBatch: (RecordBatch) throws -> Void,
                     onProgress: (Int) -> Void = { _ in }) throws -> [JSONReject] {
        let handle: ReadHandle
        do { handle = try ReadHandle(path: path) } catch { throw IngestError.io(source: path, reason: error.description) }
        defer { handle.close() }
        var builder = JSONBatchBuilder(schema: format.schema, fields: format.fields)
        var rejects: [JSONReject] = []
        var line = 1
        var offset = 0
        var carry: [UInt8] = []
        var want = chunkBytes
        while offset < handle.size || !carry.isEmpty {
            let n = min(want, handle.size - offset)
            var chunk = carry
            if n > 0 {
                do { chunk += try handle.read(offset: offset, count: n) } catch {
                    throw IngestError.io(source: path, reason: error.description)
                }
                offset += n
            }
            let atEnd = offset >= handle.size
            let cut = atEnd ? chunk.count : Self.lastObjectLineStart(chunk)
            if cut == 0 {
                // No cut point yet: one object is larger than the chunk; read more.
                carry = chunk
                want *= 2
                continue
            }
            want = chunkBytes
            line = chunk.withUnsafeBytes { raw in
                JSONObjectStream.parse(UnsafeRawBufferPointer(rebasing: raw[0..<cut]), firstLine: line, source: path,
                                       builder: &builder, rejects: &rejects)
            }
            carry = Array(chunk[cut...])
            if builder.rowCount >= batchRows || (atEnd && builder.rowCount > 0) {
                try onBatch(try builder.finish())
            }
            onProgress(offset - carry.count)
            if atEnd { break }
        }
        if builder.rowCount > 0 { try onBatch(try builder.finish()) }
        return rejects
    }

    /// Offset of the start of the last line that begins with `{` (after a newline), or 0.
    static func lastObjectLineStart(_ bytes: [UInt8]) -> Int {
        var i = bytes.count - 1
        while i > 0 {
            if bytes[i] == UInt8(ascii: "{"), bytes[i - 1] == 0x0A { return i }
            i -= 1
        }
        return 0
    }
}
