/// A bucket URL given on the command line: `s3://bucket/prefix` (Amazon S3 or any S3-compatible
/// server) or `gs://bucket/prefix` (Google Cloud Storage through its S3-compatible XML API).
///
/// Rules (checked by `parse`, which throws `.invalidArgument`, a usage error, exit 2):
/// - the bucket is 3…63 characters of lowercase letters, digits, `-`, `.` and `_` (GCS), starting
///   and ending with a letter or digit;
/// - the prefix is what follows the first `/` after the bucket, trailing slashes dropped; it may
///   be empty (the whole bucket); an empty, `.` or `..` segment (`s3://b//x`, `s3://b/a/../x`) is
///   refused, as are control characters, a `?` or a `#` (a URL query or fragment is not a key).
public struct BucketURL: Sendable, Equatable, CustomStringConvertible {
    public enum Scheme: String, Sendable { case s3, gs }

    public let scheme: Scheme
    public let bucket: String
    /// Keys below this URL start with `prefix + "/"` (or are whole keys when it is empty).
    public let prefix: String

    public init(scheme: Scheme, bucket: String, prefix: String) {
        self.scheme = scheme
        self.bucket = bucket
        self.prefix = prefix
    }

    /// True when `text` starts with `s3://` or `gs://` (so it must parse as a bucket URL, and is
    /// never a local path).
    public static func isBucketURL(_ text: String) -> Bool {
        text.hasPrefix("s3://") || text.hasPrefix("gs://")
    }

    /// `s3://bucket/prefix` (no trailing slash).
    public var description: String {
        prefix.isEmpty ? "\(scheme.rawValue)://\(bucket)" : "\(scheme.rawValue)://\(bucket)/\(prefix)"
    }

    /// The full key of `relative` below this URL's prefix.
    public func key(_ relative: String) -> String {
        prefix.isEmpty ? relative : (relative.isEmpty ? prefix : prefix + "/" + relative)
    }

    /// Parses `s3://…` or `gs://…`; throws `.invalidArgument` naming the URL and what is wrong.
    public static func parse(_ text: String) throws(ColumnarError) -> BucketURL {
        func bad(_ why: String) -> ColumnarError { .invalidArgument("invalid bucket URL '\(text)': \(why)") }
        let scheme: Scheme
        if text.hasPrefix("s3://") { scheme = .s3 } else if text.hasPrefix("gs://") { scheme = .gs } else {
            throw bad("expected s3://bucket/prefix or gs://bucket/prefix")
        }
        let rest = text.dropFirst(5)
        let slash = rest.firstIndex(of: "/")
        let bucket = String(rest[..<(slash ?? rest.endIndex)])
        var prefix = slash.map { String(rest[rest.index(after: $0)...]) } ?? ""
        while prefix.hasSuffix("/") { prefix.removeLast() }
        guard !bucket.isEmpty else { throw bad("no bucket name") }
        guard (3...63).contains(bucket.utf8.count) else { throw bad("a bucket name has 3 to 63 characters") }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-._".utf8)
        guard bucket.utf8.allSatisfy(allowed.contains) else {
            throw bad("a bucket name has only lowercase letters, digits, '-', '.' and '_'")
        }
        let alnum = Set("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        guard alnum.contains(bucket.utf8.first!), alnum.contains(bucket.utf8.last!) else {
            throw bad("a bucket name starts and ends with a letter or a digit")
        }
        if !prefix.isEmpty {
            for segment in prefix.split(separator: "/", omittingEmptySubsequences: false) {
                if segment.isEmpty { throw bad("empty path segment ('//')") }
                if segment == "." || segment == ".." { throw bad("'\(segment)' is not allowed in a key") }
            }
        }
        if prefix.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) {
            throw bad("control characters, '?' and '#' are not allowed in a key")
        }
        return BucketURL(scheme: scheme, bucket: bucket, prefix: prefix)
    }
}
