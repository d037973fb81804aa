#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `ObjectStorage` on the local file system: a key is a path below `root`; folders are created
/// on write and are not objects (`list` returns regular files only, never following a symbolic
/// link out of the tree, and never a writer's hidden temporary). Keys are checked by
/// `ObjectKey.validate` (`.invalidArgument`), so no key leaves the root. Whole writes go to a hidden temporary beside the object
/// (`.<name>.tmp-<pid>-<n>`), fsynced, then `rename(2)` (`put`) or `link(2)` (`putIfAbsent`,
/// atomic create-if-absent: `EEXIST` means another writer won). Every system call goes through
/// `FileIO`; failures are `.io` naming the path. Memory: none beyond the caller's buffers.
public final class LocalStorage: ObjectStorage, @unchecked Sendable {
    /// The root folder, without a trailing slash ("/" stays "/").
    public let root: String
    public var location: String { root }
    /// Syncs objects and their folders on write (durability); false only for scratch storage.
    public let durable: Bool

    public init(root: String, durable: Bool = true) {
        var r = root
        while r.count > 1, r.hasSuffix("/") { r.removeLast() }
        self.root = r
        self.durable = durable
    }

    /// The file system path of `key`.
    public func path(of key: String) -> String { key.isEmpty ? root : (root == "/" ? "/" + key : root + "/" + key) }

    public func list(prefix: String) throws(ColumnarError) -> [ObjectInfo] {
        // Start at the deepest folder the prefix names, then filter by the full prefix.
        let folder = prefix.lastIndex(of: "/").map { String(prefix[..<$0]) } ?? ""
        var out: [ObjectInfo] = []
        try walk(folder, prefix: prefix, into: &out)
        return out.sorted { $0.key < $1.key }
    }

    private func walk(_ folder: String, prefix: String, into out: inout [ObjectInfo]) throws(ColumnarError) {
        let dir = path(of: folder)
        guard FileIO.isDirectory(dir), folder.isEmpty || !FileIO.isSymbolicLink(dir) else { return }
        for name in try FileIO.list(dir) {
            let key = folder.isEmpty ? name : folder + "/" + name
            let full = path(of: key)
            if FileIO.isSymbolicLink(full) || Self.isTemporaryName(name) { continue }
            switch FileIO.fileType(full) {
            case .regular?:
                if key.hasPrefix(prefix) { out.append(ObjectInfo(key: key, size: try FileIO.size(full))) }
            case .directory?:
                // Descend only where keys below can still match the prefix.
                let below = key + "/"
                if below.hasPrefix(prefix) || prefix.hasPrefix(below) { try walk(key, prefix: prefix, into: &out) }
            default:
                continue
            }
        }
    }

    public func size(of key: String) throws(ColumnarError) -> Int? {
        try ObjectKey.validate(key)
        let p = path(of: key)
        guard FileIO.fileType(p) == .regular else { return nil }
        return try FileIO.size(p)
    }

    public func openForReading(_ key: String) throws(ColumnarError) -> any RandomAccessObject {
        try ObjectKey.validate(key)
        return try ReadHandle(path: path(of: key))
    }

    public func read(_ key: String) throws(ColumnarError) -> [UInt8] {
        try ObjectKey.validate(key)
        return try FileIO.readAll(path(of: key))
    }

    public func put(_ key: String, _ bytes: [UInt8]) throws(ColumnarError) {
        try ObjectKey.validate(key)
        let final = path(of: key)
        let tmp = try writeTemporary(for: final, bytes)
        do {
            try FileIO.rename(tmp, final)
        } catch {
            try? FileIO.remove(tmp)
            throw error
        }
        if durable { try FileIO.syncDirectory(Self.folder(of: final)) }
    }

    public func putIfAbsent(_ key: String, _ bytes: [UInt8]) throws(ColumnarError) -> Bool {
        try ObjectKey.validate(key)
        let final = path(of: key)
        if FileIO.exists(final) || FileIO.isSymbolicLink(final) { return false }
        let tmp = try writeTemporary(for: final, bytes)
        defer { try? FileIO.remove(tmp) }
        guard try FileIO.linkIfAbsent(tmp, final) else { return false }
        if durable { try FileIO.syncDirectory(Self.folder(of: final)) }
        return true
    }

    public func makeWriter(_ key: String) throws(ColumnarError) -> any ObjectWriter {
        try makeWriter(key, temporaryName: nil)
    }

