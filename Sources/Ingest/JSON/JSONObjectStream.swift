/// One JSON input record that could not be stored: source, 1-based line, reason and the raw
/// text (capped at `JSONReject.maxTextBytes`).
public struct JSONReject: Sendable, Equatable, CustomStringConvertible {
    public static let maxTextBytes = 4096
    public var source: String
    public var line: Int
    public var reason: String
    /// Why, in the shared vocabulary, and about which field (nil: the whole record).
    public var cause: RejectReason
    public var field: String?
    public var text: String
    /// The reason without the offending value (e.g. `"ts": wrong type`, `malformed JSON`).
    public var category: String { cause.category(field: field) }

    public init(source: String, line: Int, reason: String, cause: RejectReason, field: String?, text: String) {
        self.source = source
        self.line = line
        self.reason = reason
        self.cause = cause
        self.field = field
        self.text = text
    }

    public var description: String { "\(source):\(line): \(reason)" }
}

/// Splits a buffer of JSON text into top-level objects, one after another, separated by any
/// whitespace (JSON lines, concatenated compact objects, or pretty-printed objects spanning
/// lines all work), and feeds each to a `JSONBatchBuilder`.
///
/// Errors never stop the stream: a syntax error rejects the text from the object's start to the
/// resynchronisation point (the next line whose first non-blank byte is `{`), reported at the
/// line of the error; a type error rejects the object, reported at the line it starts on.
///
/// Streaming (`parseAvailable` with `final` false): the buffer may end anywhere; parsing stops
/// before the first object whose outcome could change with more input (the scan ran out of
/// bytes, or the text a syntax error rejects runs to the end of the buffer), so that the caller
/// can read on and call again from there. The records and rejects are then the same whatever
/// the read sizes are.
/// Memory: none beyond the builder and the rejects.
public enum JSONObjectStream {
    /// Parses `p` (holding only whole objects). `firstLine` is the line number of `p[0]`.
    /// Returns the line number just past the buffer.
    @discardableResult
    public static func parse(_ p: UnsafeRawBufferPointer, firstLine: Int, source: String,
                             builder: inout JSONBatchBuilder, rejects: inout [JSONReject]) -> Int {
        parseAvailable(p, firstLine: firstLine, atFileStart: firstLine == 1, final: true, source: source,
                       builder: &builder, rejects: &rejects).line
    }

    /// Parses the objects of `p` whose outcome is settled: all of them when `final` (the end of
    /// the input), else up to the first one that more input could change. `atFileStart`: skip a
    /// UTF-8 byte-order mark at `p[0]`. Returns the offset parsed up to (`p.count` when `final`)
    /// and the line number there.
    public static func parseAvailable(_ p: UnsafeRawBufferPointer, firstLine: Int, atFileStart: Bool, final: Bool,
                                      source: String, builder: inout JSONBatchBuilder,
                                      rejects: inout [JSONReject]) -> (line: Int, consumed: Int) {
        var line = firstLine
        var counted = 0
        func lineAt(_ offset: Int) -> Int {
            let end = min(offset, p.count)
            while counted < end {
                if p[counted] == 0x0A { line += 1 }
                counted += 1
            }
            return line
        }
        var i = 0
        // A UTF-8 byte-order mark at the start of a file is ignored.
        if atFileStart, p.count >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { i = 3; counted = 3 }
        while true {
            JSONScanner.skipWhitespace(p, &i)
            if i >= p.count { break }
            let start = i
            let startLine = lineAt(start)
            do throws(JSONSyntaxError) {
                guard p[i] == UInt8(ascii: "{") else { throw JSONSyntaxError("expected a JSON object", at: i) }
                let end = try builder.scanner.scanObject(p, from: i, slots: &builder.slots)
                if let failure = builder.append(p) {
                    rejects.append(JSONReject(source: source, line: startLine, reason: failure.reason,
                                              cause: failure.cause, field: failure.field, text: text(p, start, end)))
                }
                i = end
            } catch {
                if !final && (error.truncated || resynchronise(p, from: start) >= p.count) {
                    return (lineAt(start), start)
                }
                // An object cut short (a truncated line) runs into the next line starting with
                // '{': reject just its own lines, at its start line; else resume after the error.
                let next = resynchronise(p, from: start)
                if next <= error.offset {
                    rejects.append(JSONReject(source: source, line: startLine,
                                              reason: "malformed JSON: object not closed before the next line starting with '{'",
                                              cause: .malformedJSON, field: nil,
                                              text: text(p, start, next)))
                    i = next
                } else {
                    let errorLine = lineAt(error.offset)
                    let resume = resynchronise(p, from: max(error.offset, start))
                    rejects.append(JSONReject(source: source, line: errorLine,
                                              reason: "malformed JSON: \(error.reason)", cause: .malformedJSON, field: nil,
                                              text: text(p, start, resume)))
                    i = resume
                }
            }
        }
        return (lineAt(p.count), p.count)
    }

    /// The start of the next line (after `from`) whose first non-blank byte is `{`, or the end.
    static func resynchronise(_ p: UnsafeRawBufferPointer, from: Int) -> Int {
        var i = from
        while i < p.count {
            while i < p.count, p[i] != 0x0A { i += 1 }
            if i >= p.count { return p.count }
            i += 1
            var j = i
            while j < p.count, p[j] == 0x20 || p[j] == 0x09 || p[j] == 0x0D { j += 1 }
            if j < p.count, p[j] == UInt8(ascii: "{") { return i }
        }
        return p.count
    }

    static func text(_ p: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> String {
        var e = min(end, start + JSONReject.maxTextBytes)
        while e > start, p[e - 1] == 0x0A || p[e - 1] == 0x0D { e -= 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: p[start..<e]), as: UTF8.self)
    }
}
