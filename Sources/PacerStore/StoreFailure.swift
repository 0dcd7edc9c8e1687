/// What a store call's failure says, for logs and `/healthz`. A driver whose errors hide their
/// details behind a generic description (PostgresNIO's) makes them ``DescribedStoreFailure``,
/// so an outage reads as `connectionClosed` or `57P01 terminating connection due to
/// administrator command` (never a query or its values).
public enum StoreFailure {
    public static func describe(_ error: any Error) -> String {
        (error as? any DescribedStoreFailure)?.storeFailureDescription ?? "\(error)"
    }
}

/// An error that says in one line what failed in the database.
public protocol DescribedStoreFailure: Error {
    var storeFailureDescription: String { get }
}
