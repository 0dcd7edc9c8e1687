import Foundation
import PacerCore
import PacerTesting
import Testing
@testable import PacerRunners

@Suite struct SourceItemReaderTests {
    private func reader(allowCommands: Bool = true, env: [String: String] = commandEnvironment) -> SourceItemReader {
        SourceItemReader(allowCommands: allowCommands, configuration: .init(environment: .fixed(env)), client: sharedClient)
    }

    @Test func items_static_returnsTheList() async throws {
        let items = try await reader().items(from: .static([["id": 1], "two", 3]))
        #expect(items == [["id": 1], "two", 3])
    }

    @Test func items_http_getsJSONArrayWithHeaders() async throws {
        try await withHTTPReceiver(responder: { _ in .json(#"[{"id": 1, "title": "a"}, {"id": 2}]"#) }) { receiver in
            let source = HTTPItemSource(url: receiver.url("/items"), headers: ["X-Team": "ops"],
                                        headersFromEnv: ["Authorization": "ITEMS_TOKEN"])
            let items = try await reader(env: ["ITEMS_TOKEN": "Bearer t"]).items(from: .http(source))
            #expect(items == [["id": 1, "title": "a"], ["id": 2]])
            let sent = try #require(await receiver.requests.first)
            #expect(sent.method == "GET")
            #expect(sent.path == "/items")
            #expect(sent.header("X-Team") == "ops")
            #expect(sent.header("Authorization") == "Bearer t")
            #expect(sent.header("Accept") == "application/json")
            #expect(sent.header("User-Agent") == "Pacer")
        }
    }

    @Test func items_http_echoedSecret_neverBecomesItemData() async throws {
        try await withHTTPReceiver(responder: { request in
            .json(#"[{"k": "\#(request.header("X-Key") ?? "")", "id": 1}]"#)
        }) { receiver in
            let source = HTTPItemSource(url: receiver.url("/items"), headersFromEnv: ["X-Key": "K"])
            let items = try await reader(env: ["K": "supersecretvalue123"]).items(from: .http(source))
            #expect(items == [.object(["k": .string(Redaction.mask), "id": .number(1)])])
            #expect(await receiver.requests.first?.header("X-Key") == "supersecretvalue123")
        }
    }

    @Test func items_http_whenAnswerIsAnObject_saysItIsNotAnArray() async throws {
        try await withHTTPReceiver(responder: { _ in .json(#"{"items": []}"#) }) { receiver in
            let error = await #expect(throws: RunnerError.self) {
                try await reader().items(from: .http(HTTPItemSource(url: receiver.url("/"))))
            }
            #expect(error?.code == .notJSONArray)
            #expect(error?.message == "the item source's answer is a JSON object, not an array")
        }
    }

    @Test func items_http_whenAnswerIsNotJSON_saysSo() async throws {
        try await withHTTPReceiver(responder: { _ in .ok("<html>hi</html>") }) { receiver in
            let error = await #expect(throws: RunnerError.self) {
                try await reader().items(from: .http(HTTPItemSource(url: receiver.url("/"))))
            }
            #expect(error?.message.contains("is not JSON; expected a JSON array") == true)
        }
    }

    @Test func items_http_whenNon2xx_namesTheStatus() async throws {
        try await withHTTPReceiver(responder: { _ in ScriptedResponse(status: 500, body: "boom") }) { receiver in
            let error = await #expect(throws: RunnerError.self) {
                try await reader().items(from: .http(HTTPItemSource(url: receiver.url("/"))))
            }
            #expect(error?.message == "item source answered HTTP 500 Internal Server Error: boom")
            #expect(error?.httpStatus == 500)
        }
    }

    @Test func items_http_whenSecretMissing_namesTheVariable() async throws {
        let source = HTTPItemSource(url: "http://127.0.0.1:1/", headersFromEnv: ["Authorization": "ITEMS_TOKEN"])
        let error = await #expect(throws: RunnerError.self) { try await reader(env: [:]).items(from: .http(source)) }
        #expect(error?.code == .missingEnvironment)
        #expect(error?.message.contains("ITEMS_TOKEN") == true)
    }

    @Test func items_http_whenUnreachable_throwsNetworkError() async throws {
        let url = try await deadURL()
        let error = await #expect(throws: RunnerError.self) { try await reader().items(from: .http(HTTPItemSource(url: url))) }
        #expect(error?.code == .network)
        #expect(error?.message.hasPrefix("item source:") == true)
    }

    @Test func items_command_parsesPrintedArray() async throws {
        let source = CommandItemSource(argv: ["/bin/sh", "-c", #"echo "[{\"id\": \"$ITEM\"}, 2]"; echo noise >&2"#],
                                       env: ["ITEM": "x"])
        let items = try await reader().items(from: .command(source))
        #expect(items == [["id": "x"], 2])
    }

    @Test func items_command_whenCommandsDisabled_refuses() async throws {
        let error = await #expect(throws: RunnerError.self) {
            try await reader(allowCommands: false).items(from: .command(CommandItemSource(argv: ["echo", "[]"])))
        }
        #expect(error?.code == .commandsDisabled)
        #expect(error?.message == "command item source: commands are disabled on this server; start it with --allow-commands")
    }

    @Test func items_command_whenExitNonZero_includesStandardError() async throws {
        let source = CommandItemSource(argv: ["/bin/sh", "-c", "echo 'token expired' >&2; exit 2"])
        let error = await #expect(throws: RunnerError.self) { try await reader().items(from: .command(source)) }
        #expect(error?.message == "item command exited with status 2: token expired")
    }

    @Test func items_command_whenOutputIsNotAnArray_saysSo() async throws {
        let error = await #expect(throws: RunnerError.self) {
            try await reader().items(from: .command(CommandItemSource(argv: ["echo", "42"])))
        }
        #expect(error?.message == "the item command's output is a JSON number, not an array")
    }

    @Test func items_command_whenProgramMissing_saysSo() async throws {
        let error = await #expect(throws: RunnerError.self) {
            try await reader().items(from: .command(CommandItemSource(argv: ["pacer-no-such-program"])))
        }
        #expect(error?.code == .commandFailed)
        #expect(error?.message.contains("not found") == true)
    }
}
