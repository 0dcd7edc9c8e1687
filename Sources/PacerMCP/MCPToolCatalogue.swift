import Foundation
import PacerCore
import PacerOperations
import PacerStore

/// The tools of Pacer's own MCP server, shared by `pacer mcp` (stdio) and `/mcp` (streamable
/// HTTP on `pacer serve`): schedules, rule previews, runs, sessions and the self-pacing of
/// sessions Pacer runs. Tools work directly on the store, with the same validation as every
/// other writer.
///
/// A call never throws: unknown tools, bad arguments, validation errors, unknown schedules and
/// missing scopes are results with ``MCPToolResult/isError`` set and a message naming the
/// field at fault.
public struct MCPToolCatalogue: Sendable {
    /// Options of the catalogue.
    public struct Configuration: Sendable {
        /// The caps a session's pacing is checked against where its schedule sets none.
        public var defaultCaps: Caps
        /// Whether a process runs the engine next to this catalogue (`pacer serve`); Run Now
        /// says so in its answer, since a queued run needs a server to start it.
        public var engineRunning: Bool
        /// What definitions may reach (commands, environment variables, log files): the
        /// server's own settings, or those its server published for `pacer mcp`.
        public var policy: ServerPolicy

        /// - Parameters:
        ///   - defaultCaps: caps where a schedule sets none.
        ///   - engineRunning: whether an engine runs in this process.
        ///   - policy: the server's settings.
        public init(defaultCaps: Caps = .serverDefaults, engineRunning: Bool = false, policy: ServerPolicy = .closed) {
            self.defaultCaps = defaultCaps
            self.engineRunning = engineRunning
            self.policy = policy
        }
    }

    /// The store every tool reads and writes.
    public let store: any Store
    /// The clock.
    public let clock: any WallClock
    /// Options.
    public let configuration: Configuration
    let catalogue: [MCPTool]
    let byName: [String: MCPTool]

