import ArgumentParser

/// `extract info`: what a store holds.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "List a store's datasets, days, rows, bytes on disk, compression ratio, time range, sources and rejects."
    )

    @Option(name: .long, help: "The store directory.")
    var store: String = "./store"

    func run() throws {
        try ErrorReporting.run {
            throw CLIError.notImplemented(verb: "info", issue: "issue 4")
        }
    }
}
