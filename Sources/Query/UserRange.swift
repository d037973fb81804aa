/// A shard of the user-id space, `lower <= user_id < upper`, as given by `--users LO:HI`
/// (either bound may be empty: unbounded). The learning base computes each user from that
/// user's events alone and writes users in increasing order, so the outputs of contiguous
/// disjoint ranges, concatenated in range order, are the output of their union byte for byte.
///
/// Only ids that fit 32 bits can reach the output (the reference's `cast(user_id as int)` makes
/// the others NULL, and NULL users are dropped: learning-base.md §3.2), so a range is applied as
/// its intersection with the Int32 domain (`effective`); a range outside it is valid and empty.
public struct UserRange: Sendable, Equatable, CustomStringConvertible {
    /// nil: unbounded.
    public let lower: Int64?
    public let upper: Int64?

    /// Every user.
    public static let all = UserRange(unchecked: nil, nil)

    /// The ids that can occur in a learning base: `[Int32.min, Int32.max + 1)`.
    public static let domain: Range<Int64> = Int64(Int32.min) ..< Int64(Int32.max) + 1

    /// Errors: `lower >= upper` → `.invalidUsers` (exit 2).
    public init(lower: Int64?, upper: Int64?) throws(QueryError) {
        if let lower, let upper, lower >= upper {
            throw .invalidUsers("--users \(lower):\(upper): the lower bound must be below the upper bound (LO <= user_id < HI)")
        }
        self.init(unchecked: lower, upper)
    }

    private init(unchecked lower: Int64?, _ upper: Int64?) {
        self.lower = lower
        self.upper = upper
    }

    /// Parses `LO:HI`, each bound a decimal 64-bit integer (optional `-`) or empty.
    /// Errors (`.invalidUsers`, exit 2): no colon, a bound that is not an integer, LO >= HI.
    public init(parsing text: String) throws(QueryError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw .invalidUsers("--users '\(text)' is not LO:HI (integers, either may be empty, e.g. 1000:2000 or :5000)")
        }
        func bound(_ s: Substring) throws(QueryError) -> Int64? {
            if s.isEmpty { return nil }
            // Int64("+5") would accept a plus sign: only digits with an optional leading '-'.
            let digits = s.first == "-" ? s.dropFirst() : s
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int64(s) else {
                throw .invalidUsers("--users '\(text)': '\(s)' is not a 64-bit integer")
            }
            return v
        }
        try self.init(lower: try bound(parts[0]), upper: try bound(parts[1]))
    }

    /// `LO:HI` with empty unbounded sides (the text `init(parsing:)` reads).
    public var description: String { "\(lower.map(String.init) ?? ""):\(upper.map(String.init) ?? "")" }

    public var isAll: Bool { lower == nil && upper == nil }

    /// The range intersected with `domain`; empty (`lower..<lower`) when they do not overlap.
    public var effective: Range<Int64> {
        let lo = max(lower ?? Self.domain.lowerBound, Self.domain.lowerBound)
        let hi = min(upper ?? Self.domain.upperBound, Self.domain.upperBound)
        return lo < hi ? lo ..< hi : lo ..< lo
    }
}
