import Foundation
import PacerCore

/// Chat deliveries: a Slack incoming webhook and the Telegram Bot API.
extension StandardDeliverer {
    /// Telegram refuses messages longer than this many characters.
    static let telegramTextLimit = 4096

    /// POSTs `{"text": summary}` to the Slack webhook URL, given directly or by variable name.
    func slack(_ report: RunReport, to slack: SlackDelivery) async throws {
        let url: String
        if let direct = slack.webhookURL {
            url = direct
        } else if let variable = slack.webhookURLEnv {
            url = try configuration.environment.secret(variable, for: "the Slack webhook URL")
        } else {
            throw RunnerError(.invalidRequest, "the Slack delivery names no webhook URL")
        }
        var exchange = HTTPExchange(method: "POST", url: url)
        exchange.set("Content-Type", "application/json")
        exchange.body = try Self.encode(["text": report.summary])
        try await post(exchange, service: "Slack", secret: url)
    }

    /// POSTs `{"chat_id": ..., "text": summary}` to `{base_url}/bot{token}/sendMessage`.
    func telegram(_ report: RunReport, to telegram: TelegramDelivery) async throws {
        let token = try configuration.environment.secret(telegram.botTokenEnv, for: "the Telegram bot token", sentTo: telegram.baseURL)
        var base = telegram.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        var exchange = HTTPExchange(method: "POST", url: "\(base)/bot\(token)/sendMessage")
        exchange.set("Content-Type", "application/json")
        exchange.body = try Self.encode(["chat_id": telegram.chatID,
                                         "text": String(report.summary.prefix(Self.telegramTextLimit))])
        try await post(exchange, service: "Telegram", secret: token) { answer in
            // The Bot API explains errors as {"ok": false, "description": "..."}.
            let object = try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any]
            return object?["description"] as? String ?? answer.text
        }
    }

    private static func encode(_ object: [String: String]) throws(RunnerError) -> [UInt8] {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return Array(try encoder.encode(object))
        } catch {
            throw RunnerError(.invalidRequest, "cannot encode the message: \(error)")
        }
    }
}
