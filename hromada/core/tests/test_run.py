"""`make run` is the whole platform on one machine: the server with the worker that delivers notices,
links that follow the port, media and compressed static files, a favicon."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

from hromada.core.management.commands.run import environment_for

PROJECT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_puts_the_port_served_into_links():
    out = subprocess.run(["make", "-n", "run", "PORT=8123"], cwd=PROJECT, capture_output=True, text=True,
                         check=True, env={k: v for k, v in os.environ.items() if k != "SITE_URL"}).stdout
    assert "hromada collectstatic --noinput" in out
    assert "SITE_URL=http://127.0.0.1:8123 .venv/bin/hromada demo" in out
    assert "SITE_URL=http://127.0.0.1:8123 .venv/bin/hromada run 127.0.0.1:8123" in out
    explicit = subprocess.run(["make", "-n", "run", "PORT=8123", "SITE_URL=https://rada.example.org"],
                              cwd=PROJECT, capture_output=True, text=True, check=True).stdout
    assert "SITE_URL=https://rada.example.org .venv/bin/hromada run 127.0.0.1:8123" in explicit


def test_hromada_run_gives_its_children_the_address_it_serves():
    assert environment_for("127.0.0.1:8123", {})["SITE_URL"] == "http://127.0.0.1:8123"
    assert environment_for("0.0.0.0:9000", {})["SITE_URL"] == "http://127.0.0.1:9000"
    assert environment_for("8124", {})["SITE_URL"] == "http://127.0.0.1:8124"
    assert environment_for("8124", {"SITE_URL": "https://rada.example.org"})["SITE_URL"] == "https://rada.example.org"
    assert environment_for("8124", {})["SERVE_MEDIA"] == "true"


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_hromada_run_serves_and_delivers_the_confirmation_email_then_stops_both(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "DJANGO_SETTINGS_MODULE", "REDIS_URL")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'run.sqlite3'}", EMAIL_URL="consolemail://",
               TASKS_BACKEND="database", PYTHONUNBUFFERED="1")
    hromada = [sys.executable, "-m", "hromada.cli"]
    subprocess.run([*hromada, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=tmp_path, timeout=300)
    log = (tmp_path / "run.log").open("w")
    run = subprocess.Popen([*hromada, "run", f"127.0.0.1:{port}"], env=env, cwd=tmp_path,
                           stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline and run.poll() is None, (tmp_path / "run.log").read_text()
            time.sleep(0.3)
        session = requests.Session()
        form = session.get(f"{base}/accounts/register/", timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)[1]
        answer = session.post(f"{base}/accounts/register/", timeout=10, allow_redirects=False, data={
            "csrfmiddlewaretoken": token, "full_name": "Оксана Коваль", "email": "oksana@example.test",
            "password": "very-long-password-42", "password_again": "very-long-password-42"},
            headers={"Referer": f"{base}/accounts/register/"})
        assert answer.status_code == 302, answer.text[:2000]
        deadline = time.monotonic() + 60
        while f"{base}/accounts/confirm/" not in (tmp_path / "run.log").read_text():
            assert time.monotonic() < deadline, (tmp_path / "run.log").read_text()
            time.sleep(0.5)
        assert "oksana@example.test" in (tmp_path / "run.log").read_text()
        children = _children(run.pid)
        assert len(children) == 2  # the server and the worker
        children += [pid for child in children for pid in _children(child)]  # the server under its reloader
    finally:
        run.send_signal(signal.SIGINT)  # Ctrl+C
        run.wait(timeout=60)
        log.close()
    time.sleep(0.5)
    assert len(children) == 3 and not [pid for pid in children if _alive(pid)]


def test_a_media_file_is_served_when_running_on_one_machine(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "communities" / "arms").mkdir(parents=True)
    (tmp_path / "communities" / "arms" / "kyiv.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    settings.SERVE_MEDIA = True
    response = client.get("/media/communities/arms/kyiv.png")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")
    settings.SERVE_MEDIA = False  # production: the web server or the object store serves media
    assert client.get("/media/communities/arms/kyiv.png").status_code == 404


def test_the_favicon_is_linked_and_answers(client, db):
    page = client.get("/").content.decode()
    href = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)[1]
    response = client.get(href)
    assert response.status_code == 200 and b"<svg" in b"".join(response.streaming_content)
    assert client.get("/favicon.ico")["Location"] == static("favicon.svg")


def test_collected_static_files_are_compressed_and_served_compressed(settings, tmp_path):
    from hromada.config.settings import STORAGES

    settings.STORAGES = STORAGES  # the suite reads plain names (conftest); this is what make run collects with
    settings.STATIC_ROOT = tmp_path
    # Only the project's own and npm's files, so the test collects in seconds.
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    call_command("collectstatic", "--noinput", verbosity=0)
    url = static("leaflet/leaflet.js")
    assert re.fullmatch(r"/static/leaflet/leaflet\.[0-9a-f]{12}\.js", url), url
    raw = (tmp_path / url.removeprefix("/static/")).stat().st_size
    packed = (tmp_path / (url.removeprefix("/static/") + ".gz")).stat().st_size
    assert raw > 100_000 and packed < raw / 2  # 147 KB raw, about 42 KB compressed
    assert (tmp_path / (url.removeprefix("/static/") + ".br")).exists()
    client = Client()  # WhiteNoise reads STATIC_ROOT when the client builds its middleware
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert int(response["Content-Length"]) == packed and "immutable" in response["Cache-Control"]
    plain = client.get(url)
    assert "Content-Encoding" not in plain and int(plain["Content-Length"]) == raw
