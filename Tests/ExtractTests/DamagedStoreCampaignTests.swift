import Columnar
import Foundation
import Ingest
import Query
import TestSupport
import XCTest

/// The damaged-store campaign (#13 defect 8): a store of the golden events, then one bit
/// flipped in EVERY byte of one part file's footer (and in a seeded sample of its data-page
/// bytes), the learning base run in-process after each flip. Each run must give the undamaged
/// answer byte for byte, or throw a corrupt/damaged error naming the file: never a different
/// answer without an error, never a trap or a hang.
final class DamagedStoreCampaignTests: XCTestCase {
    /// Not day-aligned: the first and last days' parts cross the window's bounds (row filter).
    static let window = try! TimeWindow(start: "2019-10-01 09:00:00", end: "2019-10-03 14:30:00")

    func testEveryFooterBitFlipIsDetectedOrHarmless() throws {
        let dir = try TestPaths.temporaryDirectory(self, "campaign")
        let store = dir.appendingPathComponent("store").path
        // Several row groups per file, so that row-group order and inner statistics are exercised.
        let options = IngestOptions(encoder: ParquetPartEncoder(rowGroupRows: 250))
        _ = try Ingestor(store: try Store(path: store, create: true), options: options)
            .ingest(sources: [.file(LearningBaseStoreTests.events)])
        let out = dir.appendingPathComponent("lb.csv").path
        func answer() throws -> [UInt8] {
            _ = try LearningBase.run(store: store, window: Self.window, output: out, format: .csv, workers: 1)
            return try FileIO.readAll(out)
        }
        let reference = try answer()
        XCTAssertGreaterThan(reference.count, 1000)

        // The largest part of a day crossing a window bound (the most row groups; its rows are
        // filtered by time, so its time statistics matter).
        let manifest = try XCTUnwrap(Store(readingAt: store).manifest(dataset: "events"))
        let bounds = [Self.window.dayRange.lowerBound, Self.window.dayRange.upperBound]
        let entry = try XCTUnwrap(manifest.partitions.filter { bounds.contains($0.day!) }
            .flatMap(\.files).max { $0.bytes < $1.bytes })
        let part = store + "/events/" + entry.path
        let original = try FileIO.readAll(part)
        let footerLength = Int(original[original.count - 8]) | Int(original[original.count - 7]) << 8
            | Int(original[original.count - 6]) << 16 | Int(original[original.count - 5]) << 24
        let footerStart = original.count - 8 - footerLength
        XCTAssertGreaterThan(try ParquetFile(path: part).rowGroupCount, 1)

        var rng = SplitMix64(seed: 13)
        let dataSample = (0..<150).map { _ in 4 + Int(rng.next() % UInt64(footerStart - 4)) }
        var detected = 0, harmless = 0
        var wrong: [String] = []
        for offset in Array(footerStart..<original.count) + dataSample {
            var bytes = original
            let bit = UInt8(1) << UInt8(offset % 8)
            bytes[offset] ^= bit
            try FileIO.writeAll(part, bytes)
            do {
                let result = try answer()
                if result == reference { harmless += 1 } else { wrong.append("byte \(offset) bit \(offset % 8): different answer, no error") }
            } catch let error as QueryError {
                guard case .columnar(let inner) = error, error.description.contains(entry.path) else {
                    wrong.append("byte \(offset) bit \(offset % 8): error not naming the file: \(error)")
                    continue
                }
                switch inner {
                case .corrupt, .damaged, .codec, .unsupported: detected += 1
                default: wrong.append("byte \(offset) bit \(offset % 8): unexpected error kind \(inner)")
                }
            }
        }
        try FileIO.writeAll(part, original)
        XCTAssertEqual(try answer(), reference)
        XCTAssertEqual(wrong, [], "\(wrong.count) of \(footerLength + 8 + dataSample.count) flips")
        XCTAssertGreaterThan(detected, footerLength / 4, "footer flips should mostly be detected")
        print("campaign: \(footerLength + 8) footer bytes + \(dataSample.count) data bytes: \(detected) detected, \(harmless) harmless, \(wrong.count) wrong")
    }
}

/// A small seeded generator (deterministic sample of data-page offsets).
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
