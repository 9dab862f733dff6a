"""Database helpers that know nothing of the domains."""

from __future__ import annotations

import sqlite3
from typing import Any

from django.core.checks import Error, register
from django.db import connection
from django.db.models import Model

SQLITE_NEEDED = (3, 35)  # INSERT … RETURNING


@register()
def sqlite_version_check(*args: Any, **kwargs: Any) -> list[Error]:
    """The embedded database must know RETURNING (``insert_unless_exists``, number series)."""
    if connection.vendor != "sqlite" or sqlite3.sqlite_version_info >= SQLITE_NEEDED:
        return []
    return [
        Error(
            f"SQLite {sqlite3.sqlite_version} is too old: Gestor needs 3.35 or later.",
            id="core.E001",
        )
    ]


def insert_unless_exists(instance: Model, *, unique: str) -> bool:
    """INSERT ``instance`` unless a row with the same value in column ``unique`` exists.

    Returns True when inserted (``instance`` then has its primary key). One
    statement, ``INSERT … ON CONFLICT (unique) DO NOTHING RETURNING id``
    (PostgreSQL, SQLite >= 3.35), where the ORM needs a savepoint, an INSERT that
    may fail and a rollback to the savepoint, or a look-up first. A concurrent
    insert of the same value makes this one wait for that transaction, then
    insert nothing if it committed. Conflicts on other unique columns still raise.
    """
    meta = instance._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    values = [
        field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
    ]
    quote = connection.ops.quote_name
    pk_column = quote(meta.pk.column if meta.pk and meta.pk.column else "id")
    sql = (
        f"INSERT INTO {quote(meta.db_table)} "  # noqa: S608 (names from the model)
        f"({', '.join(quote(field.column or field.name) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({quote(unique)}) DO NOTHING "
        f"RETURNING {pk_column}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    instance.pk = row[0]
    instance._state.adding = False
    instance._state.db = connection.alias
    return True
