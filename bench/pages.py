"""Requests/s, p50 and p99 of the hot pages against a bare Django page, under the same load.

Seeds a throw-away SQLite database with N cases waiting on a coordinator and half as many with
the specialists (with the reviews, seats, clocks and notices the pages show), starts the
project's server (gunicorn, 2 sync workers, 127.0.0.1) and a bare Django page that lists the
triage rows of the same `cases_case` table with no middleware, no session and no template
inheritance (gunicorn, 2 sync workers, the same database file), then drives each page
with wrk at 1 and 50 connections for a bounded time, one page at a time so they do not compete
for the CPU. Signed-in pages use session cookies written by the seeding (two-step sign-in
passed, as after a real sign-in). Prints one line per page and load, and last
`ratio=R`: the triage queue's requests/s over the bare page's at 50 connections.

    uv run python bench/pages.py                      # 60 cases, 8 s per page and load
    uv run python bench/pages.py --cases 5000 --seconds 5
"""

# The subprocesses are our own fixed commands (uv, manage.py, gunicorn, wrk), from the repository.
# ruff: noqa: S603, S607
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2

SEED = r"""
import datetime as dt, json, random, sys
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from consilium.accounts.models import SpecialistProfile, User
from consilium.cases.models import Case, CaseStatus, Turnaround
from consilium.notifications.models import Notification
from consilium.patients.services import patient_create
from consilium.review.models import Assignment, Review

n = int(sys.argv[1])
rng = random.Random(10)
now = timezone.now()
password = "!bench"  # unusable: the sessions below are the only way in

def user(email, role, name):
    u = User.objects.create(email=email, username=email, role=role, full_name=name,
                            email_verified=True, password=password)
    device = None
    if role != "patient":
        device = TOTPDevice.objects.create(user=u, name="bench", confirmed=True)
    return u, device

coordinator, coordinator_device = user("coordinator@bench.invalid", "coordinator", "Coordinator")
specialist_user, specialist_device = user("specialist@bench.invalid", "specialist", "Specialist")
holder, _ = user("patient@bench.invalid", "patient", "Bench Patient")
profile = SpecialistProfile.objects.create(
    user=specialist_user, specialty="medical_oncology", qualifications="MD, DM",
    registration_number="BENCH-1", registration_council="Bench Council", years_experience=12,
    capacity=1000, verified_at=now, verified_by=coordinator)
patients = [
    patient_create(holder=holder, relationship=rel, full_name=name, sex=sex,
                   date_of_birth=dt.date(1950 + 10 * i, 3, 4))
    for i, (rel, name, sex) in enumerate([("self", "Bench Patient", "female"),
                                          ("parent", "Bench Parent", "male"),
                                          ("child", "Bench Child", "female")])
]
areas = ["cancer", "heart", "neuro", "orthopaedic", "kidney", "other"]
# n cases waiting on a coordinator (6 in 7 for triage, 1 in 7 on the patient), and half as
# many again with the specialists (under review, offered, reported).
waiting = [CaseStatus.TRIAGE] * 6 + [CaseStatus.AWAITING_INFO]
later = [CaseStatus.IN_REVIEW] * 2 + [CaseStatus.ASSIGNED] + [CaseStatus.REPORTED]
statuses = [waiting[i % 7] for i in range(n)] + [later[i % 4] for i in range(n // 2)]
cases = Case.objects.bulk_create([
    Case(reference=f"BN-{i:06d}", patient=patients[i % 3], created_by=holder,
         status=status, medical_area=areas[i % len(areas)],
         review_type="single", is_urgent=rng.random() < 0.15,
         submitted_at=now - dt.timedelta(hours=rng.randint(1, 400)),
         diagnosis_so_far="Benchmark case", intake_step="submit")
    for i, status in enumerate(statuses)
])
clocks, reviews = [], []
for case in cases:
    if case.status in (CaseStatus.IN_REVIEW, CaseStatus.ASSIGNED, CaseStatus.REPORTED,
                       CaseStatus.AWAITING_INFO):
        started = case.submitted_at + dt.timedelta(hours=2)
        clocks.append(Turnaround(case=case, started_at=started,
                                 target_at=started + dt.timedelta(hours=72),
                                 limit_at=started + dt.timedelta(hours=120),
                                 stopped_at=now if case.status == CaseStatus.REPORTED else None))
    if case.status in (CaseStatus.IN_REVIEW, CaseStatus.ASSIGNED, CaseStatus.REPORTED):
        done = case.status == CaseStatus.REPORTED
        reviews.append(Review(case=case, code=f"R{case.reference[3:]}", panel_size=1,
                              opened_by=coordinator, final_assessment="confirmed" if done else "",
                              reported_at=now if done else None))
Turnaround.objects.bulk_create(clocks)
Review.objects.bulk_create(reviews)
Assignment.objects.bulk_create([
    Assignment(review=r, specialist=profile, position=1, is_lead=True, offered_by=coordinator,
               status="offered" if r.case.status == CaseStatus.ASSIGNED else "accepted",
               respond_by=now + dt.timedelta(hours=24), responded_at=now)
    for r in reviews
])
notices = []
for u in (coordinator, specialist_user, holder):
    notices += [Notification(user=u, message=f"Benchmark notice {i}: a case changed.",
                             url="/", read_at=now if i % 3 else None) for i in range(n)]
Notification.objects.bulk_create(notices)

def session(u, device):
    s = SessionStore()
    s[SESSION_KEY] = str(u.pk)
    s[BACKEND_SESSION_KEY] = "consilium.accounts.backends.EmailBackend"
    s[HASH_SESSION_KEY] = u.get_session_auth_hash()
    if device is not None:
        s["otp_device_id"] = device.persistent_id
    s.create()
    return s.session_key

triage_case = next(c for c in cases if c.status == CaseStatus.TRIAGE)
print(json.dumps({
    "coordinator": session(coordinator, coordinator_device),
    "specialist": session(specialist_user, specialist_device),
    "patient": session(holder, None),
    "case": f"/cases/{triage_case.public_id}/",
    "triage_rows": sum(c.status in (CaseStatus.TRIAGE, CaseStatus.AWAITING_INFO) for c in cases),
}))
"""

