import ArgumentParser

/// The `extract` command line: a columnar converter and query engine for event dumps.
/// This file only declares the verbs; each verb lives in its own `*Command.swift` file, and
/// every error is turned into a message and an exit code in `ErrorReporting.swift`.
@main
struct ExtractCLI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Turn raw event dumps into a day-partitioned Parquet store, then build ML learning bases from it in seconds.",
        discussion: """
        Typical use:
          extract ingest 2019-Oct.csv.gz 2019-Nov.csv --store ./store     (once per raw dump)
          extract --store ./store --start "2019-10-20 00:00:00" --end "2019-11-05 23:00:00" -o base.parquet
          extract info --store ./store
          extract shards --store ./store --start … --end … -n 8      (user ranges for N shards, JSON)
          extract --store ./store --start … --end … --users 1000:2000 --no-header -o part.csv

        The default verb (when no verb is named) is `learning-base`.
        Exit codes: 0 success, 1 internal error, 2 usage error, 3 missing input or store,
        4 corrupt or invalid data, 5 output not writable or refused, 6 too many rejected lines.
        """,
        version: BuildInfo.versionLine,
        subcommands: [
            LearningBaseCommand.self,
            IngestCommand.self,
            InfoCommand.self,
            BenchCommand.self,
            GenerateCommand.self,
            StarSchemaCommand.self,
            ShardsCommand.self,
        ],
        defaultSubcommand: LearningBaseCommand.self
    )
}
