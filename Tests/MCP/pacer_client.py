"""An MCP client (the reference Python SDK) driving Pacer's MCP server, for Pacer's tests.

    pacer_client.py stdio PACER_BINARY DATABASE SCHEDULE_NAME
    pacer_client.py http URL TOKEN SCHEDULE_NAME

Connects, lists the tools, previews a rule, creates an HTTP schedule named SCHEDULE_NAME,
reads it back, makes calls with bad arguments and an unknown tool, and prints one JSON
object with what it saw. The Swift test checks the object and the store.
"""

import asyncio
import json
import sys

from mcp import ClientSession, StdioServerParameters, stdio_client

try:  # mcp 2.x
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared._httpx_utils import create_mcp_http_client
except ImportError:  # pragma: no cover
    streamable_http_client = None


def attr(obj, snake, camel):
    """A field under its mcp 2.x (snake_case) or 1.x (camelCase) name."""
    return getattr(obj, snake) if hasattr(obj, snake) else getattr(obj, camel)


def text_of(result):
    return "\n".join(getattr(c, "text", "") for c in result.content)


async def call(session, name, arguments):
    try:
        result = await session.call_tool(name, arguments)
    except Exception as error:  # a protocol error instead of a tool error
        return {"is_error": True, "protocol_error": True, "text": str(error)}
    return {"is_error": bool(attr(result, "is_error", "isError")), "text": text_of(result)}


async def exercise(session, schedule_name):
    init = await session.initialize()
    listed = await session.list_tools()
    tools = {t.name: t for t in listed.tools}
    out = {
        "server": attr(init, "server_info", "serverInfo").name,
        "tools": sorted(tools),
        # Every tool's input schema is a JSON Schema object whose required members are declared.
        "schemas_complete": all(
            attr(t, "input_schema", "inputSchema").get("type") == "object"
            and set(attr(t, "input_schema", "inputSchema").get("required", []))
            <= set(attr(t, "input_schema", "inputSchema").get("properties", {}))
            for t in listed.tools
        ),
    }
    out["preview"] = await call(session, "preview_rule", {"rule": "every weekday at 09:00", "count": 3})
    out["created"] = await call(session, "create_schedule", {
        "name": schedule_name,
        "rule": "every 15 minutes",
        "target": {"kind": "http", "url": "https://example.com/hook"},
    })
    out["got"] = await call(session, "get_schedule", {"schedule": schedule_name})
    out["bad_rule"] = await call(session, "create_schedule", {
        "name": schedule_name + "-bad",
        "rule": "every blue moon",
        "target": {"kind": "http", "url": "https://example.com/hook"},
    })
    out["missing_name"] = await call(session, "create_schedule", {"rule": "every 1h"})
    # The shorthands the API takes, with the API's messages.
    out["every_shorthand"] = await call(session, "create_schedule", {
        "name": schedule_name + "-every",
        "every": "30m",
        "target": {"kind": "http", "url": "https://example.com/hook"},
    })
    # The definition's own members (timing beside a shorthand), as POST /v1/schedules takes them.
    out["with_timing"] = await call(session, "create_schedule", {
        "name": schedule_name + "-timing",
        "every": "1h",
        "timing": {"max_fires": 3},
        "target": {"kind": "http", "url": "https://example.com/hook"},
    })
    out["updated"] = await call(session, "update_schedule", {"schedule": schedule_name + "-timing", "cron": "0 9 * * *"})
    out["unknown_agent"] = await call(session, "create_schedule", {
        "name": schedule_name + "-agent", "every": "1h", "agent": "nobody", "prompt": "hi",
    })
    out["past_at"] = await call(session, "create_schedule", {
        "name": schedule_name + "-past",
        "at": "2020-01-01T00:00:00Z",
        "target": {"kind": "http", "url": "https://example.com/hook"},
    })
    # A backfill of a past window, and one reaching into the future (refused naming "to").
    out["backfill"] = await call(session, "backfill_schedule", {
        "schedule": schedule_name, "from": "2026-01-01T00:00:00Z", "to": "2026-01-01T01:00:00Z", "overlap": "allow",
    })
    out["bad_backfill"] = await call(session, "backfill_schedule", {
        "schedule": schedule_name, "from": "2026-01-01T00:00:00Z", "to": "2999-01-01T00:00:00Z",
    })
    out["wrong_type"] = await call(session, "pause_schedule", {"schedule": 42})
    out["unknown_schedule"] = await call(session, "get_schedule", {"schedule": "no-such-schedule"})
    out["unknown_tool"] = await call(session, "no_such_tool", {})
    out["no_session"] = await call(session, "cancel_session", {"id": "ses_none"})
    # Still answering after the bad calls.
    out["listed"] = await call(session, "list_schedules", {})
    return out


async def main():
    mode = sys.argv[1]
    if mode == "stdio":
        binary, database, name = sys.argv[2:5]
        params = StdioServerParameters(command=binary, args=["mcp", "--database", database])
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                out = await exercise(session, name)
    else:
        url, token, name = sys.argv[2:5]
        client = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
        async with client:
            async with streamable_http_client(url, http_client=client) as streams:
                read, write = streams[0], streams[1]
                async with ClientSession(read, write) as session:
                    out = await exercise(session, name)
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
