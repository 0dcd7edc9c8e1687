import Foundation
import Hummingbird
import PacerCore
import PacerOperations
import PacerStore

/// The handlers of ``ScheduleRoutes``.
extension ScheduleRoutes {
    static let definitionShape = "name, timing (or cron, every, rule or at), target (or agent with prompt) and optional enabled, notes, dispatch, policies, caps, delivery"

    /// `GET /v1/schedules`: a page ordered by name, after the name `after`.
    static func list(_ request: Request, _ services: APIServices) async throws -> Response {
        let limit = try request.queryInt("limit", default: APILimits.maxListLimit, range: 1...APILimits.maxListLimit)
        var all = try await services.store.schedules()
        if let after = request.query("after") {
            // The store orders names by their UTF-8 bytes.
            all = all.filter { after.utf8.lexicographicallyPrecedes($0.name.utf8) }
        }
        let page = Array(all.prefix(limit))
        return try jsonResponse(["schedules": try await ScheduleView.json(page, store: services.store)])
    }

    /// `POST /v1/schedules`.
    static func create(_ request: Request, _ context: APIRequestContext, _ services: APIServices) async throws -> Response {
        try await apiHandling {
            let object = try DefinitionDecoding.object(try await request.decodeJSON(JSONValue.self), definitionShape)
            let created = try await ScheduleOperations.create(object, deduplicate: false, in: try services.operations(context))
            return try jsonResponse(try await ScheduleView.json(created.schedule, store: services.store), status: .created)
        }
    }

    /// `GET /v1/schedules/{id}`.
    static func show(_ context: APIRequestContext, _ services: APIServices) async throws -> Response {
        let schedule = try await services.store.apiSchedule(try context.reference("id", kind: "schedule"))
        return try jsonResponse(try await ScheduleView.json(schedule, store: services.store))
    }

    /// `PATCH /v1/schedules/{id}`: a JSON merge patch of the definition; an object with a
    /// `kind` (target, delivery) replaces the stored one whole. With `revision`, refused
    /// (409) unless it is the stored revision.
    static func update(_ request: Request, _ context: APIRequestContext, _ services: APIServices) async throws -> Response {
        try await apiHandling {
            let reference = try context.reference("id", kind: "schedule")
            var patch = try DefinitionDecoding.object(try await request.decodeJSON(JSONValue.self), definitionShape)
            let expected = try revision(patch.removeValue(forKey: "revision"), required: false)
            let patched = try await ScheduleOperations.patch(reference, with: patch, expectedRevision: expected,
                                                             in: try services.operations(context))
            return try jsonResponse(try await ScheduleView.json(patched.schedule, store: services.store))
        }
    }

    /// `DELETE /v1/schedules/{id}`.
    static func delete(_ context: APIRequestContext, _ services: APIServices) async throws -> Response {
        try await ScheduleOperations.delete(try context.reference("id", kind: "schedule"), in: try services.operations(context))
        return Response(status: .noContent)
    }

    /// `POST /v1/schedules/{id}/pause`, with an optional `{"reason"}`.
    static func pause(_ request: Request, _ context: APIRequestContext, _ services: APIServices) async throws -> Response {
        let reference = try context.reference("id", kind: "schedule")
        var reason: String?
        if let body = try await optionalJSON(request) {
            let object = try DefinitionDecoding.object(body, "an optional reason")
            for key in object.keys.sorted() where key != "reason" {
                throw DefinitionDecoding.invalid(key, "unknown key; the body may give only reason")
            }
            switch object["reason"] {
            case nil, .null?: break
            case .string(let text)?: reason = text
            default: throw DefinitionDecoding.invalid("reason", "expected a string")
            }
        }
        let schedule = try await ScheduleOperations.pause(reference, reason: reason, in: try services.operations(context))
        return try jsonResponse(try await ScheduleView.json(schedule, store: services.store))
    }

    /// `POST /v1/schedules/{id}/resume`.
    static func resume(_ context: APIRequestContext, _ services: APIServices) async throws -> Response {
        let schedule = try await ScheduleOperations.resume(try context.reference("id", kind: "schedule"), in: try services.operations(context))
        return try jsonResponse(try await ScheduleView.json(schedule, store: services.store))
    }

