import CCurl
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP request of the S3 backend.
struct HTTPRequest {
    var method: String
    var url: String
    /// "Name: value" lines; an empty value ("Expect:") removes a header libcurl would add.
    var headers: [String] = []
    /// The request body (PUT, POST); nil for none. libcurl signs it (SigV4 payload hash).
    var body: [UInt8]?
}

/// The answer: status, headers (names lowercased; of the final response only) and body.
struct HTTPResponse {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]

    func header(_ name: String) -> String? { headers[name] }
}

/// A request that got no HTTP answer: libcurl's error code and text ("Couldn't connect to
/// server: Failed to connect to 127.0.0.1 port 9 …").
struct TransportFailure: Error {
    let code: Int
    let message: String

    /// Failures where a new attempt may succeed: refused, reset or dropped connections,
    /// timeouts, truncated bodies, name resolution hiccups.
    var isRetryable: Bool {
        [CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_PARTIAL_FILE, CURLE_OPERATION_TIMEDOUT,
         CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_HTTP2, CURLE_HTTP2_STREAM,
         CURLE_SSL_CONNECT_ERROR].contains { Int($0.rawValue) == code }
    }

    /// The body was cut short (fewer bytes than Content-Length).
    var isTruncation: Bool { code == Int(CURLE_PARTIAL_FILE.rawValue) }
}

/// Runs HTTP requests through libcurl's easy interface, loaded at first use (`CCurl`). Easy
/// handles are pooled: a thread takes one for a request and gives it back, so its connection
/// (keep-alive) serves the next request of any thread; at most `poolLimit` idle handles are
/// kept. Safe to share between threads. The only Swift file that calls libcurl.
final class CurlTransfer: @unchecked Sendable {
    static let shared = CurlTransfer()

    private var idle: [UnsafeMutableRawPointer] = []
    private var lock = pthread_mutex_t()
    private let poolLimit = 32

    private init() { pthread_mutex_init(&lock, nil) }

    /// Loads libcurl; throws `.remote(kind: .unavailable)` naming `url` when it cannot be used.
    static func load(for url: String) throws(ColumnarError) {
        var buffer = [CChar](repeating: 0, count: 512)
        if extract_curl_load(&buffer, buffer.count) != 0 {
            let reason = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw .remote(url: url, kind: .unavailable, reason: reason)
        }
    }

    private func take() -> UnsafeMutableRawPointer? {
        pthread_mutex_lock(&lock)
        let handle = idle.popLast()
        pthread_mutex_unlock(&lock)
        return handle ?? extract_curl_easy_init()
    }

    private func give(_ handle: UnsafeMutableRawPointer) {
        pthread_mutex_lock(&lock)
        let keep = idle.count < poolLimit
        if keep { idle.append(handle) }
        pthread_mutex_unlock(&lock)
        if !keep { extract_curl_easy_cleanup(handle) }
    }

