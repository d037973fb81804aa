/// The column names of the store's `events` dataset, spelled once: `EventsDataset` gives their
/// types, nullability and order per schema version, the CSV ingest finds them by these names
/// in a dump's header, and the learning base reads them by these names (see `EventsDataset`
/// for which version has which column).
public enum EventColumns {
    public static let eventTime = "event_time"
    public static let eventType = "event_type"
    public static let productId = "product_id"
    public static let categoryId = "category_id"
    public static let categoryCode = "category_code"
    public static let brand = "brand"
    public static let price = "price"
    public static let userId = "user_id"
    public static let userSession = "user_session"
    /// Version 1 only: the session text when it is not a canonical UUID.
    public static let userSessionRaw = "user_session_raw"
}
