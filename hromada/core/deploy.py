"""What production refuses: development keys, short keys, one key doing another's job, proxies
that are not addresses. `hromada check --deploy` reports it; `hromada serve` does not start with it.

The keys guard different things. SECRET_KEY signs sessions and links; TAX_NUMBER_HASH_KEY keys the
tax-number hash; PSEUDONYM_KEY keys the voter ids published with participatory-budget votes; AUDIT_HMAC_KEY seals
the audit log's chains.
Whoever knows a pseudonym key can recompute every account's pseudonym and so link each published
ballot to its account, which is why the development values (in the public repository) and short
keys are refused, and why none of them may be the SECRET_KEY."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from hromada.core import proxy

KEYS = ("SECRET_KEY", "TAX_NUMBER_HASH_KEY", "PSEUDONYM_KEY", "AUDIT_HMAC_KEY")
MIN_KEY_LENGTH = 50
MIN_UNIQUE_CHARACTERS = 5
DEVELOPMENT_PREFIXES = ("dev-only-", "django-insecure-")


def key_problems() -> list[str]:
    """One sentence for each key production must not run with; [] when all are fit."""
    problems = []
    seen: dict[str, str] = {}
    for name in KEYS:
        value = str(getattr(settings, name, "") or "")
        if not value:
            problems.append(f"{name} is not set.")
        elif value.startswith(DEVELOPMENT_PREFIXES):
            problems.append(f"{name} is the development value, which is public: set a random one.")
        elif len(value) < MIN_KEY_LENGTH or len(set(value)) < MIN_UNIQUE_CHARACTERS:
            problems.append(f"{name} is too weak: use at least {MIN_KEY_LENGTH} random characters.")
        elif value in seen:
            problems.append(f"{name} is the same as {seen[value]}: each key needs a value of its own.")
        seen.setdefault(value, name)
    return problems


def proxy_problems() -> list[str]:
    problems = []
    for entry in settings.TRUSTED_PROXIES:
        try:
            proxy.trusted_networks((entry,))
        except ValueError:
            problems.append(f"TRUSTED_PROXIES: {entry!r} is not an address or a network (e.g. 10.0.0.0/8).")
    return problems


@checks.register(checks.Tags.security, deploy=True)
def check_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [checks.Error(problem, hint="See docs/operations.md (Configuration).", id="hromada.E001")
            for problem in key_problems()]


@checks.register(checks.Tags.security)
def check_proxies(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [checks.Error(problem, id="hromada.E002") for problem in proxy_problems()]


@checks.register(checks.Tags.security, deploy=True)
def check_production_mode(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """DEBUG shows tracebacks and request data on every error page; HTTPS-only without a trusted
    balancer sees every request as plain HTTP behind it and redirects forever."""
    messages: list[checks.CheckMessage] = []
    if settings.DEBUG:
        messages.append(checks.Error("DEBUG is on: error pages would show tracebacks and request data.",
                                     hint="Unset DEBUG in production.", id="hromada.E003"))
    if settings.SECURE and not settings.TRUSTED_PROXIES:
        messages.append(checks.Warning(
            "SECURE is on but TRUSTED_PROXIES is empty: behind a TLS-terminating balancer every request "
            "looks like plain HTTP and is redirected again and again.",
            hint="List the balancer's addresses in TRUSTED_PROXIES (unless TLS ends at this server).",
            id="hromada.W001"))
    return messages
