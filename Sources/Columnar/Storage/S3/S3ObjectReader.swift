/// An S3 object opened for ranged reads: size and ETag fixed at open (one HEAD); each read is
/// a GET with `Range: bytes=a-b` and `If-Match: <etag>`, so an object replaced since open fails
/// (412 → `.remote(kind: .invalid)`, "changed since it was opened") instead of mixing two
/// versions. The answer must be a 206 whose `Content-Range` is exactly the range asked and whose
/// body has exactly `count` bytes (a 200 only for a range covering the whole object); anything
/// else is `.invalid`. Reads are independent requests: safe from several threads; `close()` has
/// nothing to release (the connection belongs to the shared pool) and reads after it still work.
final class S3ObjectReader: RandomAccessObject, Sendable {
    let client: S3Client
    let key: String
    let name: String
    let size: Int
    let etag: String

    init(client: S3Client, key: String, name: String, size: Int, etag: String) {
        self.client = client
        self.key = key
        self.name = name
        self.size = size
        self.etag = etag
    }

    func read(offset: Int, count: Int) throws(ColumnarError) -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw .corrupt(ParquetLocation(file: name),
                           reason: "read of \(count) bytes at offset \(offset) passes the end (\(size) bytes)")
        }
        if count == 0 { return [] }
        let last = offset + count - 1
        var headers = ["Range: bytes=\(offset)-\(last)"]
        if !etag.isEmpty { headers.append("If-Match: \(etag)") }
        let r = try client.send(HTTPRequest(method: "GET", url: client.url(key), headers: headers), name: name).response
        switch r.status {
        case 206:
            let expected = "bytes \(offset)-\(last)/\(size)"
            guard r.header("content-range") == expected else {
                throw .remote(url: name, kind: .invalid,
                              reason: "asked for \(expected), got Content-Range '\(r.header("content-range") ?? "")'")
            }
        case 200 where offset == 0 && count == size:
            break
        case 412:
            throw .remote(url: name, kind: .invalid, reason: "changed since it was opened (ETag \(etag) no longer matches)")
        default:
            throw client.failure(r, name: name)
        }
        guard r.body.count == count else {
            throw .remote(url: name, kind: .invalid,
                          reason: "truncated response: \(r.body.count) of \(count) bytes at offset \(offset)")
        }
        return r.body
    }

    func close() {}
}
