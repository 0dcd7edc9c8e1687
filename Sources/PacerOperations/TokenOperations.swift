import Foundation
import PacerCore
import PacerStore

/// The token operations the API and the CLI offer, written once. A token's secret is in the
/// value that creates it and nowhere else.
public enum TokenOperations {
    /// Creates a token.
    /// - Throws: `ValidationError` (`name`, `scopes`), ``PacerStore/StoreError/nameTaken(_:)``.
    public static func create(name: String, scopes: [String], in context: OperationContext) async throws -> NewToken {
        let made = try APIToken.make(name: name, scopes: scopes, at: context.instant)
        _ = try await context.store.createToken(made.token)
        return made
    }

    /// Deletes a token by name or, when no token has that name, by id: requests with it are
    /// refused at once.
    /// - Returns: the deleted token.
    /// - Throws: ``OperationError/notFound(kind:reference:)``.
    @discardableResult
    public static func delete(_ reference: String, in context: OperationContext) async throws -> APIToken {
        guard let token = try await context.store.token(nameOrID: reference),
              try await context.store.deleteToken(nameOrID: reference) else {
            throw OperationError.notFound(kind: "token", reference: reference)
        }
        return token
    }
}