    /// Performs `request` once (no retry: `S3Client` decides), signed per `configuration`.
    func perform(_ request: HTTPRequest, _ configuration: S3Configuration) -> Result<HTTPResponse, TransportFailure> {
        guard let handle = take() else {
            return .failure(TransportFailure(code: Int(CURLE_OUT_OF_MEMORY.rawValue), message: "curl_easy_init failed"))
        }
        defer { give(handle) }
        extract_curl_easy_reset(handle)
        let exchange = CurlExchange()
        let context = Unmanaged.passUnretained(exchange).toOpaque()
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { if headerList != nil { extract_curl_slist_free_all(headerList) } }

        // (No "Expect:" line to suppress 100-continue: libcurl 7.88 would sign the empty header
        // and the server's signature would then differ.)
        var headers = request.headers
        switch configuration.credentials {
        case .anonymous: break
        case .accessKey(_, _, let token):
            // libcurl (7.75+) signs with a payload hash of this header's value; without it 7.88 hashes
            // nothing and S3 refuses a body. Unsigned payloads are S3's documented choice over HTTPS
            // (TLS protects the body); the headers, method, path and query stay signed.
            headers.append("x-amz-content-sha256: UNSIGNED-PAYLOAD")
            if let token { headers.append("x-amz-security-token: \(token)") }
        case .bearer(let token): headers.append("Authorization: Bearer \(token)")
        }
        if request.body != nil { headers.append("Content-Type: application/octet-stream") }
        for line in headers { headerList = extract_curl_slist_append(headerList, line) }

        let code: CURLcode = withExtendedLifetime(exchange) {
            request.url.withCString { url in
                errorBuffer.withUnsafeMutableBufferPointer { errorBytes in
                    extract_curl_setopt_pointer(handle, CURLOPT_URL, url)
                    extract_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBytes.baseAddress)
                    extract_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
                    extract_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, configuration.connectTimeout)
                    extract_curl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
                    extract_curl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, configuration.stallTimeout)
                    extract_curl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1)
                    extract_curl_setopt_pointer(handle, CURLOPT_HTTPHEADER, headerList)
                    extract_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, curlWriteBody)
                    extract_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
                    extract_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, curlWriteHeader)
                    extract_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
                    return withSigning(handle, configuration) {
                        if request.method == "HEAD" {
                            extract_curl_setopt_long(handle, CURLOPT_NOBODY, 1)
                        } else if request.method != "GET" {
                            request.method.withCString { _ = extract_curl_setopt_pointer(handle, CURLOPT_CUSTOMREQUEST, $0) }
                        }
                        guard let body = request.body else { return extract_curl_easy_perform(handle) }
                        return body.withUnsafeBytes { bytes in
                            // A non-null pointer even for an empty body: POSTFIELDS NULL would read a callback.
                            var empty: UInt8 = 0
                            return withUnsafePointer(to: &empty) { emptyPointer in
                                extract_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS,
                                                            bytes.baseAddress ?? UnsafeRawPointer(emptyPointer))
                                extract_curl_setopt_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
                                return extract_curl_easy_perform(handle)
                            }
                        }
                    }
                }
            }
        }
        guard code == CURLE_OK else {
            let detail = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            let text = String(cString: extract_curl_easy_strerror(code))
            return .failure(TransportFailure(code: Int(code.rawValue),
                                             message: detail.isEmpty ? text : "\(text): \(detail)"))
        }
        var status = 0
        extract_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, headers: exchange.headers, body: exchange.body))
    }

    /// Sets SigV4 signing (or none) for the duration of `body` (the strings must outlive perform).
    private func withSigning(_ handle: UnsafeMutableRawPointer, _ configuration: S3Configuration,
                             _ body: () -> CURLcode) -> CURLcode {
        guard case .accessKey(let id, let secret, _) = configuration.credentials else { return body() }
        let provider = "aws:amz:\(configuration.region):s3"
        return provider.withCString { p in
            id.withCString { user in
                secret.withCString { password in
                    extract_curl_setopt_pointer(handle, CURLOPT_AWS_SIGV4, p)
                    extract_curl_setopt_pointer(handle, CURLOPT_USERNAME, user)
                    extract_curl_setopt_pointer(handle, CURLOPT_PASSWORD, password)
                    return body()
                }
            }
        }
    }
}

/// What the callbacks fill during one transfer.
private final class CurlExchange {
    var body: [UInt8] = []
    var headers: [String: String] = [:]
}

/// CURLOPT_WRITEFUNCTION: appends the body bytes to the exchange.
private func curlWriteBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
                           _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let n = size * count
    let exchange = Unmanaged<CurlExchange>.fromOpaque(context).takeUnretainedValue()
    exchange.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: n))
    return n
}

/// CURLOPT_HEADERFUNCTION: one header line at a time; a status line starts a new response (a
/// `100 Continue` or a redirect's headers are forgotten).
private func curlWriteHeader(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
                             _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let n = size * count
    let exchange = Unmanaged<CurlExchange>.fromOpaque(context).takeUnretainedValue()
    var line = String(decoding: UnsafeRawBufferPointer(start: data, count: n), as: UTF8.self)
    while let last = line.last, last == "\r\n" || last == "\n" || last == "\r" { line.removeLast() }
    if line.hasPrefix("HTTP/") {
        exchange.headers = [:]
    } else if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
        exchange.headers[name] = String(value)
    }
    return n
}
