/// A small XML reader for the few answers an S3 server sends (a listing, an error, an upload id,
/// a copy result): elements, their text and children; attributes are skipped (S3 puts nothing
/// the backend needs in them), a namespace prefix is kept as written. Entities `&amp; &lt; &gt;
/// &quot; &apos;` and numeric `&#N; &#xN;` are decoded, CDATA is text, comments and the
/// `<?xml?>` declaration are skipped. A DOCTYPE is refused (no entity expansion, no external
/// reads). Anything malformed — a tag left open, a mismatched close, text after the root, an
/// unknown entity, nesting deeper than 64 — throws `XMLTree.Malformed` saying what and where.
/// Memory: the tree, about the size of the input. No Foundation (FoundationXML would pull libxml2
/// into the static `./run package` build).
struct XMLTree: Sendable, Equatable {
    var name: String
    /// The element's own text (concatenated, entities decoded), children's text excluded.
    var text: String = ""
    var children: [XMLTree] = []

    struct Malformed: Error, Equatable, CustomStringConvertible {
        let reason: String
        let offset: Int
        var description: String { "malformed XML at byte \(offset): \(reason)" }
    }

    /// The first child named `name`.
    func child(_ name: String) -> XMLTree? { children.first { $0.name == name } }

    /// Every child named `name`, in order.
    func children(_ name: String) -> [XMLTree] { children.filter { $0.name == name } }

    /// Parses a whole document; returns its root element.
    static func parse(_ bytes: [UInt8]) throws(Malformed) -> XMLTree {
        var p = Parser(bytes: bytes)
        return try p.document()
    }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        }

        func fail(_ reason: String) -> Malformed { Malformed(reason: reason, offset: i) }

        func starts(_ s: String) -> Bool {
            var j = i
            for b in s.utf8 {
                guard j < bytes.count, bytes[j] == b else { return false }
                j += 1
            }
            return true
        }

        mutating func skip(past terminator: String, what: String) throws(Malformed) {
            while i < bytes.count {
                if starts(terminator) { i += terminator.utf8.count; return }
                i += 1
            }
            throw fail("unterminated \(what)")
        }

        mutating func document() throws(Malformed) -> XMLTree {
            var stack: [XMLTree] = []
            var root: XMLTree?
            var textStart = i
            func isBlank(_ slice: ArraySlice<UInt8>) -> Bool { slice.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D } }
            while i < bytes.count {
                guard bytes[i] == UInt8(ascii: "<") else { i += 1; continue }
                // Text before this markup.
                if textStart < i {
                    let slice = bytes[textStart..<i]
                    if stack.isEmpty {
                        if !isBlank(slice) { throw fail("text outside the root element") }
                    } else {
                        stack[stack.count - 1].text += try decode(slice, at: textStart)
                    }
                }
                if starts("<?") {
                    try skip(past: "?>", what: "declaration")
                } else if starts("<!--") {
                    try skip(past: "-->", what: "comment")
                } else if starts("<![CDATA[") {
                    guard !stack.isEmpty else { throw fail("CDATA outside the root element") }
                    i += 9
                    let start = i
                    try skip(past: "]]>", what: "CDATA section")
                    stack[stack.count - 1].text += String(decoding: bytes[start..<(i - 3)], as: UTF8.self)
                } else if starts("<!") {
                    throw fail("DOCTYPE and other declarations are not accepted")
                } else if starts("</") {
                    i += 2
                    let name = try readName()
                    skipBlanks()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ">") else { throw fail("bad closing tag") }
                    i += 1
                    guard let open = stack.popLast() else { throw fail("closing tag </\(name)> without an open element") }
                    guard open.name == name else { throw fail("</\(name)> closes <\(open.name)>") }
                    if stack.isEmpty {
                        if root != nil { throw fail("two root elements") }
                        root = open
                    } else {
                        stack[stack.count - 1].children.append(open)
                    }
                } else {
                    i += 1
                    let name = try readName()
                    let selfClosing = try skipAttributes()
                    let element = XMLTree(name: name)
                    if stack.isEmpty && root != nil { throw fail("two root elements") }
                    if selfClosing {
                        if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
                    } else {
                        guard stack.count < 64 else { throw fail("elements nested deeper than 64") }
                        stack.append(element)
                    }
                }
                textStart = i
            }
            if textStart < bytes.count, !isBlank(bytes[textStart...]) {
                throw fail(stack.isEmpty ? "text outside the root element" : "unterminated element <\(stack.last!.name)>")
            }
            if let open = stack.last { throw fail("element <\(open.name)> is not closed") }
            guard let root else { throw fail("no root element") }
            return root
        }

        mutating func skipBlanks() {
            while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
        }

        mutating func readName() throws(Malformed) -> String {
            let start = i
            while i < bytes.count {
                let b = bytes[i]
                if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == UInt8(ascii: ">") || b == UInt8(ascii: "/")
                    || b == UInt8(ascii: "<") || b == UInt8(ascii: "=") { break }
                i += 1
            }
            guard i > start else { throw fail("missing element name") }
            return String(decoding: bytes[start..<i], as: UTF8.self)
        }

        /// Skips attributes up to `>` or `/>`; returns true for `/>`. Quoted values may hold `>`.
        mutating func skipAttributes() throws(Malformed) -> Bool {
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                    let quote = b
                    i += 1
                    while i < bytes.count, bytes[i] != quote { i += 1 }
                    guard i < bytes.count else { break }
                } else if b == UInt8(ascii: "<") {
                    throw fail("'<' inside a tag")
                } else if b == UInt8(ascii: ">") {
                    i += 1
                    return false
                } else if b == UInt8(ascii: "/"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: ">") {
                    i += 2
                    return true
                }
                i += 1
            }
            throw fail("unterminated tag")
        }

        func decode(_ slice: ArraySlice<UInt8>, at start: Int) throws(Malformed) -> String {
            guard slice.contains(UInt8(ascii: "&")) else { return String(decoding: slice, as: UTF8.self) }
            var out: [UInt8] = []
            out.reserveCapacity(slice.count)
            var j = slice.startIndex
            while j < slice.endIndex {
                let b = slice[j]
                guard b == UInt8(ascii: "&") else { out.append(b); j += 1; continue }
                guard let semi = slice[j...].firstIndex(of: UInt8(ascii: ";")), semi - j <= 12 else {
                    throw Malformed(reason: "unterminated entity", offset: j)
                }
                let entity = String(decoding: slice[(j + 1)..<semi], as: UTF8.self)
                switch entity {
                case "amp": out.append(UInt8(ascii: "&"))
                case "lt": out.append(UInt8(ascii: "<"))
                case "gt": out.append(UInt8(ascii: ">"))
                case "quot": out.append(UInt8(ascii: "\""))
                case "apos": out.append(UInt8(ascii: "'"))
                default:
                    var code: UInt32?
                    if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                        code = UInt32(entity.dropFirst(2), radix: 16)
                    } else if entity.hasPrefix("#") {
                        code = UInt32(entity.dropFirst(), radix: 10)
                    }
                    guard let code, code != 0, let scalar = Unicode.Scalar(code) else {
                        throw Malformed(reason: "unknown entity &\(entity);", offset: j)
                    }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                }
                j = semi + 1
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
