import Columnar
import Foundation
import Ingest
import Query
import TestSupport
import XCTest

/// Runs the Spark drivers of `spark/` with the venv's pyspark (local[2], one Spark session per
/// class: one Python process runs every scenario of the class and reports JSON) and the
/// `extract` binary built with the tests.
enum SparkHarness {
    static var sparkDir: String { TestPaths.packageRoot.appendingPathComponent("spark").path }

    /// Python prelude: one session, and `run(driver, args)` running a driver as `__main__`
    /// (as spark-submit does) that returns (exit code, the driver's stderr).
    static func prelude(master: String) -> String {
        """
        import io, json, os, runpy, sys
        from pyspark.sql import SparkSession
        # Test-only JVM flags: C1 only and the serial GC start the session in about half the time
        # on 2 busy cores (measured 20 s vs 37 s); the drivers themselves set none of this.
        spark = (SparkSession.builder.master("\(master)").appName("extract-tests")
                 .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
                 .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC").getOrCreate())
        spark.sparkContext.setLogLevel("ERROR")
        def run(driver, args):
            sys.argv = [driver] + args
            saved, sys.stderr = sys.stderr, io.StringIO()
            code = 0
            try:
                runpy.run_path(driver, run_name="__main__")
            except SystemExit as e:
                code = e.code
            finally:
                text, sys.stderr = sys.stderr.getvalue(), saved
            return {"code": code, "stderr": text}

        """
    }

    /// A shell script standing in for the binary: `body` runs with $REAL set to the real binary.
    static func script(_ dir: URL, _ name: String, _ body: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try ("#!/bin/sh\nREAL='\(CLITests.binary.path)'\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    static func results(_ stdout: String) throws -> [String: [String: Any]] {
        let line = try XCTUnwrap(stdout.split(separator: "\n").last { $0.hasPrefix("{") })
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: [String: Any]])
    }
}

