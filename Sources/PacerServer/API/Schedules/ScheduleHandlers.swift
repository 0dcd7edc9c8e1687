import Foundation
import Hummingbird
import PacerCore
import PacerOperations
import PacerStore

/// The handlers of ``ScheduleRoutes``.
extension ScheduleRoutes {
    static let definitionShape = "name, timing (or cron, every, rule or at), target and optional enabled, notes, dispatch, policies, caps, delivery"

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
            let caller = try context.requireCaller()
            var object = try DefinitionDecoding.object(try await request.decodeJSON(JSONValue.self), definitionShape)
            for key in ScheduleDefinition.assignedKeys { object[key] = nil }
            let renames = try ScheduleDefinition.expandShorthands(&object)
            let now = DefinitionDecoding.instant(services.clock.now())
            var complete = object
            complete["id"] = .string(PacerID.make(.schedule, at: now))
            complete["owner"] = .string(caller.name)
            complete["created_at"] = .string(PacerJSON.format(now))
            complete["updated_at"] = .string(PacerJSON.format(now))
            complete["revision"] = 1
            let schedule = try ScheduleDefinition.schedule(complete, input: object, renames: renames)
            try ScheduleDefinition.requireFuture(schedule.timing.rule, now: services.clock.now(), renames: renames)
            try await ScheduleChecks.require(schedule, caller: caller, services: services)
            let created = try await services.store.createSchedule(schedule, author: caller.name)
            return try jsonResponse(try await ScheduleView.json(created, store: services.store), status: .created)
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
            let caller = try context.requireCaller()
            let reference = try context.reference("id", kind: "schedule")
            var patch = try DefinitionDecoding.object(try await request.decodeJSON(JSONValue.self), definitionShape)
            let expected = try revision(patch.removeValue(forKey: "revision"), required: false)
            for key in ScheduleDefinition.assignedKeys { patch[key] = nil }
            let renames = try ScheduleDefinition.expandShorthands(&patch)
            let store = services.store
            var attempt = 0
            while true {
                attempt += 1
                let stored = try await store.apiSchedule(reference)
                if let expected, expected != stored.revision {
                    throw APIError.conflict("revision \(expected) is out of date; the stored revision is \(stored.revision)", field: "revision")
                }
                guard case .object(let merged) = DefinitionDecoding.merge(try DefinitionDecoding.json(stored), .object(patch)) else {
                    throw APIError.badRequest("the body must be a JSON object")
                }
                var edited = try ScheduleDefinition.schedule(merged, input: patch, renames: renames)
                if edited == stored { return try jsonResponse(try await ScheduleView.json(stored, store: store)) }
                if edited.timing.rule != stored.timing.rule {
                    try ScheduleDefinition.requireFuture(edited.timing.rule, now: services.clock.now(), renames: renames)
                }
                try await ScheduleChecks.require(edited, caller: caller, services: services)
                edited.updatedAt = max(DefinitionDecoding.instant(services.clock.now()), stored.updatedAt)
                edited.revision = stored.revision  // the store raises it, and refuses when another change came first
                do {
                    let saved = try await store.updateSchedule(edited, author: caller.name)
                    return try jsonResponse(try await ScheduleView.json(saved, store: store))
                } catch StoreError.revisionConflict where expected == nil && attempt < 3 {
                    continue  // changed meanwhile: apply the patch to the new definition
                }
            }
        }
    }

    /// `DELETE /v1/schedules/{id}`.
    static func delete(_ context: APIRequestContext, _ services: APIServices) async throws -> Response {
        let schedule = try await services.store.apiSchedule(try context.reference("id", kind: "schedule"))
        guard try await services.store.deleteSchedule(id: schedule.id) else { throw APIError.notFound("schedule", schedule.id) }
        return Response(status: .noContent)
    }

    /// `POST /v1/schedules/{id}/pause`, with an optional `{"reason"}`.
    static func pause(_ request: Request, _ context: APIRequestContext, _ services: APIServices) async throws -> Response {
        let caller = try context.requireCaller()
        let schedule = try await services.store.apiSchedule(try context.reference("id", kind: "schedule"))
        var reason = "paused by \(caller.name)"
        if let body = try await optionalJSON(request) {
            let object = try DefinitionDecoding.object(body, "an optional reason")
            for key in object.keys.sorted() where key != "reason" {
                throw DefinitionDecoding.invalid(key, "unknown key; the body may give only reason")
            }
            switch object["reason"] {
            case nil, .null?: break
            case .string(let text)?:
                let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !trimmed.isEmpty else { throw DefinitionDecoding.invalid("reason", "must not be empty") }
                guard trimmed.count <= 1000 else {
                    throw DefinitionDecoding.invalid("reason", "is \(trimmed.count) characters long; at most 1000 are allowed")
                }
                reason = trimmed
            default:
                throw DefinitionDecoding.invalid("reason", "expected a string")
            }
        }
        try await services.store.setPaused(scheduleID: schedule.id, reason: reason)
        return try jsonResponse(try await ScheduleView.json(schedule, store: services.store))
    }

    /// `POST /v1/schedules/{id}/resume`.
    static func resume(_ context: APIRequestContext, _ services: APIServices) async throws -> Response {
        let schedule = try await services.store.apiSchedule(try context.reference("id", kind: "schedule"))
        try await services.store.setPaused(scheduleID: schedule.id, reason: nil)
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
            let caller = try context.requireCaller()
            let schedule = try await services.store.apiSchedule(try context.reference("id", kind: "schedule"))
            let object = try DefinitionDecoding.object(try await request.decodeJSON(JSONValue.self), "revision")
            for key in object.keys.sorted() where key != "revision" {
                throw DefinitionDecoding.invalid(key, "unknown key; the body gives only revision")
            }
            let number = try revision(object["revision"], required: true)!
            guard let past = try await services.store.revisions(scheduleID: schedule.id).first(where: { $0.revision == number }) else {
                throw APIError(.notFound, code: "not_found",
                               "schedule '\(schedule.name)' has no revision \(number) (it is at revision \(schedule.revision))", field: "revision")
            }
            try await ScheduleChecks.requirePrivilege(past.snapshot, caller: caller, services: services)
            let restored = try await services.store.rollback(scheduleID: schedule.id, to: number, author: caller.name)
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