# A Django page with nothing but the query and a table: the floor the hot pages are held to.
BARE_APP = '''
import os
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.template import Context, Engine
from django.urls import path

settings.configure(
    DEBUG=False, ALLOWED_HOSTS=["127.0.0.1"], ROOT_URLCONF=__name__, MIDDLEWARE=[],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3",
                           "NAME": os.environ["BENCH_DB"], "CONN_MAX_AGE": 60}},
    INSTALLED_APPS=[], USE_TZ=True,
)
import django
django.setup()
TEMPLATE = Engine().from_string(
    "<!doctype html><html lang=en><title>Bare</title><table><tbody>"
    "{% for reference, status, area, submitted in rows %}"
    "<tr><td>{{ reference }}</td><td>{{ status }}</td><td>{{ area }}</td>"
    "<td>{{ submitted }}</td></tr>"
    "{% endfor %}</tbody></table></html>")

def bare(request):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reference, status, medical_area, submitted_at FROM cases_case "
            "WHERE status IN ('triage', 'awaiting_info') "
            "ORDER BY is_urgent DESC, submitted_at, id")
        rows = cursor.fetchall()
    return HttpResponse(TEMPLATE.render(Context({"rows": rows})))

urlpatterns = [path("", bare)]
from django.core.wsgi import get_wsgi_application
application = get_wsgi_application()
'''


@dataclass
class Page:
    name: str
    path: str
    who: str  # whose session cookie: coordinator, specialist, patient, or "" for none


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing answered on port {port}")