/// `spark/extract_spark.py` (issue 17 §3) on a generated store with several row groups per day:
/// the parts of a 3-shard CSV job (part 0 with its header, the others without theirs) are the
/// single-node CSV byte for byte, `_shards.json` describes them and `_SUCCESS` is written last;
/// a job whose every shard fails once after writing (Spark retries it) writes the same parts;
/// a 2-shard Parquet job holds the single-node rows value for value; a bad `--binary` (missing,
/// or one whose shards fail) fails the job with the binary's message and exit code, and no
/// `_SUCCESS`; an existing output is refused.
final class SparkExtractDriverTests: XCTestCase {
    func testShardedJobEqualsSingleNodeAndFailuresCarryTheMessage() throws {
        let dir = try TestPaths.temporaryDirectory(self, "spark-extract")
        let csv = dir.appendingPathComponent("gen.csv").path
        FileManager.default.createFile(atPath: csv, contents: nil)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: csv))
        _ = REES46Generator(month: 10, scale: 0.0005, seed: 3).generate(sink: { handle.write(Data($0)) })
        try handle.close()
        let store = dir.appendingPathComponent("store").path
        UserShardTests.ingest([csv], into: store, rowGroup: 200)
        let (start, end) = ("2019-10-02 00:00:00", "2019-10-05 23:59:59")
        let whole = dir.appendingPathComponent("whole.csv").path, wholePQ = dir.appendingPathComponent("whole.parquet").path
        for out in [whole, wholePQ] {
            let r = try CLITests.run(["--store", store, "--start", start, "--end", end, "-o", out])
            XCTAssertEqual(r.status, 0, r.err)
        }
        let failing = try SparkHarness.script(dir, "failing", """
            if [ "$1" = shards ]; then exec "$REAL" "$@"; fi
            echo "extract: simulated failure: disk on fire" >&2
            exit 4
            """)
        // Writes its shard, then fails the first attempt of each shard (a task lost at the end).
        let flaky = try SparkHarness.script(dir, "flaky", """
            "$REAL" "$@" || exit $?
            [ "$1" = shards ] && exit 0
            for a in "$@"; do case "$a" in --users=*) u="${a#--users=}";; esac; done
            marker="\(dir.path)/attempted-$(echo "$u" | tr ':' '_')"
            if [ ! -e "$marker" ]; then touch "$marker"; echo "simulated lost task" >&2; exit 1; fi
            """)
        let notBinary = try SparkHarness.script(dir, "garbage", "exit 0")
        try "not an executable at all".write(toFile: notBinary, atomically: true, encoding: .utf8)
        chmod(notBinary, 0o755)
        let out = dir.appendingPathComponent("out").path
        let driver = SparkHarness.sparkDir + "/extract_spark.py"
        let stdout = try InteropPython.run(SparkHarness.prelude(master: "local[2,2]") + """
            driver, binary, store, start, end, out, failing, garbage, flaky = sys.argv[1:10]
            common = ["--store", store, "--start", start, "--end", end]
            r = {}
            r["csv"] = run(driver, ["--binary", binary] + common + ["--shards", "3", "--output", out + "/csv"])
            r["parquet"] = run(driver, ["--binary", binary] + common + ["--shards", "2", "--format", "parquet", "--output", out + "/pq"])
            r["retried"] = run(driver, ["--binary", flaky] + common + ["--shards", "3", "--output", out + "/retried"])
            r["exists"] = run(driver, ["--binary", binary] + common + ["--shards", "2", "--output", out + "/csv"])
            r["file"] = run(driver, ["--binary", binary] + common + ["--shards", "2", "--output", out + "/csv/_SUCCESS"])
            r["failing"] = run(driver, ["--binary", failing] + common + ["--shards", "2", "--output", out + "/fail"])
            r["missing"] = run(driver, ["--binary", out + "/no-such-extract"] + common + ["--shards", "2", "--output", out + "/miss"])
            r["garbage"] = run(driver, ["--binary", garbage] + common + ["--shards", "2", "--output", out + "/garbage"])
            spark.stop()
            print(json.dumps(r))
            """, args: [driver, CLITests.binary.path, store, start, end, out, failing, notBinary, flaky])
        let r = try SparkHarness.results(stdout)
        func code(_ k: String) -> Int { r[k]?["code"] as? Int ?? -1 }
        func err(_ k: String) -> String { r[k]?["stderr"] as? String ?? "" }

        // CSV: part 0 + the bodies of parts 1, 2 == the single-node CSV.
        XCTAssertEqual(code("csv"), 0, err("csv"))
        let csvDir = out + "/csv"
        let names = try FileManager.default.contentsOfDirectory(atPath: csvDir).sorted()
        XCTAssertEqual(names, ["_SUCCESS", "_shards.json", "part-00000.csv", "part-00001.csv", "part-00002.csv"])
        var joined = [UInt8]()
        var headers = Set<[UInt8]>()
        for k in 0..<3 {
            let bytes = try FileIO.readAll(csvDir + "/part-0000\(k).csv")
            let newline = try XCTUnwrap(bytes.firstIndex(of: 10))
            headers.insert(Array(bytes[...newline]))
            joined += k == 0 ? bytes : Array(bytes[(newline + 1)...])
        }
        XCTAssertEqual(headers.count, 1, "every part has the same header")
        XCTAssertTrue(joined == (try FileIO.readAll(whole)), "parts differ from the single-node CSV")
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: csvDir + "/_shards.json"))) as? [String: Any])
        let shards = try XCTUnwrap(summary["shards"] as? [[String: Any]])
        XCTAssertEqual(shards.map { $0["users"] as! String }.first?.hasPrefix(":"), true)
        XCTAssertEqual(shards.map { $0["users"] as! String }.last?.hasSuffix(":"), true)
        let wholeLines = try String(contentsOfFile: whole, encoding: .utf8).split(separator: "\n").count - 1
        XCTAssertEqual(summary["rows"] as? Int, wholeLines)
        for s in shards {
            let file = csvDir + "/" + (s["file"] as! String)
            XCTAssertEqual(s["bytes"] as? Int, try FileIO.size(file))
            let sha = try InteropPython.run("import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],'rb').read()).hexdigest())", args: [file])
            XCTAssertEqual(s["sha256"] as? String, sha.trimmingCharacters(in: .whitespacesAndNewlines))
        }

        // Every shard's first attempt failed after writing; Spark's retries wrote the same bytes.
        XCTAssertEqual(code("retried"), 0, err("retried"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("attempted-") }.count, 3)
        for k in 0..<3 {
            XCTAssertEqual(try FileIO.readAll(out + "/retried/part-0000\(k).csv"), try FileIO.readAll(csvDir + "/part-0000\(k).csv"))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out + "/retried").sorted(), names, "no temporary file left")

        // Parquet: the parts' rows, in order, are the single-node rows.
        XCTAssertEqual(code("parquet"), 0, err("parquet"))
        let parts = (0..<2).map { out + "/pq/part-0000\($0).parquet" }
        let check = try InteropPython.run("""
            import sys, math, pyarrow as pa, pyarrow.parquet as pq
            whole = pq.read_table(sys.argv[1]); parts = pa.concat_tables([pq.read_table(p) for p in sys.argv[2:]])
            assert whole.schema == parts.schema and whole.num_rows > 0
            same = lambda a, b: a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))
            for n in whole.column_names:
                a, b = whole[n].to_pylist(), parts[n].to_pylist()
                assert len(a) == len(b) and all(same(x, y) for x, y in zip(a, b)), n
            print(whole.num_rows)
            """, args: [wholePQ] + parts)
        XCTAssertGreaterThan(Int(check.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0, 100)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/pq/_SUCCESS"))

        // Failures.
        XCTAssertEqual(code("exists"), 5, err("exists"))
        XCTAssertTrue(err("exists").contains("not an empty directory"), err("exists"))
        XCTAssertEqual(code("file"), 5, err("file"))
        XCTAssertEqual(try FileIO.size(out + "/csv/_SUCCESS"), 0, "the existing file is left as it was")
        XCTAssertEqual(code("failing"), 4, err("failing"))
        XCTAssertTrue(err("failing").hasPrefix("extract_spark: job failed: shard ") && err("failing").hasSuffix("disk on fire\n"),
                      "one line: the shard and its stderr tail, no Spark trace: \(err("failing"))")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/fail/_SUCCESS"))
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: out + "/fail"))?.filter { $0.hasPrefix(".") } ?? [], [],
                       "no temporary part left")
        XCTAssertEqual(code("missing"), 3, err("missing"))
        XCTAssertTrue(err("missing").contains("no-such-extract"), err("missing"))
        XCTAssertNotEqual(code("garbage"), 0, err("garbage"))
        XCTAssertTrue(err("garbage").contains("garbage"), err("garbage"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/miss/_SUCCESS"))
    }
}

