import Foundation
import Hummingbird
import PacerCore
import PacerOperations
import PacerStore

/// `/v1/agents`: configured models with their prompts, tools and prices. An agent is named
/// in paths by its id or its name. Keys are only ever named by variable (`api_key_env`);
/// nothing here returns a secret.
public enum AgentRoutes {
    /// The routes.
    public static func routes(_ services: APIServices) -> [APIRoute] {
        let agent = ResponseDoc("The agent", Schema.ref("Agent"))
        return [
            APIRoute(.get, "/v1/agents", scope: .read, doc: OperationDoc(
                "listAgents", "List agents", tag: "agents",
                responses: [200: ResponseDoc("Agents", ScheduleRoutes.list("agents", Schema.ref("Agent")))])
            ) { _, _ in try jsonResponse(["agents": try await services.store.agents()]) },

            APIRoute(.post, "/v1/agents", scope: .write, doc: OperationDoc(
                "createAgent", "Create an agent (allow_all needs the admin scope)", tag: "agents",
                requestBody: Schema.ref("AgentInput"),
                responses: [201: ResponseDoc("The agent as stored", Schema.ref("Agent"))], errors: [409, 422])
            ) { request, context in try await create(request, context, services) },

            APIRoute(.get, "/v1/agents/{id}", scope: .read, doc: OperationDoc(
                "getAgent", "Show an agent (by id or name)", tag: "agents", responses: [200: agent])
            ) { _, context in try jsonResponse(try await find(context, services.store)) },

            APIRoute(.patch, "/v1/agents/{id}", scope: .write, doc: OperationDoc(
                "updateAgent", "Change an agent (a JSON merge patch; allow_all needs the admin scope)", tag: "agents",
                requestBody: Schema.ref("AgentPatch"), responses: [200: agent], errors: [409, 422])
            ) { request, context in try await update(request, context, services) },

            APIRoute(.delete, "/v1/agents/{id}", scope: .write, doc: OperationDoc(
                "deleteAgent", "Delete an agent; refused while schedules target it, unless force=true", tag: "agents",
                query: [QueryParameter("force", ["type": "boolean"], "Delete it even though schedules target it (their runs then fail)")],
                responses: [204: ResponseDoc("Deleted", nil)], errors: [409])
            ) { request, context in try await delete(request, context, services) },

        ]
    }

    /// Their named schemas.
    public static var schemas: [String: JSONValue] { AgentSchemas.all }

    static func find(_ context: APIRequestContext, _ store: any Store) async throws -> Agent {
        let reference = try context.reference("id", kind: "agent")
        guard let agent = try await store.apiAgent(reference) else { throw APIError.notFound("agent", String(reference.prefix(200))) }
        return agent
    }

    /// `POST /v1/agents`.
    static func create(_ request: Request, _ context: APIRequestContext, _ services: APIServices) async throws -> Response {
        let object = try DefinitionDecoding.object(try await request.decodeJSON(JSONValue.self), AgentInput.shape)
        return try jsonResponse(try await AgentOperations.create(object, in: try services.operations(context)), status: .created)
    }

    /// `PATCH /v1/agents/{id}`: a JSON merge patch of the definition.
    static func update(_ request: Request, _ context: APIRequestContext, _ services: APIServices) async throws -> Response {
        let reference = try context.reference("id", kind: "agent")
        let patch = try DefinitionDecoding.object(try await request.decodeJSON(JSONValue.self), AgentInput.shape)
        return try jsonResponse(try await AgentOperations.patch(reference, with: patch, in: try services.operations(context)))
    }

    /// `DELETE /v1/agents/{id}`.
    static func delete(_ request: Request, _ context: APIRequestContext, _ services: APIServices) async throws -> Response {
        var force = false
        switch request.query("force") {
        case nil, "false"?: break
        case "true"?: force = true
        case let other?: throw APIError.badRequest("'\(other.prefix(100))' must be true or false", field: "force")
        }
        try await AgentOperations.delete(try context.reference("id", kind: "agent"), force: force, in: try services.operations(context))
        return Response(status: .noContent)
    }
}
