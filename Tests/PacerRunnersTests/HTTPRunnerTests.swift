import Foundation
import PacerCore
import PacerTesting
import Testing
@testable import PacerRunners

@Suite struct HTTPRunnerTests {
    @Test func http_when2xx_succeedsWithBodyAndSendsIdempotencyKey() async throws {
        try await withHTTPReceiver(responder: { _ in .ok("accepted") }) { receiver in
            let target = HTTPTarget(method: "POST", url: receiver.url("/hooks/a?x=1"), headers: ["X-Team": "ops"],
                                    body: #"{"run": "{{run.id}}", "title": "{{item.title}}", "n": {{run.attempt}}}"#)
            let outcome = await httpRunner().run(request(.http(target), runID: "run_abc", item: ["title": "Hello"]))

            #expect(outcome == .succeeded(output: "accepted"))
            let sent = try #require(await receiver.requests.first)
            #expect(sent.method == "POST")
            #expect(sent.path == "/hooks/a")
            #expect(sent.query == "x=1")
            #expect(sent.header("Idempotency-Key") == request(.http(target), runID: "run_abc").run.idempotencyKey)
            #expect(sent.header("Idempotency-Key")?.wholeMatch(of: /fire_[0-9a-f]{32}/) != nil)
            #expect(sent.header("User-Agent") == "Pacer")
            #expect(sent.header("X-Team") == "ops")
            #expect(sent.header("Content-Type") == "application/json")
            #expect(sent.text == #"{"run": "run_abc", "title": "Hello", "n": 1}"#)
        }
    }

    @Test func http_whenBodyIsNotJSON_sendsPlainText() async throws {
        try await withHTTPReceiver { receiver in
            let target = HTTPTarget(method: "PUT", url: receiver.url("/t"), body: "schedule {{schedule.name}}")
            _ = await httpRunner().run(request(.http(target)))
            let sent = try #require(await receiver.requests.first)
            #expect(sent.method == "PUT")
            #expect(sent.text == "schedule Runner test")
            #expect(sent.header("Content-Type") == "text/plain; charset=utf-8")
        }
    }

    @Test func http_urlTemplate_fillsTheItem_percentEncoded() async throws {
        try await withHTTPReceiver { receiver in
            let target = HTTPTarget(url: receiver.url("/items/{{item.id}}?run={{run.id}}&n={{item.n}}"))
            #expect(schedule(.http(target)).validate().isEmpty, "\(schedule(.http(target)).validate())")
            let outcome = await httpRunner().run(request(.http(target), item: ["id": "a b/c?d", "n": 7]))
            #expect(outcome.status == .succeeded, "\(outcome.error ?? "")")
            let sent = try #require(await receiver.requests.first)
            #expect(sent.path == "/items/a%20b%2Fc%3Fd", "a value fills one segment: \(sent.path)")
            #expect(sent.query == "run=run_01test&n=7", "\(sent.query ?? "")")
        }
    }

    @Test(arguments: ["..", "."])
    func http_urlTemplate_valueMakingADotSegment_isRefused_nothingSent(id: String) async throws {
        try await withHTTPReceiver { receiver in
            let target = HTTPTarget(url: receiver.url("/v1/{{item.id}}/admin"))
            let outcome = await httpRunner().run(request(.http(target), item: ["id": .string(id)]))
            #expect(outcome.status == .failed && outcome.failure == .permanent)
            #expect(outcome.error?.contains("path segment") == true, "\(outcome.error ?? "")")
            #expect(await receiver.requests.isEmpty)
        }
    }

    @Test func http_targetHeaders_overrideUserAgentButNotIdempotencyKey() async throws {
        try await withHTTPReceiver { receiver in
            let target = HTTPTarget(url: receiver.url("/"), headers: ["User-Agent": "custom/1", "Idempotency-Key": "mine"])
            _ = await httpRunner().run(request(.http(target), runID: "run_xyz"))
            let sent = try #require(await receiver.requests.first)
            #expect(sent.header("User-Agent") == "custom/1")
            #expect(sent.header("Idempotency-Key")?.hasPrefix("fire_") == true)
            #expect(sent.headers.filter { $0.name.lowercased() == "idempotency-key" }.count == 1)
        }
    }

    @Test func http_headersFromEnv_sendsValueReadAtRunTime() async throws {
        try await withHTTPReceiver { receiver in
            let target = HTTPTarget(url: receiver.url("/"), headersFromEnv: ["Authorization": "HOOK_TOKEN"])
            let outcome = await httpRunner(["HOOK_TOKEN": "Bearer s3cret"]).run(request(.http(target)))
            #expect(outcome.status == .succeeded)
            let sent = try #require(await receiver.requests.first)
            #expect(sent.header("Authorization") == "Bearer s3cret")
        }
    }

    @Test func http_secretEchoedBack_isRedactedFromTheOutputAndTheError() async throws {
        try await withHTTPReceiver(responder: { request in
            .json(#"{"you_sent": "\#(request.header("Authorization") ?? "")"}"#, status: request.path == "/fail" ? 500 : 200)
        }) { receiver in
            let secret = "Bearer s3cret-4711"
            for path in ["/ok", "/fail"] {
                let target = HTTPTarget(url: receiver.url(path), headersFromEnv: ["Authorization": "HOOK_TOKEN"])
                let outcome = await httpRunner(["HOOK_TOKEN": secret]).run(request(.http(target)))
                #expect(outcome.output?.contains("s3cret") == false, "\(outcome)")
                #expect(outcome.output?.contains(Redaction.mask) == true, "\(outcome)")
                #expect(outcome.error?.contains("s3cret") != true)
            }
            #expect(await receiver.requests.map { $0.header("Authorization") } == [secret, secret])
        }
    }

    @Test func http_variableNotOnTheServersList_isNeverRead_andTheRunFailsPermanently() async throws {
        try await withHTTPReceiver { receiver in
            let target = HTTPTarget(url: receiver.url("/"), headersFromEnv: ["X-Leak": "AWS_SECRET_ACCESS_KEY"])
            let runner = HTTPRunner(configuration: .init(environment: RunnerEnvironment.fixed(["AWS_SECRET_ACCESS_KEY": "leak"])
                                                            .allowing(["HOOK_TOKEN"])), client: sharedClient)
            let outcome = await runner.run(request(.http(target)))
            #expect(outcome.failure == .permanent)
            #expect(outcome.error?.contains("AWS_SECRET_ACCESS_KEY") == true && outcome.error?.contains("--allow-env") == true)
            #expect(await receiver.requests.isEmpty)
        }
    }

    @Test func http_pinnedSecret_goesOnlyToItsDestination_andNeverFollowsARedirectToAnotherOrigin() async throws {
        try await withHTTPReceiver { elsewhere in
            try await withHTTPReceiver(responder: { request in
                request.path == "/redirect" ? ScriptedResponse(status: 302, headers: ["Location": elsewhere.url("/stolen")])
                    : request.path == "/same" ? ScriptedResponse(status: 307, headers: ["Location": "/landed"]) : .ok("fine")
            }) { pinned in
                let env = RunnerEnvironment.fixed(["K": "s3cret-value"]).allowing([.init(name: "K", destination: pinned.url + "/")])
                let runner = HTTPRunner(configuration: .init(environment: env), client: sharedClient)
                // Sent elsewhere directly: refused before anything leaves.
                let direct = await runner.run(request(.http(HTTPTarget(url: elsewhere.url("/direct"), headersFromEnv: ["X-Key": "K"]))))
                #expect(direct.failure == .permanent && direct.error?.contains("may not be sent to") == true, "\(direct)")
                // Redirected elsewhere: followed without the secret.
                let redirected = await runner.run(request(.http(HTTPTarget(url: pinned.url("/redirect"), headersFromEnv: ["X-Key": "K"]))))
                #expect(redirected.status == .succeeded, "\(redirected)")
                let stolen = await elsewhere.requests
                #expect(stolen.map(\.path) == ["/stolen"])
                #expect(stolen.first?.header("X-Key") == nil)
                // Redirected within the origin: the secret goes along.
                _ = await runner.run(request(.http(HTTPTarget(url: pinned.url("/same"), headersFromEnv: ["X-Key": "K"]))))
                #expect(await pinned.requests.last?.path == "/landed")
                #expect(await pinned.requests.last?.header("X-Key") == "s3cret-value")
            }
        }
    }

    @Test func http_whenEnvVariableMissing_failsPermanentlyNamingIt() async throws {
        try await withHTTPReceiver { receiver in
            let target = HTTPTarget(url: receiver.url("/"), headersFromEnv: ["Authorization": "HOOK_TOKEN"])
            let outcome = await httpRunner(["OTHER": "x"]).run(request(.http(target)))
            #expect(outcome.status == .failed)
            #expect(outcome.failure == .permanent)
            #expect(outcome.error == "environment variable HOOK_TOKEN (for header Authorization) is not set")
            #expect(await receiver.requests.isEmpty)
        }
    }

    @Test(arguments: [
        (400, RunOutcome.Failure.permanent, "HTTP 400 Bad Request"),
        (404, .permanent, "HTTP 404 Not Found"),
        (408, .transient, "HTTP 408 Request Timeout"),
        (422, .permanent, "HTTP 422 Unprocessable Content"),
        (429, .transient, "HTTP 429 Too Many Requests"),
        (500, .transient, "HTTP 500 Internal Server Error"),
        (503, .transient, "HTTP 503 Service Unavailable"),
    ])
    func http_whenNon2xx_failsClassified(status: Int, failure: RunOutcome.Failure, error: String) async throws {
        try await withHTTPReceiver(responder: { _ in ScriptedResponse(status: status, body: "nope") }) { receiver in
            let outcome = await httpRunner().run(request(.http(HTTPTarget(url: receiver.url("/")))))
            #expect(outcome.status == .failed)
            #expect(outcome.failure == failure)
            #expect(outcome.error == error)
            #expect(outcome.output == "nope")
            #expect(outcome.retryAfter == nil)
        }
    }

    @Test func http_when429_honoursRetryAfter() async throws {
        try await withHTTPReceiver(responder: { _ in ScriptedResponse(status: 429, headers: ["Retry-After": "120"]) }) { receiver in
            let outcome = await httpRunner().run(request(.http(HTTPTarget(url: receiver.url("/")))))
            #expect(outcome.failure == .transient)
            #expect(outcome.retryAfter == 120)
        }
    }

    @Test func http_when503WithRetryAfterDate_givesSecondsFromNow() async throws {
        let now = Date(timeIntervalSince1970: 784_111_717)  // Sun, 06 Nov 1994 08:48:37 GMT
        let answer = ScriptedResponse(status: 503, headers: ["Retry-After": "Sun, 06 Nov 1994 08:49:37 GMT"])
        try await withHTTPReceiver(responder: { _ in answer }) { receiver in
            let outcome = await httpRunner(clock: ManualClock(now)).run(request(.http(HTTPTarget(url: receiver.url("/")))))
            #expect(outcome.error == "HTTP 503 Service Unavailable")
            #expect(outcome.retryAfter == 60)
        }
    }

    @Test func http_longBody_keepsExcerpt() async throws {
        let long = String(repeating: "x", count: 200_000)
        try await withHTTPReceiver(responder: { _ in .ok(long) }) { receiver in
            let outcome = await httpRunner().run(request(.http(HTTPTarget(url: receiver.url("/")))))
            #expect(outcome.status == .succeeded)
            #expect(outcome.output?.count == Run.outputExcerptLimit)
        }
    }

    @Test func http_whenServerUnreachable_failsTransiently() async throws {
        let url = try await deadURL()
        let outcome = await httpRunner().run(request(.http(HTTPTarget(url: url))))
        #expect(outcome.status == .failed)
        #expect(outcome.failure == .transient)
        #expect(outcome.error == "could not reach the server: connection refused")
    }

    @Test func http_whenURLInvalid_failsPermanently() async {
        let outcome = await httpRunner().run(request(.http(HTTPTarget(url: "ftp://example.com/file"))))
        #expect(outcome.status == .failed)
        #expect(outcome.failure == .permanent)
    }

    @Test func http_whenBodyTemplateBroken_failsPermanently() async {
        let target = HTTPTarget(method: "POST", url: "http://127.0.0.1:1/", body: "{{#items}} unclosed")
        let outcome = await httpRunner().run(request(.http(target)))
        #expect(outcome.failure == .permanent)
        #expect(outcome.error?.hasPrefix("body template:") == true)
    }

    @Test func http_whenTargetIsNotHTTP_failsPermanently() async {
        let outcome = await httpRunner().run(request(.command(CommandTarget(argv: ["true"]))))
        #expect(outcome.failure == .permanent)
    }

    @Test(arguments: [true, false])
    func http_whenTaskCancelled_returnsPromptly(slowBody: Bool) async throws {
        let slow = slowBody ? ScriptedResponse(body: "late", bodyDelay: .seconds(600)) : ScriptedResponse(delay: .seconds(600))
        try await withHTTPReceiver(responder: { _ in slow }) { receiver in
            let runner = httpRunner()
            let task = Task { await runner.run(request(.http(HTTPTarget(url: receiver.url("/slow"))))) }
            try await receiver.waitForRequests(count: 1)
            try await Task.sleep(for: .milliseconds(100))
            var outcome: RunOutcome?
            let elapsed = await seconds {
                task.cancel()
                outcome = await task.value
            }
            // A guard against waiting for the 600 s answer, not a timing bound.
            #expect(elapsed < 300)
            #expect(outcome?.status == .failed)
        }
    }

    @Test func http_ownClient_shutsDown() async throws {
        let runner = HTTPRunner(configuration: .init(environment: .fixed([:])))
        try await withHTTPReceiver { receiver in
            let outcome = await runner.run(request(.http(HTTPTarget(url: receiver.url("/")))))
            #expect(outcome.status == .succeeded)
        }
        try await runner.shutdown()
    }
}
