/// Validation of option values that ArgumentParser's types alone accept (a negative count, a
/// zero size, an infinite scale). Each check throws `CLIError.usage` naming the option and the
/// value given, so a bad value exits 2 before anything is read or written.
enum OptionCheck {
    /// `value` must be at least `minimum` (and at most `maximum` when given).
    static func integer(_ value: Int, _ option: String, atLeast minimum: Int, atMost maximum: Int? = nil) throws {
        guard value >= minimum else {
            throw CLIError.usage("\(option) must be at least \(minimum) (got \(value))")
        }
        if let maximum, value > maximum {
            throw CLIError.usage("\(option) must be at most \(maximum) (got \(value))")
        }
    }

    /// `value` must be a finite number in (0, `maximum`]: rejects 0, negatives, NaN, inf and
    /// absurd sizes (1e12, 1e300) that would overflow the generators' row counts.
    static func scale(_ value: Double, _ option: String = "--scale", maximum: Double) throws {
        guard value.isFinite, value > 0, value <= maximum else {
            let bound = maximum == maximum.rounded() && abs(maximum) < 1e15 ? "\(Int(maximum))" : "\(maximum)"
            throw CLIError.usage("\(option) must be a number greater than 0 and at most \(bound) (got \(value))")
        }
    }
}
