from __future__ import annotations

import hashlib
import hmac
from datetime import date
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hromada.core.tenancy.models import TenantModel


def tax_number_hash(tax_number: str) -> str:
    """Keyed hash of an RNOKPP: lets us check uniqueness without storing the number."""
    digits = "".join(ch for ch in tax_number if ch.isdigit())
    return hmac.new(settings.TAX_NUMBER_HASH_KEY.encode(), digits.encode(), hashlib.sha256).hexdigest()


class IdentityLevel(models.IntegerChoices):
    """How sure we are who the person is; higher includes lower."""

    UNVERIFIED = 0, _("Unverified")  # registered, nothing confirmed
    EMAIL = 10, _("E-mail confirmed")  # clicked the link in the confirmation e-mail
    PHONE = 20, _("Phone confirmed")  # entered the code sent by SMS
    VERIFIED = 30, _("Identity verified")  # identity provider or in person at a CNAP desk


class VerificationMethod(models.TextChoices):
    NONE = "", _("Not verified")
    PROVIDER = "provider", _("Identity provider")
    IN_PERSON = "in_person", _("In person at a CNAP desk")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: a resident, an official, or both. Accounts are platform-wide."""

    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    home_community = models.ForeignKey(
        "communities.Community", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="residents", verbose_name=_("community of residence"),
    )
    tax_number_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    identity_level = models.PositiveSmallIntegerField(
        _("identity level"), choices=IdentityLevel.choices, default=IdentityLevel.UNVERIFIED
    )
    verification_method = models.CharField(
        _("verified by"), max_length=16, choices=VerificationMethod.choices, blank=True, default=""
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("verified by operator"),
    )
    oidc_issuer = models.CharField(max_length=300, blank=True)
    oidc_subject = models.CharField(max_length=255, blank=True)
    preferred_language = models.CharField(_("language"), max_length=8, default="uk",
                                          choices=settings.LANGUAGES)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("platform admin site access"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["oidc_issuer", "oidc_subject"], name="user_unique_oidc_subject",
                condition=~models.Q(oidc_subject=""),
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_identity_verified(self) -> bool:
        return self.identity_level >= IdentityLevel.VERIFIED

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Role(models.TextChoices):
    OPERATOR = "operator", _("Operator")  # call centre, CNAP desk, processing centre
    EXECUTOR = "executor", _("Executor")  # works the cases of one department
    CONTROLLER = "controller", _("Controller")  # watches terms and execution
    MODERATOR = "moderator", _("Moderator")  # checks petitions, projects, comments
    ADMIN = "admin", _("Community admin")  # configures the community


class StaffRole(TenantModel):
    """A staff role a person holds in one community (executors: in one department)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_roles",
                             verbose_name=_("person"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    department = models.ForeignKey("communities.Department", on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="staff", verbose_name=_("department"))
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.UniqueConstraint(fields=["community", "user", "role", "department"], name="staffrole_unique"),
            # NULLs are distinct in a unique index: roles without a department need their own.
            models.UniqueConstraint(fields=["community", "user", "role"], condition=models.Q(department__isnull=True),
                                    name="staffrole_unique_without_department"),
            models.CheckConstraint(
                condition=~models.Q(role="executor") | models.Q(department__isnull=False),
                name="staffrole_executor_has_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class EmailConfirmation(models.Model):
    """A one-time token sent by e-mail; stored hashed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"e-mail confirmation #{self.pk}"


class PhoneConfirmation(models.Model):
    """A six-digit code sent by SMS to confirm a phone number; stored hashed, few tries, short life."""

    MAX_ATTEMPTS = 5
    LIFETIME_MINUTES = 10

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    phone = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"phone confirmation #{self.pk}"


class UserSession(models.Model):
    """A signed-in session of a person, recorded at sign-in so the cabinet can list and end them.

    The session itself lives in Django's session store; this row names it. Rows whose session has
    expired or was ended elsewhere are not shown (the list joins the store's table)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions",
                             verbose_name=_("person"))
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("signed in"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")
        indexes = [models.Index(fields=["user", "-created_at"], name="usersession_user_recent")]

    def __str__(self) -> str:
        return f"session #{self.pk} of {self.user_id}"
