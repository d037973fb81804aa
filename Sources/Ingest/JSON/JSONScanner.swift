/// The kind of one JSON value found by `JSONScanner`.
public enum JSONKind: UInt8, Sendable {
    case absent, null, `false`, `true`, number, string, object, array
}

/// Where one projected value sits in the scanned bytes: its kind and byte range. For a string the
/// range excludes the quotes and `escaped` says whether it holds a backslash escape (so most
/// strings are copied as is). For a number the range is the literal text.
public struct JSONSpan: Sendable, Equatable {
    public var kind: JSONKind
    public var start: Int
    public var end: Int
    public var escaped: Bool

    public static let absent = JSONSpan(kind: .absent, start: 0, end: 0, escaped: false)

    public init(kind: JSONKind, start: Int, end: Int, escaped: Bool) {
        self.kind = kind
        self.start = start
        self.end = end
        self.escaped = escaped
    }
}

/// A JSON syntax error: what was wrong and the byte offset where it was found.
/// `truncated`: the scan ran out of bytes (the buffer ends inside the value), so more input
/// could make the same text valid; a reader of a stream reads on before judging it.
public struct JSONSyntaxError: Error, Sendable, Equatable {
    public var reason: String
    public var offset: Int
    public var truncated: Bool
    public init(_ reason: String, at offset: Int, truncated: Bool = false) {
        self.reason = reason
        self.offset = offset
        self.truncated = truncated
    }
}

/// A structural scanner for one top-level JSON object that records only the keys it was asked
/// for (the projection), in the spirit of swift-foundation's `JSONMap` tape but flattened to one
/// level: every other value, nested or not, is validated and skipped without materialising.
///
/// Contract: `scanObject` validates the whole object against RFC 8259 (strict number grammar,
/// no raw control characters in strings, nesting depth ≤ `maxDepth`), fills `slots[i]` with the
/// span of key `keys[i]` (`.absent` when missing; the last duplicate wins) and returns the offset
/// just past the closing brace. It never allocates per value; keys written with escapes are
/// unescaped once to be compared. Memory: the slots array (one `JSONSpan` per projected key).
public struct JSONScanner: Sendable {
    public let keys: [[UInt8]]
    public static let maxDepth = 256

    public init(keys: [String]) {
        self.keys = keys.map { Array($0.utf8) }
    }

    /// Index of the projected key whose bytes are `p[start..<end]`, or nil.
    @inline(__always)
    func keyIndex(_ p: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int? {
        let length = end &- start
        for (i, key) in keys.enumerated() where key.count == length {
            var equal = true
            var j = 0
            while j < length {
                if key[j] != p[start &+ j] { equal = false; break }
                j &+= 1
            }
            if equal { return i }
        }
        return nil
    }

    @inline(__always)
    static func skipWhitespace(_ p: UnsafeRawBufferPointer, _ i: inout Int) {
        while i < p.count {
            let c = p[i]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i &+= 1 } else { return }
        }
    }

