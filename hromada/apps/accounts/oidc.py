"""OpenID Connect client for identity providers such as id.gov.ua or BankID.

The flow is the authorization-code flow with PKCE (S256), a `state` against
cross-site request forgery and a `nonce` against token replay. The id_token's
signature is checked against the provider's published keys (JWKS) with joserfc; its
issuer, audience, expiry and nonce are checked too. Nothing here writes to the
database: :func:`complete` returns a :class:`ProviderIdentity` that
``actions.user_sign_in_with_provider`` turns into an account.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

import requests
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from hromada.core.memo import ABOVE_COMMUNITIES, TimedMemory
from hromada.core.text import strip_controls

SESSION_KEY = "oidc_pending"
HTTP_TIMEOUT = 10  # seconds, for every call to the provider
METADATA_TTL = 3600  # seconds a discovery document or key set is reused


class OIDCError(Exception):
    """The sign-in cannot go on. `message` is shown to the person; `code` goes to the logs."""

    def __init__(self, code: str, message: Any) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


# -- claim profiles ------------------------------------------------------------------------
# Each field lists the claim names to try, first present wins. id.gov.ua and BankID hand
# out name parts and the tax number (`drfocode`); a generic provider gives `name` and the
# standard OpenID Connect claims.
PROFILES: dict[str, dict[str, Any]] = {
    "id.gov.ua": {
        "tax_number": ("drfocode", "tax_number", "rnokpp"),
        "given_name": ("given_name", "givenname"),
        "family_name": ("family_name", "lastname"),
        "middle_name": ("middle_name", "middlename", "patronymic"),
        "name": ("name",),
        "email": ("email",),
        "email_verified": ("email_verified",),
        "phone": ("phone", "phone_number"),
        "birth_date": ("birthdate", "birthday"),
        "address": ("address",),
        # The state gateway passes on the address held in the person's records.
        "trust_email": True,
    },
    "generic": {
        "tax_number": (),
        "given_name": ("given_name",),
        "family_name": ("family_name",),
        "middle_name": ("middle_name",),
        "name": ("name",),
        "email": ("email",),
        "email_verified": ("email_verified",),
        "phone": ("phone_number",),
        "birth_date": ("birthdate",),
        "address": ("address",),
        "trust_email": False,
    },
}


@dataclass(frozen=True)
class ProviderIdentity:
    """Who the provider says the person is. `tax_number` is raw: hash it, never store it."""

    issuer: str
    subject: str
    full_name: str = ""
    tax_number: str = ""
    email: str = ""
    email_verified: bool = False
    phone: str = ""
    birth_date: date | None = None
    address: str = ""


def config() -> dict[str, Any]:
    conf: dict[str, Any] = {"SCOPES": "openid profile email", "PROVIDER_NAME": "", "CLAIM_PROFILE": "id.gov.ua",
                            "CLAIM_MAP": {}, "TOKEN_AUTH_METHOD": "client_secret_post"}
    conf.update(getattr(settings, "OIDC", {}) or {})
    return conf


def is_enabled() -> bool:
    return bool(config().get("ISSUER"))


def provider_name() -> str:
    return str(config().get("PROVIDER_NAME") or config().get("ISSUER", ""))


def _first(claims: dict[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = claims.get(name)
        if value not in (None, ""):
            return value
    return None


def _parse_date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(value.strip(), fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


def _text(value: Any, limit: int) -> str:
    if isinstance(value, dict):  # the OpenID Connect address claim is an object
        value = value.get("formatted") or ", ".join(
            str(value[k]) for k in ("street_address", "locality", "region", "postal_code", "country") if value.get(k)
        )
    return strip_controls(value, single_line=True)[:limit]


def map_claims(issuer: str, subject: str, claims: dict[str, Any], profile_name: str | None = None,
               overrides: dict[str, Any] | None = None) -> ProviderIdentity:
    conf = config()
    profile = dict(PROFILES[profile_name or conf["CLAIM_PROFILE"]])
    for key, value in (overrides if overrides is not None else conf.get("CLAIM_MAP") or {}).items():
        profile[key] = (value,) if isinstance(value, str) else value

    parts = [_first(claims, profile[k]) for k in ("family_name", "given_name", "middle_name")]
    full_name = " ".join(str(p).strip() for p in parts if p) or _text(_first(claims, profile["name"]), 200)
    tax_digits = "".join(ch for ch in str(_first(claims, profile["tax_number"]) or "") if ch.isdigit())
    email = _text(_first(claims, profile["email"]), 254).lower()
    verified_claim = _first(claims, profile["email_verified"])
    return ProviderIdentity(
        issuer=issuer, subject=subject, full_name=full_name[:200],
        tax_number=tax_digits if len(tax_digits) == 10 else "",
        email=email,
        email_verified=bool(email) and (verified_claim is True or (verified_claim is None and profile["trust_email"])),
        phone=_text(_first(claims, profile["phone"]), 32),
        birth_date=_parse_date(_first(claims, profile["birth_date"])),
        address=_text(_first(claims, profile["address"]), 300),
    )


# -- provider metadata ---------------------------------------------------------------------
# The providers' published documents and keys belong to no community (one provider serves many).
_cache = TimedMemory("accounts.oidc_metadata", limit=100)


def _get_json(url: str, **kwargs: Any) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=HTTP_TIMEOUT, **kwargs)
        response.raise_for_status()
        body = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise OIDCError("provider_unreachable",
                        _("The identity provider is not answering. Please try again later.")) from exc
    if not isinstance(body, dict):
        raise OIDCError("provider_bad_answer", _("The identity provider gave an answer we could not read."))
    return body


def _cached(key: str, load: Any, refresh: bool = False) -> Any:
    if refresh:
        _cache.pop(ABOVE_COMMUNITIES, key)
    return _cache.remember(ABOVE_COMMUNITIES, key, load, METADATA_TTL)


def discovery(issuer: str) -> dict[str, Any]:
    def load() -> dict[str, Any]:
        doc = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
        if doc.get("issuer", "").rstrip("/") != issuer.rstrip("/"):
            raise OIDCError("issuer_mismatch", _("The identity provider is misconfigured."))
        return doc

    return _cached("discovery:" + issuer, load)


def _key_set(issuer: str, refresh: bool = False) -> KeySet:
    uri = discovery(issuer)["jwks_uri"]
    return _cached("jwks:" + uri, lambda: KeySet.import_key_set(_get_json(uri)),  # type: ignore[arg-type]
                   refresh=refresh)


# -- the flow ------------------------------------------------------------------------------
def begin(request: HttpRequest) -> str:
    """Remember state, nonce and PKCE verifier in the session; return the provider's URL."""
    conf = config()
    endpoint = discovery(conf["ISSUER"])["authorization_endpoint"]
    state, nonce, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48)
    redirect_uri = request.build_absolute_uri(reverse("accounts:oidc_callback"))
    request.session[SESSION_KEY] = {"state": state, "nonce": nonce, "verifier": verifier,
                                    "redirect_uri": redirect_uri, "issuer": conf["ISSUER"]}
    query = {
        "response_type": "code", "client_id": conf["CLIENT_ID"], "redirect_uri": redirect_uri,
        "scope": conf["SCOPES"], "state": state, "nonce": nonce,
        "code_challenge": create_s256_code_challenge(verifier), "code_challenge_method": "S256",
    }
    return endpoint + ("&" if "?" in endpoint else "?") + urlencode(query)


