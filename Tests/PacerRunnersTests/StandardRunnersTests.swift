import Foundation
import PacerCore
import PacerTesting
import Testing
@testable import PacerRunners

@Suite struct StandardRunnersTests {
    @Test func standardRunners_shareOneClientAndShutDown() async throws {
        let standard = StandardRunners(allowCommands: false, environment: .fixed([:]))
        let runners = standard.runners
        #expect(Set(runners.byKind.keys) == [.http, .command])
        #expect(standard.http.client === standard.client)
        #expect(standard.items.client === standard.client)
        #expect(standard.deliverer.client === standard.client)

        try await withHTTPReceiver { receiver in
            let outcome = await runners.byKind[.http]?.run(request(.http(HTTPTarget(url: receiver.url("/")))))
            #expect(outcome?.status == .succeeded)
        }
        let refused = await runners.byKind[.command]?.run(request(.command(CommandTarget(argv: ["true"]))))
        #expect(refused?.error == RunnerError.commandsDisabledMessage)
        try await standard.shutdown()
    }
}

@Suite struct HTTPReceiverTests {
    @Test func receiver_answersQueuedThenStanding_andRecordsRequests() async throws {
        try await withHTTPReceiver(responder: { request in .ok("standing \(request.path)") }) { receiver in
            await receiver.enqueue(ScriptedResponse(status: 503, headers: ["Retry-After": "3"], body: "first"))
            let runner = httpRunner()
            let first = await runner.run(request(.http(HTTPTarget(method: "DELETE", url: receiver.url("/a")))))
            let second = await runner.run(request(.http(HTTPTarget(url: receiver.url("/b")))))
            #expect(first.error == "HTTP 503 Service Unavailable")
            #expect(first.output == "first")
            #expect(first.retryAfter == 3)
            #expect(second.output == "standing /b")
            let requests = try await receiver.waitForRequests(count: 2)
            #expect(requests.map(\.method) == ["DELETE", "GET"])
            await receiver.reset()
            #expect(await receiver.requests.isEmpty)
        }
    }
}
