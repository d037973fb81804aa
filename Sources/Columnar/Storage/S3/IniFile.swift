/// The INI dialect of `~/.aws/credentials` and `~/.aws/config`, as the AWS CLI reads it:
/// `[section]` headers (`[profile name]` in the config file is the caller's business),
/// `key = value` lines (around `=` and the line, blanks are trimmed; keys are lowercased), full
/// line comments starting with `#` or `;`, blank lines. A value may itself contain `=`. An
/// indented line after a `key =` line with an empty value is a nested setting (`s3 =` then
/// `  endpoint_url = …`): kept as `parent.key` (`s3.endpoint_url`). Lines before the first section
/// and lines that are not `key = value` are ignored, as the AWS tools do. The last of two
/// equal keys wins. Pure: no file access (the caller reads the text).
public struct IniFile: Sendable, Equatable {
    /// Section name → (key → value).
    public private(set) var sections: [String: [String: String]] = [:]

    public init(parsing text: String) {
        var current: String?
        var parent: String?
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            var line = Substring(raw)
            if line.hasSuffix("\r") { line.removeLast() }
            let indented = line.first == " " || line.first == "\t"
            let trimmed = Self.trim(line)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]") else { current = nil; continue }
                let name = Self.trim(trimmed.dropFirst().dropLast())
                current = name
                parent = nil
                if sections[name] == nil { sections[name] = [:] }
                continue
            }
            guard let section = current, let eq = trimmed.firstIndex(of: "=") else { continue }
            let key = Self.trim(trimmed[..<eq]).lowercased()
            let value = Self.trim(trimmed[trimmed.index(after: eq)...])
            guard !key.isEmpty else { continue }
            if indented, let parent {
                sections[section, default: [:]][parent + "." + key] = value
            } else {
                sections[section, default: [:]][key] = value
                parent = value.isEmpty ? key : nil
            }
        }
    }

    /// The value of `key` (lowercase) in `section`, nil when either is absent.
    public func value(_ key: String, in section: String) -> String? { sections[section]?[key] }

    private static func trim(_ s: Substring) -> String {
        var t = s
        while let f = t.first, f == " " || f == "\t" { t.removeFirst() }
        while let l = t.last, l == " " || l == "\t" { t.removeLast() }
        return String(t)
    }
}
