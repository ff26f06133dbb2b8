"""The loop that claims jobs and runs them."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from typing import Any

from django.db import close_old_connections, connections

from hromada.core import tenancy
from hromada.core.jobs.api import default_queue
from hromada.core.jobs.backends import Backend, Delivery, create_backend
from hromada.core.jobs.backends.base import backoff_seconds, lease_seconds
from hromada.core.jobs.registry import JobSpec, UnknownJob, resolve

logger = logging.getLogger("hromada.jobs")


@contextlib.contextmanager
def _job_scope(payload: dict[str, Any]) -> Iterator[None]:
    community_id = payload.get("community_id")
    if community_id:
        from hromada.apps.communities.models import Community

        with tenancy.scope(Community.objects.get(pk=community_id)):
            yield
    else:
        with tenancy.scope(all_communities=True):
            yield


def call_job(spec: JobSpec, payload: dict[str, Any]) -> str | None:
    """Run the job; return None on success or the error text."""
    try:
        with _job_scope(payload):
            spec.func(**payload)
    except Exception as exc:
        logger.warning("job %s raised", spec.name, exc_info=True)
        return f"{type(exc).__name__}: {exc}"
    return None


class Worker:
    """Claims jobs from one queue until stopped (or, with ``burst``, until the queue is empty).

    ``inline`` runs each job in the calling thread (tests); otherwise the job runs in a
    thread while this one renews the lease.
    """

    def __init__(self, *, queue: str | None = None, backend: Backend | None = None, burst: bool = False,
                 inline: bool = False, poll_timeout: float = 1.0) -> None:
        self.queue = queue or default_queue()
        self._owns_backend = backend is None
        self.backend = backend or create_backend()
        self.burst = burst
        self.inline = inline
        self.poll_timeout = poll_timeout
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.stopping = False
        self.processed = 0

    def request_stop(self, *_args: Any) -> None:
        """Finish the running job, then exit (SIGTERM)."""
        self.stopping = True

    def run(self) -> int:
        logger.info("worker %s on queue %s started", self.worker_id, self.queue)
        try:
            while not self.stopping:
                if not self.inline:
                    close_old_connections()
                delivery = self.backend.claim(self.queue, self.worker_id, self.poll_timeout)
                if delivery is None:
                    if self.burst and self.backend.pending_count(self.queue) == 0:
                        break
                    continue
                self.execute(delivery)
                self.processed += 1
        finally:
            if self._owns_backend:
                self.backend.close(self.worker_id)
        logger.info("worker %s stopped after %d jobs", self.worker_id, self.processed)
        return self.processed

    def run_due(self) -> int:
        """Run the jobs that are due now and return (no waiting for delayed or running ones)."""
        try:
            while not self.stopping:
                delivery = self.backend.claim(self.queue, self.worker_id, 0.05)
                if delivery is None:
                    break
                self.execute(delivery)
                self.processed += 1
        finally:
            if self._owns_backend:
                self.backend.close(self.worker_id)
        return self.processed

    def execute(self, delivery: Delivery) -> None:
        try:
            spec = resolve(delivery.name)
        except UnknownJob:
            logger.error("job %s (%s) is not registered; marked failed", delivery.name, delivery.id)
            self.backend.fail(delivery, self.worker_id, error=f"unknown job {delivery.name}")
            return
        if delivery.attempts > delivery.max_attempts:
            # Its workers died again and again: stop handing it out.
            self._give_up(delivery, "interrupted too many times")
            return
        error = call_job(spec, delivery.payload) if self.inline else self._run_threaded(spec, delivery)
        if error is None:
            self.backend.complete(delivery, self.worker_id)
        elif delivery.attempts >= delivery.max_attempts:
            self._give_up(delivery, error)
        else:
            delay = backoff_seconds(delivery.attempts)
            logger.warning("job %s (%s) failed (attempt %d of %d), retrying in %ss: %s", delivery.name,
                           delivery.id, delivery.attempts, delivery.max_attempts, delay, error)
            self.backend.retry(delivery, self.worker_id, delay_seconds=delay, error=error)

    def _give_up(self, delivery: Delivery, error: str) -> None:
        logger.error("job %s (%s) failed after %d attempts: %s", delivery.name, delivery.id,
                     delivery.attempts, error)
        self.backend.fail(delivery, self.worker_id, error=error)

    def _run_threaded(self, spec: JobSpec, delivery: Delivery) -> str | None:
        outcome: dict[str, str | None] = {}

        def target() -> None:
            try:
                outcome["error"] = call_job(spec, delivery.payload)
            finally:
                connections.close_all()  # this thread's connections only

        thread = threading.Thread(target=target, name=f"job-{delivery.id}", daemon=True)
        thread.start()
        interval = max(0.2, min(lease_seconds() / 3, 10.0))
        while True:
            thread.join(timeout=interval)
            if not thread.is_alive():
                break
            self.backend.heartbeat(delivery, self.worker_id)
        return outcome.get("error", "the job thread ended without a result")


def run_jobs(queue: str | None = None) -> int:
    """Run, in this thread, every job that is due now; return how many ran (tests, sweeps)."""
    return Worker(queue=queue, inline=True).run_due()
