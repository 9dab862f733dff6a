"""The services the tests need: skipped on a laptop without them, a failure in CI."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require_service(name: str, available: bool, reason: str) -> None:
    """Skip on a laptop without ``name``; in CI (CI=true) a missing service is a failure."""
    if available:
        return
    message = f"{name} is not available: {reason}"
    if in_ci():
        pytest.fail(message + " (CI=true: services must be up)")
    pytest.skip(message)


def tcp_open(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1
        ):
            return True
    except OSError:
        return False
