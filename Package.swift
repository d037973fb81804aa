// swift-tools-version:6.0
// The `extract` package: a columnar converter and query engine for event dumps.
// Layout is the architecture (see README.md, docs/store-format.md and docs/parquet.md):
//   CZstd, CZlib  -> system-library shims, imported only by Columnar
//   CCurl         -> libcurl loaded at run time (dlopen) for the S3/GCS backend, imported only by Columnar
//   CSIMD         -> header-only C: SSE2 byte classification (Ingest), a prefetch hint (Query)
//   Columnar      -> column vectors, codecs, Parquet reader/writer, the day-partitioned store, the
//                    dataset contracts both sides share (Datasets/) and shared column kernels (Kernels/)
//   Ingest        -> raw CSV / JSON bytes -> typed column batches -> store   (depends on Columnar, CSIMD)
//   Query         -> store -> learning base / star schema results         (depends on Columnar, CSIMD)
//   CBuildInfo    -> header-only C: the git commit `./run package` bakes in ("dev" otherwise)
//   extract       -> the CLI (argument parsing, progress, exit codes)
//
// Linux only (glibc): the sources call Glibc directly (file I/O, locks, clocks, threads) and
// no Darwin build is maintained or tested, so no Apple platform is declared here.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "extract",
    products: [
        .executable(name: "extract", targets: ["extract"]),
        .library(name: "Columnar", targets: ["Columnar"]),
        .library(name: "Ingest", targets: ["Ingest"]),
        .library(name: "Query", targets: ["Query"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        // libcurl for the S3/GCS backend, loaded at run time (dlopen) the first time a bucket URL
        // is used: headers from libcurl4-openssl-dev at build time, no link-time dependency (see
        // docs/object-storage.md).
        .target(
            name: "CCurl", path: "Sources/CCurl",
            linkerSettings: [.linkedLibrary("dl")]),
        .target(
            name: "Columnar", dependencies: ["CZstd", "CZlib", "CCurl"],
            path: "Sources/Columnar", swiftSettings: swiftSettings),
        .target(
            name: "CSIMD", path: "Sources/CSIMD"),
        .target(
            name: "CBuildInfo", path: "Sources/CBuildInfo"),
        .target(
            name: "Ingest", dependencies: ["Columnar", "CSIMD"],
            path: "Sources/Ingest", swiftSettings: swiftSettings),
        .target(
            name: "Query", dependencies: ["Columnar", "CSIMD"],
            path: "Sources/Query", swiftSettings: swiftSettings),
        .executableTarget(
            name: "extract",
            dependencies: [
                "Columnar", "Ingest", "Query", "CBuildInfo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/extract", swiftSettings: swiftSettings),
        .target(
            name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "ColumnarTests", dependencies: ["Columnar", "TestSupport"],
            path: "Tests/ColumnarTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "IngestTests", dependencies: ["Ingest", "Columnar", "TestSupport"],
            path: "Tests/IngestTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "QueryTests", dependencies: ["Query", "Columnar", "TestSupport"],
            path: "Tests/QueryTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "ExtractTests", dependencies: ["Ingest", "Query", "Columnar", "TestSupport", "extract"],
            path: "Tests/ExtractTests", swiftSettings: swiftSettings),
    ]
)
