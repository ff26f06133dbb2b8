"""The daily reminder of terms to the department's executors and to the controllers."""

from datetime import date, datetime

import pytest
import time_machine

from hromada.apps.services import reminders
from hromada.apps.services.models import CaseStatus
from hromada.apps.services.tests import factories_casework as cw
from hromada.core import tenancy
from hromada.core.calendar import KYIV, end_of_day
from hromada.core.notifications.models import Message

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=KYIV)


def test_reminders_go_to_the_department_and_the_controllers_once_a_day(casework):
    w = casework
    with time_machine.travel(NOW, tick=False):
        for day in (date(2026, 11, 30), date(2026, 12, 3)):
            cw.make_case(w.service, status=CaseStatus.IN_WORK, department=w.land, due_date=day,
                         due_at=end_of_day(day))
        cw.make_case(w.service, status=CaseStatus.IN_WORK, department=w.land, due_date=date(2026, 12, 20),
                     due_at=end_of_day(date(2026, 12, 20)))  # far from its term
        with tenancy.scope(w.community):
            assert reminders.send_reminders(w.community) == 2  # the land executor and the controller
            assert reminders.send_reminders(w.community) == 0  # the same day: nothing again
    sent = {m.recipient_id: m.body for m in Message.objects.filter(kind="services.reminder")}
    assert set(sent) == {w.executor.pk, w.controller.pk}
    # in the recipient's language (Ukrainian unless they chose another)
    assert "порушеним строком: 1" in sent[w.executor.pk] and "робочих днів: 1" in sent[w.executor.pk]
    assert w.other_executor.pk not in sent  # nothing of the social department is late


def test_the_task_is_scheduled_on_working_mornings(settings):
    entry = settings.TASK_SCHEDULE["services-reminders"]
    assert entry["task"] == "hromada.apps.services.reminders.services_reminders_all"
    assert entry["cron"].endswith("1-5")