    /// Scans the object starting at `p[from]` (which must be `{`). See the type's contract.
    public func scanObject(_ p: UnsafeRawBufferPointer, from: Int,
                           slots: inout [JSONSpan]) throws(JSONSyntaxError) -> Int {
        for k in slots.indices { slots[k] = .absent }
        var i = from
        guard i < p.count, p[i] == UInt8(ascii: "{") else { throw JSONSyntaxError("expected '{'", at: i) }
        i &+= 1
        Self.skipWhitespace(p, &i)
        if i < p.count, p[i] == UInt8(ascii: "}") { return i &+ 1 }
        while true {
            guard i < p.count else { throw JSONSyntaxError("unterminated object", at: i, truncated: true) }
            guard p[i] == UInt8(ascii: "\"") else { throw JSONSyntaxError("expected a string key", at: i) }
            let keyStart = i &+ 1
            let (keyEnd, keyEscaped) = try Self.scanString(p, from: i)
            i = keyEnd &+ 1
            var slot: Int?
            if keyEscaped {
                var unescaped: [UInt8] = []
                try JSONString.unescape(p, keyStart, keyEnd, into: &unescaped)
                slot = keys.firstIndex(of: unescaped)
            } else {
                slot = keyIndex(p, keyStart, keyEnd)
            }
            Self.skipWhitespace(p, &i)
            guard i < p.count, p[i] == UInt8(ascii: ":") else { throw JSONSyntaxError("expected ':' after key", at: i, truncated: i >= p.count) }
            i &+= 1
            Self.skipWhitespace(p, &i)
            let span = try Self.scanValue(p, &i, depth: 1)
            if let slot { slots[slot] = span }
            Self.skipWhitespace(p, &i)
            guard i < p.count else { throw JSONSyntaxError("unterminated object", at: i, truncated: true) }
            if p[i] == UInt8(ascii: ",") {
                i &+= 1
                Self.skipWhitespace(p, &i)
                continue
            }
            if p[i] == UInt8(ascii: "}") { return i &+ 1 }
            throw JSONSyntaxError("expected ',' or '}'", at: i)
        }
    }

    /// Scans a string whose opening quote is at `p[from]`; returns the offset of the closing quote
    /// and whether a backslash escape occurs. Escapes are checked here (`\uXXXX` needs 4 hex digits).
    @inline(__always)
    static func scanString(_ p: UnsafeRawBufferPointer, from: Int) throws(JSONSyntaxError) -> (end: Int, escaped: Bool) {
        var i = from &+ 1
        var escaped = false
        while i < p.count {
            let c = p[i]
            if c == UInt8(ascii: "\"") { return (i, escaped) }
            if c == UInt8(ascii: "\\") {
                escaped = true
                guard i &+ 1 < p.count else { break }
                switch p[i &+ 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                     UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i &+= 2
                case UInt8(ascii: "u"):
                    guard i &+ 5 < p.count else { throw JSONSyntaxError("unterminated string", at: from, truncated: true) }
                    guard JSONString.hexValue(p[i &+ 2]) != nil, JSONString.hexValue(p[i &+ 3]) != nil,
                          JSONString.hexValue(p[i &+ 4]) != nil, JSONString.hexValue(p[i &+ 5]) != nil else {
                        throw JSONSyntaxError("invalid \\u escape", at: i)
                    }
                    i &+= 6
                default:
                    throw JSONSyntaxError("invalid escape", at: i)
                }
                continue
            }
            if c < 0x20 { throw JSONSyntaxError("control character in string", at: i) }
            i &+= 1
        }
        throw JSONSyntaxError("unterminated string", at: from, truncated: true)
    }

    /// Scans one value at `p[i]`, advancing `i` past it; returns its span.
    static func scanValue(_ p: UnsafeRawBufferPointer, _ i: inout Int, depth: Int) throws(JSONSyntaxError) -> JSONSpan {
        guard i < p.count else { throw JSONSyntaxError("expected a value", at: i, truncated: true) }
        let start = i
        switch p[i] {
        case UInt8(ascii: "\""):
            let (end, escaped) = try scanString(p, from: i)
            i = end &+ 1
            return JSONSpan(kind: .string, start: start &+ 1, end: end, escaped: escaped)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try scanNumber(p, &i)
            return JSONSpan(kind: .number, start: start, end: i, escaped: false)
        case UInt8(ascii: "n"):
            try literal(p, &i, "null")
            return JSONSpan(kind: .null, start: start, end: i, escaped: false)
        case UInt8(ascii: "t"):
            try literal(p, &i, "true")
            return JSONSpan(kind: .true, start: start, end: i, escaped: false)
        case UInt8(ascii: "f"):
            try literal(p, &i, "false")
            return JSONSpan(kind: .false, start: start, end: i, escaped: false)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try skipContainer(p, &i, depth: depth)
            return JSONSpan(kind: p[start] == UInt8(ascii: "{") ? .object : .array, start: start, end: i, escaped: false)
        default:
            throw JSONSyntaxError("unexpected character", at: i)
        }
    }

