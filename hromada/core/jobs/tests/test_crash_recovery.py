"""A worker killed mid-job (SIGKILL) must not lose the job: another worker runs it to the end.

Each test uses real worker subprocesses and, for Redis and RabbitMQ, the real broker.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid

import pytest
from django.db import transaction

from hromada.core.jobs import enqueue
from hromada.core.jobs.backends import create_backend
from hromada.core.jobs.models import Job, JobStatus
from hromada.core.jobs.tests import jobs_for_tests as jobs
from hromada.core.jobs.tests.helpers import (
    kill_mid_job_then_recover,
    start_worker,
    subprocess_database_url,
    wait_for,
)
from hromada.testing.services import require_service

REDIS_URL = "redis://127.0.0.1:6379/0"
RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"


@pytest.fixture
def queue_name() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"


@pytest.mark.django_db(transaction=True)
def test_database_backend_survives_a_killed_worker(tmp_path, queue_name):
    marker = tmp_path / "marker.txt"
    enqueue(jobs.slow_marker, queue=queue_name, path=str(marker), seconds=3, on_commit=False)

    lines = kill_mid_job_then_recover(
        queue_name, {"DATABASE_URL": subprocess_database_url(), "JOBS_BACKEND": "database"}, marker, tmp_path)

    assert lines == ["start", "start", "done"]
    job = Job.objects.get(queue=queue_name)
    assert (job.status, job.attempts) == (JobStatus.DONE, 2)


@pytest.fixture
def redis_jobs(settings, queue_name):
    require_service("Redis", "127.0.0.1", 6379)
    settings.JOBS = {**settings.JOBS, "BACKEND": "redis", "BROKER_URL": REDIS_URL}
    backend = create_backend()
    yield backend
    for key in backend.client.scan_iter(match=f"hromada:jobs:{queue_name}:*"):
        backend.client.delete(key)
    backend.close()


@pytest.mark.redis
def test_redis_backend_survives_a_killed_worker(tmp_path, queue_name, redis_jobs):
    marker = tmp_path / "marker.txt"
    enqueue(jobs.slow_marker, queue=queue_name, path=str(marker), seconds=3, on_commit=False)
    assert redis_jobs.pending_count(queue_name) == 1

    lines = kill_mid_job_then_recover(queue_name, {"JOBS_BACKEND": "redis", "JOBS_BROKER_URL": REDIS_URL},
                                      marker, tmp_path)

    assert lines == ["start", "start", "done"]
    assert redis_jobs.pending_count(queue_name) == 0


@pytest.mark.redis
@pytest.mark.django_db
def test_redis_enqueue_waits_for_commit(tmp_path, queue_name, redis_jobs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue(jobs.append_line, queue=queue_name, path=str(tmp_path / "x"), text="x")
            raise RuntimeError("rolled back")
    assert redis_jobs.pending_count(queue_name) == 0
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue(jobs.append_line, queue=queue_name, path=str(tmp_path / "x"), text="x")
        assert redis_jobs.pending_count(queue_name) == 0  # not before the commit
    assert redis_jobs.pending_count(queue_name) == 1


@pytest.fixture
def rabbitmq_jobs(settings, queue_name):
    require_service("RabbitMQ", "127.0.0.1", 5672)
    settings.JOBS = {**settings.JOBS, "BACKEND": "rabbitmq", "BROKER_URL": RABBITMQ_URL}
    backend = create_backend()
    yield backend
    channel = backend._open()
    for suffix in ("", ".failed", ".delay.2", ".delay.4"):
        channel.queue_delete(queue=f"hromada.jobs.{queue_name}{suffix}")
    backend.close()


@pytest.mark.rabbitmq
def test_rabbitmq_backend_survives_a_killed_worker(tmp_path, queue_name, rabbitmq_jobs):
    marker = tmp_path / "marker.txt"
    enqueue(jobs.slow_marker, queue=queue_name, path=str(marker), seconds=3, on_commit=False)
    assert rabbitmq_jobs.pending_count(queue_name) == 1

    lines = kill_mid_job_then_recover(
        queue_name, {"JOBS_BACKEND": "rabbitmq", "JOBS_BROKER_URL": RABBITMQ_URL}, marker, tmp_path)

    assert lines == ["start", "start", "done"]
    assert rabbitmq_jobs.pending_count(queue_name) == 0


@pytest.mark.rabbitmq
@pytest.mark.django_db  # the worker closes stale database connections between jobs, as in production
def test_rabbitmq_retries_a_failed_job_after_backoff(tmp_path, queue_name, rabbitmq_jobs):
    from hromada.core.jobs.worker import Worker

    marker = tmp_path / "tries.txt"
    enqueue(jobs.flaky, queue=queue_name, path=str(marker), failures=1, on_commit=False)
    worker = Worker(queue=queue_name, burst=True, poll_timeout=0.5)
    assert worker.run() == 2  # failed once, then (after the 2 s delay queue) succeeded
    assert jobs.read_lines(marker) == ["try", "try"]


@pytest.mark.django_db(transaction=True)
def test_sigterm_lets_the_running_job_finish(tmp_path, queue_name):
    marker = tmp_path / "marker.txt"
    enqueue(jobs.slow_marker, queue=queue_name, path=str(marker), seconds=2)
    enqueue(jobs.append_line, queue=queue_name, path=str(tmp_path / "second.txt"), text="x", delay_seconds=1)
    log = tmp_path / "worker.log"
    worker = start_worker(queue_name, {"DATABASE_URL": subprocess_database_url(), "JOBS_BACKEND": "database"}, log)
    wait_for(lambda: jobs.read_lines(marker) == ["start"], 20, "the worker to start the job")
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=15) == 0, log.read_text()

    assert jobs.read_lines(marker) == ["start", "done"]
    assert Job.objects.get(queue=queue_name, name=jobs.slow_marker.job_name).status == JobStatus.DONE
    # The worker stopped instead of taking the next job.
    assert Job.objects.get(queue=queue_name, name=jobs.append_line.job_name).status == JobStatus.QUEUED


@pytest.mark.django_db(transaction=True)
def test_concurrency_runs_jobs_in_several_processes(tmp_path, queue_name):
    for number in range(4):
        enqueue(jobs.slow_marker, queue=queue_name, path=str(tmp_path / f"m{number}.txt"), seconds=1.5)
    env = {"DATABASE_URL": subprocess_database_url(), "JOBS_BACKEND": "database"}
    result = subprocess.run(
        [sys.executable, "-m", "hromada.cli", "worker", "--queue", queue_name, "--concurrency", "2", "--burst"],
        env={**os.environ, **env}, capture_output=True, text=True, timeout=30)

    assert result.returncode == 0, result.stderr
    assert all(jobs.read_lines(tmp_path / f"m{number}.txt") == ["start", "done"] for number in range(4))
    workers = set(Job.objects.filter(queue=queue_name).values_list("locked_by", flat=True))
    assert len(workers) == 2
