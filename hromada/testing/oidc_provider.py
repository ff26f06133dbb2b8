"""A small but real OpenID Connect provider for tests, in the style of id.gov.ua / BankID.

It speaks the protocol over HTTP on a free local port: discovery, an authorization
endpoint with no UI (it answers at once for the configured test person), a token
endpoint (authorization_code grant, client_secret_post or client_secret_basic, PKCE
S256, single-use codes), a JWKS endpoint and userinfo. id_tokens are RS256 JWTs signed
with a key generated at start.

    with OIDCTestProvider(client_id="hromada", client_secret="s3cret") as provider:
        provider.person = {...}          # claims returned by userinfo
        provider.subject = "person-1"    # the `sub` of the next sign-in
        provider.misbehave.add("wrong_nonce")
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit, urlunsplit

from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.jwk import RSAKey

from hromada.testing.services import free_port

# Claims in the style of id.gov.ua: name parts, `drfocode` (RNOKPP) and the usual contact claims.
IDGOVUA_PERSON: dict[str, Any] = {
    "given_name": "Олена",
    "family_name": "Шевченко",
    "middle_name": "Петрівна",
    "drfocode": "3012456789",
    "birthdate": "1984-08-24",
    "address": "м. Київ, вул. Хрещатик, 1, кв. 5",
    "email": "olena.shevchenko@example.test",
    "phone": "+380501234567",
}

# A generic OpenID Connect provider: standard claim names only.
GENERIC_PERSON: dict[str, Any] = {
    "name": "Taras Melnyk",
    "email": "taras.melnyk@example.test",
    "email_verified": True,
    "birthdate": "1990-02-01",
    "address": {"formatted": "Lviv, Rynok Square 1"},
    "phone_number": "+380671112233",
}

MISBEHAVIOURS = frozenset({"bad_signature", "wrong_nonce", "wrong_audience", "wrong_issuer", "expired"})


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    subject: str
    nonce: str | None
    code_challenge: str | None
    person: dict[str, Any]


@dataclass
class OIDCTestProvider:
    client_id: str = "hromada-test"
    client_secret: str = "test-secret"  # noqa: S105 - a test stand-in
    subject: str = "person-1"
    person: dict[str, Any] = field(default_factory=lambda: dict(IDGOVUA_PERSON))
    deny: bool = False  # the person refuses: /authorize answers error=access_denied
    misbehave: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.kid = secrets.token_hex(8)
        self.key = RSAKey.generate_key(2048, parameters={"kid": self.kid, "use": "sig", "alg": "RS256"})
        self._codes: dict[str, _Grant] = {}
        self._tokens: dict[str, _Grant] = {}
        self._lock = threading.Lock()
        self.token_requests = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> OIDCTestProvider:
        handler = type("Handler", (_Handler,), {"provider": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="oidc-test-provider", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> OIDCTestProvider:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def settings(self, **extra: Any) -> dict[str, Any]:
        """A value for settings.OIDC that points the client at this provider."""
        return {
            "ISSUER": self.issuer, "CLIENT_ID": self.client_id, "CLIENT_SECRET": self.client_secret,
            "SCOPES": "openid profile email", "PROVIDER_NAME": "Test ID", "CLAIM_PROFILE": "id.gov.ua",
            "TOKEN_AUTH_METHOD": "client_secret_post", **extra,
        }

    # -- protocol -------------------------------------------------------------------------
    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile", "email"],
        }

    def authorize(self, query: dict[str, str]) -> tuple[int, str]:
        """Returns (status, redirect location or error text)."""
        redirect_uri = query.get("redirect_uri", "")
        if query.get("client_id") != self.client_id or not redirect_uri.startswith(("http://", "https://")):
            return 400, "unknown client or bad redirect_uri"
        answer: dict[str, str] = {}
        if query.get("response_type") != "code" or "openid" not in query.get("scope", "").split():
            answer["error"] = "invalid_request"
        elif self.deny:
            answer["error"] = "access_denied"
        else:
            code = secrets.token_urlsafe(24)
            challenge = query.get("code_challenge")
            if challenge and query.get("code_challenge_method") != "S256":
                answer["error"] = "invalid_request"
            else:
                with self._lock:
                    self._codes[code] = _Grant(self.client_id, redirect_uri, self.subject, query.get("nonce"),
                                               challenge, dict(self.person))
                answer["code"] = code
        if "state" in query:
            answer["state"] = query["state"]
        parts = urlsplit(redirect_uri)
        joined = "&".join(p for p in (parts.query, urlencode(answer)) if p)
        return 302, urlunsplit((parts.scheme, parts.netloc, parts.path, joined, ""))

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, Any]]:
        self.token_requests += 1
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if authorization.startswith("Basic "):
            try:
                decoded = base64.b64decode(authorization[6:]).decode()
            except ValueError:
                return 401, {"error": "invalid_client"}
            raw_id, _, raw_secret = decoded.partition(":")
            client_id, client_secret = unquote_plus(raw_id), unquote_plus(raw_secret)  # RFC 6749 §2.3.1
        if client_id != self.client_id or not secrets.compare_digest(client_secret or "", self.client_secret):
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)  # single use: a replay finds nothing
        if grant is None or grant.client_id != client_id:
            return 400, {"error": "invalid_grant"}
        if form.get("redirect_uri") != grant.redirect_uri:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri does not match"}
        if grant.code_challenge is not None:
            verifier = form.get("code_verifier", "")
            if not verifier or create_s256_code_challenge(verifier) != grant.code_challenge:
                return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
        access_token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[access_token] = grant
        return 200, {"access_token": access_token, "token_type": "Bearer", "expires_in": 300,
                     "id_token": self._id_token(grant)}

    def userinfo(self, authorization: str) -> tuple[int, dict[str, Any]]:
        token = authorization[7:] if authorization.startswith("Bearer ") else ""
        with self._lock:
            grant = self._tokens.get(token)
        if grant is None:
            return 401, {"error": "invalid_token"}
        return 200, {"sub": grant.subject, **grant.person}

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.key.as_dict(private=False)]}

    def _id_token(self, grant: _Grant) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer, "aud": grant.client_id, "sub": grant.subject,
            "iat": now, "exp": now + 300, "auth_time": now,
        }
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        if "wrong_nonce" in self.misbehave:
            claims["nonce"] = "not-the-nonce-you-sent"
        if "wrong_audience" in self.misbehave:
            claims["aud"] = "someone-else"
        if "wrong_issuer" in self.misbehave:
            claims["iss"] = "http://evil.example.test"
        if "expired" in self.misbehave:
            claims["iat"], claims["exp"] = now - 3600, now - 1800
        key = self.key
        if "bad_signature" in self.misbehave:
            # Same kid, different key: what a forged token looks like to the client.
            key = RSAKey.generate_key(2048, parameters={"kid": self.kid})
        return jwt.encode({"alg": "RS256", "kid": self.kid, "typ": "JWT"}, claims, key)


class _Handler(BaseHTTPRequestHandler):
    provider: OIDCTestProvider

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output quiet
        return

    def _json(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        url = urlsplit(self.path)
        if url.path == "/.well-known/openid-configuration":
            self._json(200, self.provider.discovery())
        elif url.path == "/jwks":
            self._json(200, self.provider.jwks())
        elif url.path == "/userinfo":
            self._json(*self.provider.userinfo(self.headers.get("Authorization", "")))
        elif url.path == "/authorize":
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            status, location = self.provider.authorize(query)
            if status == 302:
                self.send_response(302)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self._json(status, {"error": "invalid_request", "error_description": location})
        else:
            self._json(404, {"error": "not_found"})

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        if urlsplit(self.path).path != "/token":
            self._json(404, {"error": "not_found"})
            return
        form = {k: v[0] for k, v in parse_qs(body).items()}
        self._json(*self.provider.token(form, self.headers.get("Authorization", "")))
