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

/// Sequential decoded bytes of an input, hashed (`ContentHasher`) as read. Plain input is read
/// straight into the caller's `ScanBuffer` (reads of `readSize`); gzip (detected on the first
/// read) goes through a raw buffer and is inflated as a stream. Memory: `readSize` bytes of raw
/// buffer (plus the inflated bytes of one read for gzip) besides the caller's buffer.
final class InputReader {
    let source: InputSource
    private var fd: Int32
    private let readSize: Int
    private var raw: [UInt8]
    private var inflated: [UInt8] = []
    private var gzip: GzipInflater?
    private var sniffed = false
    private(set) var hasher: ContentHasher
    private(set) var eof = false
    /// Size of a regular file (nil for stdin and streams).
    let fileSize: Int?

    /// `legacyHash`: also compute the pre-`xxh64:` digest (`ContentHasher.legacyDigest`).
    init(_ source: InputSource, readSize: Int = 4 << 20, legacyHash: Bool = false) throws(IngestError) {
        self.source = source
        self.readSize = max(4096, readSize)
        hasher = ContentHasher(legacyToo: legacyHash)
        raw = [UInt8](repeating: 0, count: self.readSize)
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
            let type = st.st_mode & S_IFMT
            fileSize = type == S_IFREG ? Int(st.st_size) : nil
        }
    }

    deinit { if fd > 0 { close(fd) } }

    /// Whether `path` names something that can be read only once, as a stream: a FIFO (also
    /// the `/dev/fd/N` of a shell's `<(...)`), a character device or a socket. Such an input
    /// must be opened once (`open` of a FIFO blocks until a writer comes) and never sized by
    /// `fstat`. False for regular files, directories and paths that do not exist.
    static func isStream(_ path: String) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0 else { return false }
        let type = st.st_mode & S_IFMT
        return type == S_IFIFO || type == S_IFCHR || type == S_IFSOCK
    }

    /// Also computes the pre-`xxh64:` digest (`ContentHasher.legacyDigest`) when `on`; only
    /// before the first read (a reader opened before the manifest was known).
    func computeLegacyDigest(_ on: Bool) {
        precondition(hasher.count == 0, "computeLegacyDigest after reading")
        if on { hasher = ContentHasher(legacyToo: true) }
    }

    /// Raw bytes consumed so far.
    var rawBytesRead: Int { hasher.count }

    /// Appends up to `readSize` raw bytes of input (more once inflated) to `out`; returns false
    /// at the end (after checking that a gzip stream is complete).
    func read(into out: ScanBuffer) throws(IngestError) -> Bool {
        if eof { return false }
        if sniffed && gzip == nil {
            let space = out.freeSpace(atLeast: readSize)
            let n = try checked(readSome(UnsafeMutableRawBufferPointer(rebasing: space[0..<readSize])))
            if n == 0 { return try finish() }
            hasher.update(UnsafeRawBufferPointer(rebasing: space[0..<n]))
            out.didAppend(n)
            return true
        }
        var n = try checked(raw.withUnsafeMutableBytes { readSome($0) })
        if n == 0 { return try finish() }
        // The gzip magic is two bytes; a pipe may deliver one at first: read until two are in.
        while !sniffed && n < 2 {
            let m = try checked(raw.withUnsafeMutableBytes { readSome(UnsafeMutableRawBufferPointer(rebasing: $0[n...])) })
            if m == 0 { break }
            n += m
        }
        let chunk = raw.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[0..<n]) }
        hasher.update(chunk)
        if !sniffed {
            sniffed = true
            if n >= 2, chunk[0] == 0x1F, chunk[1] == 0x8B { gzip = GzipInflater() }
        }
        if let gzip {
            inflated.removeAll(keepingCapacity: true)
            do throws(ColumnarError) { try gzip.inflate(chunk, into: &inflated) } catch {
                throw .malformed(source: source.name, line: nil, reason: error.description)
            }
            inflated.withUnsafeBytes { out.append($0) }
        } else {
            out.append(chunk)
        }
        return true
    }

    /// One read(2) into `b`, retried on EINTR: the byte count, 0 at the end, -1 on error (errno set).
    private func readSome(_ b: UnsafeMutableRawBufferPointer) -> Int {
        while true {
            let n = Glibc.read(fd, b.baseAddress, b.count)
            if n >= 0 || errno != EINTR { return n }
        }
    }

    private func checked(_ n: Int) throws(IngestError) -> Int {
        if n < 0 { throw .io(source: source.name, reason: "read failed (\(String(cString: strerror(errno))))") }
        return n
    }

    private func finish() throws(IngestError) -> Bool {
        eof = true
        if let gzip {
            do throws(ColumnarError) { try gzip.finish() } catch {
                throw .malformed(source: source.name, line: nil, reason: error.description)
            }
        }
        return false
    }
}
