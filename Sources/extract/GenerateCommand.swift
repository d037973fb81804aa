import ArgumentParser

/// `extract generate`: realistic synthetic REES46 dumps.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a realistic, seeded synthetic REES46 month as CSV (for benchmarks and demos)."
    )

    @Option(name: .long, help: "Month to generate, YYYY-MM.")
    var month: String = "2019-10"

    @Option(name: .long, help: "Scale (1.0 = a real month, ~42 M rows in October).")
    var scale: Double = 0.01

    @Option(name: .long, help: "Random seed.")
    var seed: UInt64 = 46

    @Option(name: [.short, .long], help: "Output CSV path.")
    var output: String

    func run() throws {
        try ErrorReporting.run {
            throw CLIError.notImplemented(verb: "generate", issue: "issue 6")
        }
    }
}
