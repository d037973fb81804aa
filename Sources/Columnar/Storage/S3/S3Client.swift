/// Sends S3 requests for one bucket with retries, and turns failures into `.remote` errors
/// naming the object's URL. Stateless apart from the shared libcurl handle pool; safe to share.
///
/// Retried (per `RetryPolicy`): connection refused/reset/dropped, timeouts, truncated bodies,
/// HTTP 5xx, 429, `SlowDown`, `RequestTimeout`, `ConditionalRequestConflict`, and a 200 answer
/// to CopyObject/CompleteMultipartUpload whose body is an `<Error>` (S3 reports late failures so).
/// Error kinds: 404, `NoSuchKey`, `NoSuchBucket`, `NoSuchUpload` → `.missing`; 401, 403,
/// `SignatureDoesNotMatch`, `InvalidAccessKeyId`, `AccessDenied`, expired tokens → `.denied`;
/// retries exhausted → `.unavailable` (a body still truncated at the end → `.invalid`); any
/// other answer → `.invalid`.
struct S3Client: Sendable {
    let bucket: BucketURL
    let configuration: S3Configuration

    /// The answer to a request after retries, and whether an earlier attempt failed in a way
    /// that may have applied it (dropped connection, 5xx). Not the whole truth: libcurl itself
    /// re-sends a request whose reused connection died unanswered, so conditional writes check
    /// their writer token on every conflict instead of relying on this flag.
    struct Answer {
        var response: HTTPResponse
        var ambiguous: Bool
    }

    /// The request's URL for `key` (a full key) with `query` (already encoded, sorted).
    func url(_ key: String, query: String = "") -> String {
        configuration.objectURL(bucket: bucket.bucket, key: key, query: query)
    }

    /// `s3://bucket/key`, for messages.
    func name(_ key: String) -> String { "\(bucket.scheme.rawValue)://\(bucket.bucket)/\(key)" }

    /// Sends `request`, retrying what may succeed later; returns the last HTTP answer, whatever
    /// its status (the caller judges it; `failure(_:name:)` explains it). `errorIn200`: a 200
    /// whose body is an S3 `<Error>` counts as a 500. Throws `.remote` when no HTTP answer came.
    func send(_ request: HTTPRequest, name: String, errorIn200: Bool = false) throws(ColumnarError) -> Answer {
        let policy = configuration.retry
        let start = RetryPolicy.now()
        var attempt = 0
        var ambiguous = false
        while true {
            attempt += 1
            let result = CurlTransfer.shared.perform(request, configuration)
            var retryable: Bool
            var lastFailure: TransportFailure?
            var answer: HTTPResponse?
            switch result {
            case .success(var response):
                if errorIn200, response.status == 200, let e = S3Answers.error(response.body) {
                    response.status = e.code == "InternalError" || e.code == "SlowDown" || e.code.isEmpty ? 500 : 400
                }
                answer = response
                retryable = Self.isRetryable(response)
            case .failure(let failure):
                lastFailure = failure
                retryable = failure.isRetryable
            }
            let outOfTime = RetryPolicy.now() - start >= policy.totalTime
            if !retryable || attempt >= policy.maxAttempts || outOfTime {
                if let answer { return Answer(response: answer, ambiguous: ambiguous) }
                let failure = lastFailure!
                let tries = attempt == 1 ? "" : " (after \(attempt) attempts)"
                if failure.isTruncation {
                    throw .remote(url: name, kind: .invalid, reason: "truncated response: \(failure.message)\(tries)")
                }
                throw .remote(url: name, kind: .unavailable, reason: "\(failure.message)\(tries)")
            }
            if request.method != "GET" && request.method != "HEAD" { ambiguous = true }
            RetryPolicy.sleep(min(policy.delay(after: attempt), max(0, policy.totalTime - (RetryPolicy.now() - start))))
        }
    }

    static func isRetryable(_ response: HTTPResponse) -> Bool {
        if response.status >= 500 || response.status == 429 { return true }
        if response.status == 400 || response.status == 409 || response.status == 503,
           let e = S3Answers.error(response.body) {
            return ["RequestTimeout", "SlowDown", "ConditionalRequestConflict", "OperationAborted"].contains(e.code)
        }
        return false
    }

    /// The error for a response that is not the success the caller expected.
    func failure(_ response: HTTPResponse, name: String, attempts: Bool = false) -> ColumnarError {
        let parsed = S3Answers.error(response.body)
        let code = parsed?.code ?? ""
        let message = parsed?.message ?? ""
        let detail = code.isEmpty ? "HTTP \(response.status)" : "HTTP \(response.status) \(code)"
            + (message.isEmpty ? "" : ": \(message)")
        switch (response.status, code) {
        case (_, "NoSuchBucket"):
            return .remote(url: name, kind: .missing, reason: "no such bucket '\(bucket.bucket)' (\(detail))")
        case (_, "NoSuchKey"), (_, "NoSuchUpload"), (404, _):
            return .remote(url: name, kind: .missing, reason: "not found (\(detail))")
        case (401, _), (403, _), (_, "SignatureDoesNotMatch"), (_, "InvalidAccessKeyId"), (_, "AccessDenied"),
             (_, "ExpiredToken"), (_, "InvalidToken"):
            return .remote(url: name, kind: .denied,
                           reason: "access denied (\(detail); credentials: \(configuration.credentialSource))")
        case (let s, _) where s >= 500 || s == 429 || Self.isRetryable(response):
            return .remote(url: name, kind: .unavailable,
                           reason: "the server keeps failing (\(detail)) after \(configuration.retry.maxAttempts) attempts")
        default:
            return .remote(url: name, kind: .invalid, reason: "unexpected answer (\(detail))")
        }
    }
}
