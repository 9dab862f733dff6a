"""The profile page's security sections (A7) and the security headers of every HTML page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import client_for
from testsupport.auth import client_reauthenticate

pytestmark = pytest.mark.django_db

PROFILE = reverse("profile")


def test_the_profile_has_every_section(cast):
    body = client_for(cast.member).get(PROFILE).content.decode()
    for section in [
        "identity-title",
        "login-title",
        "recovery-title",
        "password-title",
        "two-factor-title",
        "sessions-title",
        "tokens-title",
    ]:
        assert f'id="{section}"' in body


def test_the_profile_page_has_a_bounded_number_of_queries(cast, django_assert_max_num_queries):
    client = client_for(cast.member)
    client.get(PROFILE)
    with django_assert_max_num_queries(20):
        client.get(PROFILE)


HTML_PAGES = [
    "/",
    "/profile/",
    "/profile/login-email/",
    "/profile/recovery-email/",
    "/profile/password/",
    "/organization/security/",
    "/organization/",
    "/help/",
    "/accounts/2fa/",
    "/accounts/2fa/totp/activate/",
    "/accounts/reauthenticate/",
    "/email/confirm/unknown/",
]
PUBLIC_PAGES = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]


@pytest.mark.parametrize("url", HTML_PAGES + PUBLIC_PAGES)
def test_every_html_page_has_the_security_headers(cast, url):
    client = client_reauthenticate(client_for(cast.legal_rep), cast.legal_rep.user)
    if url in PUBLIC_PAGES:
        client = client_for(None)
    response = client.get(url)
    assert response["Content-Type"].startswith("text/html")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_session_cookie_is_samesite_lax_and_httponly(cast):
    from django.test import Client

    from testsupport.cast import TEST_PASSWORD

    response = Client().post(
        reverse("account_login"), {"login": "max@example.test", "password": TEST_PASSWORD}
    )
    cookie = response.cookies["sessionid"]
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"]


def test_production_cookies_are_secure_with_hsts():
    import subprocess
    import sys

    code = (
        "import django, os;"
        "from django.conf import settings as s;"
        "django.setup();"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0,"
        " s.SESSION_COOKIE_SAMESITE)"
    )
    env = {
        "GESTOR_MODE": "production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "gestor.example",
        "DJANGO_SETTINGS_MODULE": "gestor.settings",
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["True", "True", "True", "Lax"]


def _pages_without_arguments(patterns, prefix=""):  # type: ignore[no-untyped-def]
    from django.urls import URLPattern, URLResolver

    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _pages_without_arguments(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and "<" not in route and "(" not in route:
            yield "/" + route.lstrip("^").rstrip("$").replace("\\", "")


def test_every_html_page_of_every_app_has_the_csp(cast):
    """Crawls every URL without parameters as a legal representative: each HTML
    answer, whatever its status, carries the policy."""
    from django.urls import get_resolver

    client = client_reauthenticate(client_for(cast.legal_rep), cast.legal_rep.user)
    client.raise_request_exception = False
    checked = 0
    for url in sorted(set(_pages_without_arguments(get_resolver().url_patterns))):
        if url.startswith(("/api/", "/static/", "/media/")) or "logout" in url:
            continue
        response = client.get(url)
        if response.get("Content-Type", "").startswith("text/html"):
            assert "frame-ancestors 'none'" in response["Content-Security-Policy"], url
            assert "'unsafe-inline'" not in response["Content-Security-Policy"], url
            checked += 1
    assert checked > 20
