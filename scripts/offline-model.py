#!/usr/bin/env python3
"""A stand-in model for trying Pacer's agents with no key and no network.

It answers OpenAI-compatible Chat Completions (POST /v1/chat/completions) on 127.0.0.1 with
scripted replies, using only Python's standard library:

* a first turn that may pace itself (the `schedule_resume` tool is offered): it asks to be
  resumed in 60 seconds with a note to its future self;
* after the tool's answer: a short text saying so;
* a resumed turn (the note comes back as the user's message): a final text that quotes it;
* any other turn: a text that quotes the start of the last user message.

Usage: python3 scripts/offline-model.py [--port 11500]
Then:  pacer agents add offline --base-url http://127.0.0.1:11500/v1 --model offline
"""
import argparse
import http.server
import json
import time

NOTE = "Look again and write the final report."


def last_user_text(messages):
    for message in reversed(messages):
        if message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, list):
                return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
            return content or ""
    return ""


def reply(request):
    """The scripted reply to one request: (text, tool_calls)."""
    messages = request.get("messages", [])
    tools = {t.get("function", {}).get("name") for t in request.get("tools", [])}
    last = messages[-1] if messages else {}
    user = last_user_text(messages)
    if last.get("role") == "tool":
        return "I asked to be woken in a minute to look again.", []
    if NOTE in user:
        return "Final report (offline model): resumed as planned; the note said: " + NOTE, []
    if "schedule_resume" in tools and not any(m.get("role") == "tool" for m in messages):
        call = {
            "id": "call_offline_1",
            "type": "function",
            "function": {"name": "schedule_resume",
                         "arguments": json.dumps({"seconds_from_now": 60, "prompt": NOTE})},
        }
        return None, [call]
    return "Offline reply to: " + user[:80], []


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self.send_error(404, "only POST /v1/chat/completions is answered here")
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            request = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError:
            self.send_error(400, "the body is not JSON")
            return
        text, calls = reply(request)
        message = {"role": "assistant", "content": text}
        if calls:
            message["tool_calls"] = calls
        body = json.dumps({
            "id": "chatcmpl-offline-%d" % int(time.time() * 1000),
            "object": "chat.completion",
            "model": request.get("model", "offline"),
            "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop"}],
            "usage": {"prompt_tokens": 20, "completion_tokens": 10, "total_tokens": 30},
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        print("offline-model: " + fmt % args, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=11500)
    port = parser.parse_args().port
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("offline-model: answering on http://127.0.0.1:%d/v1" % server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
