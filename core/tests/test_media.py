"""Uploaded images are served in every mode; nothing else under MEDIA_ROOT is."""

import pytest
from django.test import Client


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "logos").mkdir()
    (tmp_path / "logos" / "org-1-abc.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    (tmp_path / "secret.txt").write_text("not for the web")
    return tmp_path


def test_a_logo_is_served_with_cache_headers(db, media):
    response = Client().get("/media/logos/org-1-abc.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "max-age" in response["Cache-Control"]


def test_files_outside_the_image_folders_are_not_served(db, media):
    assert Client().get("/media/secret.txt").status_code == 404


def test_path_traversal_is_refused(db, media):
    assert Client().get("/media/logos/../secret.txt").status_code == 404


def test_a_missing_logo_is_404(db, media):
    assert Client().get("/media/logos/none.png").status_code == 404
