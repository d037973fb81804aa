#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a path argument (`--store`, `-o`, an input, `--output`) names: a local path, or an
/// object or prefix in a bucket (`s3://bucket/prefix`, `gs://bucket/prefix`). The one parser of
/// path arguments; `Storage` turns a location into an `ObjectStorage`.
///
/// Rules: an argument starting with `s3://` or `gs://` (any case) is a bucket URL, checked by
/// `BucketURL.parse` (bucket name rules; a `/`-separated key prefix whose trailing `/`s are
/// dropped, with no empty, `.` or `..` segment, control character, `?` or `#`). Any other `<letters>://…` is an
/// unsupported scheme (`.invalidArgument`, exit 2); to name a local folder called `http:` write
/// `./http://…`. Everything else is a local path, taken verbatim (relative to the working
/// directory; `-` is not special here: callers treat standard input/output first).
public struct StorageLocation: Sendable, Equatable, CustomStringConvertible {
    public enum Scheme: String, Sendable, Equatable {
        case local, s3, gs
    }

    public let scheme: Scheme
    /// The bucket; "" for a local path.
    public let bucket: String
    /// Local: the path as given. Bucket: the key prefix below the bucket ("" for its root),
    /// without leading or trailing `/`.
    public let path: String

    /// The argument as the user should see it in messages (`s3://b/p`, or the local path).
    public var description: String {
        switch scheme {
        case .local: path
        case .s3, .gs: "\(scheme.rawValue)://\(bucket)" + (path.isEmpty ? "" : "/" + path)
        }
    }

    public var isLocal: Bool { scheme == .local }

    public static func local(_ path: String) -> StorageLocation { StorageLocation(scheme: .local, bucket: "", path: path) }

    /// Parses one path argument. Errors: `.invalidArgument` naming the argument (a URL without a
    /// bucket, a bad key segment, an unknown scheme).
    public static func parse(_ argument: String) throws(ColumnarError) -> StorageLocation {
        guard let schemeEnd = argument.range(of: "://") else { return .local(argument) }
        let name = String(argument[..<schemeEnd.lowerBound])
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }),
              name.first!.isLetter else {
            return .local(argument)
        }
        guard let scheme = Scheme(rawValue: name.lowercased()), scheme != .local else {
            throw .invalidArgument("\(argument): unsupported storage URL scheme '\(name)://' (use a local path, s3:// or gs://)")
        }
        // Bucket names and key prefixes follow one rule set, `BucketURL`'s.
        let url = try BucketURL.parse(scheme.rawValue + "://" + argument[schemeEnd.upperBound...])
        return StorageLocation(scheme: scheme, bucket: url.bucket, path: url.prefix)
    }

    /// The location of the folder (prefix) holding this object, and the object's name in it:
    /// `s3://b/out/base.csv` → (`s3://b/out`, "base.csv"); `dir/base.csv` → (`dir`, "base.csv");
    /// `base.csv` → (`.`, "base.csv"). Nil when there is no name (a bucket root, `/`, a path
    /// ending in `/`).
    public func splitName() -> (folder: StorageLocation, name: String)? {
        guard !path.isEmpty, !path.hasSuffix("/") else { return nil }
        guard let slash = path.lastIndex(of: "/") else {
            return (StorageLocation(scheme: scheme, bucket: bucket, path: isLocal ? "." : ""), path)
        }
        let name = String(path[path.index(after: slash)...])
        let folder = slash == path.startIndex && isLocal ? "/" : String(path[..<slash])
        return (StorageLocation(scheme: scheme, bucket: bucket, path: folder), name)
    }
}

/// Opens the storage a location names. Local paths get a `LocalStorage`; bucket URLs an
/// `S3Storage` configured from the environment and `~/.aws` (docs/object-storage.md), unless a
/// backend was registered for their scheme (`register`: another implementation, or a test's).
/// Thread safety: registration and opening may race safely.
public enum Storage {
    /// Makes an `ObjectStorage` rooted at a bucket location (its `path` is the key prefix).
    public typealias Factory = @Sendable (StorageLocation) throws(ColumnarError) -> any ObjectStorage

    private static let registry = FactoryRegistry()

    /// Installs (or, with nil, removes) the backend for `scheme` (`.s3` or `.gs`).
    public static func register(_ scheme: StorageLocation.Scheme, _ factory: Factory?) {
        registry.set(scheme, factory)
    }

    /// The storage rooted at the folder or prefix `location` names (a store, a lake, an input
    /// prefix). `durable`: local objects and folders are fsynced on write.
    public static func open(_ location: StorageLocation, durable: Bool = true) throws(ColumnarError) -> any ObjectStorage {
        if location.isLocal { return LocalStorage(root: location.path, durable: durable) }
        if let factory = registry.get(location.scheme) { return try factory(location) }
        let url = BucketURL(scheme: location.scheme == .gs ? .gs : .s3, bucket: location.bucket, prefix: location.path)
        return try S3Storage(url: url, configuration: try S3Configuration.fromEnvironment(for: url))
    }

    /// Parses `argument` and opens the storage rooted at it.
    public static func open(url argument: String, durable: Bool = true) throws(ColumnarError) -> any ObjectStorage {
        try open(try StorageLocation.parse(argument), durable: durable)
    }

    /// The storage of the folder holding the object `argument` names, and the object's key in
    /// it (an output file, an input file). Errors: `.invalidArgument` when the argument names no
    /// object (a bucket root, a path ending in `/`), and those of `parse` and `open`.
    public static func object(_ argument: String, durable: Bool = true) throws(ColumnarError) -> (storage: any ObjectStorage, key: String) {
        let location = try StorageLocation.parse(argument)
        guard let (folder, name) = location.splitName() else {
            throw .invalidArgument("\(argument): names a folder, not a file")
        }
        return (try open(folder, durable: durable), name)
    }
}

/// The registered bucket backends (guarded by a mutex).
private final class FactoryRegistry: @unchecked Sendable {
    private var factories: [StorageLocation.Scheme: Storage.Factory] = [:]
    private var lock = pthread_mutex_t()
    init() { pthread_mutex_init(&lock, nil) }

    func set(_ scheme: StorageLocation.Scheme, _ factory: Storage.Factory?) {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        factories[scheme] = factory
    }

    func get(_ scheme: StorageLocation.Scheme) -> Storage.Factory? {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        return factories[scheme]
    }
}
