import ArgumentParser
import Foundation
import PacerCore
import PacerOperations
import PacerStore

/// `pacer tokens ...`: the bearer tokens of the REST API.
struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Create, list and remove API tokens (bearer tokens with scopes).",
        discussion: """
            Without tokens, pacer serve answers API callers on loopback only, each with every scope, \
            and refuses to bind anywhere else. Once a token exists, every /v1 request needs \
            Authorization: Bearer <token>. Scopes: read; write (schedules and agents, implies read); \
            run (run now, cancel, resume; implies read); admin (everything, including tokens and \
            command targets).

              pacer tokens create admin --scope admin
              pacer tokens create ci --scope write --scope run
              pacer tokens list
              pacer tokens rm ci

            The secret is printed once, when the token is created; only its SHA-256 is stored.
            """,
        subcommands: [TokensCreateCommand.self, TokensListCommand.self, TokensRemoveCommand.self],
        aliases: ["token"]
    )
}

/// `pacer tokens create NAME --scope S ...`: make a token and print its secret once.
struct TokensCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a token and print its secret (shown this once).",
        discussion: "pacer tokens create ci --scope write --scope run",
        aliases: ["add"]
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The token's name, unique in the store (letters, digits, '.', '_', '-').")
    var name: String

    @Option(name: .customLong("scope"), help: ArgumentHelp(
        "A scope: read, write, run or admin (repeat the flag, or separate with commas).", valueName: "scope"))
    var scopes: [String] = []

    @Flag(help: "Print {\"id\", \"name\", \"scopes\", \"created_at\", \"token\"} as JSON.")
    var json = false

    func run() async throws {
        try await CommandFailure.reporting {
            _ = try Self.make(name: name, scopes: scopes)  // bad flags are refused before the store is opened
            try await store.withStore { store in
                let made: NewToken
                do {
                    made = try await TokenOperations.create(name: name, scopes: Self.scopeNames(scopes), in: try await PolicyCheck.operations(store))
                } catch StoreError.nameTaken(let name) {
                    throw CommandFailure.usage("name (NAME): a token named '\(name)' exists already")
                }
                if json {
                    try JSONOutput.print(encodable: made)
                    return
                }
                let t = made.token
                Output.out("""
                    created token '\(t.name)' (\(t.id)) with scopes: \(t.scopes.joined(separator: ", "))
                    \(made.secret)
                    This secret will not be shown again: store it now. Send it as Authorization: Bearer <token>.

                    """)
            }
        }
    }

    /// The scopes of repeated or comma-separated `--scope` flags.
    static func scopeNames(_ scopes: [String]) -> [String] {
        scopes.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
    }

    /// A token from the flags, validated before the store is opened.
    static func make(name: String, scopes: [String]) throws -> NewToken {
        let names = scopeNames(scopes)
        guard !names.isEmpty else {
            throw CommandFailure.usage("--scope: give at least one scope (\(APIToken.scopeNames.joined(separator: ", ")))")
        }
        do {
            return try APIToken.make(name: name, scopes: names, at: currentInstant())
        } catch {
            throw CommandFailure.invalid(error) { field in
                field == "name" ? "NAME" : field.hasPrefix("scopes") ? "--scope" : nil
            }
        }
    }
}

/// `pacer tokens list`: every token without its secret or hash.
struct TokensListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List tokens: name, id, scopes, created, last used (never secrets).",
        aliases: ["ls"])

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print a JSON array of {\"id\", \"name\", \"scopes\", \"created_at\", \"last_used_at\"?}.")
    var json = false

    func run() async throws {
        try await store.withStore { store in
            let tokens = try await store.tokens()
            if json {
                try JSONOutput.print(encodable: tokens.map(\.summary))
                return
            }
            if tokens.isEmpty {
                Output.out("no tokens: the API answers loopback callers only; create one with pacer tokens create NAME --scope admin\n")
                return
            }
            var table = Table("NAME", "ID", "SCOPES", "CREATED", "LAST USED")
            for t in tokens {
                table.add([t.name, t.id, t.scopes.joined(separator: ","), ScheduleText.local(t.createdAt),
                           t.lastUsedAt.map { ScheduleText.local($0) } ?? "never"])
            }
            Output.out(table.text)
        }
    }
}

/// `pacer tokens rm NAME|ID`: delete a token; requests with it are refused from then on.
struct TokensRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm",
        abstract: "Delete a token; a running server refuses it from the next request.",
        aliases: ["remove", "delete"]
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The token's name or id.")
    var token: String

    @Flag(help: "Print {\"deleted\": id, \"name\": name} as JSON.")
    var json = false

    func run() async throws {
        try await store.withStore { store in
            let t: APIToken
            do {
                t = try await TokenOperations.delete(token, in: try await PolicyCheck.operations(store))
            } catch OperationError.notFound {
                throw CommandFailure("no token named '\(token)'; see pacer tokens list")
            }
            let left = try await store.hasTokens()
            if json {
                try JSONOutput.print(["deleted": t.id, "name": t.name])
                return
            }
            Output.out("deleted token '\(t.name)' (\(t.id))\n")
            if !left {
                Output.out("no tokens left: a server on loopback answers every local caller again; one bound elsewhere refuses every request\n")
            }
        }
    }
}
