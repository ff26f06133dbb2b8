"""The back-office home: the official's roles, their work areas with what awaits them, and their figures."""

import re
from datetime import timedelta

import time_machine
from django.utils import timezone

from hromada.apps.appeals import actions
from hromada.apps.appeals.models import Category
from hromada.apps.petitions.models import Petition, PetitionStatus
from hromada.core import tenancy
from hromada.testing import factories

HOME = "/c/kyiv/office/"


def _appeal(community, resident, category, **kw):
    with tenancy.scope(community):
        return actions.appeal_register(community=community, text="Вибоїна біля школи", category=category,
                                       author=actions.Author(user=resident), **kw)


def tile(html: str, label: str) -> str:
    found = re.search(r'<span class="stat__value">([^<]*)</span>\s*<span class="stat__label">(?:<a [^>]*>)?'
                      + re.escape(label) + "<", html)
    assert found, f"no tile {label!r}"
    return found.group(1).strip()


def test_the_operator_sees_the_appeals_waiting_in_triage(client, community, staff, resident):
    with tenancy.scope(community):
        other = Category.objects.create(community=community, code="other", name_uk="Інше")
    for _n in range(3):
        _appeal(community, resident, other)
    client.force_login(staff("operator"))
    html = client.get(HOME).content.decode()
    assert "Operator" in html or "operator" in html
    assert tile(html, "appeals in triage") == "3"
    card = html[html.index('class="card"'):]
    assert '<span class="counter">3<span class="visually-hidden"> appeals in triage</span></span>' in card
    assert 'href="/c/kyiv/appeals/office/triage/"' in html


def test_the_controller_sees_open_and_overdue_appeals_in_words(client, community, staff, resident):
    with tenancy.scope(community):
        other = Category.objects.create(community=community, code="other", name_uk="Інше")
    with time_machine.travel(timezone.now() - timedelta(days=40), tick=False):
        _appeal(community, resident, other)
    _appeal(community, resident, other)
    client.force_login(staff("controller"))
    html = client.get(HOME).content.decode()
    assert (tile(html, "open appeals"), tile(html, "overdue appeals")) == ("2", "1")
    assert "stat--bad" in html and "Overdue: act now" in html
    assert "appeals in triage" not in html  # a controller does not triage


def test_the_moderator_sees_petitions_awaiting_moderation(client, community, staff, resident):
    with tenancy.scope(community):
        for n in range(2):
            Petition.objects.create(community=community, title=f"Петиція {n}", text="Текст петиції",
                                    author=resident, status=PetitionStatus.MODERATION)
    client.force_login(staff("moderator"))
    html = client.get(HOME).content.decode()
    assert tile(html, "petitions awaiting moderation") == "2"
    assert tile(html, "petitions awaiting consideration") == "0"


def test_the_home_page_queries_do_not_grow_with_the_work(client, community, staff, resident,
                                                        django_assert_max_num_queries):
    admin = staff("admin")
    with tenancy.scope(community):
        other = Category.objects.create(community=community, code="other", name_uk="Інше")
    _appeal(community, resident, other)
    client.force_login(admin)
    with django_assert_max_num_queries(30):
        small = client.get(HOME)
    for _n in range(10):
        _appeal(community, resident, other)
    factories.make_department(community, name_uk="Освіта", code="EDU")
    with django_assert_max_num_queries(30):
        big = client.get(HOME)
    assert small.status_code == big.status_code == 200
    assert tile(big.content.decode(), "open appeals") == "11"
