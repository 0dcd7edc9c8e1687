import PacerSQLite
import Foundation
import Hummingbird
import HummingbirdTesting
import PacerCore
import PacerServer
import PacerStore
import Testing

/// `/openapi.json` describes every route, and what the routes return matches it.
@Suite struct OpenAPITests {
    static func document(_ client: any TestClientProtocol) async throws -> JSONValue {
        let r = try await client.execute(uri: "/openapi.json", method: .get)
        #expect(r.status == .ok && r.headers[.contentType] == "application/json")
        return try PacerJSON.decode(JSONValue.self, from: Data(r.body.readableBytesView))
    }

    @Test func document_coversEveryRoute_refsResolve_operationIDsAreUnique() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            let doc = try await Self.document(client)
            #expect(doc["openapi"] == "3.1.0")
            guard case .object(let schemas)? = doc.value(at: "components.schemas") else { Issue.record("no schemas"); return }
            var operationIDs: [String] = []
            for route in API.routes(bench.services) {
                let op = doc["paths"]?[route.path]?[route.method.rawValue.lowercased()]
                #expect(op != nil, "\(route.method) \(route.path) is not documented")
                guard case .object(let responses)? = op?["responses"], !responses.isEmpty else {
                    Issue.record("\(route.method) \(route.path) has no responses")
                    continue
                }
                if let id = op?["operationId"]?.text { operationIDs.append(id) } else { Issue.record("no operationId: \(route.path)") }
                if !route.pathParameters.isEmpty { #expect(responses["404"] != nil, "\(route.path)") }
                if route.scope != nil { #expect(responses["401"] != nil && responses["403"] != nil, "\(route.path)") }
            }
            #expect(Set(operationIDs).count == operationIDs.count, "duplicate operationIds: \(operationIDs.sorted())")
            var refs: [String] = []
            Self.collectRefs(doc, into: &refs)
            #expect(!refs.isEmpty)
            for ref in Set(refs) {
                #expect(ref.hasPrefix("#/components/schemas/") && schemas[String(ref.dropFirst("#/components/schemas/".count))] != nil,
                        "unresolved \(ref)")
            }
            for name in ["Schedule", "ScheduleView", "ScheduleInput", "SchedulePatch", "ScheduleState", "Run", "Revision", "Preview",
                         "PreviewInput", "Agent", "AgentInput", "AgentPatch", "Target", "TargetInput", "Timing", "Delivery", "Policies"] {
                #expect(schemas[name] != nil, "missing schema \(name)")
            }
        }
        await bench.close()
    }

    static func collectRefs(_ value: JSONValue, into refs: inout [String]) {
        switch value {
        case .object(let o):
            if case .string(let ref)? = o["$ref"] { refs.append(ref) }
            if case .object(let mapping)? = o["discriminator"]?["mapping"] { refs += mapping.values.map(\.text) }
            for v in o.values { collectRefs(v, into: &refs) }
        case .array(let a): for v in a { collectRefs(v, into: &refs) }
        default: break
        }
    }

    /// Every response of the schedule, preview, run and agent routes matches the schema
    /// documented for its status.
    @Test func responses_matchTheirDocumentedSchemas() async throws {
        let bench = try APIBench.make()
        _ = try await bench.store.saveAgent(Agent(id: "agt_1", name: "helper", provider: .anthropic, baseURL: "https://api.anthropic.com",
                                                  model: "m", apiKeyEnv: "KEY", systemPrompt: "hi", createdAt: APIBench.t0))
        try await bench.test { client in
            let doc = try await Self.document(client)
            let validator = SchemaValidator(document: doc)
            func check(_ method: HTTPRequest.Method, _ template: String, _ path: String, _ body: JSONValue? = nil,
                       sourceLocation: SourceLocation = #_sourceLocation) async throws {
                let r = try await APICall.send(client, method, path, body)
                guard let op = doc["paths"]?[template]?[method.rawValue.lowercased()] else {
                    Issue.record("undocumented \(method) \(template)", sourceLocation: sourceLocation)
                    return
                }
                guard let response = op["responses"]?[String(r.status.code)] else {
                    Issue.record("undocumented status \(r.status.code) of \(method) \(path): \(r.text)", sourceLocation: sourceLocation)
                    return
                }
                guard let schema = response.value(at: "content")?["application/json"]?["schema"] else {
                    #expect(r.body.readableBytes == 0, sourceLocation: sourceLocation)
                    return
                }
                let problems = validator.problems(r.json, schema)
                #expect(problems.isEmpty, "\(method) \(path) -> \(r.status.code): \(problems)\n\(r.text)", sourceLocation: sourceLocation)
            }
            let full: JSONValue = [
                "name": "full", "timing": ["rule": "*/5 * * * *", "timezone": "Europe/Berlin", "anchor": "2027-01-01T00:00:00Z",
                                           "starts_at": "2027-01-01T00:00:00Z", "ends_at": "2028-01-01T00:00:00Z", "max_fires": 10, "jitter": 2.5],
                "target": ["kind": "http", "method": "POST", "url": "https://example.com/x", "headers": ["X-A": "1"],
                           "headers_from_env": ["Authorization": "TOKEN"], "body": "{{today}}"],
                "notes": "n",
                "dispatch": ["mode": "per_item", "source": ["kind": "static", "items": [["id": 1]]], "item_key": "id",
                             "notify": ["kind": "webhook", "url": "https://example.com/n"]],
                "policies": ["overlap": "buffer_one", "misfire": "run_all", "pause_after_failures": 3, "keep_last": 10,
                             "exclusions": ["0 0 * * 0"], "retry": ["max_attempts": 3]],
                "caps": ["max_cost": 1.5, "max_resumes": 2],
                "delivery": ["kind": "email", "smtp_host": "smtp.example.com", "from": "a@example.com", "to": ["b@example.com"],
                             "password_env": "SMTP_PASSWORD", "subject": "s"],
            ]
            try await check(.post, "/v1/schedules", "/v1/schedules", full)
            try await check(.post, "/v1/schedules", "/v1/schedules", ["name": "agent", "every": "1h",
                                                                       "target": ["kind": "agent", "agent": "helper", "prompt": "go"],
                                                                       "delivery": ["kind": "slack", "webhook_url_env": "HOOK"]])
            try await check(.post, "/v1/schedules", "/v1/schedules", ["name": "mon", "every": "1h",
                                                                       "target": ["kind": "monitor", "check": ["kind": "poll_url", "url": "https://e.com",
                                                                                  "condition": ["kind": "all", "conditions": [["kind": "json_path", "path": "$.ok"],
                                                                                                                                ["kind": "not", "condition": ["kind": "contains", "value": "x"]]]]]]])
            try await check(.post, "/v1/schedules", "/v1/schedules", ["name": "once", "at": "2030-01-01T00:00:00Z", "target": APICall.hook])
            try await check(.post, "/v1/schedules", "/v1/schedules", ["name": "past", "at": "2020-01-01T00:00:00Z", "target": APICall.hook])
            try await check(.post, "/v1/schedules", "/v1/schedules", ["name": "full", "every": "1m", "target": APICall.hook])
            try await check(.post, "/v1/schedules", "/v1/schedules", ["name": "bad", "cron": "nope", "target": APICall.hook])
            try await check(.post, "/v1/schedules", "/v1/schedules", nil)
            try await check(.get, "/v1/schedules", "/v1/schedules")
            try await check(.get, "/v1/schedules", "/v1/schedules?limit=0")
            try await check(.get, "/v1/schedules/{id}", "/v1/schedules/full")
            try await check(.get, "/v1/schedules/{id}", "/v1/schedules/none")
            try await check(.patch, "/v1/schedules/{id}", "/v1/schedules/full", ["every": "10m", "revision": 1])
            try await check(.patch, "/v1/schedules/{id}", "/v1/schedules/full", ["every": "10m", "revision": 1])
            try await check(.post, "/v1/schedules/{id}/pause", "/v1/schedules/full/pause", ["reason": "r"])
            try await check(.post, "/v1/schedules/{id}/resume", "/v1/schedules/full/resume")
            try await check(.post, "/v1/schedules/{id}/run", "/v1/schedules/full/run")
            try await check(.get, "/v1/schedules/{id}/runs", "/v1/schedules/full/runs")
            try await check(.post, "/v1/schedules/{id}/backfill", "/v1/schedules/full/backfill",
                            ["from": "2027-01-15T07:55:00Z", "to": "2027-01-15T07:58:00Z", "overlap": "allow"])
            try await check(.post, "/v1/schedules/{id}/backfill", "/v1/schedules/full/backfill", ["from": "2027-01-15T07:55:00Z"])
            try await check(.get, "/v1/schedules/{id}/revisions", "/v1/schedules/full/revisions")
            try await check(.post, "/v1/schedules/{id}/rollback", "/v1/schedules/full/rollback", ["revision": 1])
            try await check(.post, "/v1/schedules/{id}/rollback", "/v1/schedules/full/rollback", ["revision": 9])
            try await check(.post, "/v1/preview", "/v1/preview", ["rule": "every day at 09:00", "timezone": "Asia/Tokyo"])
            try await check(.post, "/v1/preview", "/v1/preview", ["rule": "every day at 25:00"])
            try await check(.get, "/v1/runs", "/v1/runs")
            try await check(.get, "/v1/runs", "/v1/runs?status=queued")
            try await check(.get, "/v1/runs", "/v1/runs?status=nope")
            let runs = try await bench.store.activeRuns(scheduleID: nil)
            try await check(.get, "/v1/runs/{id}", "/v1/runs/\(runs[0].id)")
            try await check(.get, "/v1/agents", "/v1/agents")
            try await check(.post, "/v1/agents", "/v1/agents", ["name": "local", "base_url": "http://127.0.0.1:1/v1", "model": "m"])
            try await check(.get, "/v1/agents/{id}", "/v1/agents/local")
            try await check(.patch, "/v1/agents/{id}", "/v1/agents/local", ["max_turns": 5])
            try await check(.delete, "/v1/agents/{id}", "/v1/agents/helper")
            try await check(.delete, "/v1/agents/{id}", "/v1/agents/local")
            try await check(.delete, "/v1/schedules/{id}", "/v1/schedules/full")
        }
        await bench.close()
    }
}

