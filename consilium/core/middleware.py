"""A request id on every request and every log line, so an error page can name it."""

from __future__ import annotations

import contextvars
import logging
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request_id.set(uuid.uuid4().hex[:12])
        request.request_id = _request_id.get()  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
            response["X-Request-Id"] = request.request_id  # type: ignore[attr-defined]
            return response
        finally:
            _request_id.reset(token)
