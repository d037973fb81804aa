import ArgumentParser
import Query

/// `extract shards`: balanced user-id ranges for running a learning base as N shards.
struct ShardsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shards",
        abstract: "Print N contiguous user-id ranges of about equal work, as JSON, for `extract --users LO:HI`.",
        discussion: """
        Reads only the store's manifest and the row-group statistics of the window's files (no
        data is decoded) and prints a JSON list of N objects in increasing user order:
          {"shard": K, "users": "LO:HI", "rows": R, "rowGroups": G, "rowGroupRows": GR}
        The first LO and the last HI are empty (unbounded); each HI is the next LO, so the ranges
        are contiguous and disjoint and cover every user. Cut points are integers in the 32-bit
        domain that ids can have in the output (ids outside it are dropped by the learning base).
        "rows" estimates the shard's input rows (each row group's rows spread evenly over its
        user_id min..max); "rowGroups"/"rowGroupRows" are the row groups the shard decodes.
        A shard may be empty. Run each with `extract --users LO:HI` (add --no-header to all but
        the first for CSV bodies to append): the concatenation in shard order is the whole output.
        """
    )

    @OptionGroup var query: WindowOptions

    @Option(name: [.short, .customLong("shards")], help: "Number of shards (1 to \(ShardPlanner.maxShards)).")
    var n: Int

    func run() throws {
        try ErrorReporting.run {
            let window = try TimeWindow(start: query.start, end: query.end)
            let shards = try ShardPlanner.plan(store: query.store, window: window, shards: n)
            print(ShardPlanner.json(shards), terminator: "")
        }
    }
}