/// A small JSON Schema (2020-12) checker for the keywords the API's document uses.
struct SchemaValidator {
    let document: JSONValue

    func problems(_ value: JSONValue, _ schema: JSONValue, at path: String = "$") -> [String] {
        guard case .object(let s) = schema else { return schema == false ? ["\(path): no value allowed"] : [] }
        var out: [String] = []
        if case .string(let ref)? = s["$ref"] {
            let name = String(ref.dropFirst("#/components/schemas/".count))
            guard let target = document.value(at: "components.schemas")?[name] else { return ["\(path): unresolved \(ref)"] }
            out += problems(value, target, at: path)
        }
        if let type = s["type"] {
            let types: [String] = if case .array(let a) = type { a.map(\.text) } else { [type.text] }
            if !types.contains(where: { Self.isType(value, $0) }) { return ["\(path): \(value) is not \(types)"] }
        }
        if let e = s["enum"], case .array(let options) = e, !options.contains(value) { out.append("\(path): \(value) not in \(options)") }
        if let c = s["const"], c != value { out.append("\(path): \(value) is not \(c)") }
        if case .array(let all)? = s["allOf"] { for sub in all { out += problems(value, sub, at: path) } }
        if case .array(let any)? = s["anyOf"], !any.contains(where: { problems(value, $0, at: path).isEmpty }) {
            out.append("\(path): matches none of anyOf")
        }
        if case .array(let one)? = s["oneOf"] {
            let matching = one.filter { problems(value, $0, at: path).isEmpty }.count
            if matching != 1 { out.append("\(path): matches \(matching) of oneOf") }
        }
        switch value {
        case .object(let o):
            if case .array(let required)? = s["required"] {
                for key in required where o[key.text] == nil { out.append("\(path): \(key.text) is required") }
            }
            let properties: [String: JSONValue] = if case .object(let p)? = s["properties"] { p } else { [:] }
            for (key, v) in o {
                if let p = properties[key] {
                    out += problems(v, p, at: "\(path).\(key)")
                } else if let extra = s["additionalProperties"] {
                    out += problems(v, extra, at: "\(path).\(key)")
                }
            }
        case .array(let a):
            if let items = s["items"] { for (i, v) in a.enumerated() { out += problems(v, items, at: "\(path)[\(i)]") } }
            if case .number(let n)? = s["minItems"], Double(a.count) < n { out.append("\(path): fewer than \(n) items") }
        case .number(let n):
            if case .number(let m)? = s["minimum"], n < m { out.append("\(path): \(n) < \(m)") }
            if case .number(let m)? = s["maximum"], n > m { out.append("\(path): \(n) > \(m)") }
            if case .number(let m)? = s["exclusiveMinimum"], n <= m { out.append("\(path): \(n) <= \(m)") }
        case .string(let text):
            if case .number(let m)? = s["minLength"], Double(text.count) < m { out.append("\(path): shorter than \(m)") }
            if case .number(let m)? = s["maxLength"], Double(text.count) > m { out.append("\(path): longer than \(m)") }
            if case .string(let pattern)? = s["pattern"], text.range(of: pattern, options: .regularExpression) == nil {
                out.append("\(path): '\(text)' does not match \(pattern)")
            }
            if s["format"] == "date-time",
               text.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"#, options: .regularExpression) == nil {
                out.append("\(path): '\(text)' is not a date-time")
            }
        default: break
        }
        return out
    }

    static func isType(_ value: JSONValue, _ type: String) -> Bool {
        switch (value, type) {
        case (.null, "null"), (.bool, "boolean"), (.string, "string"), (.array, "array"), (.object, "object"), (.number, "number"): true
        case (.number(let n), "integer"): n == n.rounded()
        default: false
        }
    }
}

