"""What residents and officials read about appeals: words instead of codes, the right time, the right page."""

import html
import logging
import re
from datetime import datetime

import pytest
import time_machine
from django.utils import translation
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from hromada.apps.appeals import actions, receipt
from hromada.apps.appeals.forms import AppealForm
from hromada.apps.appeals.models import Appeal, AppealStatus
from hromada.core import tenancy

S = AppealStatus


def register(w, **kw):
    kw.setdefault("text", "Вибоїна на дорозі біля школи")
    kw.setdefault("category", w.pothole)
    kw.setdefault("author", actions.Author(user=w.resident))
    with tenancy.scope(w.community):
        return actions.appeal_register(community=w.community, **kw)


def test_timeline_names_each_step_in_words(client, world):
    appeal = register(world)
    with tenancy.scope(world.community):
        actions.appeal_take(appeal=appeal, by=world.executor)
        actions.appeal_answer(appeal=appeal, text="Яму засипано.", by=world.executor)
    client.force_login(world.resident)
    html = client.get(f"/c/kyiv/appeals/{appeal.pk}/").content.decode()
    steps = re.findall(r'<p class="timeline__title">([^<]*)</p>', html.split('class="timeline"')[1])
    assert steps[:4] == ["Registered", "Sent to a department", "Taken into work", "Answered"]
    with translation.override("uk"):
        html = client.get(f"/c/kyiv/appeals/{appeal.pk}/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert '<p class="timeline__title">Зареєстровано</p>' in html and ">register<" not in html


def test_form_help_text_follows_the_language_of_the_request():
    with translation.override("en"):
        english = str(AppealForm().fields["text"].help_text)
    with translation.override("uk"):
        ukrainian = str(AppealForm().fields["text"].help_text)
    assert english == "At most 10000 characters."
    assert ukrainian != english and "10000" in ukrainian


def test_map_controls_speak_the_page_language(client, world):
    client.force_login(world.resident)
    page = html.unescape(client.get("/c/kyiv/appeals/new/", HTTP_ACCEPT_LANGUAGE="uk").content.decode())
    assert '"zoomInTitle": "Збільшити"' in page and '"zoomOutTitle": "Зменшити"' in page
    script = (receipt.Path(__file__).parents[1] / "static/appeals/maps.js").read_text()
    assert "zoomInTitle: config.zoomInTitle" in script and "zoomControl: false" in script


def test_receipt_prints_kyiv_time_and_its_qr_leaves_the_link_readable(world, monkeypatch):
    with time_machine.travel(datetime.fromisoformat("2026-07-01T21:30:00+00:00"), tick=False):
        appeal = register(world)
    drawn, images = [], []
    original_string, original_image = canvas.Canvas.drawString, canvas.Canvas.drawImage

    def draw_string(self, x, y, text, *args, **kwargs):
        drawn.append((x, y, text, stringWidth(text, self._fontname, self._fontsize), self._fontsize))
        return original_string(self, x, y, text, *args, **kwargs)

    def draw_image(self, image, x, y, width=None, height=None, *args, **kwargs):
        images.append((x, y, width, height))
        return original_image(self, image, x, y, width, height, *args, **kwargs)

    monkeypatch.setattr(canvas.Canvas, "drawString", draw_string)
    monkeypatch.setattr(canvas.Canvas, "drawImage", draw_image)
    link = "https://kyiv.example.test/appeals/status/" + str(appeal.token) + "/"
    with translation.override("en"):
        receipt.receipt_pdf(appeal, link)
    texts = [text for _x, _y, text, _w, _s in drawn]
    assert "Registered: 02.07.2026 00:30" in texts  # 21:30 UTC is half past midnight in Kyiv (summer time)
    (qx, qy, qw, qh), = images
    for x, y, text, width, size in drawn:
        overlaps = x < qx + qw and qx < x + width and y - size * 0.25 < qy + qh and qy < y + size
        assert not overlaps, text
    assert any(link in text for text in texts) or link in "".join(texts)


def test_dashboard_shows_an_average_of_zero_days(client, world):
    appeal = register(world)
    with tenancy.scope(world.community):
        actions.appeal_take(appeal=appeal, by=world.executor)
        actions.appeal_answer(appeal=appeal, text="Готово.", by=world.executor)
    client.force_login(world.controller)
    html = client.get("/c/kyiv/appeals/office/dashboard/").content.decode()
    assert re.search(r'<span class="stat__value">0</span>\s*<span class="stat__label">average days from registration '
                     r"to answer</span>", html)


def test_executor_who_forwards_lands_on_the_queue(client, world):
    appeal = register(world)
    client.force_login(world.executor)
    response = client.post(f"/c/kyiv/appeals/office/{appeal.pk}/forward/",
                           {"department": world.housing.pk, "reason": "Це питання ЖКГ"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith("/appeals/office/queue/")
    assert f"Appeal {appeal.number} is now with another department." in response.content.decode()


def test_duplicate_of_an_unknown_number_is_a_form_error(client, world):
    appeal = register(world)
    client.force_login(world.operator)
    response = client.post(f"/c/kyiv/appeals/office/{appeal.pk}/duplicate/", {"main": "KY-2026-999999"},
                           follow=True)
    assert response.status_code == 200
    assert ("Duplicate of (number): There is no appeal with the number “KY-2026-999999” in this community."
            in response.content.decode())
    with tenancy.scope(world.community):
        assert Appeal.objects.get(pk=appeal.pk).duplicate_of_id is None


def test_office_error_names_the_field(client, world):
    appeal = register(world)
    client.force_login(world.executor)
    response = client.post(f"/c/kyiv/appeals/office/{appeal.pk}/extend/", {"reason": ""}, follow=True)
    assert "Reason: This field is required." in response.content.decode()


def test_operator_entry_form_speaks_about_the_resident(client, world):
    client.force_login(world.operator)
    html = client.get("/c/kyiv/appeals/office/new/").content.decode()
    assert "Resident&#x27;s place of residence" in html and "Your place of residence" not in html
    assert "what does the resident ask for?" in html
    uk = client.get("/c/kyiv/appeals/office/new/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Зареєструватися" not in uk and "Зареєструвати звернення" in uk
    assert "Ваше місце проживання" not in uk


def test_reopened_appeal_drops_the_old_extension_note(client, world):
    appeal = register(world)
    with tenancy.scope(world.community):
        actions.appeal_take(appeal=appeal, by=world.executor)
        actions.appeal_extend(appeal=appeal, reason="Потрібна експертиза", by=world.executor)
        actions.appeal_answer(appeal=appeal, text="Готово.", by=world.executor)
        actions.appeal_reopen(appeal=appeal, reason="Яма знову є", by=world.resident)
    client.force_login(world.resident)
    html = client.get(f"/c/kyiv/appeals/{appeal.pk}/").content.decode()
    assert "Потрібна експертиза" in html  # still on the timeline
    assert "(extended: Потрібна експертиза)" not in html


@pytest.mark.parametrize(("who", "path", "status", "message"), [
    ("resident", "/c/kyiv/api/v1/appeals/999999/", 404, "There is no such appeal."),
    ("resident", "/c/kyiv/api/v1/appeals/queue/", 403, "Only executors of a department have a queue."),
    ("resident", "/c/kyiv/api/v1/appeals/triage/", 403, "You do not have permission to do this."),
])
def test_api_refusals_say_why(client, world, who, path, status, message):
    client.force_login(getattr(world, who))
    response = client.get(path)
    assert response.status_code == status
    assert response.json()["errors"][0]["message"] == message


def test_refused_page_logs_one_line_without_a_traceback(client, world, caplog):
    client.force_login(world.resident)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/c/kyiv/appeals/office/").status_code == 403
    refused = [r for r in caplog.records if r.name == "django.request" and getattr(r, "status_code", None) == 403]
    assert refused and all(r.exc_info is None for r in refused)
    assert "Traceback" not in caplog.text and "Forbidden" in caplog.text