def take_pending(request: HttpRequest) -> dict[str, Any]:
    """The pending sign-in whose state matches the callback; it is used up by this call."""
    pending = request.session.get(SESSION_KEY)
    state = request.GET.get("state", "")
    if not isinstance(pending, dict) or not state or not secrets.compare_digest(str(pending.get("state")), state):
        raise OIDCError("bad_state", _("This sign-in link is invalid or has expired. Please start the sign-in again."))
    del request.session[SESSION_KEY]
    return pending


def complete(request: HttpRequest) -> ProviderIdentity:
    """Check the callback and return the person. Raises OIDCError; changes nothing."""
    pending = take_pending(request)
    if request.GET.get("error"):
        if request.GET["error"] == "access_denied":
            raise OIDCError("access_denied", _("The sign-in was cancelled at the identity provider."))
        raise OIDCError("provider_error", _("The identity provider refused the sign-in. Please try again."))
    code = request.GET.get("code", "")
    if not code:
        raise OIDCError("no_code", _("The identity provider did not complete the sign-in. Please try again."))
    conf = config()
    issuer = pending["issuer"]
    meta = discovery(issuer)
    tokens = _exchange_code(meta["token_endpoint"], code, pending, conf)
    claims = _validate_id_token(issuer, tokens.get("id_token", ""), pending["nonce"], conf["CLIENT_ID"])
    info = {}
    if meta.get("userinfo_endpoint") and tokens.get("access_token"):
        info = _get_json(meta["userinfo_endpoint"], headers={"Authorization": f"Bearer {tokens['access_token']}"})
        if info.get("sub") != claims["sub"]:  # OpenID Connect Core §5.3.2
            raise OIDCError("userinfo_subject", _("The identity provider gave inconsistent answers."))
    return map_claims(issuer, str(claims["sub"]), {**claims, **info})


def _exchange_code(endpoint: str, code: str, pending: dict[str, Any], conf: dict[str, Any]) -> dict[str, Any]:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": pending["redirect_uri"],
            "code_verifier": pending["verifier"]}
    auth = None
    if conf["TOKEN_AUTH_METHOD"] == "client_secret_basic":  # noqa: S105 - a method name, not a secret
        auth = (conf["CLIENT_ID"], conf["CLIENT_SECRET"])
    else:
        form.update(client_id=conf["CLIENT_ID"], client_secret=conf["CLIENT_SECRET"])
    try:
        response = requests.post(endpoint, data=form, auth=auth, timeout=HTTP_TIMEOUT,
                                 headers={"Accept": "application/json"})
        body = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise OIDCError("provider_unreachable",
                        _("The identity provider is not answering. Please try again later.")) from exc
    if response.status_code != 200 or not isinstance(body, dict) or "error" in body:
        error = body.get("error") if isinstance(body, dict) else None
        if error == "invalid_grant":
            raise OIDCError("invalid_grant", _("This sign-in has already been used or has expired. "
                                               "Please start the sign-in again."))
        raise OIDCError(f"token_{error or response.status_code}",
                        _("The identity provider refused the sign-in. Please try again."))
    return body


def _validate_id_token(issuer: str, id_token: str, nonce: str, client_id: str) -> dict[str, Any]:
    rejected = OIDCError("bad_id_token", _("The identity provider's answer could not be verified. "
                                            "Nothing was changed; please try again."))
    if not id_token:
        raise rejected
    try:
        try:
            token = jwt.decode(id_token, _key_set(issuer), algorithms=["RS256"])
        except (ValueError, JoseError):
            # The provider may have rotated its keys: fetch them once more before giving up.
            token = jwt.decode(id_token, _key_set(issuer, refresh=True), algorithms=["RS256"])
        jwt.JWTClaimsRegistry(
            leeway=60,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(token.claims)
    except (ValueError, JoseError) as exc:
        raise rejected from exc
    return dict(token.claims)
