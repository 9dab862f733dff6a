"""Test helpers shared by every app's tests (factories, the cast, services)."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable
from urllib.parse import urlparse

import factory
import pytest
from allauth.account.models import EmailAddress
from django.db import connections

from accounts.models import User
from orgs.models import Membership, Organization, OrganizationKind, Role

TEST_PASSWORD = "correct horse battery staple"


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


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    name = factory.Faker("name")
    language = "en"

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        self.set_password(extracted or TEST_PASSWORD)
        if create:
            self.save()
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    kind = OrganizationKind.COMPANY
    street = "Calle Mayor 1"
    postcode = "28013"
    city = "Madrid"
    country = "ES"


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER
    accounting = False


def race(*actions: Callable[[], object]) -> list[BaseException | None]:
    """Run each action in its own thread (own database connection), all at once;
    the exception each one raised, or None. For PostgreSQL concurrency tests."""
    barrier = threading.Barrier(len(actions))
    results: list[BaseException | None] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        try:
            barrier.wait()
            action()
        except BaseException as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results
