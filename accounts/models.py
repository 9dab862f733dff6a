from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def normalize_email(email: str) -> str:
    """The form in which logins are compared: trimmed, lower case (A2)."""
    return email.strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=normalize_email(username or ""))

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with one login e-mail; belongs to 0..n organizations (A2, O1).

    ``public_id`` is the stable subject identifier other applications will see
    once Gestor acts as their OpenID Connect provider (A8); it never changes,
    even when the login e-mail does.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("login e-mail address"), max_length=254, unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    recovery_email = models.EmailField(_("recovery e-mail address"), max_length=254, blank=True)
    # A 256-pixel PNG re-encoded by accounts.services.user_avatar_set; initials otherwise.
    avatar = models.FileField(_("avatar"), upload_to="avatars/", blank=True)
    is_active = models.BooleanField(default=True)  # type: ignore[assignment,misc]
    is_staff = models.BooleanField(_("support agent"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Logins are unique regardless of letter case (A2).
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]
        # Issue 9: an organization's users listed by name read this index in order
        # (50 rows) instead of sorting every member.
        indexes = [models.Index(fields=["name", "email", "id"], name="accounts_user_name_idx")]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@")[0]

    @property
    def initials(self) -> str:
        """Up to two letters for the user pill (A2)."""
        source = self.name.strip() or self.email.split("@")[0]
        parts = [
            p for p in source.replace(".", " ").replace("_", " ").replace("-", " ").split() if p
        ]
        if len(parts) >= 2:
            return (parts[0][0] + parts[1][0]).upper()
        return source[:2].upper()


def request_user(request: HttpRequest) -> User:
    """The signed-in user of a view behind ``login_required`` (typed for mypy)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def api_user(request: HttpRequest) -> User:
    """The user of an API request, authenticated by their token (typed for mypy)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise PermissionDenied
    return user


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(
        max_length=12, help_text="The first characters, to recognise the token."
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class EmailChangeRequest(models.Model):
    """A pending change of the login or the recovery e-mail (A3, A4).

    The link sent to the new address carries a token of which only the SHA-256
    is stored. The change takes effect when the link is confirmed (by POST),
    once, within ``EMAIL_CHANGE_VALIDITY``; a newer request of the same kind
    revokes the older ones.
    """

    class Kind(models.TextChoices):
        LOGIN = "login", _("Login e-mail address")
        RECOVERY = "recovery", _("Recovery e-mail address")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="email_changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    new_email = models.EmailField(max_length=254)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("e-mail change request")
        verbose_name_plural = _("e-mail change requests")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["login", "recovery"]),
                name="accounts_emailchange_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.new_email}"

    @property
    def is_pending(self) -> bool:
        return self.used_at is None and self.revoked_at is None and timezone.now() < self.expires_at
