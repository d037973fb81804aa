import XCTest
import Columnar
import TestSupport
@testable import Ingest

/// One stored event, read back from the store's Parquet files through our reader.
struct StoredEvent: Equatable {
    var time: Int64
    var eventType: String?
    var productId: Int64?
    var categoryId: Int64?
    var categoryCode: String?
    var brand: String?
    var price: Double?
    var userId: Int64?
    var session: [UInt8]?
    var sessionRaw: String?
    var partition: String
}

enum IngestFixture {
    static func ingest(_ paths: [String], store: String, configure: (inout IngestOptions) -> Void = { _ in })
        throws -> IngestReport {
        var options = IngestOptions(encoder: ParquetPartEncoder())
        configure(&options)
        let st = try Store(path: store, create: true)
        return try Ingestor(store: st, options: options).ingest(sources: paths.map(InputSource.init(argument:)))
    }

    /// Every stored row, file by file in manifest order, in the version 1 form (16 session
    /// bytes or raw text) whatever the store's schema version; also asserts each file's schema
    /// is its version's, its sort order, and that the manifest's row counts match the files.
    static func readStore(_ store: String, file: StaticString = #filePath, line: UInt = #line) throws -> [StoredEvent] {
        let st = try Store(path: store)
        guard let m = try st.manifest(dataset: "events") else { return [] }
        var out: [StoredEvent] = []
        for (partition, part) in m.allFiles {
            let pf = try ParquetFile(path: st.datasetPath("events") + "/" + part.path)
            let version = EventsDataset.version(of: m)
            XCTAssertEqual(pf.schema, EventsDataset.schema(version: version), file: file, line: line)
            XCTAssertEqual(pf.rowCount, part.rows, "manifest rows of \(part.path)", file: file, line: line)
            var fileRows: [StoredEvent] = []
            for batch in try pf.readAll() {
                let c = batch.columns
                let t = c[0].int64Column!, et = c[1].stringColumn!, pid = c[2].int64Column!, cid = c[3].int64Column!
                let cc = c[4].stringColumn!, br = c[5].stringColumn!, pr = c[6].doubleColumn!, uid = c[7].int64Column!
                // Version 1: 16 bytes + raw text; version 2: the text, a UUID when canonical.
                let ss = version == 1 ? c[8].fixedBytesColumn! : nil, raw = version == 1 ? c[9].stringColumn! : nil
                let text = version == 1 ? nil : c[8].stringColumn!
                for i in 0..<batch.rowCount {
                    let session: [UInt8]?, sessionRaw: String?
                    if let ss, let raw {
                        session = ss[i]
                        sessionRaw = raw[i]
                    } else {
                        let text = text![i]
                        session = text.flatMap(UUIDParser.parse)
                        sessionRaw = session == nil ? text : nil
                    }
                    fileRows.append(StoredEvent(time: t.values[i], eventType: et[i], productId: pid[i], categoryId: cid[i],
                                                categoryCode: cc[i], brand: br[i], price: pr[i], userId: uid[i],
                                                session: session, sessionRaw: sessionRaw, partition: partition.key))
                }
            }
            for k in fileRows.indices.dropFirst() {
                let a = fileRows[k - 1], b = fileRows[k]
                let ordered = a.userId == nil ? (b.userId != nil || a.time <= b.time)
                    : (b.userId != nil && (a.userId! < b.userId! || (a.userId! == b.userId! && a.time <= b.time)))
                XCTAssertTrue(ordered, "\(part.path) not sorted at row \(k)", file: file, line: line)
            }
            for r in fileRows {
                XCTAssertEqual(partition.key, "date=" + CivilTime.isoDate(day: CivilTime.dayNumber(micros: r.time)),
                               file: file, line: line)
            }
            out += fileRows
        }
        return out
    }

    /// Lines of a text file (LF or CRLF), header excluded, blank lines skipped: an independent count.
    static func dataLines(_ path: String) throws -> [String] {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        return bytes.split(separator: 0x0A, omittingEmptySubsequences: true).dropFirst().map {
            String(decoding: $0.last == 0x0D ? $0.dropLast() : $0, as: UTF8.self)
        }
    }

    static func micros(_ text: String) -> Int64 { CivilTime.parseStrict(text)! }
}
