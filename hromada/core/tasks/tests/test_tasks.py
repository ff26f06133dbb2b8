from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task_backends
from django_tasks_db.models import DBTaskResult

from hromada.core.tasks import enqueue, scheduler
from hromada.core.tasks.models import ScheduledTick
from hromada.core.tasks.recovery import recover_database
from hromada.core.tasks.tasks import prune_finished
from hromada.core.tasks.tests import tasks_for_tests as tasks
from hromada.core.tasks.worker import run_due_tasks
from hromada.testing import factories

pytestmark = pytest.mark.django_db


def test_enqueued_task_runs_with_its_arguments(tmp_path):
    marker = tmp_path / "out.txt"
    enqueue(tasks.append_line, path=str(marker), text="hello")

    assert run_due_tasks() == 1
    assert tasks.read_lines(marker) == ["hello"]
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_task_enqueued_in_a_rolled_back_transaction_never_runs(tmp_path):
    marker = tmp_path / "out.txt"
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue(tasks.append_line, path=str(marker), text="rolled back")
        raise RuntimeError("the change failed")

    assert DBTaskResult.objects.count() == 0
    assert run_due_tasks() == 0
    assert not marker.exists()


def test_a_backend_outside_the_database_gets_the_task_after_commit(settings, tmp_path,
                                                                   django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue(tasks.append_line, path=str(tmp_path / "x"), text="rolled back")
            raise RuntimeError("rolled back")
    assert backend.results == []
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue(tasks.append_line, path=str(tmp_path / "x"), text="kept")
        assert backend.results == []
    assert [result.kwargs["text"] for result in backend.results] == ["kept"]


def test_deferred_task_waits_for_its_time(tmp_path):
    marker = tmp_path / "out.txt"
    enqueue(tasks.append_line.using(run_after=timezone.now() + timedelta(seconds=60)), path=str(marker), text="later")
    assert run_due_tasks() == 0
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert run_due_tasks() == 1
    assert tasks.read_lines(marker) == ["later"]


def test_arguments_must_be_json(tmp_path):
    with pytest.raises(TypeError):
        enqueue(tasks.append_line, path=tmp_path, text="a Path is not JSON")
    assert DBTaskResult.objects.count() == 0


def test_a_task_that_raises_is_recorded_failed_with_its_error_and_not_retried(tmp_path):
    marker = tmp_path / "tries.txt"
    enqueue(tasks.fails, path=str(marker))

    assert run_due_tasks() == 1
    result = DBTaskResult.objects.get()
    assert result.status == TaskResultStatus.FAILED
    assert result.exception_class_path == "builtins.RuntimeError"
    assert "gateway not reachable" in result.traceback
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert run_due_tasks() == 0
    assert tasks.read_lines(marker) == ["try"]


def test_a_task_past_its_time_limit_is_stopped_and_recorded_failed(settings, tmp_path):
    settings.TASK_TIME_LIMITS = {tasks.catches_everything.module_path: 1}
    marker = tmp_path / "out.txt"
    enqueue(tasks.catches_everything, path=str(marker), seconds=10)

    assert run_due_tasks() == 1
    assert tasks.read_lines(marker) == ["start"]
    result = DBTaskResult.objects.get()
    assert result.status == TaskResultStatus.FAILED
    assert result.exception_class_path == "hromada.core.tasks.errors.TaskTimeLimitExceeded"


def test_task_runs_in_the_community_scope_of_its_arguments(tmp_path, community):
    marker = tmp_path / "scope.txt"
    enqueue(tasks.record_scope, path=str(marker), community_id=community.pk)
    enqueue(tasks.record_scope, path=str(marker))
    run_due_tasks()
    assert sorted(tasks.read_lines(marker)) == sorted([f"{community.pk}:False", "None:True"])


def test_failed_tasks_are_visible_to_platform_admins(client, tmp_path):
    enqueue(tasks.fails, path=str(tmp_path / "x"))
    run_due_tasks()
    client.force_login(factories.make_user(is_staff=True, is_superuser=True))

    result = DBTaskResult.objects.get()
    listing = client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
    assert listing.status_code == 200 and f"{result.pk}/change/" in listing.content.decode()
    detail = client.get(f"/admin/django_tasks_database/dbtaskresult/{result.pk}/change/").content.decode()
    assert "tasks_for_tests.fails" in detail and "RuntimeError: gateway not reachable" in detail


# --- recovery of abandoned tasks ---------------------------------------------------------------

def _running(started_minutes_ago: float, workers: list[str]) -> DBTaskResult:
    enqueue(tasks.append_line, path="/dev/null", text="x")
    row = DBTaskResult.objects.latest("enqueued_at")
    DBTaskResult.objects.filter(pk=row.pk).update(
        status=TaskResultStatus.RUNNING, worker_ids=workers,
        started_at=timezone.now() - timedelta(minutes=started_minutes_ago))
    return row


def test_a_task_running_past_its_time_limit_and_grace_is_made_ready_again(settings, caplog):
    settings.TASK_TIME_LIMIT, settings.TASK_TIME_LIMITS, settings.TASK_RECOVERY_GRACE = 600, {}, 60
    lost = _running(12, ["dead-worker"])
    busy = _running(5, ["live-worker"])  # within its limit: its worker may well be alive

    with caplog.at_level(logging.WARNING, logger="hromada.tasks"):
        assert recover_database() == 1
    lost.refresh_from_db()
    busy.refresh_from_db()
    assert (lost.status, busy.status) == (TaskResultStatus.READY, TaskResultStatus.RUNNING)
    assert "abandoned by worker dead-worker" in caplog.text
    assert recover_database() == 0  # nothing twice
    assert run_due_tasks() == 1


def test_a_task_whose_workers_were_lost_again_and_again_is_failed(settings):
    settings.TASK_MAX_LOST_RUNS = 3
    row = _running(60, ["a", "b", "c"])
    assert recover_database() == 1
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "hromada.core.tasks.errors.WorkerLost"
    assert "lost 3 times" in row.traceback


# --- scheduler and pruning ---------------------------------------------------------------------

def test_every_scheduled_entry_names_a_task_and_a_valid_cron(settings):
    schedule = scheduler.build()
    names = {job.id for job in schedule.get_jobs()}
    assert names == {*settings.TASK_SCHEDULE, "recover-abandoned"}
    from django.utils.module_loading import import_string
    from django_tasks.base import Task

    assert all(isinstance(import_string(entry["task"]), Task) for entry in settings.TASK_SCHEDULE.values())


def test_a_tick_is_fired_once_even_by_two_schedulers(settings):
    settings.TASK_SCHEDULE = {"lines": {"task": "hromada.core.tasks.tests.tasks_for_tests.append_line",
                                        "cron": "* * * * *", "kwargs": {"path": "/dev/null", "text": "x"}}}
    tick = timezone.now().replace(second=0, microsecond=0)
    assert scheduler.fire("lines", tick) is True
    assert scheduler.fire("lines", tick) is False  # the second scheduler
    assert scheduler.fire("lines", tick + timedelta(minutes=1)) is True
    assert DBTaskResult.objects.count() == 2
    assert ScheduledTick.objects.count() == 2


def test_periodic_tasks_fan_out_to_every_active_community(community, other_community):
    from hromada.apps.petitions.tasks import petitions_tick

    petitions_tick.call()
    enqueued = sorted((row.task_path.rsplit(".", 1)[1], row.args_kwargs["kwargs"]["community_id"])
                      for row in DBTaskResult.objects.all())
    assert enqueued == sorted((name, pk) for pk in (community.pk, other_community.pk)
                              for name in ("petition_close_expired", "petition_flag_overdue"))
    assert run_due_tasks() == 4
    assert not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()


def test_finished_tasks_are_pruned_after_their_keeping_time(settings, tmp_path):
    settings.TASK_RESULTS_KEEP_DAYS, settings.TASK_FAILED_KEEP_DAYS = 7, 30
    enqueue(tasks.append_line, path=str(tmp_path / "x"), text="old")
    enqueue(tasks.fails, path=str(tmp_path / "y"))
    run_due_tasks()
    ScheduledTick.objects.create(name="old", tick_at=timezone.now() - timedelta(days=8))
    enqueue(tasks.append_line, path=str(tmp_path / "x"), text="waiting")  # never pruned: not finished

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        prune_finished.call()
    assert sorted(DBTaskResult.objects.values_list("status", flat=True)) == ["FAILED", "READY"]
    assert not ScheduledTick.objects.exists()
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        prune_finished.call()
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["READY"]


def test_the_management_commands_still_queue_the_periodic_work(community):
    call_command("appeals_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert DBTaskResult.objects.filter(task_path="hromada.apps.appeals.tasks.appeals_reminders").count() == 1