/// A known path asked with a method it lacks.
@Suite struct MethodNotAllowedTests {
    @Test func knownPath_wrongMethod_is405_withAllow_unknownPathStays404() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            let preview = try await client.execute(uri: "/v1/preview", method: .delete)
            #expect(preview.status == .methodNotAllowed)
            #expect(preview.headers[.allow] == "POST")
            #expect(preview.json.value(at: "error.code") == "method_not_allowed")

            let schedules = try await client.execute(uri: "/v1/schedules", method: .put)
            #expect(schedules.status == .methodNotAllowed)
            let allow = Set((schedules.headers[.allow] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            #expect(allow.isSuperset(of: ["GET", "POST"]), "\(allow)")

            // A path parameter matches any one segment.
            let one = try await client.execute(uri: "/v1/schedules/anything", method: .post)
            #expect(one.status == .methodNotAllowed)
            #expect(try await client.execute(uri: "/healthz", method: .post).status == .methodNotAllowed)

            // Not a known path: still 404, and a known path with its method still answers.
            #expect(try await client.execute(uri: "/v1/nothing-here", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/v1/schedules/a/b/c", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/v1/schedules", method: .get).status == .ok)
        }
    }
}

/// A filter a list does not have is refused, not ignored.
@Suite struct UnknownQueryParameterTests {
    @Test func unknownQueryParameter_is400_namingIt_knownOnesWork() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            let state = try await client.execute(uri: "/v1/schedules?state=paused", method: .get)
            #expect(state.status == .badRequest)
            #expect(state.json.value(at: "error.field") == "state")
            #expect(state.json.value(at: "error.message")?.text.contains("takes after, limit") == true, "\(state.text)")
            let kind = try await client.execute(uri: "/v1/runs?kind=http&limit=5", method: .get)
            #expect(kind.status == .badRequest && kind.json.value(at: "error.field") == "kind")
            #expect(try await client.execute(uri: "/v1/runs?limit=5", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/v1/sessions?state=waiting&limit=5", method: .get).status == .ok)
        }
    }
}
