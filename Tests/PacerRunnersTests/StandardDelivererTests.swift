import Foundation
import PacerCore
import PacerTesting
import Synchronization
import Testing
@testable import PacerRunners

@Suite struct StandardDelivererTests {
    private func deliverer(env: [String: String] = [:], logDirectory: String? = "/tmp",
                           stdout: (@Sendable ([UInt8]) throws -> Void)? = nil) -> StandardDeliverer {
        StandardDeliverer(configuration: .init(environment: .fixed(env), logDirectory: logDirectory), client: sharedClient,
                          standardOutput: stdout)
    }

    @Test func deliver_stdout_writesOneJSONLine() async throws {
        let written = Mutex<[UInt8]>([])
        let d = deliverer(stdout: { bytes in written.withLock { $0 += bytes } })
        try await d.deliver(report(), to: .stdout)
        let text = written.withLock { String(decoding: $0, as: UTF8.self) }
        #expect(text.hasSuffix("\n"))
        #expect(text.filter { $0 == "\n" }.count == 1)
        let decoded = try PacerJSON.decode(RunReport.self, from: Data(text.utf8))
        #expect(decoded == report())
        #expect(text.contains(#""run_id":"run_01report""#))
        #expect(text.contains(#""scheduled_at":"2026-03-08T09:00:00Z""#))
    }

    @Test func deliver_stdout_defaultWritesToProcessStandardOutput() async throws {
        try await StandardDeliverer(configuration: .init(environment: .fixed([:])), client: sharedClient)
            .deliver(report(runID: "run_stdout_smoke"), to: .stdout)
    }

    @Test func deliver_log_createsFileWithMode0600AndAppendsLines() async throws {
        let path = try temporaryDirectory().appendingPathComponent("runs.log").path
        let d = deliverer()
        try await d.deliver(report(runID: "run_1"), to: .log(LogDelivery(path: path)))
        try await d.deliver(report(runID: "run_2"), to: .log(LogDelivery(path: path)))

        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(try lines.map { try PacerJSON.decode(RunReport.self, from: Data($0.utf8)).runID } == ["run_1", "run_2"])
    }