    /// `POST /v1/schedules/{id}/run`: Run Now, a queued `manual` run that the engine starts.
    static func runNow(_ context: APIRequestContext, _ services: APIServices) async throws -> Response {
        let schedule = try await services.store.apiSchedule(try context.reference("id", kind: "schedule"))
        let run = try await RunNow.queue(schedule, store: services.store, now: services.clock.now())
        return try jsonResponse(run, status: .accepted)
    }

    /// `POST /v1/schedules/{id}/backfill`: the window's fires as queued `backfill` runs.
    static func backfill(_ request: Request, _ context: APIRequestContext, _ services: APIServices) async throws -> Response {
        let schedule = try await services.store.apiSchedule(try context.reference("id", kind: "schedule"))
        let body = try DefinitionDecoding.object(try await request.decodeJSON(JSONValue.self), "from, to and optional overlap and limit")
        let outcome = try await Backfill.decode(body).record(for: schedule, store: services.store, now: services.clock.now())
        return try jsonResponse(JSONValue.object(outcome.json), status: .accepted)
    }

    /// `GET /v1/schedules/{id}/runs`: newest first.
    static func runs(_ request: Request, _ context: APIRequestContext, _ services: APIServices) async throws -> Response {
        let limit = try request.queryInt("limit", default: 50, range: 1...APILimits.maxListLimit)
        let schedule = try await services.store.apiSchedule(try context.reference("id", kind: "schedule"))
        return try jsonResponse(try await RunRoutes.page(services.store, RunQuery(scheduleID: schedule.id, after: try request.queryCursor(),
                                                                                  limit: limit)))
    }

    /// `GET /v1/schedules/{id}/revisions`: oldest first.
    static func revisions(_ context: APIRequestContext, _ services: APIServices) async throws -> Response {
        let schedule = try await services.store.apiSchedule(try context.reference("id", kind: "schedule"))
        return try jsonResponse(["revisions": try await services.store.revisions(scheduleID: schedule.id)])
    }

    /// `POST /v1/schedules/{id}/rollback` with `{"revision": n}`: that revision's definition
    /// as a new revision.
    static func rollback(_ request: Request, _ context: APIRequestContext, _ services: APIServices) async throws -> Response {
        try await apiHandling {
            let reference = try context.reference("id", kind: "schedule")
            let object = try DefinitionDecoding.object(try await request.decodeJSON(JSONValue.self), "revision")
            for key in object.keys.sorted() where key != "revision" {
                throw DefinitionDecoding.invalid(key, "unknown key; the body gives only revision")
            }
            let number = try revision(object["revision"], required: true)!
            let restored = try await ScheduleOperations.rollback(reference, to: number, in: try services.operations(context))
            return try jsonResponse(try await ScheduleView.json(restored, store: services.store))
        }
    }

    /// A `revision` member: a whole number of at least 1.
    /// - Throws: ``APIError`` 422 naming `revision`.
    static func revision(_ value: JSONValue?, required: Bool) throws -> Int? {
        switch value {
        case nil, .null?:
            if required { throw DefinitionDecoding.invalid("revision", "is required: the revision to restore") }
            return nil
        case .number(let n)? where n == n.rounded() && n >= 1 && n <= 1e12:
            return Int(n)
        default:
            throw DefinitionDecoding.invalid("revision", "expected a whole number of at least 1")
        }
    }

    /// The body as JSON, or `nil` when there is none.
    /// - Throws: ``APIError`` 413 for a larger body, 400 for one that is not JSON.
    static func optionalJSON(_ request: Request) async throws -> JSONValue? {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: APILimits.maxBodyBytes)
        } catch {
            throw APIError(.contentTooLarge, code: "too_large", "the body is larger than \(APILimits.maxBodyBytes) bytes")
        }
        let data = Data(buffer.readableBytesView)
        if data.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }) { return nil }
        do {
            return try PacerJSON.decode(JSONValue.self, from: data)
        } catch {
            throw APIError.badRequest("the body is not valid JSON")
        }
    }
}
