import Foundation
import PacerCore

/// The Python that runs the reference MCP peers (`mcp`, `mcp-server-time` from PyPI):
/// `$PACER_PYTHON`, else `<package root>/.build-venv/bin/python3`. Without one the MCP tests
/// are skipped, unless `PACER_REQUIRE_MCP=1` (CI), which makes them fail instead.
public enum MCPPython {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The interpreter, when there is one.
    public static var interpreter: String? {
        let environment = ProcessInfo.processInfo.environment
        let candidate = environment["PACER_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
            ?? packageRoot.appendingPathComponent(".build-venv/bin/python3").path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }

    /// Whether the MCP tests must run (`PACER_REQUIRE_MCP=1`).
    public static var required: Bool { ProcessInfo.processInfo.environment["PACER_REQUIRE_MCP"] == "1" }

    /// Whether the MCP tests run: a Python is there, or it is required (and its absence fails).
    public static var runs: Bool { interpreter != nil || required }

    /// The interpreter, or a failure saying how to provide one.
    public static func python() throws -> String {
        guard let interpreter else {
            throw ProgramError("""
                no Python with the MCP packages: run `python3 -m venv .build-venv && .build-venv/bin/pip install mcp mcp-server-time` \
                in the package root, or set PACER_PYTHON
                """)
        }
        return interpreter
    }

    /// `mcp-server-time` over stdio, in UTC.
    public static func timeServer(_ name: String = "time", timeout: Double = 60) throws -> MCPServerSpec {
        .stdio(name, command: try python(), args: ["-m", "mcp_server_time", "--local-timezone", "UTC"], timeoutSeconds: timeout)
    }

    /// A helper script of `Tests/MCP`.
    public static func script(_ name: String) -> String {
        packageRoot.appendingPathComponent("Tests/MCP/\(name)").path
    }
}
