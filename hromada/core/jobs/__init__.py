"""A persistent job queue: ``@job`` registers a function, ``enqueue()`` schedules it.

Backends (``settings.JOBS["BACKEND"]``): ``database`` (default, no extra service), ``redis``
and ``rabbitmq``. Every backend gives at-least-once execution: a job whose worker dies is
run again by another worker, so job functions must be idempotent.
"""

from hromada.core.jobs.api import enqueue, job

__all__ = ["enqueue", "job"]
