from __future__ import annotations

import pytest

from catalog.demo import catalog_ensure


@pytest.fixture(autouse=True)
def _catalog(db: None) -> None:
    # The data migration loads it, but a transactional test elsewhere may have flushed it.
    catalog_ensure()
