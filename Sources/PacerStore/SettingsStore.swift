import Foundation
import PacerCore

/// Settings a server publishes for the other writers of its store: the ``PacerCore/ServerPolicy``
/// that `pacer serve` starts with (commands, environment variables, log directory), so that the
/// CLI, `pacer apply` and `pacer mcp` check definitions against the same settings as the
/// server's own API. The newest start wins; each server still checks every run against its own.
public protocol SettingsStore: Sendable {
    /// Records the policy a server runs with.
    /// - Parameter policy: the server's policy.
    func publishPolicy(_ policy: ServerPolicy) async throws

    /// The policy last published, or `nil` when no server has published one.
    func publishedPolicy() async throws -> ServerPolicy?

    /// Writes a small record and commits it: whether the store can be written now (a full
    /// disk, a read-only file or a database that refuses writes fails it). No event, no wake-up.
    /// - Parameter at: the instant recorded.
    func probeWrite(at: Date) async throws
}

extension SettingsStore {
    /// The policy definitions are checked against: the published one, or
    /// ``PacerCore/ServerPolicy/closed`` (nothing allowed) when no server has published one.
    public func effectivePolicy() async throws -> ServerPolicy {
        try await publishedPolicy() ?? .closed
    }
}

/// The key of the published policy in the settings table.
package let policySettingKey = "server_policy"
