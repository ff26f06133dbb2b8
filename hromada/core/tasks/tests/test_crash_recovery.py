"""A worker killed with ``kill -9`` mid-task loses nothing: another worker runs the task to the end.

Real worker processes; for RQ, the real Redis. (That a re-run sends no notification twice is the
outbox's part: hromada/core/notifications/tests/test_outbox.py.)
"""

from __future__ import annotations

import subprocess
import sys
import uuid

import pytest
import redis
from django.conf import settings
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hromada.core.tasks import enqueue
from hromada.core.tasks.tests import tasks_for_tests as tasks
from hromada.core.tasks.tests.helpers import kill_9, run_django, start_worker, stop, wait_for, worker_env
from hromada.testing.services import require_service

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.mark.django_db(transaction=True)
def test_database_backend_task_of_a_killed_worker_is_run_again(tmp_path):
    marker, log = tmp_path / "marker.txt", tmp_path / "worker.log"
    enqueue(tasks.slow_marker, path=str(marker), seconds=3)
    env = worker_env(TASK_TIME_LIMIT="4")

    first = start_worker(env, log)
    try:
        wait_for(lambda: tasks.read_lines(marker) == ["start"], 30, "the first worker to start the task", log)
    finally:
        kill_9(first)
    assert tasks.read_lines(marker) == ["start"], "the task must not have finished before the kill"
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING  # as the dead worker left it

    second = start_worker(env, log)
    try:
        # After the time limit and the grace second, the second worker takes the task back and runs it.
        wait_for(lambda: tasks.read_lines(marker) == ["start", "start", "done"], 30, "the task to be run again", log)
        wait_for(lambda: DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL, 10, "the result", log)
    finally:
        stop(second, log)
    result = DBTaskResult.objects.get()
    assert len(result.worker_ids) == 2 and result.worker_ids[0] != result.worker_ids[1]


@pytest.mark.django_db(transaction=True)
def test_database_worker_stops_a_task_at_its_time_limit_and_goes_on(tmp_path):
    marker, log = tmp_path / "marker.txt", tmp_path / "worker.log"
    enqueue(tasks.catches_everything, path=str(marker), seconds=30)
    enqueue(tasks.append_line, path=str(tmp_path / "next.txt"), text="next")

    worker = start_worker(worker_env(TASK_TIME_LIMIT="2"), log, "--burst")
    assert worker.wait(timeout=40) == 0, log.read_text()

    assert tasks.read_lines(marker) == ["start"]  # stopped: neither "swallowed" nor "done"
    stopped = DBTaskResult.objects.get(task_path=tasks.catches_everything.module_path)
    assert stopped.status == TaskResultStatus.FAILED
    assert stopped.exception_class_path == "hromada.core.tasks.errors.TaskTimeLimitExceeded"
    assert "longer than its time limit" in stopped.traceback
    assert tasks.read_lines(tmp_path / "next.txt") == ["next"]


@pytest.mark.django_db(transaction=True)
def test_sigterm_lets_the_running_task_finish(tmp_path):
    marker, log = tmp_path / "marker.txt", tmp_path / "worker.log"
    enqueue(tasks.slow_marker, path=str(marker), seconds=2)
    worker = start_worker(worker_env(), log)
    wait_for(lambda: tasks.read_lines(marker) == ["start"], 30, "the worker to start the task", log)
    enqueue(tasks.append_line, path=str(tmp_path / "second.txt"), text="x")
    stop(worker, log)

    assert tasks.read_lines(marker) == ["start", "done"]
    assert DBTaskResult.objects.get(task_path=tasks.slow_marker.module_path).status == TaskResultStatus.SUCCESSFUL
    # The worker stopped instead of taking the next task.
    assert DBTaskResult.objects.get(task_path=tasks.append_line.module_path).status == TaskResultStatus.READY


@pytest.mark.django_db(transaction=True)
def test_concurrency_runs_tasks_in_several_processes(tmp_path):
    for number in range(4):
        enqueue(tasks.slow_marker, path=str(tmp_path / f"m{number}.txt"), seconds=1.5)
    result = subprocess.run([sys.executable, "-m", "hromada.cli", "worker", "--concurrency", "2", "--burst"],
                            env={**__import__("os").environ, **worker_env()}, capture_output=True, text=True,
                            timeout=60)

    assert result.returncode == 0, result.stderr
    assert all(tasks.read_lines(tmp_path / f"m{number}.txt") == ["start", "done"] for number in range(4))
    workers = {result.worker_ids[0] for result in DBTaskResult.objects.all()}
    assert len(workers) == 2


