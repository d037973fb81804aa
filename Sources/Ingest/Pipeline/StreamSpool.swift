#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Copies a stream input (a named pipe, a shell's `<(...)`, a device: `InputReader.isStream`)
/// into a temporary regular file, for readers that need a file's size and a second pass (the
/// Sparkify ingest hashes a source before parsing it). The stream is opened and read once,
/// to its end; callers do this before taking the store lock (open() of a FIFO blocks until a
/// writer comes). The file is created with `mkstemp` under `$TMPDIR` (else /tmp), mode 0600;
/// the caller removes it (`remove`). Memory: one 1 MiB buffer. Errors: `.io` naming `path`.
enum StreamSpool {
    static func spool(_ path: String) throws(IngestError) -> String {
        let src = open(path, O_RDONLY | O_CLOEXEC)
        guard src >= 0 else { throw .io(source: path, reason: "cannot open (\(String(cString: strerror(errno))))") }
        defer { close(src) }
        let dir = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((dir + "/extract-spool-XXXXXX").utf8CString)
        let dst = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard dst >= 0 else {
            throw .io(source: path, reason: "cannot create a temporary copy in \(dir) (\(String(cString: strerror(errno))))")
        }
        let spoolPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { close(dst) }
        var buf = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buf.withUnsafeMutableBytes { read(src, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 {
                let e = errno
                unlink(spoolPath)
                throw .io(source: path, reason: "read failed (\(String(cString: strerror(e))))")
            }
            if n == 0 { return spoolPath }
            var done = 0
            while done < n {
                let w = buf.withUnsafeBytes { write(dst, $0.baseAddress! + done, n - done) }
                if w < 0 && errno == EINTR { continue }
                if w <= 0 {
                    let e = errno
                    unlink(spoolPath)
                    throw .io(source: path, reason: "cannot write its temporary copy in \(dir) (\(String(cString: strerror(e))))")
                }
                done += w
            }
        }
    }

    /// Removes a spooled copy (best effort).
    static func remove(_ spoolPath: String) { unlink(spoolPath) }
}
