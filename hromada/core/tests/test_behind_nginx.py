"""The production shape end to end: nginx ends TLS and forwards to `hromada serve` (granian).

A resident's browser (a `requests` session from 127.0.0.2) signs in, files an appeal and signs a
petition through https, with the CSRF cookie and token and the https Origin a browser sends.
`hromada serve` runs with the production settings (SECURE=true, TRUSTED_PROXIES=127.0.0.1, the
proxy's address) against this test's database."""

from __future__ import annotations

import datetime
import ipaddress
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.db import connection
from requests.adapters import HTTPAdapter

from hromada.apps.accounts.models import IdentityLevel
from hromada.apps.appeals.models import Appeal, Category
from hromada.apps.petitions import actions as petition_actions
from hromada.apps.petitions.models import Signature
from hromada.core import deploy, tenancy
from hromada.testing import factories
from hromada.testing.services import free_port, require_program

PROJECT_DIR = Path(__file__).resolve().parents[3]
CLIENT = "127.0.0.2"  # the resident's address; nginx is at 127.0.0.1
pytestmark = pytest.mark.django_db(transaction=True)


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A throw-away self-signed certificate for 127.0.0.1: (certificate, key)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "proxy.crt", directory / "proxy.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def database_url() -> str:
    """This test's database, for the server process."""
    conf = connection.settings_dict
    if conf["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{conf['NAME']}"
    credentials = conf["USER"] + (f":{conf['PASSWORD']}" if conf["PASSWORD"] else "")
    return f"postgres://{credentials}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{conf['NAME']}"


def wait_for(check: Any, process: subprocess.Popen[bytes], log: Path, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited ({process.returncode}):\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if check():
                return
        except (OSError, requests.RequestException):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{what} did not start in {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def app_server(transactional_db: None, tmp_path: Path) -> Iterator[str]:
    """`hromada serve` with the production settings, on a free 127.0.0.1 port: its plain-HTTP base."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url(), "DEBUG": "false", "SECURE": "true",
           "TRUSTED_PROXIES": "127.0.0.1", "WEB_HOST": "127.0.0.1", "PORT": str(port), "WEB_WORKERS": "1",
           "WEB_THREADS": "4", "REDIS_URL": "", "LOG_LEVEL": "WARNING",
           **{name: secrets.token_urlsafe(50) for name in deploy.KEYS}}
    log = tmp_path / "serve.log"
    with open(log, "wb") as output:
        process = subprocess.Popen([sys.executable, "-m", "hromada.cli", "serve"], cwd=PROJECT_DIR, env=env,
                                   stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: requests.get(f"{base}/healthz", timeout=2).status_code == 200, process, log, "hromada serve")
        yield base
    finally:
        stop(process)


NGINX_CONF = """
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
{user}
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        location / {{
            proxy_pass http://127.0.0.1:{app_port};
            proxy_http_version 1.1;
            proxy_buffering off;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


@dataclass
class Proxy:
    url: str
    certificate: Path
    app_url: str  # the app server itself, plain HTTP


@pytest.fixture
def tls_proxy(tmp_path: Path, app_server: str) -> Iterator[Proxy]:
    """nginx terminating TLS in front of `app_server`, in the foreground, all its files in tmp_path."""
    nginx = require_program("nginx", "/usr/sbin/nginx")
    directory = tmp_path / "nginx"
    directory.mkdir()
    cert, key = make_certificate(directory)
    port = free_port()
    # Run as root (CI), nginx would hand its workers to "nobody", who cannot use these directories.
    user = "user root;" if os.geteuid() == 0 else ""
    (directory / "nginx.conf").write_text(NGINX_CONF.format(
        dir=directory, user=user, port=port, cert=cert, key=key, app_port=app_server.rsplit(":", 1)[1]))
    log = directory / "error.log"
    log.touch()
    process = subprocess.Popen([nginx, "-p", str(directory), "-c", str(directory / "nginx.conf"), "-e", str(log)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"https://127.0.0.1:{port}"
    try:
        wait_for(lambda: requests.get(f"{url}/healthz", verify=str(cert), timeout=2).status_code == 200,
                 process, log, "nginx")
        yield Proxy(url, cert, app_server)
    finally:
        stop(process, signal.SIGQUIT)  # nginx's graceful shutdown


class FromAddress(HTTPAdapter):
    """Connections from a chosen local address (the resident's machine)."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


@dataclass
class World:
    community: Any
    resident: Any
    category: Any
    petition: Any


@pytest.fixture
def world(transactional_db) -> World:
    community = factories.make_community("kyiv", name_uk="Київська міська громада", name_en="Kyiv")
    resident = factories.make_user(community=community, level=IdentityLevel.VERIFIED,
                                   birth_date=datetime.date(1990, 4, 1), email="olena@example.test")
    author = factories.make_user(community=community, level=IdentityLevel.VERIFIED,
                                 birth_date=datetime.date(1985, 2, 3))
    moderator = factories.make_staff(community, "moderator", birth_date=datetime.date(1980, 1, 1))
    with tenancy.scope(community):
        category = Category.objects.create(community=community, code="pothole", name_uk="Вибоїни", name_en="Potholes",
                                           is_public=True, needs_study=False)
        petition = petition_actions.petition_create(community=community, author=author, title="Велодоріжка",
                                                    text="Просимо облаштувати велодоріжку.")
        petition_actions.petition_submit(petition=petition, by=author)
        petition = petition_actions.petition_moderate(petition=petition, by=moderator, publish=True)
    return World(community, resident, category, petition)


def test_a_resident_signs_in_files_an_appeal_and_signs_a_petition_through_the_tls_proxy(world, tls_proxy):
    browser = requests.Session()
    browser.mount("https://", FromAddress(CLIENT))
    browser.trust_env = False  # the throw-away certificate, not a CA bundle from the environment
    browser.verify = str(tls_proxy.certificate)
    base = f"{tls_proxy.url}/c/kyiv"

    def post(path: str, data: dict[str, str], **headers: str) -> requests.Response:
        """A form submission as a browser makes it: the CSRF token, the https Origin and Referer."""
        return browser.post(f"{base}{path}", data={"csrfmiddlewaretoken": browser.cookies["csrftoken"], **data},
                            headers={"Origin": tls_proxy.url, "Referer": f"{base}{path}", **headers},
                            allow_redirects=False, timeout=30)

    page = browser.get(f"{base}/accounts/login/", timeout=30)
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert all(cookie.secure for cookie in browser.cookies)

    signed_in = post("/accounts/login/", {"username": "olena@example.test", "password": factories.PASSWORD})
    assert signed_in.status_code == 302, signed_in.text[:2000]
    assert browser.cookies.get("sessionid") and all(cookie.secure for cookie in browser.cookies)

    assert browser.get(f"{base}/appeals/new/", timeout=30).status_code == 200
    filed = post("/appeals/new/", {"type": "complaint", "category": str(world.category.pk),
                                   "text": "Вибоїна біля будинку", "address": "вул. Соборна, 5"})
    assert filed.status_code == 302 and "/appeals/" in filed.headers["Location"], filed.text[:2000]
    with tenancy.scope(world.community):
        appeal = Appeal.objects.get()
        assert appeal.author_id == world.resident.pk and appeal.text == "Вибоїна біля будинку"

    # The resident's own X-Forwarded-For is appended to by nginx and so not believed.
    signed = post(f"/petitions/{world.petition.pk}/sign/", {"form": "1"}, **{"X-Forwarded-For": "6.6.6.6"})
    assert signed.status_code == 303, signed.text[:2000]
    with tenancy.scope(world.community):
        signature = Signature.objects.get(petition=world.petition, person=world.resident)
    # The anti-fraud address is the resident's, not the proxy's (127.0.0.1) nor the forged one.
    assert signature.ip == CLIENT

    # Plain HTTP straight to the app server is sent to HTTPS.
    answer = requests.get(f"{tls_proxy.app_url}/c/kyiv/accounts/login/", allow_redirects=False, timeout=30)
    assert answer.status_code == 301 and answer.headers["Location"].startswith("https://")