    /// `makeWriter` with the temporary's file name chosen by the caller (hidden, in the object's
    /// folder; e.g. the learning base's `.NAME.tmp-PID`, which `StaleTemporaries` and the
    /// signal clean-up know). nil: `.NAME.tmp-PID-N`. `createFolders` false: a missing folder
    /// fails (`.io` "create", ENOENT, naming the temporary) instead of being created — a user's
    /// output goes into an existing folder only.
    public func makeWriter(_ key: String, temporaryName: String?, createFolders: Bool = true) throws(ColumnarError) -> LocalObjectWriter {
        try ObjectKey.validate(key)
        let final = path(of: key)
        let folder = Self.folder(of: final)
        if createFolders { try FileIO.makeDirectories(folder) }
        let temporary = temporaryName.map { folder == "/" ? "/" + $0 : folder + "/" + $0 } ?? Self.temporaryName(for: final)
        return try LocalObjectWriter(final: final, temporary: temporary, durable: durable)
    }

    public func delete(_ key: String) throws(ColumnarError) {
        try ObjectKey.validate(key)
        try FileIO.remove(path(of: key))
    }

    public func move(_ from: String, to: String) throws(ColumnarError) {
        try ObjectKey.validate(from)
        try ObjectKey.validate(to)
        let source = path(of: from), target = path(of: to)
        if !FileIO.exists(source) && FileIO.exists(target) { return }
        try FileIO.makeDirectories(Self.folder(of: target))
        try FileIO.rename(source, target)
        if durable { try FileIO.syncDirectory(Self.folder(of: target)) }
    }

    // MARK: - helpers

    private func writeTemporary(for final: String, _ bytes: [UInt8]) throws(ColumnarError) -> String {
        try FileIO.makeDirectories(Self.folder(of: final))
        let tmp = Self.temporaryName(for: final)
        try FileIO.writeAll(tmp, bytes, sync: durable)
        return tmp
    }

    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static let counter = AtomicCounter()

    /// A writer's hidden temporary (`.<name>.tmp-…`): never listed, as a bucket never lists an
    /// upload in progress.
    static func isTemporaryName(_ name: String) -> Bool {
        name.hasPrefix(".") && name.contains(".tmp-")
    }

    /// `.<name>.tmp-<pid>-<n>` beside `final`: hidden (never globbed by Spark, DuckDB or the store).
    static func temporaryName(for final: String) -> String {
        FileIO.hiddenSibling(of: final, suffix: ".tmp-\(getpid())-\(counter.next())")
    }
}

/// A local object being written: a hidden temporary beside the final path, put in place by
/// `finish()` — durable: fsync + `rename(2)` + fsync of the folder; not durable (outputs that
/// can be recomputed): `FileIO.replaceFile`, which spares ext4 flushing the new file before the
/// rename. `abort()` (or dropping it unfinished) removes the temporary. Owned by one writer thread.
public final class LocalObjectWriter: ObjectWriter {
    public let name: String
    /// The hidden temporary being written (for the signal clean-up).
    public var temporaryPath: String { handle.path }
    private let handle: WriteHandle
    private let durable: Bool
    private var done = false
    public var offset: Int { handle.offset }

    init(final: String, temporary: String, durable: Bool) throws(ColumnarError) {
        name = final
        handle = try WriteHandle(path: temporary)
        self.durable = durable
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(ColumnarError) {
        try handle.write(bytes)
    }

    public func finish() throws(ColumnarError) {
        guard !done else { return }
        do {
            if durable { try handle.sync() }
            try handle.close()
            if durable {
                try FileIO.rename(handle.path, name)
                try FileIO.syncDirectory(LocalStorage.folder(of: name))
            } else {
                try FileIO.replaceFile(handle.path, name)
            }
            done = true
        } catch {
            abort()
            throw error
        }
    }

    public func abort() {
        guard !done else { return }
        done = true
        handle.abandon()
    }

    deinit { abort() }
}

/// A process-wide counter for unique temporary names. (It used to lock a `pthread_mutex_t`
/// stored inline in the object through `&`, whose address Swift does not keep stable; the box
/// allocates its mutex once.)
final class AtomicCounter: Sendable {
    private let value = LockedValueBox(0)
    init() {}
    func next() -> Int {
        value.withLockedValue { v in
            v += 1
            return v
        }
    }
}
