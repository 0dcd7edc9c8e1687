import Foundation
import Hummingbird
import HummingbirdTesting
import PacerTesting
import Testing

/// The dashboard's files in `Sources/PacerServer/Dashboard/Files` are what the binary serves.
@Suite struct DashboardAssetTests {
    /// The dashboard's source files.
    static let files = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/PacerServer/Dashboard/Files").standardized

    static func file(_ name: String) throws -> String {
        try String(contentsOf: files.appendingPathComponent(name), encoding: .utf8)
    }

    @Test func servedAssets_areTheFilesOnDisk() async throws {
        let bench = try APIBench.make()
        defer { Task { await bench.close() } }
        let scripts = try FileManager.default.contentsOfDirectory(atPath: Self.files.path).filter { $0.hasSuffix(".js") }
        #expect(scripts.count >= 9)
        try await bench.test { client in
            let page = try await client.execute(uri: "/", method: .get)
            #expect(page.text == (try Self.file("index.html")))
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")

            let script = try await client.execute(uri: "/assets/app.js", method: .get).text
            for name in scripts {
                #expect(script.contains(try Self.file(name)), "app.js holds \(name)")
            }
            #expect(script.hasSuffix(try Self.file("start.js")), "the start comes last")

            let css = try await client.execute(uri: "/assets/app.css", method: .get)
            #expect(css.text == [try Self.file("base.css"), try Self.file("parts.css")].joined(separator: "\n"))

            let etag = try #require(css.headers[.eTag])
            let again = try await client.execute(uri: "/assets/app.css", method: .get, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
        }
    }
}
