"""What readers and screen readers meet on the portal pages: named regions, marked languages, paging."""

from __future__ import annotations

import pytest

from hromada.core import tenancy

pytestmark = pytest.mark.django_db


def test_preview_table_is_a_named_scroll_region(client, community, make_dataset):
    dataset = make_dataset(csv="район,кількість\nЦентральний,12\n")
    with tenancy.scope(community):
        resource = dataset.resources.get()
    page = client.get(f"/c/kyiv/opendata/dataset/air-quality/resource/{resource.pk}/",
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'role="region" aria-label="Preview of Дані" tabindex="0"' in page
    assert "<pre><code>curl" in page


def test_english_page_marks_ukrainian_only_text_as_ukrainian(client, community, make_dataset):
    make_dataset()  # both titles
    make_dataset(name="budget", identifier="3.3", title_uk="Бюджет громади", title_en="", description_en="")
    english = client.get("/c/kyiv/opendata/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en">Air quality</a>' in english
    assert 'lang="uk">Бюджет громади</a>' in english
    detail = client.get("/c/kyiv/opendata/dataset/budget/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<h1 lang="uk">Бюджет громади</h1>' in detail


def test_long_search_results_are_paged_and_keep_the_search(client, community, make_dataset, settings):
    from hromada.apps.opendata import selectors

    for number in range(selectors.PAGE_SIZE + 1):
        make_dataset(name=f"set-{number}", identifier=f"9.{number}", title_uk=f"Набір {number}")
    page = client.get("/c/kyiv/opendata/", {"q": "набір"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'class="pagination"' in page and "?q=%D0%BD%D0%B0%D0%B1%D1%96%D1%80&amp;page=2" in page


def test_empty_search_says_what_to_do(client, community, make_dataset):
    make_dataset()
    page = client.get("/c/kyiv/opendata/", {"q": "нічого такого"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No data sets match your search." in page and "Try other words or fewer filters." in page
