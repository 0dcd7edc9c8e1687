import Foundation
import PacerCore
import PacerTesting
import Testing

/// `pacer serve` tried as an attacker would: through its real HTTP port and its real CLI.
@Suite(.serialized, .timeLimit(.minutes(3))) struct ServeSecurityTests {
    /// `curl` with a method, headers and a body; the status code and the body.
    func curl(_ url: String, method: String = "GET", headers: [String] = [], body: String? = nil) async throws -> (status: Int, body: String) {
        var args = ["-s", "-o", "-", "-w", "\n%{http_code}", "-X", method, "--max-time", "20"]
        for h in headers { args += ["-H", h] }
        if let body { args += ["--data-binary", body] }
        let r = try await Program("/usr/bin/curl", args + [url]).finish()
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    @Test func serve_onATakenPort_exitsNonZeroNamingPort_andFiresNothing() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try ServeProcess(database: dir.appendingPathComponent("a.db").path, extra: ["--log-dir", dir.path])
        let base = try await first.waitUntilListening()
        let port = String(base.split(separator: ":").last!)
        let db = dir.appendingPathComponent("b.db").path
        let add = try await CLI.run(["schedule", "add", "--name", "tick", "--every", "1s", "--http", "http://127.0.0.1:1/", "--database", db])
        #expect(add.status == 0, "\(add.stderr)")
        let second = try ServeProcess(database: db, extra: ["--port", port, "--log-dir", dir.path])
        let status = try await second.waitForExit()
        #expect(status != 0, "\(second.output)")
        #expect(second.output.contains("--port: cannot listen on 127.0.0.1:\(port)"), "\(second.output)")
        #expect(!second.output.contains("listening"))
        // Its due schedule has no run: the engine never started.
        let history = try await CLI.run(["schedule", "history", "tick", "--json", "--database", db])
        #expect(history.status == 0 && history.stdout.filter { !$0.isWhitespace } == "[]", "\(history.stdout)")
        first.signal(SIGTERM)
        _ = try await first.waitForExit()
    }

    @Test func serve_tellsAtStartWhatAnOpenLoopbackServerAllows() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let serve = try ServeProcess(database: dir.appendingPathComponent("pacer.db").path,
                                     extra: ["--allow-commands", "--allow-env", "HOOK=https://hooks.example.com/"])
        _ = try await serve.waitUntilListening()
        try await eventually("the notice") { serve.output.contains("log deliveries:") }
        let output = serve.output
        #expect(output.contains("no API tokens exist"))
        #expect(output.contains("open, with every scope, to every process and user of this machine"))
        #expect(output.contains("run programs as this user"))
        #expect(output.contains("pacer tokens create NAME --scope admin"))
        #expect(output.contains("environment variables definitions may name: HOOK=https://hooks.example.com/"))
        #expect(output.contains("log deliveries: off"))
        serve.signal(SIGTERM)
        _ = try await serve.waitForExit()
    }

    /// Every numeric field of a definition at 1e300 (and other extremes), through the real API:
    /// each refused with the field named, nothing stored, and the server still answering.
    @Test func serve_extremeNumbersInEveryField_areRefused_andTheServerStaysUp() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("pacer.db").path
        let serve = try ServeProcess(database: db, extra: ["--allow-commands", "--log-dir", dir.path])
        let base = try await serve.waitUntilListening()
        let fields: [(String, String)] = [
            ("policies.retry.backoff_base_seconds", #""policies": {"retry": {"max_attempts": 3, "backoff_base_seconds": 1e300, "backoff_cap_seconds": 1e300}}"#),
            ("policies.retry.backoff_cap_seconds", #""policies": {"retry": {"backoff_cap_seconds": 1e300}}"#),
            ("policies.retry.backoff_factor", #""policies": {"retry": {"backoff_factor": 1e300}}"#),
            ("policies.retry.jitter_fraction", #""policies": {"retry": {"jitter_fraction": 1e300}}"#),
            ("policies.retry.max_attempts", #""policies": {"retry": {"max_attempts": 1e300}}"#),
            ("policies.misfire_grace", #""policies": {"misfire_grace": 1e300}"#),
            ("policies.catchup_limit", #""policies": {"catchup_limit": 1e300}"#),
            ("policies.timeout_seconds", #""policies": {"timeout_seconds": 1e300}"#),
            ("policies.pause_after_failures", #""policies": {"pause_after_failures": 1e300}"#),
            ("policies.keep_last", #""policies": {"keep_last": 1e300}"#),
            ("caps.max_resumes", #""caps": {"max_resumes": 1e300}"#),
            ("caps.max_lifetime_hours", #""caps": {"max_lifetime_hours": 1e300}"#),
            ("caps.max_total_tokens", #""caps": {"max_total_tokens": 1e300}"#),
            ("caps.max_cost", #""caps": {"max_cost": 1e300}"#),
            ("timing.jitter", #""timing": {"rule": "every 1m", "jitter": 1e300}"#),
            ("timing.max_fires", #""timing": {"rule": "every 1m", "max_fires": 1e300}"#),
            ("dispatch.max_items_per_fire", #""dispatch": {"max_items_per_fire": 1e300}"#),
            ("every", #""every": "99999999999999999999s""#),
        ]
        for (field, member) in fields {
            let timing = member.contains("\"timing\"") || member.contains("\"every\"") ? "" : #""every": "1m", "#
            let body = #"{"name": "x", \#(timing)"target": {"kind": "http", "url": "https://example.com/"}, \#(member)}"#
            let r = try await curl(base + "/v1/schedules", method: "POST", headers: ["Content-Type: application/json"], body: body)
            #expect(r.status == 422, "\(field): \(r.status) \(r.body)")
            #expect(r.body.contains("\"field\":\"\(field)\""), "\(field): \(r.body)")
        }
        let agent = try await curl(base + "/v1/agents", method: "POST", headers: ["Content-Type: application/json"],
                                   body: #"{"name": "a", "base_url": "https://e.com/v1", "model": "m", "max_turns": 1e300, "input_price_per_million": 1e300}"#)
        #expect(agent.status == 422, "\(agent.body)")
        let health = try await curl(base + "/healthz")
        #expect(health.status == 200 && serve.program.isRunning, "\(serve.output)")
        let list = try await curl(base + "/v1/schedules")
        #expect(list.body.contains("\"schedules\":[]"), "\(list.body)")
        // The CLI refuses what it cannot represent too, with exit status 2 and no crash.
        for args in [["--every", "99999999999999999999s"], ["--every", "30s", "--max-lifetime", "99999999999999999999h"],
                     ["--every", "30s", "--max-cost", "1e300"], ["--every", "30s", "--backoff-base", "1e300"]] {
            let r = try await CLI.run(["schedule", "add", "--name", "x", "--http", "https://example.com/", "--database", db] + args)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderr.hasPrefix("pacer: "), "\(args): \(r.stderr)")
        }
        serve.signal(SIGTERM)
        #expect(try await serve.waitForExit() == 0)
    }

    @Test func serve_refusesDNSRebinding_crossSiteWrites_andFormBodies_overRealHTTP() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let serve = try ServeProcess(database: dir.appendingPathComponent("pacer.db").path, extra: ["--allow-commands"])
        let base = try await serve.waitUntilListening()
        let command = #"{"name": "pwn", "every": "30s", "target": {"kind": "command", "argv": ["/usr/bin/touch", "\#(dir.path)/pwned"]}}"#
        let rebinding = try await curl(base + "/v1/schedules", headers: ["Host: attacker.example:80"])
        #expect(rebinding.status == 403 && rebinding.body.contains("forbidden_host"), "\(rebinding)")
        let page = try await curl(base + "/", headers: ["Host: attacker.example"])
        #expect(page.status == 403)
        let rebindWrite = try await curl(base + "/v1/schedules", method: "POST",
                                         headers: ["Host: attacker.example", "Content-Type: application/json"], body: command)
        #expect(rebindWrite.status == 403)
        let noCors = try await curl(base + "/v1/schedules", method: "POST", headers: ["Content-Type: text/plain;charset=UTF-8",
                                                                                      "Origin: http://127.0.0.1:9"], body: command)
        #expect(noCors.status == 403 || noCors.status == 415, "\(noCors)")
        let plain = try await curl(base + "/v1/schedules", method: "POST", headers: ["Content-Type: text/plain"], body: command)
        #expect(plain.status == 415 && plain.body.contains("unsupported_media_type"), "\(plain)")
        let form = try await curl(base + "/v1/schedules", method: "POST", body: "name=pwn")
        #expect(form.status == 415, "curl's default form body: \(form)")
        let list = try await curl(base + "/v1/schedules")
        #expect(list.body.contains("\"schedules\":[]"), "\(list.body)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/pwned"))
        serve.signal(SIGTERM)
        #expect(try await serve.waitForExit() == 0)
    }
}
