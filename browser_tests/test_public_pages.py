"""The public pages (log in, sign up, password reset) render and are accessible."""

from __future__ import annotations

from typing import Any


def test_the_login_page_is_accessible(page: Any, shoot: Any) -> None:
    page.goto("/accounts/login/")
    assert page.locator("input[type=email]").is_visible()
    shoot(page, "public-login")


def test_the_signup_page_is_accessible(page: Any, shoot: Any) -> None:
    page.goto("/accounts/signup/")
    shoot(page, "public-signup")


def test_the_password_reset_page_is_accessible(page: Any, shoot: Any) -> None:
    page.goto("/accounts/password/reset/")
    shoot(page, "public-password-reset")
