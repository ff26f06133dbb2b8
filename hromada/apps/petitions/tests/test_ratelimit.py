"""Rate-limit counting on the production cache (Redis): one window per minute, shared by all processes."""

from __future__ import annotations

import pytest

from hromada.apps.petitions import ratelimit
from hromada.apps.petitions.models import PetitionPolicy
from hromada.core.api.errors import DomainError


@pytest.mark.redis
def test_account_and_ip_limits_on_redis(redis_cache):
    policy = PetitionPolicy(sign_rate_per_account=3, sign_rate_per_ip=4, trusted_networks="10.9.0.0/16",
                            sign_rate_per_trusted_ip=100)
    for _ in range(3):
        ratelimit.check_sign_rate(policy=policy, user_id=7, ip="192.0.2.1")
    with pytest.raises(DomainError) as account:
        ratelimit.check_sign_rate(policy=policy, user_id=7, ip="192.0.2.2")
    assert account.value.code == "rate_limited" and "your account" in str(account.value.detail)
    with pytest.raises(DomainError) as network:
        ratelimit.check_sign_rate(policy=policy, user_id=8, ip="192.0.2.1")  # the IP's 4th... and 5th attempt
        ratelimit.check_sign_rate(policy=policy, user_id=9, ip="192.0.2.1")
    assert "your network" in str(network.value.detail)
    for user_id in range(100, 150):  # a trusted CNAP gateway: the raised limit
        ratelimit.check_sign_rate(policy=policy, user_id=user_id, ip="10.9.1.1")
    assert ratelimit._hits(["ip:10.9.1.1"]) == [51]
