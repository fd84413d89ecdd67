#!/usr/bin/env python3
"""An OpenAI-compatible model that answers at once, for the run benches: the suite's own
cost (API, queue, worker, grading, storage, events) is what they time, not a model's.

    bench/standin_llm.py PORT      serves /v1/models and /v1/chat/completions on 127.0.0.1
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANSWER = json.dumps({
    "id": "standin", "object": "chat.completion", "created": 0, "model": "smollm2",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "hello there"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
}).encode()
MODELS = json.dumps({"object": "list", "data": [{"id": "smollm2", "object": "model"}]}).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, body):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.answer(MODELS)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.answer(ANSWER)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.daemon_threads = True
    server.serve_forever()