def gunicorn(app: str, port: int, env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        ["uv", "run", "--frozen", "gunicorn", app, "--bind", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "--timeout", "120", "--no-control-socket",
         "--log-level", "warning"],
        cwd=cwd, env=env, start_new_session=True,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def check(url: str, cookie: str) -> int:
    """The page answers 200 itself (not a redirect to sign-in or to two-step sign-in)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    headers = {"Cookie": cookie} if cookie else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (our http://127.0.0.1)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            body = response.read()
            return int(response.status) if body else 0
    except urllib.error.HTTPError as error:
        return int(error.code)
    except TimeoutError:
        return -1


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(match.group(1)) * _UNITS[match.group(2)] if match else float("nan")


def wrk(url: str, cookie: str, connections: int, seconds: int) -> Result:
    command = ["wrk", "--latency", "-t", str(min(connections, 2)), "-c", str(connections),
               "-d", f"{max(1, round(seconds))}s", "--timeout", "30s", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket_errors = re.search(r"Socket errors: (.*)", output)
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return Result(rps, p50, p99, errors)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=60,
                        help="cases waiting on a coordinator (default 60)")
    parser.add_argument("--seconds", type=int, default=8, help="seconds per page and load")
    parser.add_argument("--connections", default="1,50", help="loads to run (default 1,50)")
    parser.add_argument("--pages", default="", help="only these pages (comma-separated names)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    loads = [int(c) for c in args.connections.split(",")]

    work = Path(tempfile.mkdtemp(prefix="consilium-bench-pages-"))
    db = work / "bench.sqlite3"
    env = {
        **os.environ,
        "CONSILIUM_VAR_DIR": str(work),
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_SETTINGS_MODULE": "consilium.config.settings",
        "CONSILIUM_DEBUG": "0",
    }
    env.pop("CONSILIUM_FILES_BACKEND", None)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        started = time.monotonic()
        manage = ["uv", "run", "--frozen", "python", "manage.py"]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                       check=True)
        subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                       check=True, stdout=subprocess.DEVNULL)
        seeded = json.loads(subprocess.run(
            ["uv", "run", "--frozen", "python", "-c",
             "import django; django.setup(); import sys; exec(sys.stdin.read())",
             str(args.cases)],
            cwd=ROOT, env=env, input=SEED, capture_output=True, text=True, check=True,
        ).stdout.strip().splitlines()[-1])
        print(f"seeded {args.cases} cases ({seeded['triage_rows']} waiting on a coordinator) "
              f"in {time.monotonic() - started:.0f} s; {WORKERS} gunicorn sync workers each",
              flush=True)

        app_port, bare_port = free_port(), free_port()
        (work / "bare_site.py").write_text(BARE_APP)
        processes.append(gunicorn("consilium.config.wsgi:application", app_port, env, ROOT))
        bare_env = {**env, "BENCH_DB": str(db), "PYTHONPATH": str(work)}
        bare_env.pop("DJANGO_SETTINGS_MODULE")
        processes.append(gunicorn("bare_site:application", bare_port, bare_env, ROOT))
        deadline = time.monotonic() + 60
        wait_ready(app_port, deadline)
        wait_ready(bare_port, deadline)

        pages = [
            Page("bare", f"http://127.0.0.1:{bare_port}/", ""),
            Page("triage_queue", "/cases/triage/", "coordinator"),
            Page("work_queue", "/review/queue/", "coordinator"),
            Page("dashboard", "/review/dashboard/", "coordinator"),
            Page("case_page", seeded["case"], "coordinator"),
            Page("notifications", "/notifications/", "coordinator"),
            Page("specialist_inbox", "/review/", "specialist"),
            Page("my_cases", "/cases/", "patient"),
        ]
        if args.pages:
            wanted = {"bare", *args.pages.split(",")}
            pages = [p for p in pages if p.name in wanted]
        figures: dict[str, dict[int, Result]] = {}
        for page in pages:
            url = page.path if page.path.startswith("http") else (
                f"http://127.0.0.1:{app_port}{page.path}")
            cookie = f"sessionid={seeded[page.who]}" if page.who else ""
            status = check(url, cookie)
            if status != 200:
                answer = "no answer within 30 s" if status == -1 else f"answered {status}"
                raise SystemExit(f"{page.name}: {url}: {answer}, not 200")
            for _ in range(4):  # warm: templates compiled, connections open in both workers
                check(url, cookie)
            figures[page.name] = {}
            for connections in loads:
                result = wrk(url, cookie, connections, args.seconds)
                figures[page.name][connections] = result
                bare = figures["bare"][connections]
                print(f"{page.name:17} c={connections:<3} {result.rps:8.1f} req/s  "
                      f"p50 {result.p50_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms  "
                      f"{result.rps / bare.rps:5.2f}x bare"
                      + (f"  ERRORS {result.errors}" if result.errors else ""), flush=True)
        if args.json:
            args.json.write_text(json.dumps(
                {name: {c: vars(r) for c, r in by.items()} for name, by in figures.items()},
                indent=2))
        if "triage_queue" in figures:
            top = max(loads)
            ratio = figures["triage_queue"][top].rps / figures["bare"][top].rps
            print(f"ratio={ratio:.2f}")
        return 0
    finally:
        for process in processes:
            stop(process)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
