"""Access to the real services tests need. Outside CI a missing service skips the test;
in CI (CI=true) it fails it, so a green CI run means the service was really used."""

from __future__ import annotations

import os
import shutil
import socket

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    if port_open(host, port):
        return
    message = f"{name} is not reachable on {host}:{port}"
    if IN_CI:
        pytest.fail(f"CI requires {message}")
    pytest.skip(message)


def require_program(name: str, *paths: str) -> str:
    """The path of a program (on PATH or at one of `paths`); skipped outside CI when it is missing."""
    for candidate in (shutil.which(name), *paths):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    message = f"{name} is not installed (make system-deps)"
    if IN_CI:
        pytest.fail(f"CI requires {message}")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
