"""The cast (STYLE.md): one organization with a legal representative, an
administrator, a member with Accounting and a plain member, plus an outsider
who belongs to another organization. Every view is tested against each."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from accounts.models import User
from orgs.access import SESSION_KEY
from orgs.models import Membership, Organization, Role
from testsupport.cast import MembershipFactory, OrganizationFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_hashing_and_quiet_mail(settings, tmp_path):  # type: ignore[no-untyped-def]
    # Argon2 is the production hasher (tested on its own); tests use a fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    # allauth's rate limits count in the cache: each test starts with none used.
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language_after_each_test():  # type: ignore[no-untyped-def]
    # A request activates its reader's language on the thread and leaves it
    # there; the next test must not inherit a German or Italian reader.
    yield
    translation.deactivate()


@dataclass
class Cast:
    org: Organization
    legal_rep: Membership
    admin: Membership
    accountant: Membership
    member: Membership
    outsider: Membership

    def user(self, role: str) -> User:
        return getattr(self, role).user


@pytest.fixture
def cast(db) -> Cast:  # type: ignore[no-untyped-def]
    org = OrganizationFactory(name="Acme Hosting S.L.")
    other = OrganizationFactory(name="Other Org")
    return Cast(
        org=org,
        legal_rep=MembershipFactory(
            organization=org,
            role=Role.LEGAL_REPRESENTATIVE,
            user=UserFactory(email="lea@example.test", name="Lea Legal"),
        ),
        admin=MembershipFactory(
            organization=org,
            role=Role.ADMINISTRATOR,
            user=UserFactory(email="adam@example.test", name="Adam Admin"),
        ),
        accountant=MembershipFactory(
            organization=org,
            role=Role.MEMBER,
            accounting=True,
            user=UserFactory(email="acc@example.test", name="Alba Accounting"),
        ),
        member=MembershipFactory(
            organization=org,
            role=Role.MEMBER,
            user=UserFactory(email="max@example.test", name="Max Member"),
        ),
        outsider=MembershipFactory(
            organization=other,
            role=Role.LEGAL_REPRESENTATIVE,
            user=UserFactory(email="otto@example.test", name="Otto Outsider"),
        ),
    )


def client_for(membership: Membership | User | None) -> Client:
    """A client logged in as the membership's user, working in its organization."""
    client = Client()
    if membership is None:
        return client
    user = membership.user if isinstance(membership, Membership) else membership
    client.force_login(user)
    if isinstance(membership, Membership):
        session = client.session
        session[SESSION_KEY] = membership.organization_id
        session.save()
    return client


@pytest.fixture
def login():  # type: ignore[no-untyped-def]
    return client_for


ROLES = ["legal_rep", "admin", "accountant", "member", "outsider"]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI=true nothing may be skipped: a skipped test fails the run."""
    from testsupport.services import in_ci

    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if in_ci() and skipped and session.exitstatus == 0:
        reporter.write_line(f"CI=true: {skipped} test(s) skipped; every test must run in CI.")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    """Tests marked ``postgres`` are deselected on the SQLite run (CI runs them on PostgreSQL)."""
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    deselected = [item for item in items if item.get_closest_marker("postgres")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]