/// `spark/ingest_spark.py` (issue 17 §4): three dumps (the real REES46 head, the cosmetics sample
/// and the golden events, whose days overlap and which have rejected and coerced lines) ingested
/// as three concurrent Spark tasks equal a sequential ingest: the same rows per day and the same
/// rows, the same rejects, every source once in the manifest. A binary that commits and then
/// dies (a lost task) is retried by Spark and the retry skips the committed source: nothing is
/// doubled. The same path given twice is one task; two paths to the same bytes are one source
/// (dumps of equal size share a task, so the copy is skipped; without that, two concurrent tasks
/// both committed it: 4 sources, 58 364 rows instead of 40 930, measured before the grouping).
final class SparkIngestDriverTests: XCTestCase {
    func testParallelIngestEqualsSequentialAndRetriesNeverDouble() throws {
        let dir = try TestPaths.temporaryDirectory(self, "spark-ingest")
        let inputs = [TestPaths.fixture("rees46/2019-Oct-head.csv").path, TestPaths.fixture("rees46/cosmetics-2019-Oct-sample.csv").path,
                      LearningBaseStoreTests.events]
        let sequential = dir.appendingPathComponent("seq").path
        for input in inputs {
            let r = try CLITests.run(["ingest", input, "--store", sequential, "--quiet"])
            XCTAssertEqual(r.status, 0, r.err)
        }
        // Commits, then fails the first attempt of each dump (a task lost after its commit).
        let flaky = try SparkHarness.script(dir, "flaky", """
            "$REAL" "$@" || exit $?
            marker="\(dir.path)/attempted-$(basename "$2")"
            if [ ! -e "$marker" ]; then touch "$marker"; echo "simulated lost task after commit" >&2; exit 1; fi
            """)
        let driver = SparkHarness.sparkDir + "/ingest_spark.py"
        let parallel = dir.appendingPathComponent("par").path, retried = dir.appendingPathComponent("retry").path
        let copy = dir.appendingPathComponent("copy-of-head.csv").path
        try FileManager.default.copyItem(atPath: inputs[0], toPath: copy)
        let stdout = try InteropPython.run(SparkHarness.prelude(master: "local[2,3]") + """
            driver, binary, flaky, par, retried, copy = sys.argv[1:7]
            inputs = sys.argv[7:]
            r = {}
            # The first dump's path twice, and a copy of it under another name: one source.
            r["parallel"] = run(driver, ["--binary", binary, "--store", par] + inputs + [inputs[0], copy])
            r["retried"] = run(driver, ["--binary", flaky, "--store", retried] + inputs)
            spark.stop()
            print(json.dumps(r))
            """, args: [driver, CLITests.binary.path, flaky, parallel, retried, copy] + inputs)
        let r = try SparkHarness.results(stdout)
        for k in ["parallel", "retried"] {
            XCTAssertEqual(r[k]?["code"] as? Int, 0, "\(k): \(r[k]?["stderr"] ?? "")")
        }
        let attempts = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("attempted-") }
        XCTAssertEqual(attempts.count, 3, "every dump's first attempt failed after its commit")
        for (store, mode) in [(retried, "exact"), (parallel, "any-path")] {
            let diff = try InteropPython.run(Self.compareStores, args: [sequential, store, mode])
            XCTAssertEqual(diff.trimmingCharacters(in: .whitespacesAndNewlines), "same", "\(store): \(diff)")
        }
    }

    /// What the driver relies on when two copies of one dump do land in different tasks (e.g. two
    /// gzip files of the same bytes, whose sizes differ): concurrent ingests of the same bytes
    /// into one store commit it once; the other waits for the lock, then skips it.
    func testConcurrentIngestsOfTheSameBytesCommitOnce() throws {
        let dir = try TestPaths.temporaryDirectory(self, "concurrent-ingest")
        let original = TestPaths.fixture("rees46/2019-Oct-head.csv").path
        let copy = dir.appendingPathComponent("copy.csv").path
        try FileManager.default.copyItem(atPath: original, toPath: copy)
        let store = dir.appendingPathComponent("store").path
        let runs = try [original, copy].map { try CLITests.start(["ingest", $0, "--store", store]) }
        var outputs: [String] = []
        for (p, out, err) in runs {
            let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0, String(decoding: e, as: UTF8.self))
            outputs.append(String(decoding: o + e, as: UTF8.self))
        }
        let manifest = try XCTUnwrap(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: StoreFiles.latestManifest(store)))) as? [String: Any])
        XCTAssertEqual((manifest["sources"] as? [Any])?.count, 1, "one source: \(outputs)")
        XCTAssertEqual(outputs.filter { $0.contains("already ingested") }.count, 1, "\(outputs)")
    }

    /// Prints `same` when two stores hold the same sources (once each, same counts and reasons),
    /// the same rows per day, the same rows, and the same rejects; else what differs. Mode
    /// `any-path` ignores the source paths (copies of one dump under two names).
    static let compareStores = #"""
        import sys, json, glob, math, os, pyarrow as pa, pyarrow.parquet as pq
        # mode "any-path": a source may have been committed under either of two paths to the same bytes.
        ignored = ("ingestedAt", "transaction", "rejectsFile") + (("path",) if sys.argv[3] == "any-path" else ())
        def facts(store):
            # The newest manifest version (docs/store-format.md §2); `_manifest.json` in a format 1 store.
            log = sorted(glob.glob(store + "/events/_manifests/[0-9]*.json"))
            m = json.load(open(log[-1] if log else store + "/events/_manifest.json"))
            sources = sorted(json.dumps({k: v for k, v in s.items() if k not in ignored}, sort_keys=True) for s in m["sources"])
            days = {}
            files = []
            for p in m["partitions"]:
                days[p["key"]] = days.get(p["key"], 0) + sum(f["rows"] for f in p["files"])
                files += [store + "/events/" + f["path"] for f in p["files"]]
            t = pa.concat_tables([pq.read_table(f) for f in files])
            t = pa.table({n: (c.combine_chunks().storage if isinstance(c.type, pa.BaseExtensionType) else c)
                          for n, c in zip(t.column_names, t.columns)})
            t = t.sort_by([(c, "ascending") for c in t.column_names])
            rows = [tuple("nan" if isinstance(v, float) and math.isnan(v) else v for v in r.values()) for r in t.to_pylist()]
            rejects = sorted(line for f in glob.glob(store + "/_rejects/*.csv") for line in open(f).read().splitlines()[1:])
            if sys.argv[3] == "any-path":
                rejects = sorted(line.split(",", 1)[1] for line in rejects)
            return {"sources": sources, "days": days, "rows": rows, "rejects": rejects}
        a, b = facts(sys.argv[1]), facts(sys.argv[2])
        diff = [k for k in a if a[k] != b[k]]
        assert len(a["sources"]) == 3 and len(a["rows"]) > 1000 and a["rejects"], "the fixtures changed"
        print("same" if not diff else "differ: %s %s" % (diff, [(len(a[k]), len(b[k])) for k in diff]))
        """#
}
