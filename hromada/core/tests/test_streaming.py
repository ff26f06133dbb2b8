"""A streamed export is read by the server after the view returned: it must still read its own
community, in the visitor's language, and leave no scope behind."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import get_script_prefix, set_script_prefix
from django.utils import translation
from django.utils.translation import gettext as _

from hromada.apps.communities.models import Department
from hromada.core import tenancy
from hromada.core.streaming import ScopedStreamingResponse, in_request_scope
from hromada.testing import factories


def _departments() -> Iterator[str]:
    yield _("Access denied") + "\n"
    for department in Department.objects.order_by("code"):
        yield f"{department.code};{get_script_prefix()}\n"


def test_a_stream_reads_the_community_of_the_request_after_it_ended(community, other_community):
    factories.make_department(community, code="K1", name_uk="Київ 1")
    factories.make_department(other_community, code="L1", name_uk="Львів 1")
    old_prefix = get_script_prefix()
    set_script_prefix("/c/kyiv/")
    try:
        with tenancy.scope(community), translation.override("uk"):
            response = ScopedStreamingResponse(_departments(), content_type="text/csv", filename="departments.csv")
    finally:
        set_script_prefix(old_prefix)

    # The server reads the body with no community active, or after another request activated its own.
    with tenancy.scope(other_community):
        body = b"".join(response.streaming_content).decode()

    assert body == "Доступ заборонено\nK1;/c/kyiv/\n"
    assert response["Content-Disposition"] == 'attachment; filename="departments.csv"'
    assert tenancy.current_scope() is None and get_script_prefix() == old_prefix


def test_a_stream_closed_half_way_leaves_no_scope(community):
    factories.make_department(community, code="K1", name_uk="Київ 1")
    factories.make_department(community, code="K2", name_uk="Київ 2")
    with tenancy.scope(community):
        chunks = in_request_scope(_departments())

    first = next(chunks)
    chunks.close()  # the visitor went away

    assert first and tenancy.current_scope() is None
