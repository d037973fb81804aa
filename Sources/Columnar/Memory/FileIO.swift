#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin, typed wrappers over the POSIX file calls the store and Parquet code need; each failure
/// becomes `ColumnarError.io(path:operation:errno:)`. Columnar's file-system calls go through
/// this file (directly, or through `LocalStorage`, the local `ObjectStorage`), except in three
/// named places: `DescriptorPool` (reopening an evicted descriptor: open/fstat/close under its
/// lock), `TemporaryFiles.swift` (the stale-temporary sweep's lstat/unlink/rename, and the
/// signal-time helpers kill/write/pause) and `StoreLock` (flock and the lock file). Outside
/// Columnar, Ingest's `InputReader` (streams: stdin, FIFOs, gzip) and Query's `StarSchemaLake`
/// still call the system directly; routing them through `ObjectStorage` is the next step.
public enum FileIO {
    /// The OS error `code` in words, lower case, as `strerror` spells it in the C locale
    /// ("no space left on device", "read-only file system", "is a directory", "permission
    /// denied"); an unknown code gives "system error N". Used by every message that reports a
    /// failed system call: no message shows a bare errno number.
    public static func errorText(_ code: Int32) -> String {
        guard let text = strerror(code).map({ String(cString: $0) }), !text.isEmpty,
              !text.hasPrefix("Unknown error") else { return "system error \(code)" }
        return text.prefix(1).lowercased() + text.dropFirst()
    }

    /// Reads a whole file into memory. Memory: the file's size.
    public static func readAll(_ path: String) throws(ColumnarError) -> [UInt8] {
        let handle = try ReadHandle(path: path)
        defer { handle.close() }
        return try handle.read(offset: 0, count: handle.size)
    }

    /// Writes `bytes` to `path` (created or truncated), optionally fsyncing before close.
    public static func writeAll(_ path: String, _ bytes: [UInt8], sync: Bool = false) throws(ColumnarError) {
        let handle = try WriteHandle(path: path)
        do {
            try handle.write(bytes)
            if sync { try handle.sync() }
            try handle.close()
        } catch {
            handle.abandon()
            throw error
        }
    }

    /// Atomically replaces `to` with `from` (same file system).
    public static func rename(_ from: String, _ to: String) throws(ColumnarError) {
        guard Glibc.rename(from, to) == 0 else { throw .io(path: to, operation: "rename", errno: errno) }
    }

    /// Puts the finished, unsynced file `from` under the name `to` (same folder), replacing a
    /// regular file there, without making the kernel flush `from` first.
    ///
    /// A plain `rename` over an existing file makes ext4 (`auto_da_alloc`) write the new file's
    /// data out before the rename completes: measured 2.6 s for a 1.4 GB learning base. So an
    /// existing `to` is first renamed aside to `.<name>.old-<pid>`, `from` renamed to `to`, then
    /// the old file unlinked. Contract: `to` never names a partial file; between the two renames
    /// (microseconds) `to` does not exist, and a crash there leaves the previous file under the
    /// `.old-` name. Durability is the caller's choice (outputs here are reproducible and not
    /// fsynced). Errors: `.io` naming the path and the failed step; on a failed second rename
    /// the old file is put back. The old file's deletion is best effort (the new one is in place).
    public static func replaceFile(_ from: String, _ to: String) throws(ColumnarError) {
        var st = stat()
        guard lstat(to, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return try rename(from, to) }
        let aside = hiddenSibling(of: to, suffix: ".old-\(getpid())")
        try rename(to, aside)
        do {
            try rename(from, to)
        } catch {
            _ = Glibc.rename(aside, to)
            throw error
        }
        // The new file is in place: failing to delete the old one must not fail the call.
        try? remove(aside)
    }

    /// What a path names, following symbolic links (nil: nothing, or a dangling link).
    public enum FileType: Sendable, Equatable { case regular, directory, other }

    public static func fileType(_ path: String) -> FileType? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    /// True when `path` itself is a symbolic link.
    public static func isSymbolicLink(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK
    }

