"""A small streamable-HTTP MCP server for Pacer's tests: one `echo` tool.

Binds 127.0.0.1 on a free port, prints the port on the first line of standard output, then
serves `/mcp` until killed. With `--json` the server answers requests with JSON bodies instead
of server-sent event streams.
"""

import socket
import sys

import uvicorn

try:  # mcp 2.x
    from mcp.server.mcpserver import MCPServer
except ImportError:  # mcp 1.x
    from mcp.server.fastmcp import FastMCP as MCPServer

server = MCPServer("echo")


@server.tool()
def echo(text: str) -> str:
    """Echo the text back."""
    return text


def main() -> None:
    json_response = "--json" in sys.argv[1:]
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    try:
        app = server.streamable_http_app(json_response=json_response)
    except TypeError:  # mcp 1.x reads it from the settings
        server.settings.json_response = json_response
        app = server.streamable_http_app()
    print(sock.getsockname()[1], flush=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])


if __name__ == "__main__":
    main()
