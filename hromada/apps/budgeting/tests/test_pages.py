"""What residents see on the budget pages: the ballot's running total, the phases and the status words."""

import re

from django.template.defaultfilters import floatformat

from hromada.apps.budgeting.tests import factories as bf

BASE = "/c/kyiv/budget"


def test_the_ballot_shows_the_votes_used_and_the_cost_of_the_choice(client, cycle, at, voter):
    projects = [bf.make_project(cycle, title=f"Сквер {i}") for i in range(3)]
    at("voting")
    client.force_login(voter)
    client.post(f"{BASE}/{cycle.slug}/vote/", {"project": [projects[0].pk, projects[2].pk]})
    html = client.get(f"{BASE}/{cycle.slug}/vote/").content.decode()
    assert re.search(r"data-ballot-count>2</span> of \d+ votes used", html)
    assert f"data-ballot-cost>{floatformat(projects[0].cost + projects[2].cost, '0g')}</span>" in html
    # every project on the ballot carries its cost for the script that keeps the total current
    assert html.count("data-cost=") == 3 and 'src="/static/budgeting/ballot.js"' in html
    assert '<legend>' in html and 'lang="uk">Сквер 1</span>' in html


def test_a_fresh_ballot_counts_nothing(client, cycle, at, voter):
    bf.make_project(cycle)
    at("voting")
    client.force_login(voter)
    html = client.get(f"{BASE}/{cycle.slug}/vote/").content.decode()
    assert "data-ballot-count>0</span>" in html and "data-ballot-cost>0</span>" in html


def test_the_cycle_page_names_the_phase_now_and_each_status_in_words(client, cycle, at):
    bf.make_project(cycle, title="Лавки в парку")
    at("voting")
    html = client.get(f"{BASE}/{cycle.slug}/").content.decode()
    phases = html.split('class="task-list"')[1].split("</ul>")[0]
    assert phases.count("Finished") == 2 and phases.count("Now") == 1 and "Coming" in phases
    assert '<strong class="tag tag--purple">On the ballot</strong>' in html
    assert 'lang="uk">Лавки в парку</a>' in html
    assert 'href="/c/kyiv/budget/' + cycle.slug + '/vote/"' in html and "ballots cast" in html
