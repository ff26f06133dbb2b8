from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from hromada.core.jobs import enqueue
from hromada.core.jobs.models import Job, JobStatus
from hromada.core.jobs.tests import jobs_for_tests as jobs
from hromada.core.jobs.worker import run_jobs

pytestmark = pytest.mark.django_db


def test_enqueued_job_runs_with_its_arguments(tmp_path):
    marker = tmp_path / "out.txt"
    enqueue(jobs.append_line, path=str(marker), text="hello")

    assert run_jobs() == 1
    assert jobs.read_lines(marker) == ["hello"]
    job = Job.objects.get()
    assert (job.status, job.attempts, job.name) == (JobStatus.DONE, 1, jobs.append_line.job_name)


def test_job_enqueued_in_a_rolled_back_transaction_never_runs(tmp_path):
    marker = tmp_path / "out.txt"
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue(jobs.append_line, path=str(marker), text="rolled back")
        raise RuntimeError("the change failed")

    assert Job.objects.count() == 0
    assert run_jobs() == 0
    assert not marker.exists()


def test_delayed_job_waits_for_its_time(tmp_path):
    marker = tmp_path / "out.txt"
    enqueue("hromada.core.jobs.tests.jobs_for_tests.append_line", path=str(marker), text="later",
            delay_seconds=60)
    assert run_jobs() == 0
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert run_jobs() == 1
    assert jobs.read_lines(marker) == ["later"]


def test_payload_must_be_json(tmp_path):
    with pytest.raises(TypeError):
        enqueue(jobs.append_line, path=tmp_path, text="a Path is not JSON")
    assert Job.objects.count() == 0


def test_failed_job_is_retried_with_exponential_backoff(tmp_path):
    marker = tmp_path / "tries.txt"
    enqueue(jobs.flaky, path=str(marker), failures=2)
    start = timezone.now()

    run_jobs()
    job = Job.objects.get()
    assert (job.status, job.attempts) == (JobStatus.QUEUED, 1)
    assert "gateway not reachable" in job.last_error
    assert timedelta(seconds=1.5) < job.run_after - start < timedelta(seconds=3)
    assert run_jobs() == 0  # not due yet

    with time_machine.travel(start + timedelta(seconds=3)):
        run_jobs()
        job.refresh_from_db()
        assert job.attempts == 2
        assert timedelta(seconds=3.5) < job.run_after - timezone.now() <= timedelta(seconds=4)
    with time_machine.travel(start + timedelta(seconds=10)):
        run_jobs()
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.DONE, 3)
    assert jobs.read_lines(marker) == ["try", "try", "try"]


def test_job_is_marked_failed_and_logged_after_max_attempts(tmp_path, caplog):
    marker = tmp_path / "tries.txt"
    enqueue(jobs.flaky, path=str(marker), failures=99)
    start = timezone.now()
    with caplog.at_level(logging.ERROR, logger="hromada.jobs"):
        for minutes in range(4):
            with time_machine.travel(start + timedelta(minutes=minutes)):
                run_jobs()
    job = Job.objects.get()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 3)
    assert len(jobs.read_lines(marker)) == 3
    assert any("failed after 3 attempts" in record.getMessage() for record in caplog.records)


def test_job_runs_in_the_community_scope_of_its_payload(tmp_path, community):
    marker = tmp_path / "scope.txt"
    enqueue(jobs.record_scope, path=str(marker), community_id=community.pk)
    enqueue(jobs.record_scope, path=str(marker))
    run_jobs()
    assert sorted(jobs.read_lines(marker)) == sorted([f"{community.pk}:False", "None:True"])


def test_job_of_a_dead_worker_is_claimed_again_after_its_lease(tmp_path, settings):
    from hromada.core.jobs.backends.database import DatabaseBackend

    settings.JOBS = {**settings.JOBS, "LEASE_SECONDS": 30}
    enqueue(jobs.append_line, path=str(tmp_path / "x"), text="x")
    backend = DatabaseBackend()
    first = backend.claim("default", "worker-that-dies", 0)
    assert first is not None
    assert backend.claim("default", "second-worker", 0) is None  # leased
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        again = backend.claim("default", "second-worker", 0)
    assert again is not None and again.id == first.id and again.attempts == 2
    assert Job.objects.get().locked_by == "second-worker"