    @inline(__always)
    static func literal(_ p: UnsafeRawBufferPointer, _ i: inout Int, _ word: StaticString) throws(JSONSyntaxError) {
        let n = word.utf8CodeUnitCount
        let w = word.utf8Start
        guard i &+ n <= p.count else {
            // A prefix of the word cut by the end of the buffer may complete with more input.
            for k in 0..<(p.count &- i) where p[i &+ k] != w[k] { throw JSONSyntaxError("invalid literal", at: i) }
            throw JSONSyntaxError("invalid literal", at: i, truncated: true)
        }
        for k in 0..<n where p[i &+ k] != w[k] { throw JSONSyntaxError("invalid literal", at: i) }
        i &+= n
    }

    /// Strict RFC 8259 number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    static func scanNumber(_ p: UnsafeRawBufferPointer, _ i: inout Int) throws(JSONSyntaxError) {
        let start = i
        if p[i] == UInt8(ascii: "-") { i &+= 1 }
        func digits(_ i: inout Int) -> Int {
            let s = i
            while i < p.count, p[i] &- 0x30 < 10 { i &+= 1 }
            return i &- s
        }
        guard i < p.count, p[i] &- 0x30 < 10 else { throw JSONSyntaxError("invalid number", at: start, truncated: i >= p.count) }
        if p[i] == UInt8(ascii: "0") {
            i &+= 1
            if i < p.count, p[i] &- 0x30 < 10 { throw JSONSyntaxError("leading zero in number", at: start) }
        } else {
            _ = digits(&i)
        }
        if i < p.count, p[i] == UInt8(ascii: ".") {
            i &+= 1
            guard digits(&i) > 0 else { throw JSONSyntaxError("invalid number", at: start, truncated: i >= p.count) }
        }
        if i < p.count, p[i] | 0x20 == UInt8(ascii: "e") {
            i &+= 1
            if i < p.count, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i &+= 1 }
            guard digits(&i) > 0 else { throw JSONSyntaxError("invalid number", at: start, truncated: i >= p.count) }
        }
    }

    /// Validates and skips an object or array (iteratively for arrays of scalars, recursively for
    /// nesting, bounded by `maxDepth`).
    static func skipContainer(_ p: UnsafeRawBufferPointer, _ i: inout Int, depth: Int) throws(JSONSyntaxError) {
        guard depth < maxDepth else { throw JSONSyntaxError("nesting deeper than \(maxDepth)", at: i) }
        let isObject = p[i] == UInt8(ascii: "{")
        let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        i &+= 1
        skipWhitespace(p, &i)
        if i < p.count, p[i] == close { i &+= 1; return }
        while true {
            if isObject {
                guard i < p.count, p[i] == UInt8(ascii: "\"") else { throw JSONSyntaxError("expected a string key", at: i, truncated: i >= p.count) }
                i = try scanString(p, from: i).end &+ 1
                skipWhitespace(p, &i)
                guard i < p.count, p[i] == UInt8(ascii: ":") else { throw JSONSyntaxError("expected ':' after key", at: i, truncated: i >= p.count) }
                i &+= 1
                skipWhitespace(p, &i)
            }
            _ = try scanValue(p, &i, depth: depth &+ 1)
            skipWhitespace(p, &i)
            guard i < p.count else { throw JSONSyntaxError(isObject ? "unterminated object" : "unterminated array", at: i, truncated: true) }
            if p[i] == UInt8(ascii: ",") {
                i &+= 1
                skipWhitespace(p, &i)
                continue
            }
            if p[i] == close { i &+= 1; return }
            throw JSONSyntaxError(isObject ? "expected ',' or '}'" : "expected ',' or ']'", at: i)
        }
    }
}