# --- RQ on Redis ----------------------------------------------------------------------------------

@pytest.fixture
def rq_queue():
    """A queue of its own on the real Redis, removed afterwards."""
    require_service("Redis", "127.0.0.1", 6379)
    name = f"test-{uuid.uuid4().hex[:10]}"
    yield name
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"rq:*{name}*"):
        client.delete(key)
    client.close()


def rq_env(queue: str, **extra: str) -> dict[str, str]:
    return worker_env(TASKS_BACKEND="rq", TASKS_REDIS_URL=REDIS_URL, TASK_QUEUES=f"default,{queue}", **extra)


ENQUEUE = """
    from django.db import transaction
    import django_rq
    from hromada.core.tasks import enqueue
    from hromada.core.tasks.tests import tasks_for_tests as tasks

    queue = django_rq.get_queue("{queue}")
    task = tasks.slow_marker.using(queue_name="{queue}")
    try:
        with transaction.atomic():
            enqueue(task, path="{marker}", seconds=3)
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    print("after rollback", queue.count)
    with transaction.atomic():
        enqueue(task, path="{marker}", seconds=3)
        print("before commit", queue.count)
    print("after commit", queue.count)
"""


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_rq_task_is_enqueued_on_commit_and_a_killed_workers_task_is_run_again(tmp_path, rq_queue):
    marker, log = tmp_path / "marker.txt", tmp_path / "worker.log"
    env = rq_env(rq_queue, TASK_TIME_LIMIT="20")
    printed = run_django(ENQUEUE.format(queue=rq_queue, marker=marker), env)
    assert printed.split("\n")[:3] == ["after rollback 0", "before commit 0", "after commit 1"]

    first = start_worker(env, log, "--queue", rq_queue)
    try:
        wait_for(lambda: tasks.read_lines(marker) == ["start"], 30, "the first worker to start the task", log)
    finally:
        kill_9(first)
    assert tasks.read_lines(marker) == ["start"]

    # RQ gives a job up once its worker's heartbeat has expired (a minute or so); let that time pass.
    printed = run_django("""
        import time
        from hromada.core.tasks.recovery import recover_abandoned
        print(recover_abandoned(rq_timestamp=time.time() + 600))
    """, env)
    assert printed.strip() == "1"

    second = start_worker(env, log, "--queue", rq_queue, "--burst")
    try:
        assert second.wait(timeout=40) == 0, log.read_text()
    finally:
        stop(second, log)
    assert tasks.read_lines(marker) == ["start", "start", "done"]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_rq_stops_a_task_at_its_time_limit_records_it_failed_and_does_not_retry_it(tmp_path, rq_queue):
    marker, log = tmp_path / "marker.txt", tmp_path / "worker.log"
    env = rq_env(rq_queue, TASK_TIME_LIMIT="2")
    run_django(f"""
        from hromada.core.tasks.tests import tasks_for_tests as tasks
        tasks.catches_everything.using(queue_name="{rq_queue}").enqueue(path="{marker}", seconds=30)
        tasks.fails.using(queue_name="{rq_queue}").enqueue(path="{tmp_path / 'fails.txt'}")
    """, env)

    worker = start_worker(env, log, "--queue", rq_queue, "--burst")
    assert worker.wait(timeout=60) == 0, log.read_text()

    assert tasks.read_lines(marker) == ["start"]
    assert tasks.read_lines(tmp_path / "fails.txt") == ["try"]  # raised once, not retried
    printed = run_django(f"""
        import django_rq
        from rq.registry import FailedJobRegistry
        registry = FailedJobRegistry(queue=django_rq.get_queue("{rq_queue}"))
        for job_id in sorted(registry.get_job_ids()):
            print(django_rq.get_queue("{rq_queue}").fetch_job(job_id).func_name)
    """, env)
    assert sorted(printed.split()) == sorted([tasks.catches_everything.module_path, tasks.fails.module_path])
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"  # this process is untouched
