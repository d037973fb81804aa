/// The storage seam: every byte the store, the inputs, the outputs and the lake read or write
/// goes through an `ObjectStorage` — the local file system (`LocalStorage`) or a bucket (S3 and
/// GCS's S3-compatible API). Shaped like arrow-rs's `object_store`: objects named by keys,
/// listed by prefix, read by byte range, written whole. No rename, no append, no directories:
/// what a bucket can do is all a caller may assume.
///
/// ### Keys
/// A key is a `/`-separated path relative to the storage's root, with no leading `/`, no empty,
/// `.` or `..` segment (`ObjectKey.validate`). `location` plus `/` plus the key names the object
/// in messages (`describe`).
///
/// ### Consistency (what callers may rely on, on every implementation)
/// - `put` and a finished `ObjectWriter` make the object appear whole or not at all; a reader
///   never sees a partial object.
/// - `putIfAbsent` is atomic: of two concurrent calls on one key, exactly one returns true. This
///   is the commit primitive (a new manifest version); local disk: `link(2)` of a written
///   temporary, S3: `PUT` with `If-None-Match: *`.
/// - After a successful write, `list`, `size` and reads see it (read-after-write, as S3 gives).
///
/// ### Errors
/// Every failure is a `ColumnarError`: local calls `.io` naming the path and the OS error; remote
/// ones `.remote` naming the URL and the cause (`RemoteFailure` picks the exit code). A missing
/// object is `nil`/`false` where the signature says so, `.io(…, errno: ENOENT)` or
/// `.remote(…, kind: .missing, …)` otherwise.
///
/// Thread safety: implementations are safe to share between threads.
public protocol ObjectStorage: AnyObject, Sendable {
    /// The root, for messages: "/data/store" or "s3://bucket/prefix".
    var location: String { get }

    /// Every object whose key starts with `prefix` (recursively; "" lists everything), sorted by
    /// key. A prefix with nothing under it gives `[]`, not an error.
    func list(prefix: String) throws(ColumnarError) -> [ObjectInfo]

    /// The object's size in bytes; nil when it does not exist.
    func size(of key: String) throws(ColumnarError) -> Int?

    /// Opens the object for ranged reads. Its size is fixed at open; a read past it is
    /// `.corrupt`; an object replaced meanwhile is `.damaged` (local) or answers with the new
    /// bytes' failure (remote: reads are pinned to the ETag seen at open).
    func openForReading(_ key: String) throws(ColumnarError) -> any RandomAccessObject

    /// Reads the whole object. Memory: its size.
    func read(_ key: String) throws(ColumnarError) -> [UInt8]

    /// Writes the object whole, replacing any previous one atomically.
    func put(_ key: String, _ bytes: [UInt8]) throws(ColumnarError)

    /// Creates the object only if no object has that key; returns false (writing nothing) when
    /// one exists. Atomic against concurrent writers (see above).
    func putIfAbsent(_ key: String, _ bytes: [UInt8]) throws(ColumnarError) -> Bool

    /// A streaming writer for a large object (a part file, an output): bytes go to a local
    /// temporary or a multipart upload; the object appears whole at `finish()`, never before.
    func makeWriter(_ key: String) throws(ColumnarError) -> any ObjectWriter

    /// Deletes the object; a missing object is not an error.
    func delete(_ key: String) throws(ColumnarError)

    /// Gives the object `from` the key `to` (replacing any object there) and removes `from`.
    /// Local disk: `rename(2)`, atomic. Buckets: a server-side copy, then a delete of `from`; not
    /// atomic (after a crash both may exist), so callers record moves in a commit record and redo
    /// them idempotently (a missing `from` with an existing `to` is a move already done: no error).
    func move(_ from: String, to: String) throws(ColumnarError)
}

extension ObjectStorage {
    /// The object's full name for messages: "<location>/<key>".
    public func describe(_ key: String) -> String {
        key.isEmpty ? location : (location.hasSuffix("/") ? location + key : location + "/" + key)
    }
}

/// The key rule of every `ObjectStorage`.
public enum ObjectKey {
    /// Throws `.invalidArgument` naming the key unless it is non-empty, `/`-separated, with no
    /// leading or trailing `/` and no empty, `.` or `..` segment (so a local key never leaves
    /// its root and a bucket key maps to one object).
    public static func validate(_ key: String) throws(ColumnarError) {
        guard !key.isEmpty, !key.split(separator: "/", omittingEmptySubsequences: false)
            .contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            throw .invalidArgument("invalid object key '\(key)' (empty, or with an empty, '.' or '..' segment)")
        }
    }
}

/// One listed object.
public struct ObjectInfo: Sendable, Equatable {
    /// The key, relative to the storage's root.
    public let key: String
    /// Size in bytes.
    public let size: Int

    public init(key: String, size: Int) {
        self.key = key
        self.size = size
    }
}

/// An object opened for positional reads (a Parquet file's footer and column chunks). Reads
/// may run concurrently from several threads. `close()` releases the descriptor or connection;
/// reads after it reopen (local) or fail.
public protocol RandomAccessObject: AnyObject, Sendable {
    /// The object's full name, for messages.
    var name: String { get }
    /// Its size in bytes, fixed at open.
    var size: Int { get }
    /// Exactly `count` bytes at `offset`; `.corrupt` when the range passes the end.
    func read(offset: Int, count: Int) throws(ColumnarError) -> [UInt8]
    func close()
    /// Largest gap, in bytes, worth reading through to make two nearby ranges one read (the
    /// Parquet reader merges a row group's column chunks by it). Default 0: only touching ranges
    /// merge, as suits a local file; a bucket, where a request costs more than a MiB of bytes,
    /// says about 1 MiB (arrow-rs `object_store`'s coalescing default).
    var coalescingGap: Int { get }
}

extension RandomAccessObject {
    public var coalescingGap: Int { 0 }
}

/// A large object being written. Owned by one writer thread. `finish()` makes the object
/// appear whole (local: fsync + rename of the hidden temporary; S3: complete the upload);
/// `abort()` leaves no trace. Dropping an unfinished writer aborts it.
public protocol ObjectWriter: AnyObject {
    /// The object's full name, for messages.
    var name: String { get }
    /// Bytes written so far.
    var offset: Int { get }
    func write(_ bytes: UnsafeRawBufferPointer) throws(ColumnarError)
    func finish() throws(ColumnarError)
    func abort()
}

extension ObjectWriter {
    /// Writes the bytes of an array.
    public func write(_ bytes: [UInt8]) throws(ColumnarError) {
        var failure: ColumnarError?
        bytes.withUnsafeBytes { raw in
            do throws(ColumnarError) { try write(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }
}

/// Why a remote object store call failed; the CLI maps it to an exit code.
public enum RemoteFailure: String, Sendable, Equatable {
    /// No such bucket or object (exit 3).
    case missing
    /// Credentials refused: wrong key, bad signature, access denied (exit 5).
    case denied
    /// Not reachable or failing after the retries: connection refused or dropped, 5xx, throttled (exit 5).
    case unavailable
    /// The answer made no sense: a truncated body, an unparsable listing (exit 4).
    case invalid
}
