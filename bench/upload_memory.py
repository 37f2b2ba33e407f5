"""Memory and time of a 75 MiB upload through the real server (gunicorn, one sync worker).

Starts gunicorn on 127.0.0.1 with a throw-away var/ directory, signs a patient in through the
login form, streams a generated 75 MiB PDF to the upload view and samples the worker's resident
memory while it does; then shows that 75 MiB + 1 byte is refused. Prints a few lines of figures.

    uv run python bench/upload_memory.py [--size-mib 75]
"""

# The subprocesses are our own fixed commands (uv, manage.py, gunicorn), run from the repository.
# ruff: noqa: S603, S607
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EMAIL = "bench-patient@example.com"
PASSWORD = "Bench-Upload-2026!"  # noqa: S105 (a throw-away account)
DEADLINE_SECONDS = 180
PIECE = 1024 * 1024

SETUP = """
import json, secrets
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from consilium.accounts.models import User
from consilium.cases.models import Case
from consilium.patients.models import Patient
user = User.objects.create_user(%(email)r, %(password)r, full_name="Bench Patient",
                                role="patient", email_verified=True)
patient = Patient.objects.create(holder=user, relationship="self", full_name="Bench Patient")
cases = [
    str(Case.objects.create(reference="BN-" + secrets.token_hex(3).upper(), patient=patient,
                            created_by=user, medical_area="cancer").public_id)
    for _ in range(3)
]
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "consilium.accounts.backends.EmailBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(json.dumps({"cases": cases, "session": session.session_key}))
"""


def sized_pdf_parts(size: int) -> tuple[bytes, int, bytes]:
    """A valid one-page PDF of exactly `size` bytes as (head, padding length, tail); the padding
    is the body of an unused stream, so the file is generated while it is sent."""
    content = b"BT /F1 12 Tf 72 770 Td (Benchmark report) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    padding = size
    for _attempt in range(10):
        head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(head))
            head += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        offsets.append(len(head))
        head += b"6 0 obj\n<< /Length %d >>\nstream\n" % padding
        tail = b"\nendstream\nendobj\n"
        xref_at = len(head) + padding + len(tail)
        tail += b"xref\n0 7\n0000000000 65535 f \n"
        tail += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        tail += b"trailer\n<< /Size 7 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref_at
        total = len(head) + padding + len(tail)
        if total == size:
            return head, padding, tail
        padding -= total - size
    raise ValueError(f"could not size a PDF to {size} bytes")


def multipart(size: int, csrf: str) -> tuple[str, int, Iterator[bytes]]:
    """(content type, content length, body pieces) of a form with one generated PDF."""
    boundary = "----consilium-bench-" + secrets.token_hex(8)
    head, padding, tail = sized_pdf_parts(size)
    preamble = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n"
        f"{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\n"
        f"imaging\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; "
        f"filename=\"pet-ct.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    ).encode()
    closing = f"\r\n--{boundary}--\r\n".encode()
    length = len(preamble) + size + len(closing)

    def pieces() -> Iterator[bytes]:
        yield preamble + head
        zeros = bytes(PIECE)
        left = padding
        while left:
            step = min(left, PIECE)
            yield zeros[:step]
            left -= step
        yield tail + closing

    return f"multipart/form-data; boundary={boundary}", length, pieces()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in KiB."""
    figures = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            figures[key] = int(value.split()[0])
    return figures


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


class Client:
    """Just enough of a browser: cookies and a CSRF token, over http.client."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def _connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def _remember(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value

    def headers(self) -> dict[str, str]:
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        return {"Cookie": cookie} if cookie else {}

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        connection = self._connection()
        connection.request(method, path, body=body, headers={**self.headers(), **(headers or {})})
        response = connection.getresponse()
        self._remember(response)
        data = response.read()
        connection.close()
        return response.status, dict(response.getheaders()), data

    def csrf_from(self, path: str) -> str:
        status, _, page = self.request("GET", path)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not match:
            raise RuntimeError(f"no CSRF token on {path} (status {status})")
        return match.group(1).decode()

    def upload(self, path: str, size: int, csrf: str) -> tuple[int, dict[str, object], float]:
        content_type, length, pieces = multipart(size, csrf)
        connection = self._connection()
        started = time.perf_counter()
        connection.putrequest("POST", path)
        for name, value in {
            **self.headers(), "Content-Type": content_type, "Content-Length": str(length),
            "Accept": "application/json", "X-CSRFToken": csrf,
        }.items():
            connection.putheader(name, value)
        connection.endheaders()
        try:
            for piece in pieces:
                connection.send(piece)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may stop reading once it has refused the file
        response = connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        connection.close()
        return response.status, json.loads(body or b"{}"), elapsed


