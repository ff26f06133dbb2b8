"""Every write to accounts goes through these functions."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hromada.apps.accounts.models import (
    EmailConfirmation,
    IdentityLevel,
    User,
    VerificationMethod,
    tax_number_hash,
)
from hromada.apps.communities.models import Community
from hromada.core.audit.services import audit_record
from hromada.core.notifications.services import notify


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_register(*, email: str, password: str, full_name: str, community: Community | None,
                  language: str = "uk", base_url: str = "") -> User:
    """Create an unverified resident and send the confirmation e-mail (in one transaction)."""
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with this e-mail already exists.")}, code="email_taken")
    candidate = User(email=email, full_name=full_name)
    validate_password(password, user=candidate)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email, password, full_name=full_name.strip(), home_community=community,
                preferred_language=language,
            )
            token = secrets.token_urlsafe(32)
            EmailConfirmation.objects.create(user=user, token_hash=_token_hash(token))
            link = base_url.rstrip("/") + reverse("accounts:confirm_email", args=[token])
            notify(
                recipient=user, channel="email", kind="accounts.confirm_email",
                subject=_("Confirm your e-mail"),
                body=_("Hello, %(name)s! Confirm your e-mail address by opening this link: %(link)s")
                % {"name": user.full_name or user.email, "link": link},
                idempotency_key=f"confirm-email:{user.pk}:{_token_hash(token)[:16]}",
            )
    except IntegrityError as exc:  # a parallel registration won the race
        raise ValidationError({"email": _("An account with this e-mail already exists.")},
                              code="email_taken") from exc
    return user


def user_confirm_email(*, token: str) -> User:
    with transaction.atomic():
        confirmation = (
            EmailConfirmation.objects.select_for_update().select_related("user")
            .filter(token_hash=_token_hash(token), used_at__isnull=True).first()
        )
        if confirmation is None:
            raise ValidationError(_("This confirmation link is invalid or has already been used."),
                                  code="bad_token")
        if (timezone.now() - confirmation.created_at).days >= 7:
            raise ValidationError(_("This confirmation link has expired. Register again or ask for a new link."),
                                  code="expired_token")
        confirmation.used_at = timezone.now()
        confirmation.save(update_fields=["used_at"])
        user = confirmation.user
        if user.identity_level < IdentityLevel.EMAIL:
            user.identity_level = IdentityLevel.EMAIL
            user.save(update_fields=["identity_level"])
    return user


def user_verify_in_person(*, user: User, operator: User, community: Community, tax_number: str,
                          full_name: str, birth_date=None, document: str = "") -> User:
    """An operator at a CNAP desk checked the resident's documents. Recorded with the operator."""
    digits = "".join(ch for ch in tax_number if ch.isdigit())
    if len(digits) != 10:
        raise ValidationError({"tax_number": _("The tax number (RNOKPP) has exactly 10 digits.")},
                              code="bad_tax_number")
    hashed = tax_number_hash(digits)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if User.objects.filter(tax_number_hash=hashed).exclude(pk=user.pk).exists():
            raise ValidationError({"tax_number": _("Another account is already verified with this tax number.")},
                                  code="tax_number_taken")
        before = locked.identity_level
        locked.tax_number_hash = hashed
        locked.full_name = full_name.strip() or locked.full_name
        if birth_date:
            locked.birth_date = birth_date
        locked.identity_level = IdentityLevel.VERIFIED
        locked.verification_method = VerificationMethod.IN_PERSON
        locked.verified_at = timezone.now()
        locked.verified_by = operator
        locked.save()
        audit_record(
            actor=operator, action="accounts.verify_in_person", community=community, target=locked,
            on_behalf_of=locked,
            data={"from_level": before, "to_level": int(IdentityLevel.VERIFIED), "document": document},
        )
    return locked


def site_base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/") if request is not None else settings.SITE_URL
