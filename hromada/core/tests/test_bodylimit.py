"""Request bodies are refused by their size before they are read, in the user's language."""

import io
import json

import pytest

from hromada.apps.appeals import media
from hromada.core import bodylimit
from hromada.testing.wsgi import call

MB = 1024 * 1024
pytestmark = pytest.mark.django_db(transaction=True)  # the real WSGI application ends each request


class Unread(io.RawIOBase):
    """A request body that counts what is read of it (a client still sending 60 MB)."""

    def __init__(self) -> None:
        self.taken = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        size = min(len(buffer), 64 * 1024)
        buffer[:size] = b"\xff" * size
        self.taken += size
        return size


def test_a_60_mb_upload_to_the_appeal_form_is_refused_before_it_is_read(community, resident):
    from hromada.testing.wsgi import session_of

    body = Unread()
    status, headers, page = call("POST", "/c/kyiv/appeals/new/", cookies={"sessionid": session_of(resident)},
                                 CONTENT_TYPE="multipart/form-data; boundary=x", CONTENT_LENGTH=str(60 * MB),
                                 HTTP_ACCEPT_LANGUAGE="uk", **{"wsgi.input": body})
    assert status == 413 and body.taken == 0
    assert headers["Content-Type"].startswith("text/html")
    assert "Запит завеликий" in page.decode() and "51 МБ" in page.decode()


def test_the_appeal_form_takes_five_full_size_photos():
    limit = bodylimit.limit_of(__import__("hromada.apps.appeals.views", fromlist=["x"]).appeal_create)
    assert limit >= media.MAX_PHOTOS * media.MAX_PHOTO_BYTES


def test_an_api_body_over_the_default_limit_gets_the_json_envelope(client, community, settings):
    response = client.post("/c/kyiv/api/v1/appeals/", data=b"", content_type="application/json",
                           CONTENT_LENGTH=str(settings.BODY_LIMIT_DEFAULT_BYTES + 1))
    assert response.status_code == 413
    [error] = response.json()["errors"]
    assert error["code"] == "too_large" and "larger than 4 MB" in error["message"]


def test_the_edge_never_reads_a_large_body(community, resident):
    """The ballot path is answered at the edge for small JSON bodies; a large one goes to Django's limit."""
    body = Unread()
    status, _headers, content = call(
        "POST", "/c/kyiv/api/v1/budget/cycles/2026/ballot/", CONTENT_TYPE="application/json",
        HTTP_ACCEPT="application/json", CONTENT_LENGTH=str(60 * MB), **{"wsgi.input": body})
    assert status == 413 and body.taken == 0
    assert json.loads(content)["errors"][0]["code"] == "too_large"


@pytest.fixture
def small_ceiling(settings):
    settings.BODY_LIMIT_CHUNKED_BYTES = 64 * 1024
    return settings.BODY_LIMIT_CHUNKED_BYTES


def test_a_chunked_body_past_the_ceiling_is_refused_once_counted(community, small_ceiling):
    body = Unread()
    status, _headers, content = call("POST", "/c/kyiv/api/v1/auth/token/", CONTENT_TYPE="application/json",
                                     CONTENT_LENGTH="", HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input": body})
    assert status == 413 and json.loads(content)["errors"][0]["code"] == "too_large"
    assert small_ceiling < body.taken <= small_ceiling + 64 * 1024  # stopped reading right after the ceiling


def test_a_chunked_body_within_the_limit_is_read_like_any_other(community, resident, small_ceiling):
    from hromada.testing.factories import PASSWORD

    payload = json.dumps({"username": resident.email, "password": PASSWORD}).encode()
    status, _headers, content = call("POST", "/c/kyiv/api/v1/auth/token/", CONTENT_TYPE="application/json",
                                     CONTENT_LENGTH="", HTTP_TRANSFER_ENCODING="chunked",
                                     **{"wsgi.input": io.BytesIO(payload)})
    assert status == 200 and json.loads(content)["token"]
