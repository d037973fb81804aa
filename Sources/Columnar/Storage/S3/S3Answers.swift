/// The S3 XML answers the backend reads, each from an `XMLTree`: a ListObjectsV2 page, an error
/// body, the upload id of a new multipart upload. Every reader throws `XMLTree.Malformed` when
/// the answer does not have the shape S3 documents (the caller reports `.remote(kind: .invalid)`).
enum S3Answers {
    /// One page of ListObjectsV2.
    struct ListingPage: Equatable {
        /// Full keys (not relative to any prefix) and sizes, in the server's order.
        var objects: [(key: String, size: Int)]
        /// The token of the next page; nil on the last page.
        var continuationToken: String?

        static func == (a: ListingPage, b: ListingPage) -> Bool {
            a.continuationToken == b.continuationToken && a.objects.elementsEqual(b.objects) { $0 == $1 }
        }
    }

    /// `<ListBucketResult>`: every `<Contents>` with its `<Key>` and `<Size>`; `<IsTruncated>`
    /// true needs a `<NextContinuationToken>`.
    static func listing(_ bytes: [UInt8]) throws(XMLTree.Malformed) -> ListingPage {
        let root = try XMLTree.parse(bytes)
        guard root.name == "ListBucketResult" else {
            throw XMLTree.Malformed(reason: "expected <ListBucketResult>, found <\(root.name)>", offset: 0)
        }
        var objects: [(key: String, size: Int)] = []
        for entry in root.children("Contents") {
            guard let key = entry.child("Key")?.text, !key.isEmpty else {
                throw XMLTree.Malformed(reason: "a <Contents> without <Key>", offset: 0)
            }
            guard let sizeText = entry.child("Size")?.text, let size = Int(sizeText), size >= 0 else {
                throw XMLTree.Malformed(reason: "<Contents> of '\(key)' without a valid <Size>", offset: 0)
            }
            objects.append((key, size))
        }
        let truncated = root.child("IsTruncated")?.text ?? "false"
        guard truncated == "true" || truncated == "false" else {
            throw XMLTree.Malformed(reason: "<IsTruncated> is '\(truncated)'", offset: 0)
        }
        var token: String?
        if truncated == "true" {
            guard let next = root.child("NextContinuationToken")?.text, !next.isEmpty else {
                throw XMLTree.Malformed(reason: "a truncated listing without <NextContinuationToken>", offset: 0)
            }
            token = next
        }
        return ListingPage(objects: objects, continuationToken: token)
    }

    /// `<Error><Code>…</Code><Message>…</Message></Error>`; nil when the body is not one.
    static func error(_ bytes: [UInt8]) -> (code: String, message: String)? {
        guard !bytes.isEmpty, let root = try? XMLTree.parse(bytes), root.name == "Error" else { return nil }
        return (root.child("Code")?.text ?? "", root.child("Message")?.text ?? "")
    }

    /// `<InitiateMultipartUploadResult>`'s `<UploadId>`.
    static func uploadID(_ bytes: [UInt8]) throws(XMLTree.Malformed) -> String {
        let root = try XMLTree.parse(bytes)
        guard root.name == "InitiateMultipartUploadResult", let id = root.child("UploadId")?.text, !id.isEmpty else {
            throw XMLTree.Malformed(reason: "no <UploadId> in the answer to a multipart upload", offset: 0)
        }
        return id
    }

    /// The body of CompleteMultipartUpload: every part's number and ETag, in order.
    static func completeUploadBody(_ etags: [String]) -> [UInt8] {
        var s = "<CompleteMultipartUpload>"
        for (n, etag) in etags.enumerated() {
            s += "<Part><PartNumber>\(n + 1)</PartNumber><ETag>\(escape(etag))</ETag></Part>"
        }
        s += "</CompleteMultipartUpload>"
        return Array(s.utf8)
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
