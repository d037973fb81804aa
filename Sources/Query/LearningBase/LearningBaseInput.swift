import Columnar

/// The learning base's projection of the store's `events` dataset (names in `EventColumns`,
/// types per schema version in `EventsDataset`, both in Columnar):
///
/// | column             | use                                                           |
/// |--------------------|---------------------------------------------------------------|
/// | `event_time`       | window filter, session start/end                              |
/// | `event_type`       | `view` / `purchase` (exact, case-sensitive)                   |
/// | `product_id`       | group key, 32-bit rule at query time                          |
/// | `category_code`    | `first()` of the group                                        |
/// | `brand`            | `first()` of the group                                        |
/// | `price`            | mean of the group                                             |
/// | `user_id`          | merge key, 32-bit rule at query time                          |
/// | `user_session`     | the session text (version 2), or 16 bytes (version 1)         |
/// | `user_session_raw` | version 1 only: the raw text when not a canonical uuid        |
///
/// Both store layouts are read (per file, by the type of `user_session`) and give the same
/// results. `category_id` is never read.
extension EventColumns {
    /// The projection of the learning base on a version 1 file, in reading order (a version 2
    /// file has no `user_session_raw`).
    public static let learningBase: [String] = learningBaseFields(version: 1).map(\.name)

    /// The events schema of version 1 restricted to the learning-base columns (the layout
    /// in-memory inputs and tests use).
    public static let schema = Schema(learningBaseFields(version: 1))

    /// The fields of `EventsDataset.schemas[version]` the learning base reads, in file order.
    static func learningBaseFields(version: Int) -> [Field] {
        EventsDataset.schemas[version]!.fields.filter { $0.name != categoryId }
    }
}
