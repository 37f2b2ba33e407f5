"""A tiny stand-in for Razorpay's API on 127.0.0.1, answering with the documented shapes."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class FakeRazorpay:
    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    fail_with: int | None = None


@contextmanager
def fake_razorpay(key_id: str, key_secret: str) -> Iterator[FakeRazorpay]:
    state = FakeRazorpay()
    expected_auth = "Basic " + base64.b64encode(f"{key_id}:{key_secret}".encode()).decode()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _reply(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            state.requests.append(
                {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
            )
            if self.headers.get("Authorization") != expected_auth:
                self._reply(
                    401,
                    {
                        "error": {
                            "code": "BAD_REQUEST_ERROR",
                            "description": "Authentication failed",
                        }
                    },
                )
                return
            if state.fail_with:
                self._reply(
                    state.fail_with, {"error": {"code": "SERVER_ERROR", "description": "down"}}
                )
                return
            if self.path == "/v1/orders":
                number = len(state.requests)
                self._reply(
                    200,
                    {
                        "id": f"order_TEST{number:010d}",
                        "entity": "order",
                        "amount": body["amount"],
                        "amount_paid": 0,
                        "amount_due": body["amount"],
                        "currency": body["currency"],
                        "receipt": body["receipt"],
                        "offer_id": None,
                        "status": "created",
                        "attempts": 0,
                        "notes": body.get("notes", {}),
                        "created_at": 1700000000,
                    },
                )
                return
            if self.path.startswith("/v1/payments/") and self.path.endswith("/refund"):
                payment_id = self.path.split("/")[3]
                self._reply(
                    200,
                    {
                        "id": "rfnd_TEST0000000001",
                        "entity": "refund",
                        "amount": body["amount"],
                        "currency": "INR",
                        "payment_id": payment_id,
                        "notes": {},
                        "receipt": None,
                        "acquirer_data": {"arn": None},
                        "created_at": 1700000100,
                        "batch_id": None,
                        "status": "processed",
                        "speed_processed": "normal",
                        "speed_requested": "normal",
                    },
                )
                return
            self._reply(
                404,
                {
                    "error": {
                        "code": "BAD_REQUEST_ERROR",
                        "description": "The requested URL was not found",
                    }
                },
            )

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
