import Foundation
import XCTest
@testable import Columnar

/// One decoded cell, comparable across the Swift reader and JSON dumped by Python.
enum Cell: Equatable, CustomStringConvertible {
    case null, int(Int64), double(Double), bool(Bool), text(String), bytes([UInt8])

    var description: String {
        switch self {
        case .null: "null"
        case .int(let v): "\(v)"
        case .double(let v): "\(v)"
        case .bool(let v): "\(v)"
        case .text(let v): "\"\(v)\""
        case .bytes(let v): v.map { String(format: "%02x", $0) }.joined()
        }
    }

    /// The cell of `column` at `row`, as our reader produced it.
    init(_ column: AnyColumn, _ row: Int) {
        switch column {
        case .bool(let c): self = c[row].map { .bool($0) } ?? .null
        case .int32(let c): self = c[row].map { .int(Int64($0)) } ?? .null
        case .int64(let c): self = c[row].map { .int($0) } ?? .null
        case .double(let c): self = c[row].map { .double($0) } ?? .null
        case .string(let c): self = c.isValid(row) ? .bytes(Array(c.bytes[c.range(row)])) : .null
        case .dictionary(let c):
            self = c.isValid(row) ? .bytes(Array(c.dictionary.bytes[c.dictionary.range(Int(c.codes[row]))])) : .null
        case .fixedBytes(let c): self = c[row].map { .bytes($0) } ?? .null
        }
    }

    /// A JSON value (from JSONSerialization) read as a cell of `type`. Strings and binary are
    /// compared as bytes: text is UTF-8 encoded, binary/uuid come as hex strings.
    init(json: Any, type: ColumnType) {
        if json is NSNull { self = .null; return }
        switch type {
        case .bool: self = .bool((json as? Bool) ?? ((json as? NSNumber)?.boolValue ?? false))
        case .int32, .int64, .date, .timestampMicros: self = .int((json as! NSNumber).int64Value)
        case .double:
            // Python sends doubles as 16 hex digits of the bit pattern (Foundation's JSON
            // number parsing on Linux is not correctly rounded).
            if let hex = json as? String { self = .double(Double(bitPattern: UInt64(hex, radix: 16)!)) } else {
                self = .double((json as! NSNumber).doubleValue)
            }
        case .string: self = .bytes(Array((json as! String).utf8))
        case .binary, .uuid: self = .bytes(hexBytes(json as! String))
        }
    }
}

func hexBytes(_ hex: String) -> [UInt8] {
    let chars = Array(hex.utf8)
    var out: [UInt8] = []
    var i = 0
    while i + 1 < chars.count {
        out.append(UInt8(String(decoding: chars[i...i + 1], as: UTF8.self), radix: 16)!)
        i += 2
    }
    return out
}

/// Parses a JSON document produced by the test's Python or shared fixtures.
func parseJSON(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
}

/// Compares all batches of `file` (concatenated) with `rows` (row-major JSON arrays) for the
/// given column order. Reports the first mismatches only.
func assertRows(_ batches: [RecordBatch], equal rows: [[Any]], columns: [String],
                file: StaticString = #filePath, line: UInt = #line) {
    let total = batches.reduce(0) { $0 + $1.rowCount }
    XCTAssertEqual(total, rows.count, "row count", file: file, line: line)
    var r = 0
    var failures = 0
    for batch in batches {
        for row in 0..<batch.rowCount {
            guard r < rows.count else { return }
            for (ci, name) in columns.enumerated() {
                guard let idx = batch.schema.index(of: name) else {
                    XCTFail("missing column \(name)", file: file, line: line)
                    return
                }
                let got = Cell(batch.columns[idx], row)
                let want = Cell(json: rows[r][ci], type: batch.schema.fields[idx].type)
                if got != want {
                    failures += 1
                    if failures <= 5 {
                        XCTFail("row \(r) column \(name): got \(got), expected \(want)", file: file, line: line)
                    }
                }
            }
            r += 1
        }
    }
    XCTAssertEqual(failures, 0, "mismatching cells", file: file, line: line)
}
