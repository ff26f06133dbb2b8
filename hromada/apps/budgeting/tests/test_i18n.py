"""Ukrainian is the default language: the budget's pages, messages and errors speak it."""

import re
from pathlib import Path

from django.utils import translation

from hromada.apps.budgeting.tests import factories as bf

PO = Path(__file__).resolve().parents[1] / "locale" / "uk" / "LC_MESSAGES" / "django.po"


def test_every_message_has_a_ukrainian_translation():
    text = PO.read_text(encoding="utf-8")
    empty = re.findall(r'\nmsgid "(.+)"\nmsgstr ""\n\n', text)
    assert "#, fuzzy" not in text
    assert empty == []
    assert PO.with_suffix(".mo").exists()


def test_ballot_page_and_refusal_in_ukrainian(client, settings, cycle, at, community):
    settings.LANGUAGE_CODE = "uk"
    at("review")
    bf.make_project(cycle, title="Лавки")
    client.force_login(bf.make_voter(community))

    page = client.get("/c/kyiv/budget/pb2026/vote/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()

    assert "Бюлетень" in page
    assert "Голосування: зараз неможливо. Це можна зробити на етапі «Голосування»" in page


def test_cost_errors_in_ukrainian(cycle, at, in_community):
    from hromada.apps.budgeting.actions import parse_cost_items
    from hromada.core.api.errors import DomainError

    with translation.override("uk"):
        try:
            parse_cost_items([{"description": "Лавка", "quantity": "-1", "unit_price": "10"}])
        except DomainError as error:
            message = str(error.detail)
    assert message == "Стаття кошторису 1, кількість: значення має бути більшим за нуль."
