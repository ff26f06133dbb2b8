"""The control dashboard as a controller uses it: filters in the URL, figures, charts, lists and exports."""

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from hromada.apps.appeals import actions
from hromada.apps.appeals.models import Appeal, Channel
from hromada.core import tenancy
from hromada.core.calendar import kyiv_date

DASHBOARD = "/c/kyiv/appeals/office/dashboard/"
LIST = "/c/kyiv/appeals/office/list/"


def register(w, **kw):
    kw.setdefault("text", "Вибоїна на дорозі біля школи")
    kw.setdefault("category", w.pothole)
    kw.setdefault("author", actions.Author(user=w.resident))
    with tenancy.scope(w.community):
        return actions.appeal_register(community=w.community, **kw)


@pytest.fixture
def known(world):
    """Roads: two potholes filed today (one by the call centre), one answered at once. Housing: one filed
    40 days ago, overdue now (15-day term). Triage: one of the "other" category, filed today."""
    with time_machine.travel(timezone.now() - timedelta(days=40), tick=False):
        world.old = register(world, category=world.housing_cat)
    world.web = register(world)
    world.phoned = register(world, channel=Channel.OPERATOR)
    world.triaged = register(world, category=world.other)
    world.done = register(world)
    with tenancy.scope(world.community):
        actions.appeal_answer(appeal=world.done, text="Яму закладено.", by=world.executor)
    return world


def tile(html: str, label: str) -> str:
    """The value of the KPI tile whose label is `label` (linked or not)."""
    found = re.search(r'<span class="stat__value">([^<]*)</span>\s*<span class="stat__label">(?:<a [^>]*>)?'
                      + re.escape(label) + "<", html)
    assert found, f"no tile {label!r}"
    return found.group(1).strip()


