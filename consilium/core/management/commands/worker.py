"""`manage.py worker`: django-tasks' db_worker under a memory limit.

One PDF can ask pdfium or Tesseract for gigabytes; under the limit that allocation fails as a
MemoryError inside the task, which fails that document, and the machine (and the web server on
it) is untouched. The limit is CONSILIUM_WORKER_MEMORY_MB of address space; 0 turns it off.
"""

from __future__ import annotations

import resource
from typing import Any

from django.conf import settings
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand


def worker_memory_limit_apply() -> None:
    megabytes = settings.WORKER_MEMORY_MB
    if megabytes <= 0:
        return
    limit = megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


class Command(DbWorkerCommand):
    help = "Runs the background worker under CONSILIUM_WORKER_MEMORY_MB of memory."

    def handle(self, *args: Any, **options: Any) -> None:
        worker_memory_limit_apply()
        super().handle(*args, **options)
