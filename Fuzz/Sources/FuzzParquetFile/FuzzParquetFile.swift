import Columnar
import Glibc

/// libFuzzer entry: the input bytes are a whole Parquet file. Opens it with the public reader
/// (`ParquetFile(path:)`: magic, footer, schema), asks for every column chunk's statistics,
/// reads every supported column of every row group (one column per call) (page CRCs are verified whenever present)
/// and touches every value through the public accessors. Any `ColumnarError` is an accepted
/// outcome (`ColumnarError` is the only error type the reader throws); a trap, sanitizer report, timeout or runaway allocation is a finding.
///
/// The reader only opens paths, so each input is written to one scratch file that was unlinked
/// right after creation and is reopened through `/proc/self/fd/N` (nothing is left behind,
/// even when a run is killed).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParquetFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let path = ScratchFile.shared.replace(with: UnsafeRawBufferPointer(start: data, count: size))
    var rows = 0
    do {
        let file = try ParquetFile(path: path)
        for group in 0..<file.rowGroupCount {
            // One column per read (as the query engine reads), so peak memory is one column's.
            for field in file.schema.fields {
                _ = file.statistics(rowGroup: group, column: field.name)
                let batch = try file.read(rowGroup: group, columns: [field.name])
                blackHole(touch(batch.columns[0]))
            }
            rows += file.rowCount(rowGroup: group)
        }
        if verbose { fputs("read \(rows) rows in \(file.rowGroupCount) row groups, \(file.schema.fields.count) columns\n", stderr) }
    } catch {
        // A typed error is the expected outcome for most inputs.
        if verbose { fputs("rejected: \(error)\n", stderr) }
    }
    return 0
}

/// `EXTRACT_FUZZ_VERBOSE=1` prints each input's outcome (for replaying a corpus by hand).
let verbose = getenv("EXTRACT_FUZZ_VERBOSE") != nil

/// Reads every value of `column` through its public accessors; returns a checksum so the
/// optimiser keeps the reads.
func touch(_ column: AnyColumn) -> Int {
    var sum = column.nullCount
    for row in 0..<column.count {
        switch column {
        case .bool(let c): sum &+= c[row] == true ? 1 : 0
        case .int32(let c): sum &+= Int(c[row] ?? 0)
        case .int64(let c): sum &+= Int(truncatingIfNeeded: c[row] ?? 0)
        case .double(let c): sum &+= (c[row] ?? 0).isNaN ? 1 : 0
        case .string(let c): sum &+= c[row]?.utf8.count ?? 0
        case .dictionary(let c): sum &+= c[row]?.utf8.count ?? 0
        case .fixedBytes(let c): sum &+= c[row]?.count ?? 0
        }
    }
    return sum
}

@inline(never) func blackHole(_ value: Int) { if value == 0x5EED_F00D { print("") } }

/// One file descriptor for the whole run, pointing at an unlinked temporary file.
final class ScratchFile: @unchecked Sendable {
    static let shared = ScratchFile()
    let fd: Int32
    let path: String

    private init() {
        let dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
        var template = Array("\(dir)/extract-fuzz-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        precondition(fd >= 0, "cannot create a scratch file in \(dir)")
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.fd = fd
        self.path = "/proc/self/fd/\(fd)"
    }

    /// Makes the scratch file hold exactly `bytes`; returns the path to open it by.
    func replace(with bytes: UnsafeRawBufferPointer) -> String {
        precondition(ftruncate(fd, 0) == 0, "ftruncate failed")
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(done))
            if n < 0 && errno == EINTR { continue }
            precondition(n > 0, "pwrite failed")
            done += n
        }
        return path
    }
}