    @Test func deliver_log_concurrentAppends_doNotInterleave() async throws {
        let path = try temporaryDirectory().appendingPathComponent("busy.log").path
        let d = deliverer()
        let long = String(repeating: "0123456789", count: 400)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<200 {
                group.addTask { try await d.deliver(report(output: long, runID: "run_\(i)"), to: .log(LogDelivery(path: path))) }
            }
            try await group.waitForAll()
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 200)
        let ids = try Set(lines.map { try PacerJSON.decode(RunReport.self, from: Data($0.utf8)).runID })
        #expect(ids.count == 200)
    }

    @Test func deliver_log_outsideTheLogDirectory_orWithoutOne_isRefused_andWritesNothing() async throws {
        let dir = try temporaryDirectory()
        let outside = try temporaryDirectory().appendingPathComponent("escape.log").path
        let error = await #expect(throws: RunnerError.self) {
            try await deliverer(logDirectory: dir.path).deliver(report(), to: .log(LogDelivery(path: outside)))
        }
        #expect(error?.code == .fileError)
        #expect(error?.message.contains("not inside the log directory \(dir.path)") == true)
        let dotted = await #expect(throws: RunnerError.self) {
            try await deliverer(logDirectory: dir.path).deliver(report(), to: .log(LogDelivery(path: dir.path + "/../escape.log")))
        }
        #expect(dotted?.message.contains("not a plain path") == true)
        let off = await #expect(throws: RunnerError.self) {
            try await deliverer(logDirectory: nil).deliver(report(), to: .log(LogDelivery(path: dir.path + "/runs.log")))
        }
        #expect(off?.message.contains("log deliveries are off") == true)
        #expect(!FileManager.default.fileExists(atPath: outside))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func deliver_log_throughASymbolicLink_isRefused_andTheTargetIsUntouched() async throws {
        let dir = try temporaryDirectory(), elsewhere = try temporaryDirectory()
        let target = elsewhere.appendingPathComponent("profile").path
        try Data("echo safe\n".utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/runs.log", withDestinationPath: target)
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/sub", withDestinationPath: elsewhere.path)
        let d = deliverer(logDirectory: dir.path)
        let file = await #expect(throws: RunnerError.self) { try await d.deliver(report(), to: .log(LogDelivery(path: dir.path + "/runs.log"))) }
        #expect(file?.message.contains("symbolic link") == true)
        let directory = await #expect(throws: RunnerError.self) {
            try await d.deliver(report(), to: .log(LogDelivery(path: dir.path + "/sub/profile")))
        }
        #expect(directory?.message.contains("not a directory inside the log directory") == true)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "echo safe\n")
    }

    @Test func deliver_log_toAHardLink_isRefused_andTheOtherNameIsUntouched() async throws {
        let dir = try temporaryDirectory(), elsewhere = try temporaryDirectory()
        let target = elsewhere.appendingPathComponent("target").path
        try Data("kept\n".utf8).write(to: URL(fileURLWithPath: target))
        #expect(link(target, dir.path + "/runs.log") == 0)
        let error = await #expect(throws: RunnerError.self) {
            try await deliverer(logDirectory: dir.path).deliver(report(), to: .log(LogDelivery(path: dir.path + "/runs.log")))
        }
        #expect(error?.message.contains("other links") == true)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "kept\n")
    }

    @Test func deliver_log_toAFIFO_failsAtOnce_andOtherDeliveriesKeepFlowing() async throws {
        let dir = try temporaryDirectory()
        let fifo = dir.path + "/pipe.log"
        #expect(mkfifo(fifo, 0o600) == 0)
        let written = Mutex<[UInt8]>([])
        let d = deliverer(logDirectory: dir.path, stdout: { bytes in written.withLock { $0 += bytes } })
        let error = await #expect(throws: RunnerError.self) { try await d.deliver(report(), to: .log(LogDelivery(path: fifo))) }
        #expect(error?.message.contains("not a regular file") == true)
        try await d.deliver(report(runID: "run_after"), to: .log(LogDelivery(path: dir.path + "/runs.log")))
        try await d.deliver(report(runID: "run_after"), to: .stdout)
        #expect(try String(contentsOfFile: dir.path + "/runs.log", encoding: .utf8).contains("run_after"))
        #expect(written.withLock { String(decoding: $0, as: UTF8.self) }.contains("run_after"))
    }

    @Test func deliver_whileStandardOutputIsStuck_logFilesStillGetTheirLines() async throws {
        let dir = try temporaryDirectory()
        let release = DispatchSemaphore(value: 0)
        // A standard output nobody reads: its write blocks its own thread until released.
        let d = deliverer(logDirectory: dir.path, stdout: { _ in release.wait() })
        let stuck = Task { try await d.deliver(report(runID: "run_stuck"), to: .stdout) }
        for i in 0..<20 {
            try await d.deliver(report(runID: "run_\(i)"), to: .log(LogDelivery(path: dir.path + "/runs.log")))
        }
        #expect(try String(contentsOfFile: dir.path + "/runs.log", encoding: .utf8).split(separator: "\n").count == 20)
        release.signal()
        try await stuck.value
    }

    @Test func deliver_webhook_postsSnakeCaseReportWithHeaders() async throws {
        try await withHTTPReceiver { receiver in
            let hook = WebhookDelivery(url: receiver.url("/hook"), headers: ["X-Team": "ops"],
                                       headersFromEnv: ["Authorization": "HOOK_TOKEN"])
            try await deliverer(env: ["HOOK_TOKEN": "Bearer w"]).deliver(report(), to: .webhook(hook))
            let sent = try #require(await receiver.requests.first)
            #expect(sent.method == "POST")
            #expect(sent.path == "/hook")
            #expect(sent.header("Content-Type") == "application/json")
            #expect(sent.header("Authorization") == "Bearer w")
            #expect(sent.header("X-Team") == "ops")
            #expect(sent.header("Idempotency-Key") == "run_01report")
            let object = try #require(sent.json as? [String: Any])
            #expect(object["schedule_name"] as? String == "Runner test")
            #expect(object["run_id"] as? String == "run_01report")
            #expect(object["item_key"] as? String == "item-7")
            #expect(object["status"] as? String == "succeeded")
            #expect(try PacerJSON.decode(RunReport.self, from: Data(sent.body)) == report())
        }
    }

    @Test func deliver_webhook_whenNon2xx_throwsWithStatus() async throws {
        try await withHTTPReceiver(responder: { _ in ScriptedResponse(status: 502, body: "upstream down") }) { receiver in
            let error = await #expect(throws: RunnerError.self) {
                try await deliverer().deliver(report(), to: .webhook(WebhookDelivery(url: receiver.url("/"))))
            }
            #expect(error?.code == .httpStatus)
            #expect(error?.message == "webhook answered HTTP 502 Bad Gateway: upstream down")
        }
    }

    @Test func deliver_webhook_whenUnreachable_throwsNetworkError() async throws {
        let url = try await deadURL()
        let error = await #expect(throws: RunnerError.self) {
            try await deliverer().deliver(report(), to: .webhook(WebhookDelivery(url: url)))
        }
        #expect(error?.code == .network)
        #expect(error?.message == "webhook delivery failed: could not reach the server: connection refused")
    }

    @Test func deliver_webhook_whenSecretMissing_namesTheVariable() async throws {
        let hook = WebhookDelivery(url: "http://127.0.0.1:1/", headersFromEnv: ["Authorization": "HOOK_TOKEN"])
        let error = await #expect(throws: RunnerError.self) { try await deliverer().deliver(report(), to: .webhook(hook)) }
        #expect(error?.message == "environment variable HOOK_TOKEN (for header Authorization) is not set")
    }

    @Test func deliver_slack_postsSummaryText() async throws {
        try await withHTTPReceiver(responder: { _ in .ok("ok") }) { receiver in
            try await deliverer().deliver(report(), to: .slack(SlackDelivery(webhookURL: receiver.url("/services/T/B/X"))))
            let sent = try #require(await receiver.requests.first)
            #expect(sent.path == "/services/T/B/X")
            #expect(sent.header("Content-Type") == "application/json")
            let object = try #require(sent.json as? [String: Any])
            #expect(object.keys.sorted() == ["text"])
            #expect(object["text"] as? String == report().summary)
        }
    }

    @Test func deliver_slack_readsWebhookURLFromEnvironment() async throws {
        try await withHTTPReceiver(responder: { _ in ScriptedResponse(status: 404, body: "no_service") }) { receiver in
            let secretURL = receiver.url("/services/SECRET")
            let d = deliverer(env: ["SLACK_HOOK": secretURL])
            let error = await #expect(throws: RunnerError.self) {
                try await d.deliver(report(), to: .slack(SlackDelivery(webhookURLEnv: "SLACK_HOOK")))
            }
            #expect(await receiver.requests.first?.path == "/services/SECRET")
            #expect(error?.message == "Slack answered HTTP 404 Not Found: no_service")
            #expect(error?.message.contains("SECRET") == false)
        }
    }

    @Test func deliver_slack_whenVariableMissing_namesIt() async throws {
        let error = await #expect(throws: RunnerError.self) {
            try await deliverer().deliver(report(), to: .slack(SlackDelivery(webhookURLEnv: "SLACK_HOOK")))
        }
        #expect(error?.message == "environment variable SLACK_HOOK (for the Slack webhook URL) is not set")
    }

    @Test func deliver_telegram_postsToBotAPI() async throws {
        try await withHTTPReceiver(responder: { _ in .json(#"{"ok": true}"#) }) { receiver in
            let telegram = TelegramDelivery(botTokenEnv: "TG_TOKEN", chatID: "-100123", baseURL: receiver.url + "/")
            try await deliverer(env: ["TG_TOKEN": "123:abc"]).deliver(report(error: "boom"), to: .telegram(telegram))
            let sent = try #require(await receiver.requests.first)
            #expect(sent.method == "POST")
            #expect(sent.path == "/bot123:abc/sendMessage")
            let object = try #require(sent.json as? [String: Any])
            #expect(object["chat_id"] as? String == "-100123")
            #expect(object["text"] as? String == "Runner test run_01report succeeded [item-7]: boom")
        }
    }

    @Test func deliver_telegram_whenRefused_givesDescriptionWithoutToken() async throws {
        let refusal = ScriptedResponse.json(#"{"ok": false, "error_code": 400, "description": "Bad Request: chat not found"}"#, status: 400)
        try await withHTTPReceiver(responder: { _ in refusal }) { receiver in
            let telegram = TelegramDelivery(botTokenEnv: "TG_TOKEN", chatID: "42", baseURL: receiver.url)
            let error = await #expect(throws: RunnerError.self) {
                try await deliverer(env: ["TG_TOKEN": "999:zzz"]).deliver(report(), to: .telegram(telegram))
            }
            #expect(error?.message == "Telegram answered HTTP 400 Bad Request: Bad Request: chat not found")
        }
    }

    @Test func deliver_telegram_whenUnreachable_doesNotLeakToken() async throws {
        let url = try await deadURL()
        let telegram = TelegramDelivery(botTokenEnv: "TG_TOKEN", chatID: "42", baseURL: url)
        let error = await #expect(throws: RunnerError.self) {
            try await deliverer(env: ["TG_TOKEN": "999:zzz"]).deliver(report(), to: .telegram(telegram))
        }
        #expect(error?.message.contains("999:zzz") == false)
        #expect(error?.message.hasPrefix("Telegram delivery failed:") == true, "\(error?.message ?? "")")
    }

    @Test func deliver_telegram_whenTokenMissing_namesTheVariable() async throws {
        let error = await #expect(throws: RunnerError.self) {
            try await deliverer().deliver(report(), to: .telegram(TelegramDelivery(botTokenEnv: "TG_TOKEN", chatID: "42")))
        }
        #expect(error?.message == "environment variable TG_TOKEN (for the Telegram bot token) is not set")
    }

    @Test func deliver_email_isNotSupportedYet() async throws {
        let email = EmailDelivery(smtpHost: "smtp.example.com", from: "a@example.com", to: ["b@example.com"])
        let error = await #expect(throws: RunnerError.self) { try await deliverer().deliver(report(), to: .email(email)) }
        #expect(error?.code == .unsupported)
        #expect(error?.message == "email delivery is not supported yet")
    }

    @Test func deliver_none_doesNothing() async throws {
        let d = deliverer(stdout: { _ in Issue.record("nothing must be written") })
        try await d.deliver(report(), to: .none)
    }
}