def sign_in(client: Client, session_key: str) -> str:
    """Through the real login form; falls back to a session made in the database."""
    try:
        csrf = client.csrf_from("/accounts/login/")
        form = (
            f"csrfmiddlewaretoken={csrf}&username={EMAIL}&email={EMAIL}&password={PASSWORD}"
        ).replace("@", "%40").encode()
        status, _, _ = client.request(
            "POST", "/accounts/login/", body=form,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status == 302 and "sessionid" in client.cookies:
            return "login form"
    except (RuntimeError, OSError):
        pass
    client.cookies["sessionid"] = session_key
    return "session created in the database (login form not usable)"


def sample_rss(pid: int, stop: threading.Event, peak: list[int]) -> None:
    while not stop.is_set():
        try:
            peak[0] = max(peak[0], proc_status(pid)["VmRSS"])
        except (OSError, KeyError):
            return
        time.sleep(0.01)


@dataclass
class Measured:
    status: int
    body: dict[str, object]
    seconds: float
    rss_before: int  # KiB
    rss_peak: int
    hwm_before: int
    hwm_after: int

    @property
    def growth_mib(self) -> float:
        return (self.rss_peak - self.rss_before) / 1024

    @property
    def first_error(self) -> str:
        errors = self.body.get("errors")
        return str(errors[0]) if isinstance(errors, list) and errors else "(no message)"


def measured_upload(client: Client, worker: int, case: str, size: int) -> Measured:
    csrf = client.csrf_from(f"/documents/case/{case}/")
    before = proc_status(worker)
    peak = [before["VmRSS"]]
    stop = threading.Event()
    sampler = threading.Thread(target=sample_rss, args=(worker, stop, peak), daemon=True)
    sampler.start()
    status, body, elapsed = client.upload(f"/documents/case/{case}/upload/", size, csrf)
    stop.set()
    sampler.join()
    after = proc_status(worker)
    return Measured(status, body, elapsed, before["VmRSS"], peak[0], before["VmHWM"],
                    after["VmHWM"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=75)
    args = parser.parse_args()
    limit = args.size_mib * 1024 * 1024

    var = Path(tempfile.mkdtemp(prefix="consilium-bench-"))
    env = {**os.environ, "CONSILIUM_VAR_DIR": str(var),
           "CONSILIUM_CASE_UPLOAD_LIMIT_BYTES": str(limit), "CONSILIUM_LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None)
    server: subprocess.Popen[bytes] | None = None
    try:
        manage = ["uv", "run", "--frozen", "python", "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)
        setup = subprocess.run(
            [*manage, "shell", "-c", SETUP % {"email": EMAIL, "password": PASSWORD}],
            cwd=ROOT, env=env, check=True, timeout=60, capture_output=True, text=True,
        )
        data = json.loads(setup.stdout.strip().splitlines()[-1])
        port = free_port()
        pidfile = var / "gunicorn.pid"
        server = subprocess.Popen(
            ["uv", "run", "--frozen", "gunicorn", "consilium.config.wsgi:application",
             "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "120",
             "--pid", str(pidfile)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = Client(port)
        started = time.monotonic()
        while True:
            if time.monotonic() - started > 60:
                raise RuntimeError("the server did not start within 60 s")
            try:
                if client.request("GET", "/")[0] in (200, 302) and pidfile.exists():
                    break
            except OSError:
                time.sleep(0.2)
        master = int(pidfile.read_text().strip())
        (worker,) = children(master)
        how = sign_in(client, data["session"])

        # A small upload first, so the worker has imported pikepdf, Pillow and the rest.
        warm = measured_upload(client, worker, data["cases"][0], 50_000)
        exact = measured_upload(client, worker, data["cases"][1], limit)
        over = measured_upload(client, worker, data["cases"][2], limit + 1)
        stored = sum(path.stat().st_size for path in (var / "files").rglob("*") if path.is_file())

        mib = 1024 * 1024
        size = f"{args.size_mib} MiB"
        print(f"server: gunicorn, 1 sync worker, 127.0.0.1:{port}; signed in via {how}")
        print(f"warm-up 50 kB upload: HTTP {warm.status}; worker RSS {warm.rss_before // 1024} MiB")
        print(
            f"{size} ({limit:,} bytes): HTTP {exact.status} saved={exact.body.get('saved')} "
            f"in {exact.seconds:.2f} s ({limit / mib / exact.seconds:.0f} MiB/s)"
        )
        print(
            f"  worker RSS {exact.rss_before // 1024} MiB before, peak {exact.rss_peak // 1024} "
            f"MiB (+{exact.growth_mib:.1f} MiB); "
            f"VmHWM {exact.hwm_before // 1024} -> {exact.hwm_after // 1024} MiB"
        )
        print(f"  encrypted on disk: {stored - limit - 50_000:,} bytes above the plaintext")
        print(
            f"{size} + 1 byte: HTTP {over.status} in {over.seconds:.2f} s, "
            f"peak RSS +{over.growth_mib:.1f} MiB: {over.first_error}"
        )
        ok = exact.status == 200 and over.status == 400
        return 0 if ok else 1
    finally:
        if server is not None:
            pidfile = var / "gunicorn.pid"
            if pidfile.exists():
                os.kill(int(pidfile.read_text().strip()), signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    signal.signal(signal.SIGALRM, lambda *_: sys.exit("benchmark took too long"))
    signal.alarm(DEADLINE_SECONDS)
    sys.exit(main())
