import ArgumentParser

/// `extract star-schema`: the Sparkify star schema as a partitioned Parquet lake.
struct StarSchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "star-schema",
        abstract: "Write songplays, users, songs, artists and time as Hive-partitioned Parquet from a Sparkify store."
    )

    @Option(name: .long, help: "The store holding the sparkify_log and songs datasets.")
    var store: String = "./store"

    @Option(name: [.short, .long], help: "Output lake directory.")
    var output: String

    @Option(name: .long, help: "Optional window start 'YYYY-MM-DD HH:MM:SS' UTC.")
    var start: String?

    @Option(name: .long, help: "Optional window end 'YYYY-MM-DD HH:MM:SS' UTC.")
    var end: String?

    func run() throws {
        try ErrorReporting.run {
            throw CLIError.notImplemented(verb: "star-schema", issue: "issue 7")
        }
    }
}
