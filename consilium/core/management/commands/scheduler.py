from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from consilium.core.scheduler import Scheduler


class Command(BaseCommand):
    help = "Runs the periodic jobs (outbox sweep, deadlines) until stopped with SIGTERM or Ctrl-C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Run the jobs that are due once, then exit."
        )
        parser.add_argument(
            "--tick", type=float, default=1.0, help="Seconds between checks (default 1)."
        )

    def handle(self, *args: Any, once: bool = False, tick: float = 1.0, **options: Any) -> None:
        scheduler = Scheduler(tick_seconds=tick)
        if once:
            ran = scheduler.run_due()
            self.stdout.write("Ran: " + (", ".join(ran) if ran else "nothing was due"))
            return
        scheduler.run_forever()
