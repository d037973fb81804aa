import ArgumentParser
import Columnar
import Ingest
import Query
#if canImport(Glibc)
import Glibc
#endif

/// Errors raised by the CLI layer itself (not by a library module).
enum CLIError: Error, CustomStringConvertible {
    case usage(String)
    case missingInput(String)
    case outputNotWritable(String)
    case corruptStore(String)

    var description: String {
        switch self {
        case .usage(let m): m
        case .missingInput(let m): m
        case .outputNotWritable(let m): m
        case .corruptStore(let m): m
        }
    }
}

/// The one place where errors become a one-line message on standard error and an exit code.
///
/// | code | meaning |
/// |------|---------|
/// | 1    | internal error (a bug: please report) |
/// | 2    | usage error: unknown verb or option, missing or malformed option value, a value out of |
/// |      | range (`--max-rejects -1`, `--workers 0`, `--scale inf`), start >= end |
/// | 3    | missing input file or store |
/// | 4    | corrupt or invalid data |
/// | 5    | output not writable, or refused: a directory given as an output file, an output inside |
/// |      | the store, a lake path that is (in, around) the store or a folder extract did not write |
/// | 6    | too many rejected lines (`--max-rejects`) |
enum ErrorReporting {
    static func exitCode(for error: any Error) -> (code: Int32, message: String) {
        switch error {
        case let e as CLIError:
            switch e {
            case .usage: return (2, e.description)
            case .missingInput: return (3, e.description)
            case .outputNotWritable: return (5, e.description)
            case .corruptStore: return (4, e.description)
            }
        case let e as ColumnarError:
            switch e {
            case .io(_, let op, _) where op.hasPrefix("write") || op.hasPrefix("create"): return (5, e.description)
            case .io(_, _, let errno) where errno == ENOENT: return (3, e.description)
            case .io: return (4, e.description)
            case .corrupt, .unsupported, .codec, .damaged: return (4, e.description)
            case .store: return (3, e.description)
            case .invalidArgument: return (2, e.description)
            case .remote(_, .missing, _): return (3, e.description)
            case .remote(_, .invalid, _): return (4, e.description)
            case .remote(_, .denied, _), .remote(_, .unavailable, _): return (5, e.description)
            }
        case let e as IngestError:
            switch e {
            case .io: return (3, e.description)
            case .badHeader, .malformed: return (4, e.description)
            case .tooManyRejects: return (6, e.description)
            case .columnar(let inner): return exitCode(for: inner)
            }
        case let e as QueryError:
            switch e {
            case .invalidWindow, .unknownOutputFormat, .invalidUsers: return (2, e.description)
            case .missingStore: return (3, e.description)
            case .outputNotWritable: return (5, e.description)
            case .columnar(let inner): return exitCode(for: inner)
            }
        default:
            return (1, "internal error: \(error)")
        }
    }

    /// Runs `body`; on error prints `extract: <message>` to standard error and exits with the
    /// mapped code (via ArgumentParser's `ExitCode`, so no stack trace is ever shown).
    static func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            let (code, message) = exitCode(for: error)
            printError("extract: \(message)")
            throw ExitCode(code)
        }
    }
}

/// The entry point: parses the arguments, runs the verb, and maps every failure to the
/// documented exit codes. ArgumentParser's own usage errors (unknown option, missing or
/// malformed value, `validate()` failures) exit 64 (EX_USAGE) by default: here they exit 2, like
/// every other usage error. A first argument that is neither an option nor a verb is an
/// unknown verb (named, with the list of verbs), not a missing `--start` of the default verb.
/// SIGINT/SIGTERM clean-up (`SignalCleanup`) is installed before any verb runs.
extension ExtractCLI {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let message = ErrorReporting.unknownVerbMessage(arguments) ?? ErrorReporting.unknownValueMessage(arguments) {
            printError("extract: \(message)")
            Glibc.exit(2)
        }
        SignalCleanup.install()
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                printError(fullMessage(for: error))
                Glibc.exit(2)
            }
            exit(withError: error)
        }
    }
}

extension ErrorReporting {
    /// The verbs `extract` knows, as typed on the command line.
    static var verbs: [String] {
        ExtractCLI.configuration.subcommands.compactMap { $0.configuration.commandName }
    }

    /// A message when the first argument is a bare word that is not a verb (nor `help`), else nil.
    static func unknownVerbMessage(_ arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-"), first != "help", !verbs.contains(first) else { return nil }
        return "unknown verb '\(first)' (verbs: \(verbs.joined(separator: ", ")); see `extract --help`)"
    }
}

extension ErrorReporting {
    /// A message when `ingest --format` names no `InputFormat`, else nil. Checked before parsing
    /// so that the message lists the formats in words (ArgumentParser's own would be "The value
    /// … is invalid for '--format <format>'"); usage error, exit 2, like every other.
    static func unknownValueMessage(_ arguments: [String]) -> String? {
        guard arguments.first == "ingest" else { return nil }
        var i = 1
        while i < arguments.count, arguments[i] != "--" {
            var value: String?
            if arguments[i] == "--format", i + 1 < arguments.count {
                value = arguments[i + 1]
                i += 1
            } else if arguments[i].hasPrefix("--format=") {
                value = String(arguments[i].dropFirst("--format=".count))
            }
            if let value, InputFormat(rawValue: value) == nil { return InputFormat.unknownMessage(value) }
            i += 1
        }
        return nil
    }
}

/// Writes a line to standard error.
func printError(_ line: String) {
    var text = line
    if !text.hasSuffix("\n") { text += "\n" }
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}
