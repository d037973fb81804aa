#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Columnar

/// One input of an ingest: a file path (`.csv` or gzip, detected by its magic bytes, so
/// `.csv.gz` and a gzip piped on stdin both work) or standard input (`-`).
public enum InputSource: Sendable, Equatable {
    case file(String)
    case standardInput

    public init(argument: String) { self = argument == "-" ? .standardInput : .file(argument) }

    /// The name recorded in the manifest and in rejects: the path, or "-".
    public var name: String {
        switch self {
        case .file(let p): p
        case .standardInput: "-"
        }
    }
}

/// Sequential decoded bytes of an input: raw reads of 4 MiB, hashed (`ContentHasher`) and,
/// for gzip, inflated as a stream. Memory: one raw read buffer plus the caller's buffer.
final class InputReader {
    let source: InputSource
    private var fd: Int32
    private var raw: [UInt8]
    private var gzip: GzipInflater?
    private var sniffed = false
    private(set) var hasher = ContentHasher()
    private(set) var eof = false
    /// Size of the file (nil for stdin).
    let fileSize: Int?

    init(_ source: InputSource, readSize: Int = 4 << 20) throws(IngestError) {
        self.source = source
        raw = [UInt8](repeating: 0, count: max(4096, readSize))
        switch source {
        case .standardInput:
            fd = 0
            fileSize = nil
        case .file(let path):
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw .io(source: path, reason: "cannot open (\(String(cString: strerror(errno))))") }
            var st = stat()
            fstat(fd, &st)
            if (st.st_mode & S_IFMT) == S_IFDIR {
                close(fd)
                throw .io(source: path, reason: "is a directory")
            }
            fileSize = Int(st.st_size)
        }
    }

    deinit { if fd > 0 { close(fd) } }

    /// Raw bytes consumed so far.
    var rawBytesRead: Int { hasher.count }

    /// Appends up to ~4 MiB of raw input (more once inflated) to `out`; returns false at end.
    func read(into out: inout [UInt8]) throws(IngestError) -> Bool {
        if eof { return false }
        var n = 0
        while true {
            n = raw.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            break
        }
        if n < 0 { throw .io(source: source.name, reason: "read failed (\(String(cString: strerror(errno))))") }
        if n == 0 {
            eof = true
            if let gzip {
                do throws(ColumnarError) { try gzip.finish() } catch {
                    throw .malformed(source: source.name, line: nil, reason: error.description)
                }
            }
            return false
        }
        let chunk = raw.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[0..<n]) }
        hasher.update(chunk)
        if !sniffed {
            sniffed = true
            if n >= 2, chunk[0] == 0x1F, chunk[1] == 0x8B { gzip = GzipInflater() }
        }
        if let gzip {
            do throws(ColumnarError) { try gzip.inflate(chunk, into: &out) } catch {
                throw .malformed(source: source.name, line: nil, reason: error.description)
            }
        } else {
            out.append(contentsOf: chunk)
        }
        return true
    }
}
