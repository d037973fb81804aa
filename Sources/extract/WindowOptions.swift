import ArgumentParser

/// The store and the time window a query reads, declared once for the learning base and
/// `shards`, so both take the same options with the same help text and defaults. Validation
/// (`--start` before `--end`, the time format) is `TimeWindow`'s (Query).
struct WindowOptions: ParsableArguments {
    @Option(name: .long, help: "The store written by `extract ingest`.")
    var store: String = "./store"

    @Option(name: .long, help: "Window start, 'YYYY-MM-DD HH:MM:SS' UTC, inclusive.")
    var start: String

    @Option(name: .long, help: "Window end, 'YYYY-MM-DD HH:MM:SS' UTC, inclusive; must be after --start.")
    var end: String
}