    /// - Parameters:
    ///   - store: the store.
    ///   - clock: the clock.
    ///   - configuration: options.
    public init(store: any Store, clock: any WallClock = SystemClock(), configuration: Configuration = Configuration()) {
        self.store = store
        self.clock = clock
        self.configuration = configuration
        catalogue = Self.scheduleTools + Self.runTools + Self.sessionTools + Self.pacingTools
        byName = Dictionary(catalogue.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every tool, in the order clients list them.
    public var tools: [MCPToolDescription] { catalogue.map(\.description) }

    /// Calls a tool.
    /// - Parameters:
    ///   - name: the tool's name.
    ///   - arguments: its arguments, a JSON object (`nil` for none).
    ///   - caller: who calls: the owner of what it creates, and its scopes.
    /// - Returns: the JSON result, or an error result naming what is wrong.
    public func call(_ name: String, arguments: JSONValue?, caller: Caller) async -> MCPToolResult {
        guard let tool = byName[name] else {
            return .failure(MCPToolError(field: nil, "unknown tool '\(name.prefix(100))'; the tools are: \(catalogue.map(\.name).joined(separator: ", "))"))
        }
        guard caller.allows(tool.scope) else {
            return .failure(MCPToolError(field: nil, code: "forbidden",
                                         "\(tool.name) needs the '\(tool.scope.rawValue)' scope, which the token '\(caller.name)' lacks"))
        }
        do {
            let args = try MCPArguments(arguments ?? .object([:]), allowed: tool.argumentNames)
            let context = MCPToolContext(store: store, clock: clock, caller: caller, configuration: configuration)
            return MCPToolResult(value: try await tool.body(args, context))
        } catch {
            return .failure(MCPToolError.from(error))
        }
    }
}

extension Caller {
    /// The caller of `pacer mcp` over stdio: the local user, every scope; what it creates is
    /// owned by `mcp`.
    public static let mcp = Caller(name: "mcp", scopes: Set(Scope.allCases))
}

/// A tool as clients list it.
public struct MCPToolDescription: Sendable, Hashable {
    /// The tool's name (`create_schedule`).
    public var name: String
    /// A short human title.
    public var title: String
    /// What it does, written for a model.
    public var description: String
    /// The JSON Schema of its arguments.
    public var inputSchema: JSONValue
    /// Whether it only reads.
    public var readOnly: Bool
    /// Whether it may destroy something (deleting a schedule).
    public var destructive: Bool
    /// Whether calling it twice with the same arguments has no further effect.
    public var idempotent: Bool
}

/// What a tool call answers: a JSON object, and whether it is an error.
public struct MCPToolResult: Sendable, Hashable {
    /// The result (`{"ok": true, ...}` or `{"ok": false, "error": ..., "field": ...}`).
    public var value: JSONValue
    /// Whether the call failed.
    public var isError: Bool

    /// - Parameters:
    ///   - value: the result.
    ///   - isError: whether it failed.
    public init(value: JSONValue, isError: Bool = false) {
        self.value = value
        self.isError = isError
    }

    /// The result as compact JSON text, the tool result's text content.
    public var text: String {
        guard let data = try? PacerJSON.encode(value) else { return #"{"ok":false,"error":"the result could not be encoded"}"# }
        return String(decoding: data, as: UTF8.self)
    }

    /// The error message, for an error result.
    public var message: String? {
        guard isError, case .string(let message)? = value["error"] else { return nil }
        return message
    }

    static func failure(_ error: MCPToolError) -> MCPToolResult {
        MCPToolResult(value: error.json, isError: true)
    }
}

/// One tool of the catalogue: how it is described, the scope it needs and what it does.
struct MCPTool: Sendable {
    var description: MCPToolDescription
    /// The scope the caller needs for any call (further checks, such as the privilege a
    /// command target needs, happen in the body).
    var scope: Scope
    var body: @Sendable (MCPArguments, MCPToolContext) async throws -> JSONValue

    var name: String { description.name }

    /// The argument names the schema declares (any other is refused).
    var argumentNames: Set<String> {
        guard case .object(let properties)? = description.inputSchema["properties"] else { return [] }
        return Set(properties.keys)
    }

    /// - Parameters:
    ///   - name: the name.
    ///   - title: a short title.
    ///   - scope: the scope a call needs.
    ///   - readOnly: whether it only reads.
    ///   - destructive: whether it deletes.
    ///   - idempotent: whether repeating it changes nothing more.
    ///   - description: what it does, for a model.
    ///   - properties: the arguments' schemas.
    ///   - required: the required arguments.
    ///   - body: the call.
    init(_ name: String, title: String, scope: Scope, readOnly: Bool = false, destructive: Bool = false, idempotent: Bool = false,
         description: String, properties: [String: JSONValue], required: [String] = [],
         body: @escaping @Sendable (MCPArguments, MCPToolContext) async throws -> JSONValue) {
        let schema: JSONValue = .object([
            "type": "object",
            "properties": .object(properties),
            "required": .array(required.map { .string($0) }),
            "additionalProperties": false,
        ])
        self.description = MCPToolDescription(name: name, title: title, description: description, inputSchema: schema,
                                              readOnly: readOnly, destructive: destructive, idempotent: idempotent)
        self.scope = scope
        self.body = body
    }
}

/// What a tool's body sees.
struct MCPToolContext: Sendable {
    var store: any Store
    var clock: any WallClock
    var caller: Caller
    var configuration: MCPToolCatalogue.Configuration

    /// The context of an operation this call makes.
    var operations: OperationContext {
        OperationContext(caller: caller, store: store, policy: configuration.policy, clock: clock)
    }

    /// The current instant in whole milliseconds (what the store keeps).
    var instant: Date { operations.instant }

    /// The schedule with that id, or else that name.
    /// - Throws: ``MCPToolError`` naming `field` when there is none.
    func schedule(_ reference: String, field: String = "schedule") async throws -> Schedule {
        if let s = try await Lookup.schedule(reference, in: store) { return s }
        throw MCPToolError(field: field, code: "not_found",
                           "no schedule with id or name '\(reference.prefix(200))'; list_schedules shows the schedules")
    }
}