    /// The absolute path with every symbolic link resolved (nil when it does not exist).
    public static func resolvedPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    /// `<dir>/.<name><suffix>` beside `path` (same folder, so a rename between them is atomic).
    public static func hiddenSibling(of path: String, suffix: String) -> String {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[...$0]) } ?? ""
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return dir + "." + base + suffix
    }

    /// Gives the file `from` a second name `to` (same file system) unless `to` exists: true when
    /// linked, false when `to` already existed (nothing changed). Atomic: of two processes
    /// linking to one `to`, exactly one gets true. The commit primitive of `LocalStorage`.
    public static func linkIfAbsent(_ from: String, _ to: String) throws(ColumnarError) -> Bool {
        if Glibc.link(from, to) == 0 { return true }
        if errno == EEXIST { return false }
        throw .io(path: to, operation: "create", errno: errno)
    }

    /// Removes a file; a missing file is not an error.
    public static func remove(_ path: String) throws(ColumnarError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw .io(path: path, operation: "unlink", errno: errno) }
    }

    /// Creates a directory and its parents (like `mkdir -p`).
    public static func makeDirectories(_ path: String) throws(ColumnarError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part + "/"
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw .io(path: prefix, operation: "create directory", errno: errno)
            }
        }
    }

    /// fsyncs a directory so that renames inside it are durable.
    public static func syncDirectory(_ path: String) throws(ColumnarError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { throw .io(path: path, operation: "open directory", errno: errno) }
        defer { Glibc.close(fd) }
        guard fsync(fd) == 0 else { throw .io(path: path, operation: "fsync directory", errno: errno) }
    }

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Size of a file in bytes.
    public static func size(_ path: String) throws(ColumnarError) -> Int {
        var st = stat()
        guard stat(path, &st) == 0 else { throw .io(path: path, operation: "stat", errno: errno) }
        return Int(st.st_size)
    }

    /// Names in a directory (no "." or ".."), unsorted.
    public static func list(_ path: String) throws(ColumnarError) -> [String] {
        guard let dir = opendir(path) else { throw .io(path: path, operation: "open directory", errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

/// A read-only file opened for positional reads (`pread`). Owned by one caller; `close()` once.
///
/// With a `DescriptorPool`, the handle's descriptor may be closed by the pool while the handle
/// is idle (to keep the process under its descriptor limit) and is reopened by the next
/// `read`, which first checks that the path still names the same file (device, inode, size);
/// a replaced file throws `.damaged`. Reads may then run concurrently from several threads.
public final class ReadHandle: @unchecked Sendable {
    public let path: String
    public let size: Int
    private var fd: Int32
    /// With a pool: the descriptor's state, shared with the pool (which never holds the handle).
    private let slot: DescriptorPool.Slot?
    private let pool: DescriptorPool?

    public init(path: String, pool: DescriptorPool? = nil) throws(ColumnarError) {
        pool?.makeRoom()
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: path, operation: "open", errno: errno) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            Glibc.close(fd)
            throw .io(path: path, operation: "stat", errno: e)
        }
        self.path = path
        self.size = Int(st.st_size)
        self.pool = pool
        if let pool {
            let s = DescriptorPool.Slot(path: path, fd: fd, device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: size)
            pool.admit(s)
            slot = s
            fd = -1
        } else {
            slot = nil
        }
    }

    /// Reads exactly `count` bytes at `offset`; throws `.corrupt` when the file is shorter.
    public func read(offset: Int, count: Int) throws(ColumnarError) -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw .corrupt(ParquetLocation(file: path), reason: "read of \(count) bytes at \(offset) past end of file (\(size) bytes)")
        }
        let fd: Int32
        if let pool, let slot { fd = try pool.pin(slot) } else { fd = self.fd }
        defer { if let pool, let slot { pool.unpin(slot) } }
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let n = pread(fd, buffer.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 { if errno == EINTR { continue }; failure = errno; break }
                if n == 0 { failure = EIO; break }
                done += n
            }
            initialized = failure == 0 ? count : 0
        }
        if failure != 0 { throw .io(path: path, operation: "read", errno: failure) }
        return bytes
    }

    public func close() {
        if let pool, let slot { pool.forget(slot) } else if fd >= 0 { Glibc.close(fd); fd = -1 }
    }

    deinit { close() }
}

/// A file opened for sequential writing (created or truncated). Owned by one writer.
public final class WriteHandle: @unchecked Sendable {
    public let path: String
    private var fd: Int32
    /// Bytes written so far (the current offset).
    public private(set) var offset: Int = 0

    /// False for a device, FIFO or socket (e.g. /dev/null): `abandon()` never unlinks those.
    private let isRegularFile: Bool

    public init(path: String) throws(ColumnarError) {
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: path, operation: "create", errno: errno) }
        self.path = path
        var st = stat()
        isRegularFile = fstat(fd, &st) != 0 || (st.st_mode & S_IFMT) == S_IFREG
    }

    /// Writes to a duplicate of the open descriptor `fd` (e.g. `STDOUT_FILENO` for `-o -`),
    /// named `name` in errors. Closing the handle closes the duplicate only; `abandon()` never
    /// unlinks anything; `offset` counts from 0.
    public init(duplicating descriptor: Int32, name: String) throws(ColumnarError) {
        fd = dup(descriptor)
        guard fd >= 0 else { throw .io(path: name, operation: "dup", errno: errno) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        path = name
        isRegularFile = false
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(ColumnarError) {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 { if errno == EINTR { continue }; throw .io(path: path, operation: "write", errno: errno) }
            done += n
        }
        offset += bytes.count
    }

    public func write(_ bytes: [UInt8]) throws(ColumnarError) {
        var failure: ColumnarError?
        bytes.withUnsafeBytes { raw in
            do throws(ColumnarError) { try write(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    public func sync() throws(ColumnarError) {
        guard fsync(fd) == 0 else { throw .io(path: path, operation: "fsync", errno: errno) }
    }

    public func close() throws(ColumnarError) {
        guard fd >= 0 else { return }
        let rc = Glibc.close(fd)
        fd = -1
        guard rc == 0 else { throw .io(path: path, operation: "close", errno: errno) }
    }

    /// Closes without reporting errors and removes the partial file (a regular file only: a
    /// device or FIFO written in place stays).
    public func abandon() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
        if isRegularFile { unlink(path) }
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }
}

extension ReadHandle: RandomAccessObject {
    public var name: String { path }
}

/// A handle written in place (standard output, a device or FIFO, a file the caller renames) as
/// an `ObjectWriter`: `finish()` closes it, `abort()` is `abandon()` (a partial regular file is
/// removed, a device or FIFO stays).
extension WriteHandle: ObjectWriter {
    public var name: String { path }
    public func finish() throws(ColumnarError) { try close() }
    public func abort() { abandon() }
}
