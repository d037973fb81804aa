#if canImport(Glibc)
import Glibc
#endif
import Columnar

/// Appends one file to another inside the kernel (`sendfile`, no user-space copy),
/// falling back to a read/write loop through one reused 4 MiB buffer when the kernel or file
/// system refuses. Used to concatenate the workers' CSV parts into the output.
/// Errors: `.io` naming the file and the operation.
enum FileAppend {
    static func append(_ source: String, to destination: String) throws(ColumnarError) {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw .io(path: source, operation: "open", errno: errno) }
        defer { close(input) }
        // Not O_APPEND: sendfile refuses such descriptors; seek to the end instead.
        let output = open(destination, O_WRONLY | O_CLOEXEC)
        guard output >= 0 else { throw .io(path: destination, operation: "write (open for append)", errno: errno) }
        defer { close(output) }
        guard lseek(output, 0, SEEK_END) >= 0 else { throw .io(path: destination, operation: "write (seek)", errno: errno) }
        var st = stat()
        guard fstat(input, &st) == 0 else { throw .io(path: source, operation: "stat", errno: errno) }
        var remaining = Int(st.st_size)
        while remaining > 0 {
            let n = sendfile(output, input, nil, min(remaining, 1 << 30))
            if n > 0 { remaining -= n; continue }
            if n < 0 && errno == EINTR { continue }
            if n == 0 { break }
            let e = errno
            guard e == EXDEV || e == EINVAL || e == ENOSYS || e == EOPNOTSUPP else {
                throw .io(path: destination, operation: "write (sendfile)", errno: e)
            }
            try copyLoop(input, output, source: source, destination: destination)
            return
        }
    }

    private static func copyLoop(_ input: Int32, _ output: Int32, source: String, destination: String) throws(ColumnarError) {
        let size = 4 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let n = read(input, buffer, size)
            if n < 0 { if errno == EINTR { continue }; throw .io(path: source, operation: "read", errno: errno) }
            if n == 0 { return }
            var done = 0
            while done < n {
                let w = write(output, buffer + done, n - done)
                if w < 0 { if errno == EINTR { continue }; throw .io(path: destination, operation: "write", errno: errno) }
                done += w
            }
        }
    }
}
