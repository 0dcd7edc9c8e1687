import PacerCore
import PacerStore

/// Finding a schedule or an agent the user named, the same way on every surface: by id, else
/// by name. Names never look like ids (validation refuses them), so the two cannot meet; both
/// are indexed lookups, never a scan.
public enum Lookup {
    /// The schedule with that id, or else that name, or `nil`.
    public static func schedule(_ reference: String, in store: any ScheduleCatalogue) async throws -> Schedule? {
        if let s = try await store.schedule(id: reference) { return s }
        return try await store.schedule(name: reference)
    }

    /// The agent with that id, or else that name, or `nil`.
    public static func agent(_ reference: String, in store: any CatalogStore) async throws -> Agent? {
        if let a = try await store.agent(id: reference) { return a }
        return try await store.agent(named: reference)
    }
}
