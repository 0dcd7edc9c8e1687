import Foundation
import Testing
@testable import PacerRunners

@Suite struct RetryAfterTests {
    /// Sun, 06 Nov 1994 08:48:37 GMT: one minute before the example date of RFC 9110.
    let now = Date(timeIntervalSince1970: 784_111_717)

    @Test(arguments: [
        ("120", 120.0), ("0", 0), (" 7 ", 7),
        ("Sun, 06 Nov 1994 08:49:37 GMT", 60),
        ("Sunday, 06-Nov-94 08:49:37 GMT", 60),
        ("Sun Nov  6 08:49:37 1994", 60),
        ("Sun, 06 Nov 1994 08:00:00 GMT", 0),
    ])
    func retryAfter_whenValid_givesSeconds(value: String, expected: Double) {
        #expect(RetryAfter.seconds(from: value, now: now) == expected)
    }

    @Test(arguments: ["", "soon", "-5", "1.5", "Sun, 06 Nov 1994 25:49:37 GMT", "06 Nov 1994"])
    func retryAfter_whenInvalid_isNil(value: String) {
        #expect(RetryAfter.seconds(from: value, now: now) == nil)
    }
}
