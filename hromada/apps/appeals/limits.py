"""How often a resident may file appeals online (web and API), and an Open311 client per API key.

Both are per-community settings (`Community.appeal_rate_per_hour`, `open311_rate_per_hour`);
appeals an operator enters on a resident's behalf are not counted."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from hromada.core import ratelimit


def check_filing(*, community: Any, user_id: int | None) -> None:
    """Count one appeal about to be filed; RateLimited (429) when the resident is over the hour's limit."""
    rate = ratelimit.per_hour(community.appeal_rate_per_hour)
    ratelimit.check([(f"appeals.file.{community.pk}", str(user_id), rate)],
                    _("You have filed many appeals in the last hour. Please wait a while before filing another."))


def open311_over_limit(*, community: Any, client_id: int) -> bool:
    """Count one service request of an Open311 client; True when its key is over the hour's limit."""
    return ratelimit.hit(f"appeals.open311.{community.pk}", str(client_id),
                         ratelimit.per_hour(community.open311_rate_per_hour))
