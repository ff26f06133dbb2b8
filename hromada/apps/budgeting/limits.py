"""How often ballots may be cast or changed: per voter (platform-wide, `RATE_LIMITS["ballot_account"]`)
and per network address (the community's `ballot_rate_per_address`, a minute's worth). Checked on every
path a ballot takes: the voting page, the API and the edge."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from hromada.core import ratelimit


def check_ballot(*, community: Any, user_id: int | None, meta: Mapping[str, Any]) -> None:
    """Count one ballot about to be submitted; RateLimited (429) when the voter or the address is over."""
    ratelimit.check([
        ("budgeting.ballot.account", str(user_id), ratelimit.rate("ballot_account")),
        (f"budgeting.ballot.address.{community.pk}", ratelimit.client_address(meta),
         ratelimit.per_minute(community.ballot_rate_per_address)),
    ], _("Too many ballots sent in a short time. Please wait a minute and try again."))
