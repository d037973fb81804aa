/// A large S3 object being written, owned by one thread. Bytes collect in one part buffer
/// (`partSize`, ≥ 5 MiB: memory bound); if `finish()` comes before it fills, the object is one
/// PUT; otherwise each full buffer is an UploadPart of a multipart upload (started at the first
/// full buffer) and `finish()` sends the last part and CompleteMultipartUpload, when the object
/// appears whole. `abort()` — and dropping an unfinished writer, and any failed call — sends
/// AbortMultipartUpload, so no parts are left billed; an object never appears half-written.
final class S3ObjectWriter: ObjectWriter {
    let client: S3Client
    let key: String
    let name: String
    let partSize: Int
    private(set) var offset = 0
    private var buffer: [UInt8] = []
    private var uploadID: String?
    private var etags: [String] = []
    private var done = false
    /// Stored in the object's metadata at the start of a multipart upload (see `finish`).
    private let token = WriterToken.make()

    init(client: S3Client, key: String, name: String, partSize: Int) {
        self.client = client
        self.key = key
        self.name = name
        self.partSize = partSize
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(ColumnarError) {
        guard !done else { throw .invalidArgument("\(name): write after finish or abort") }
        var rest = bytes[...]
        while !rest.isEmpty {
            if buffer.capacity < partSize { buffer.reserveCapacity(partSize) }
            let take = min(rest.count, partSize - buffer.count)
            buffer.append(contentsOf: rest.prefix(take))
            rest = rest.dropFirst(take)
            offset += take
            if buffer.count == partSize {
                do { try uploadPart() } catch { abort(); throw error }
            }
        }
    }

    private func uploadPart() throws(ColumnarError) {
        if uploadID == nil {
            let r = try client.send(HTTPRequest(method: "POST", url: client.url(key, query: "uploads="),
                                                headers: ["\(WriterToken.header): \(token)"], body: []),
                                    name: name).response
            guard r.status == 200 else { throw client.failure(r, name: name) }
            do {
                uploadID = try S3Answers.uploadID(r.body)
            } catch {
                throw .remote(url: name, kind: .invalid, reason: "\(error)")
            }
        }
        let query = "partNumber=\(etags.count + 1)&uploadId=\(S3Configuration.percentEncode(uploadID!, keepSlash: false))"
        let r = try client.send(HTTPRequest(method: "PUT", url: client.url(key, query: query), body: buffer),
                                name: name).response
        guard r.status == 200 else { throw client.failure(r, name: name) }
        guard let etag = r.header("etag"), !etag.isEmpty else {
            throw .remote(url: name, kind: .invalid, reason: "UploadPart answered without an ETag")
        }
        etags.append(etag)
        buffer.removeAll(keepingCapacity: true)
    }

    func finish() throws(ColumnarError) {
        guard !done else { return }
        do throws(ColumnarError) {
            if uploadID == nil {
                let r = try client.send(HTTPRequest(method: "PUT", url: client.url(key), body: buffer), name: name).response
                guard r.status == 200 else { throw client.failure(r, name: name) }
            } else {
                if !buffer.isEmpty { try uploadPart() }
                let query = "uploadId=\(S3Configuration.percentEncode(uploadID!, keepSlash: false))"
                let request = HTTPRequest(method: "POST", url: client.url(key, query: query),
                                          body: S3Answers.completeUploadBody(etags))
                let answer = try client.send(request, name: name, errorIn200: true)
                // A completion re-sent after a lost answer (by our retry or by libcurl) finds the upload
                // gone: done if the object there carries this writer's token.
                if answer.response.status != 200 {
                    guard S3Answers.error(answer.response.body)?.code == "NoSuchUpload", try ownObjectExists() else {
                        throw client.failure(answer.response, name: name)
                    }
                }
            }
            done = true
            buffer = []
        } catch {
            abort()
            throw error
        }
    }

    /// True when the object at `key` is this writer's (its metadata token).
    private func ownObjectExists() throws(ColumnarError) -> Bool {
        let r = try client.send(HTTPRequest(method: "HEAD", url: client.url(key)), name: name).response
        return r.status == 200 && r.header(WriterToken.header) == token
    }

    func abort() {
        guard !done else { return }
        done = true
        buffer = []
        if let uploadID {
            let query = "uploadId=\(S3Configuration.percentEncode(uploadID, keepSlash: false))"
            _ = try? client.send(HTTPRequest(method: "DELETE", url: client.url(key, query: query)), name: name)
        }
    }

    deinit { abort() }
}
