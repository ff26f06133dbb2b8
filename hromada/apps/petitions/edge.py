"""The live count of a petition, answered at the WSGI edge (see `hromada/core/edge.py`).

`GET count.json` is public and names no one: the count at most a second old
(`selectors.count_payload`), remembered per community and petition, from process memory without
Django's per-request connection bookkeeping. An unknown petition goes to Django, which answers
the 404 in the visitor's language. Signing is not answered here: it goes through Django's
middleware stack and `views.petition_sign` like every other request made by a signed-in person.
"""

from __future__ import annotations

import re

from hromada.apps.petitions import selectors
from hromada.core import edge
from hromada.core.memo import MISSING

COUNT_PATH = re.compile(r"^/petitions/(?P<pk>[0-9]{1,18})/count\.json$")


def count(request: edge.EdgeRequest) -> edge.EdgeResponse | None:
    pk = int(request.match["pk"])
    community_id = request.community.pk
    payload = selectors.remembered_count(community_id, pk)
    if payload is MISSING:
        with edge.database_lifecycle():
            payload = selectors.count_payload(community_id, pk)
    if payload is None:
        return None  # Django answers the 404 in the visitor's language
    return edge.EdgeResponse(200, payload, cache_control="public, max-age=1", public=True)


def register() -> None:
    edge.register(COUNT_PATH, count, methods=("GET", "HEAD"), lifecycle=False)
