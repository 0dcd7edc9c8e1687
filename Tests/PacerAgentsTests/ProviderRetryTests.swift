import Foundation
import PacerCore
import Testing
@testable import PacerAgents

@Suite struct ProviderRetryTests {
    let context = ProviderFailure.Context(provider: "OpenAI", url: "http://h/v1/chat/completions", model: "gpt-x",
                                          apiKeyEnv: "OPENAI_API_KEY", keySent: true, timeout: 120)

    @Test func delay_backoffDoublesFromBaseAndIsCapped() {
        let options = ProviderOptions(backoffBase: 1)
        #expect((1...7).map { options.delay(beforeRetry: $0, retryAfter: nil) } == [1, 2, 4, 8, 16, 30, 30])
        #expect(ProviderOptions(backoffBase: 0.5).delay(beforeRetry: 2, retryAfter: nil) == 1)
    }

    @Test func delay_retryAfterWinsAndIsCappedAt60() {
        let options = ProviderOptions(backoffBase: 1)
        #expect(options.delay(beforeRetry: 1, retryAfter: 7) == 7)
        #expect(options.delay(beforeRetry: 3, retryAfter: 3600) == 60)
    }

    @Test(arguments: [
        (400, ModelError.Kind.badRequest, false), (401, .unauthorized, false), (403, .unauthorized, false),
        (404, .notFound, false), (418, .badRequest, false), (422, .badRequest, false), (429, .rateLimited, true),
        (500, .server, true), (501, .server, false), (502, .server, true), (503, .server, true), (504, .server, true),
        (529, .server, true),
    ])
    func classify_status_givesKindAndRetryability(status: Int, kind: ModelError.Kind, retryable: Bool) {
        let failure = ProviderFailure.classify(status: status, retryAfter: nil, body: Data("{}".utf8), context: context)
        #expect(failure.error.kind == kind)
        #expect(failure.error.status == status)
        #expect(failure.isRetryable == retryable)
    }

    @Test func classify_retryAfter_isHonouredOn429And503Only() {
        func retryAfter(_ status: Int, _ header: String) -> Double? {
            ProviderFailure.classify(status: status, retryAfter: header, body: Data(), context: context).error.retryAfter
        }
        #expect(retryAfter(429, "7") == 7)
        #expect(retryAfter(503, " 2 ") == 2)
        #expect(retryAfter(502, "7") == nil)
        #expect(retryAfter(429, "Wed, 21 Oct 2015 07:28:00 GMT") == nil)
    }

    @Test func classify_badRequest_quotesTheProvidersErrorMessage() {
        let body = #"{"error": {"message": "max_tokens: 99999 > 8192, the maximum", "type": "invalid_request_error"}}"#
        let failure = ProviderFailure.classify(status: 400, retryAfter: nil, body: Data(body.utf8), context: context)
        #expect(failure.error.message == "OpenAI refused the request (HTTP 400): max_tokens: 99999 > 8192, the maximum")
    }

    @Test func classify_unauthorized_namesTheEnvironmentVariable() {
        let failure = ProviderFailure.classify(status: 401, retryAfter: nil, body: Data(), context: context)
        #expect(failure.error.message.contains("OPENAI_API_KEY"))
        var keyless = context
        keyless.keySent = false
        keyless.apiKeyEnv = nil
        let noKey = ProviderFailure.classify(status: 401, retryAfter: nil, body: Data(), context: keyless)
        #expect(noKey.error.message.contains("no API key was sent"))
    }

    @Test func classify_notFound_namesURLAndModel() {
        let failure = ProviderFailure.classify(status: 404, retryAfter: nil, body: Data("404 page not found".utf8), context: context)
        #expect(failure.error.message.contains("http://h/v1/chat/completions"))
        #expect(failure.error.message.contains("'gpt-x'"))
    }

    @Test func classify_serverErrorWithHTMLBody_quotesAtMost200Characters() {
        let body = "<html>" + String(repeating: "busy ", count: 200) + "</html>"
        let failure = ProviderFailure.classify(status: 502, retryAfter: nil, body: Data(body.utf8), context: context)
        #expect(failure.error.message.hasPrefix("OpenAI server error (HTTP 502): <html>busy"))
        #expect(failure.error.message.count < 260)
    }
}