def page(client, query: str = "", language: str = "en") -> str:
    response = client.get(DASHBOARD + query, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.content.decode()


def test_filters_change_the_figures(client, known):
    client.force_login(known.controller)
    html = page(client)  # the last 30 days, every department
    assert [tile(html, name) for name in ("open", "due this week", "overdue", "in triage (no department yet)",
                                          "received", "answered")] == ["4", "0", "1", "1", "4", "1"]

    html = page(client, f"?department={known.housing.pk}")
    assert [tile(html, name) for name in ("open", "overdue", "received", "answered")] == ["1", "1", "0", "0"]
    html = page(client, f"?department={known.housing.pk}&period=90")
    assert tile(html, "received") == "1"

    html = page(client, f"?category={known.pothole.pk}")
    assert [tile(html, name) for name in ("open", "overdue", "received", "answered")] == ["2", "0", "3", "1"]
    html = page(client, f"?channel={Channel.OPERATOR}")  # read from the appeal rows, not the tallies
    assert [tile(html, name) for name in ("open", "in triage (no department yet)", "received")] == ["1", "0", "1"]

    today = kyiv_date(timezone.now())
    old_day = kyiv_date(known.old.registered_at)
    html = page(client, f"?period=custom&date_from={old_day}&date_to={old_day}")
    assert (tile(html, "received"), tile(html, "open")) == ("1", "4")  # the work now ignores the period
    html = page(client, f"?period=custom&date_from={today - timedelta(days=3)}&date_to={today}")
    assert tile(html, "received") == "4"


def test_the_filters_stay_in_the_url_and_every_figure_links_to_its_list(client, known):
    client.force_login(known.controller)
    query = f"?period=90&department={known.roads.pk}"
    html = page(client, query)
    assert 'method="get"' in html
    assert f'<option value="{known.roads.pk}" selected>' in html and '<option value="90" selected>' in html
    overdue_link = f'href="{LIST}?period=90&amp;department={known.roads.pk}&amp;kind=overdue"'
    assert overdue_link in html
    listed = client.get(f"{LIST}?period=90&department={known.roads.pk}&kind=open").content.decode()
    assert known.web.number in listed and known.phoned.number in listed and known.old.number not in listed
    assert known.triaged.number not in listed
    received = client.get(f"{LIST}?period=90&kind=received").content.decode()
    assert all(a.number in received for a in (known.old, known.web, known.phoned, known.triaged, known.done))


def test_overdue_tile_says_so_in_words_and_icon_not_just_colour(client, known):
    client.force_login(known.controller)
    html = page(client)
    tile_html = html[html.index('class="stat stat--bad"'):][:600]
    assert "✕" in tile_html and "Overdue: act now" in tile_html and ">overdue</a>" in tile_html
    html = page(client, f"?department={known.roads.pk}")
    assert "stat--bad" not in html and "None overdue" in html


def test_charts_have_their_tables_with_the_same_filtered_figures(client, known):
    client.force_login(known.controller)
    html = page(client, f"?category={known.pothole.pk}")
    assert html.count('<figure class="chart') == 3 and html.count("<svg") == 3
    flow = html[html.index('id="appeals-flow-caption"'):]
    flow = flow[:flow.index("</figure>")]
    today = timezone.localdate()
    row = re.search(r'<th scope="row">' + str(today.day) + r" \w+ " + str(today.year)
                    + r'</th><td class="num"><a href="([^"]+)">3</a></td><td class="num"><a href="[^"]+">1</a>', flow)
    assert row, flow[:3000]
    assert f"category={known.pothole.pk}" in row.group(1) and "kind=received" in row.group(1)
    departments = html[html.index('id="appeals-departments-caption"'):]
    assert "Дороги" in departments and "ЖКГ" not in departments[:departments.index("</figure>")]


def test_the_export_has_exactly_the_filtered_rows(client, known):
    from openpyxl import load_workbook

    client.force_login(known.controller)
    html = page(client, f"?department={known.roads.pk}")
    csv_link = re.search(r'href="(/c/kyiv/appeals/office/export\.csv\?[^"]*kind=open[^"]*)"', html).group(1)
    body = b"".join(client.get(csv_link.replace("&amp;", "&")).streaming_content).decode()
    assert known.web.number in body and known.phoned.number in body
    assert known.old.number not in body and known.triaged.number not in body and known.done.number not in body
    query = f"kind=open&department={known.roads.pk}&channel={Channel.OPERATOR}"
    sheet = load_workbook(io.BytesIO(b"".join(
        client.get(f"/c/kyiv/appeals/office/export.xlsx?{query}").streaming_content))).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [known.phoned.number]
    body = b"".join(client.get("/c/kyiv/appeals/office/export.csv?kind=received&period=7").streaming_content)
    assert known.old.number.encode() not in body and body.count(b"\n") == 1 + 4


@pytest.mark.parametrize(("query", "message"), [
    ("?period=custom&date_from=2026-11-10&date_to=2026-11-01", "The last day must be the same as or after"),
    ("?period=custom&date_from=2020-01-01&date_to=2026-11-01", "at most three years"),
    ("?period=custom&date_from=yesterday&date_to=2026-11-01", "Enter a valid date"),
    ("?period=custom&date_to=2026-11-01", "Enter the first day of the period"),
    ("?period=forever", "Select a valid choice"),
    ("?department=99999999999999999999999", "Select a valid choice"),
    ("?category=abc", "Select a valid choice"),
    ("?channel=pigeon", "Select a valid choice"),
])
def test_bad_filters_are_refused_with_the_error_summary(client, known, query, message):
    client.force_login(known.controller)
    response = client.get(DASHBOARD + query, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 400 and "error-summary" in html and message in html
    assert "<title>Error: " in html
    listed = client.get(LIST + query + "&kind=open", HTTP_ACCEPT_LANGUAGE="en")
    assert listed.status_code == 400 and message in listed.content.decode()
    exported = client.get("/c/kyiv/appeals/office/export.csv" + query, HTTP_ACCEPT_LANGUAGE="en")
    assert exported.status_code == 400 and message in exported.content.decode()


def test_a_bad_date_range_is_explained_in_ukrainian(client, known):
    client.force_login(known.controller)
    response = client.get(DASHBOARD + "?period=custom&date_from=2026-11-10&date_to=2026-11-01",
                          HTTP_ACCEPT_LANGUAGE="uk")
    assert response.status_code == 400
    assert "Останній день має бути тим самим, що й перший, або пізнішим." in response.content.decode()


def test_the_dashboard_queries_stay_bounded(client, known, django_assert_max_num_queries):
    client.force_login(known.controller)
    for query in ("", f"?period=365&department={known.roads.pk}", f"?channel={Channel.WEB}&type=application"):
        with django_assert_max_num_queries(18):
            page(client, query)
    for n in range(12):
        register(known, text=f"Ще одна яма {n}", category=known.housing_cat if n % 2 else known.pothole)
    for query in ("", f"?period=365&department={known.roads.pk}", f"?channel={Channel.WEB}&type=application"):
        with django_assert_max_num_queries(18):
            html = page(client, query)
    assert tile(html, "received") == "15"  # 3 filed on the web today before, 12 now
    with tenancy.scope(known.community):
        assert Appeal.objects.count() == 17
