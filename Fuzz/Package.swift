// swift-tools-version:5.4
// libFuzzer targets for the Parquet reader. A separate package so the main package and CI are
// untouched; it depends on the root package by path and links only its `Columnar` library.
// Build and run with ./run.sh (see README.md): the targets only link with
// `-sanitize=fuzzer`, which supplies `main`. Linux only, like the root package.
import PackageDescription

let package = Package(
    name: "extract-fuzz",
    dependencies: [
        .package(name: "extract", path: ".."),
    ],
    targets: [
        // Whole-file reader: footer, schema, statistics, every column of every row group.
        .executableTarget(
            name: "FuzzParquetFile",
            dependencies: [.product(name: "Columnar", package: "extract")],
            path: "Sources/FuzzParquetFile"),
        // Thrift compact footer decoder alone (FileMetaData), fed raw footer bytes.
        .executableTarget(
            name: "FuzzFooter",
            dependencies: [.product(name: "Columnar", package: "extract")],
            path: "Sources/FuzzFooter"),
    ]
)
