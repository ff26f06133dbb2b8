"""Local stand-ins for the SMS gateway and the Telegram Bot API, speaking their HTTP protocol.

Each runs an ``http.server`` in a thread on a free port; use them as context managers.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from hromada.testing.services import free_port


class _FakeHTTPService:
    def __init__(self) -> None:
        self.port = free_port()
        self.requests: list[dict[str, Any]] = []  # {"path", "json"} of every request received
        self.accepted: list[Any] = []  # bodies of the requests answered 200
        self._failures: list[tuple[int, Any]] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server hook)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    try:
                        data = json.loads(raw or "null")
                    except ValueError:
                        data = None
                else:
                    data = dict(parse_qsl(raw))
                status, body = service._answer(self.path, data)
                payload = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if not isinstance(body, bytes) else "text/html")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def fail_next(self, count: int = 1, status: int = 500, body: Any = b"<html>Internal Server Error</html>") -> None:
        """Answer the next `count` requests with `status` and `body` (bytes sent as is)."""
        with self._lock:
            self._failures.extend([(status, body)] * count)

    def _answer(self, path: str, data: Any) -> tuple[int, Any]:
        with self._lock:
            self.requests.append({"path": path, "json": data})
            if self._failures:
                return self._failures.pop(0)
        status, body = self.handle(path, data)
        if status == HTTPStatus.OK:
            with self._lock:
                self.accepted.append(data)
        return status, body

    def handle(self, path: str, data: Any) -> tuple[int, Any]:
        raise NotImplementedError

    def __enter__(self) -> _FakeHTTPService:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class FakeSMSGateway(_FakeHTTPService):
    """``POST /messages`` with ``{"to", "text"}`` → 200 ``{"message_id": "sms-N", "status": "queued"}``."""

    path = "/messages"

    @property
    def endpoint(self) -> str:
        return self.url + self.path

    def handle(self, path: str, data: Any) -> tuple[int, Any]:
        if path != self.path:
            return HTTPStatus.NOT_FOUND, {"error": "not found"}
        if not isinstance(data, dict) or not data.get("to") or not data.get("text"):
            return HTTPStatus.BAD_REQUEST, {"error": "to and text are required"}
        return HTTPStatus.OK, {"message_id": f"sms-{next(self._ids)}", "status": "queued"}



class FakeTelegramAPI(_FakeHTTPService):
    """``POST /bot<token>/sendMessage`` answered the way the Telegram Bot API does."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def handle(self, path: str, data: Any) -> tuple[int, Any]:
        if not path.startswith("/bot"):
            return HTTPStatus.NOT_FOUND, {"ok": False, "error_code": 404, "description": "Not Found"}
        token, _slash, method = path[len("/bot"):].partition("/")
        if token != self.token:
            return HTTPStatus.UNAUTHORIZED, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if method != "sendMessage":
            return HTTPStatus.NOT_FOUND, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
        if not isinstance(data, dict) or not data.get("chat_id") or not data.get("text"):
            return HTTPStatus.BAD_REQUEST, {"ok": False, "error_code": 400,
                                            "description": "Bad Request: message text is empty"}
        chat_id = data["chat_id"]
        return HTTPStatus.OK, {"ok": True, "result": {
            "message_id": next(self._ids), "date": int(time.time()),
            "chat": {"id": int(chat_id) if str(chat_id).lstrip("-").isdigit() else chat_id, "type": "private"},
            "text": data["text"],
        }}


    @staticmethod
    def too_many_requests() -> dict[str, Any]:
        return {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1}}
