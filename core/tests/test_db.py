"""core.db: one-statement inserts, and the SQLite they need."""

from __future__ import annotations

from unittest import mock

import pytest

from core.db import sqlite_version_check


def test_a_sqlite_without_returning_is_reported() -> None:
    with (
        mock.patch("core.db.connection") as connection,
        mock.patch("core.db.sqlite3") as sqlite3,
    ):
        connection.vendor = "sqlite"
        sqlite3.sqlite_version_info = (3, 34, 1)
        sqlite3.sqlite_version = "3.34.1"
        errors = sqlite_version_check()
    assert [error.id for error in errors] == ["core.E001"]


@pytest.mark.parametrize(("vendor", "version"), [("sqlite", (3, 35, 0)), ("postgresql", (3, 0, 0))])
def test_a_recent_sqlite_or_postgresql_passes(vendor: str, version: tuple[int, ...]) -> None:
    with (
        mock.patch("core.db.connection") as connection,
        mock.patch("core.db.sqlite3") as sqlite3,
    ):
        connection.vendor = vendor
        sqlite3.sqlite_version_info = version
        assert sqlite_version_check() == []
