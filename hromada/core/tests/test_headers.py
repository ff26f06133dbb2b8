"""Response headers a browser and a cache obey: the content policy, the permissions policy, private API
answers; CSRF refusals in the user's language."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from rest_framework.authtoken.models import Token

from hromada.config.settings import _tile_origin

ROOT = Path(__file__).resolve().parents[2]  # the hromada package


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def test_pages_forbid_inline_scripts_styles_and_framing(client, community):
    response = client.get("/c/kyiv/")
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


INLINE = [
    (re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I), "an inline event handler (onclick=...)"),
    (re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"javascript:", re.I), "a javascript: address"),
]


def test_no_template_holds_inline_script_handler_or_style():
    """The policy forbids them, so a browser would silently drop them: they must not exist."""
    templates = sorted(ROOT.glob("**/templates/**/*.html"))
    assert len(templates) > 50
    found = [f"{path.relative_to(ROOT)}: {what}" for path in templates for pattern, what in INLINE
             if pattern.search(path.read_text(encoding="utf-8"))]
    assert not found, found


def test_the_map_page_loads_its_scripts_and_tiles_under_the_policy(client, community, settings):
    response = client.get("/c/kyiv/appeals/map/")
    assert response.status_code == 200
    page = response.content.decode()
    scripts = re.findall(r'<script[^>]*\bsrc="([^"]+)"', page)
    assert any("leaflet/leaflet" in src for src in scripts) and any("appeals/maps" in src for src in scripts)
    for src in scripts:  # same origin ('self'), and each one is a real static file
        assert src.startswith(settings.STATIC_URL), src
        assert finders.find(src.removeprefix(settings.STATIC_URL).split("?")[0]), src
    policy = directives(response)
    assert _tile_origin(settings.MAP_TILE_URL) in policy["img-src"]
    assert "'self'" in policy["connect-src"]  # the districts' GeoJSON


def test_tile_servers_with_subdomains_are_allowed_by_a_wildcard():
    assert _tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    assert _tile_origin("http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png") == "http://127.0.0.1:8080"


def test_pages_refuse_camera_and_microphone_and_allow_location_on_the_site(client, community):
    policy = client.get("/c/kyiv/")["Permissions-Policy"]
    assert "camera=()" in policy and "microphone=()" in policy and "geolocation=(self)" in policy


def test_api_answers_to_a_token_are_private_and_vary_by_authorization(client, community, resident):
    token = Token.objects.create(user=resident)
    response = client.get("/c/kyiv/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "Authorization" in response["Vary"]


def test_api_answers_to_a_session_are_private(client, community, resident):
    client.force_login(resident)
    response = client.get("/c/kyiv/api/v1/community/")
    assert "private" in response.get("Cache-Control", "") and "Authorization" in response["Vary"]


def test_anonymous_api_answers_vary_by_authorization_but_stay_shareable(client, community):
    response = client.get("/c/kyiv/api/v1/community/")
    assert response.status_code == 200
    assert "Authorization" in response["Vary"] and "private" not in response.get("Cache-Control", "")


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


def test_a_json_post_without_csrf_token_gets_the_api_envelope_in_ukrainian(strict_client, community, resident):
    strict_client.force_login(resident)
    response = strict_client.post("/c/kyiv/appeals/new/", data="{}", content_type="application/json",
                                  HTTP_ACCEPT_LANGUAGE="uk")
    assert response.status_code == 403 and response["Content-Type"].startswith("application/json")
    [error] = response.json()["errors"]
    assert error["code"] == "csrf_failed" and "оновіть сторінку" in error["message"].lower()


def test_an_api_post_with_a_session_and_no_csrf_token_is_refused_in_the_users_language(
        strict_client, community, resident):
    strict_client.force_login(resident)
    response = strict_client.post("/c/kyiv/api/v1/appeals/", data={}, content_type="application/json",
                                  HTTP_ACCEPT_LANGUAGE="uk")
    assert response.status_code == 403
    [error] = response.json()["errors"]
    assert error["code"] == "csrf_failed" and "CSRF" in error["message"]
    assert "оновіть сторінку" in error["message"].lower()


def test_a_form_post_without_csrf_token_gets_the_sites_error_page(strict_client, community, resident):
    strict_client.force_login(resident)
    response = strict_client.post("/c/kyiv/appeals/new/", {"text": "Яма"})
    assert response.status_code == 403 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "The form has expired" in page and 'class="site-header"' in page and "Nothing was changed" in page
