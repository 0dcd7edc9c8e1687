import AsyncHTTPClient
import Foundation
import NIOCore
import PacerCore
import PacerHTTP
import PacerRunners
import PacerTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The client's typed errors, read without their descriptions.
@Suite struct HTTPClientFailureTests {
    @Test(arguments: [
        (ECONNREFUSED, "connection refused"), (ECONNRESET, "connection reset by peer"),
        (ENETUNREACH, "network is unreachable"), (EHOSTUNREACH, "no route to host"), (ETIMEDOUT, "connection timed out"),
    ])
    func systemErrors_readAsWords(code: CInt, words: String) {
        #expect(HTTPClientFailure(IOError(errnoCode: code, reason: "connect")) == .unreachable(words))
    }

    @Test func malformedRequests_arePermanent_andOthersAreNot() {
        let permanent: [HTTPClientError] = [
            .invalidURL, .emptyHost, .emptyScheme, .unsupportedScheme("ftp"), .invalidHeaderFieldNames(["a b"]),
        ]
        for error in permanent {
            #expect(HTTPClientFailure(error).isPermanent, "\(error)")
        }
        #expect(HTTPClientFailure(HTTPClientError.unsupportedScheme("ftp")) == .invalidRequest("unsupported scheme"))
        #expect(HTTPClientFailure(HTTPClientError.deadlineExceeded) == .deadlineExceeded)
        #expect(HTTPClientFailure(HTTPClientError.remoteConnectionClosed) == .closedEarly)
        #expect(HTTPClientFailure(HTTPClientError.redirectCycleDetected) == .tooManyRedirects)
        #expect(HTTPClientFailure(HTTPClientError.connectTimeout) == .unreachable("connect timeout"))
        #expect(HTTPClientFailure(ChannelError.connectTimeout(.seconds(1))) == .unreachable("connection timed out"))
        #expect(!HTTPClientFailure(HTTPClientError.remoteConnectionClosed).isPermanent)
    }

    /// A name that cannot resolve (`.invalid` is reserved) reads as such on a run, whether the
    /// resolver answers "unknown" or cannot be reached.
    @Test func unresolvableHost_saysTheNameCouldNotBeResolved() async throws {
        let outcome = await httpRunner().run(request(.http(HTTPTarget(url: "http://pacer-nowhere.invalid/"))))
        #expect(outcome.error == "could not reach the server: the host name could not be resolved")
        #expect(outcome.failure == .transient)
    }
}
