"""Helpers shared by tests: signing staff in as if they had passed two-factor authentication, and
a real SMTP server on 127.0.0.1 (aiosmtpd in a thread)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def login_with_2fa(client: Client, user: Any) -> TOTPDevice:
    """Signs `user` in and marks the session as verified by a confirmed TOTP device."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="default", defaults={"confirmed": True}
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device



class _Collect:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        # Runs in its own thread while the sender waits for the server's answer: a way to act as
        # a second worker at exactly the moment the first one is sending.
        self.while_receiving: Callable[[], None] | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.while_receiving is not None:
            other = threading.Thread(target=self.while_receiving)
            other.start()
            other.join()
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


class SmtpServer:
    """Starts and stops like a real mail server that goes down and comes back on the same port."""

    def __init__(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.handler = _Collect()
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[Message]:
        return self.handler.messages

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def wait_for_js(page: Any, expression: str, timeout: float = 30.0) -> None:
    """Waits until a JavaScript expression is true on a Playwright page. Polled with evaluate
    rather than page.wait_for_function, which evaluates its string inside the page and so is
    refused by our Content-Security-Policy (no 'unsafe-eval')."""
    import time

    from playwright.sync_api import Error

    deadline = time.monotonic() + timeout
    while True:
        try:
            if page.evaluate(expression):
                return
        except Error as error:
            # The page navigated (an htmx swap, a form post) while it was being asked.
            if "context was destroyed" not in str(error):
                raise
        if time.monotonic() > deadline:
            raise TimeoutError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(100)
