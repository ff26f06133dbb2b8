"""Every write to accounts goes through these functions."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from hromada.apps.accounts.credentials import revoke_api_credentials
from hromada.apps.accounts.models import (
    EmailConfirmation,
    IdentityLevel,
    PhoneConfirmation,
    User,
    UserSession,
    VerificationMethod,
    tax_number_hash,
)
from hromada.apps.accounts.oidc import ProviderIdentity
from hromada.apps.communities.models import Community
from hromada.core.audit.services import audit_record
from hromada.core.notifications.services import notify
from hromada.core.text import strip_controls


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_register(*, email: str, password: str, full_name: str, community: Community | None,
                  language: str = "uk", base_url: str = "") -> User | None:
    """Create an unverified resident and send the confirmation e-mail (in one transaction).

    The answer does not tell whether the address already has an account: for a taken address
    nothing is created, the password is hashed all the same (the same time taken), the owner gets a
    "you already have an account" e-mail, and None is returned. Raises ValidationError for a
    password the validators refuse (checked first, so the answer is the same for both cases)."""
    email = email.strip().lower()
    full_name = strip_controls(full_name, single_line=True)
    candidate = User(email=email, full_name=full_name)
    validate_password(password, user=candidate)
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email, password, full_name=full_name, home_community=community,
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
            return user
        except IntegrityError:  # a parallel registration took the address: answered as a taken one
            existing = User.objects.filter(email__iexact=email).first()
    else:
        make_password(password)  # the work create_user does, so both answers take as long
    if existing is not None:
        _notify_already_registered(existing, base_url=base_url)
    return None


def _notify_already_registered(user: User, *, base_url: str) -> None:
    base = base_url.rstrip("/")
    with translation.override(user.preferred_language or "uk"):
        notify(
            recipient=user, channel="email", kind="accounts.already_registered",
            subject=_("You already have an account"),
            body=_("Hello, %(name)s! Someone (perhaps you) tried to register again with this e-mail address. "
                   "You already have an account: sign in at %(login)s. If you have forgotten the password, "
                   "set a new one at %(reset)s. If it was not you, you can ignore this e-mail.")
            % {"name": user.full_name or user.email, "login": base + reverse("accounts:login"),
               "reset": base + reverse("accounts:password_reset")},
        )


def user_confirm_email(*, token: str) -> User:
    with transaction.atomic(durable=True):  # the outermost transaction: called by views only
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
    if user.pk == operator.pk:
        raise ValidationError({NON_FIELD_ERRORS: _("You cannot verify your own account; ask another operator.")},
                              code="self_verification")
    digits = "".join(ch for ch in tax_number if ch.isdigit())
    if len(digits) != 10:
        raise ValidationError({"tax_number": _("The tax number (RNOKPP) has exactly 10 digits.")},
                              code="bad_tax_number")
    hashed = tax_number_hash(digits)
    with transaction.atomic(durable=True):  # the outermost transaction: called by views only
        locked = User.objects.select_for_update().get(pk=user.pk)
        if User.objects.filter(tax_number_hash=hashed).exclude(pk=user.pk).exists():
            raise ValidationError({"tax_number": _("Another account is already verified with this tax number.")},
                                  code="tax_number_taken")
        before = locked.identity_level
        locked.tax_number_hash = hashed
        locked.full_name = strip_controls(full_name, single_line=True) or locked.full_name
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


def user_sign_in_with_provider(*, identity: ProviderIdentity, community: Community | None) -> User:
    """Find or create the person an identity provider vouched for and mark them verified.

    The person is looked up by (issuer, subject), then by the keyed hash of the tax number
    (a second provider, or a new subject, for the same person), then by an e-mail address
    both sides have confirmed; otherwise a new account is created. Only the hash of the
    tax number is stored. Raises ValidationError when the answer contradicts an account.
    """
    hashed = tax_number_hash(identity.tax_number) if identity.tax_number else None
    with transaction.atomic(durable=True):  # the outermost transaction: called by views only
        by_subject = (User.objects.select_for_update()
                      .filter(oidc_issuer=identity.issuer, oidc_subject=identity.subject).first())
        by_tax = User.objects.select_for_update().filter(tax_number_hash=hashed).first() if hashed else None
        if by_subject and by_tax and by_subject != by_tax:
            raise ValidationError(_("This identity is already linked to another account. "
                                    "Please contact your community's CNAP."), code="identity_conflict")
        user, matched_by = (by_subject, "subject") if by_subject else (by_tax, "tax_number")
        if user is None and identity.email:
            by_email = User.objects.select_for_update().filter(email__iexact=identity.email).first()
            if by_email is not None:
                if not identity.email_verified:
                    raise ValidationError(
                        _("An account with the e-mail %(email)s already exists, and the identity provider did "
                          "not confirm this address. Sign in with your password instead.")
                        % {"email": identity.email}, code="email_unconfirmed")
                user, matched_by = by_email, "email"
        if user is not None and hashed and user.tax_number_hash and user.tax_number_hash != hashed:
            raise ValidationError(_("This account is verified as a different person. "
                                    "Please contact your community's CNAP."), code="identity_conflict")

        created = user is None
        if user is None:
            if not identity.email:
                raise ValidationError(_("The identity provider did not share your e-mail address. Allow it to "
                                        "share the address and sign in again."), code="no_email")
            try:
                with transaction.atomic():
                    user = User.objects.create_user(identity.email, None, home_community=community,
                                                    preferred_language=translation.get_language() or "uk")
            except IntegrityError as exc:  # a parallel sign-in or registration took the address
                raise ValidationError(_("Please try signing in again."), code="race") from exc
            matched_by = "new"
        elif matched_by == "email" and user.identity_level < IdentityLevel.EMAIL:
            # Whoever registered this address never proved it; their password must not keep
            # working for the account of the person the provider just identified.
            user.set_unusable_password()
            EmailConfirmation.objects.filter(user=user, used_at__isnull=True).update(used_at=timezone.now())

        before = user.identity_level
        user.oidc_issuer, user.oidc_subject = identity.issuer, identity.subject
        if hashed:
            user.tax_number_hash = hashed
        user.full_name = strip_controls(identity.full_name, single_line=True) or user.full_name
        user.birth_date = identity.birth_date or user.birth_date
        user.address = strip_controls(identity.address, single_line=True) or user.address
        user.phone = user.phone or identity.phone
        if user.home_community_id is None and community is not None:
            user.home_community = community
        user.identity_level = max(user.identity_level, IdentityLevel.VERIFIED)
        user.verification_method = VerificationMethod.PROVIDER
        user.verified_at = timezone.now()
        user.verified_by = None
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:  # a parallel sign-in of the same person won the race
            raise ValidationError(_("Please try signing in again."), code="race") from exc
        audit_record(
            actor=user, action="accounts.verify_with_provider", community=community, target=user,
            data={"issuer": identity.issuer, "matched_by": matched_by, "created": created,
                  "from_level": before, "to_level": int(user.identity_level)},
        )
    return user


PHONE_RE = re.compile(r"^\+380\d{9}$")


def normalise_phone(raw: str) -> str:
    digits = "".join(ch for ch in raw if ch.isdigit())
    if len(digits) == 10 and digits.startswith("0"):
        digits = "38" + digits
    phone = "+" + digits
    if not PHONE_RE.match(phone):
        raise ValidationError({"phone": _("Enter a Ukrainian mobile number, e.g. +380 67 123 45 67.")},
                              code="bad_phone")
    return phone


def _code_hash(user_pk: int, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{user_pk}:{code}".encode(), hashlib.sha256).hexdigest()


def phone_confirmation_start(*, user: User, phone: str) -> PhoneConfirmation:
    """Send a code by SMS. At most one code a minute per person."""
    phone = normalise_phone(phone)
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic(durable=True):  # the outermost transaction: called by views only
        # The person's row is locked so that requests sent at once see each other's code.
        User.objects.select_for_update().filter(pk=user.pk).first()
        recent = PhoneConfirmation.objects.filter(user=user, created_at__gte=timezone.now() - timedelta(minutes=1))
        if recent.exists():
            raise ValidationError(
                {"phone": _("A code was sent less than a minute ago. Please wait before asking again.")},
                code="too_soon")
        confirmation = PhoneConfirmation.objects.create(user=user, phone=phone, code_hash=_code_hash(user.pk, code))
        notify(recipient=user, address=phone, channel="sms", kind="accounts.confirm_phone",
               body=_("Your Hromada confirmation code: %(code)s. It is valid for 10 minutes.") % {"code": code},
               idempotency_key=f"confirm-phone:{confirmation.pk}")
    return confirmation


def phone_confirmation_finish(*, user: User, code: str) -> User:
    """Check the code of the person's latest request; on success the phone is theirs and confirmed."""
    with transaction.atomic(durable=True):  # the outermost transaction: called by views only
        confirmation = (PhoneConfirmation.objects.select_for_update()
                        .filter(user=user, used_at__isnull=True).order_by("-created_at").first())
        if confirmation is None:
            raise ValidationError({"code": _("Ask for a code first.")}, code="no_code")
        expired = timezone.now() - confirmation.created_at > timedelta(minutes=PhoneConfirmation.LIFETIME_MINUTES)
        if expired or confirmation.attempts >= PhoneConfirmation.MAX_ATTEMPTS:
            raise ValidationError({"code": _("This code has expired. Ask for a new one.")}, code="code_expired")
        if not hmac.compare_digest(confirmation.code_hash, _code_hash(user.pk, code.strip())):
            confirmation.attempts += 1
            confirmation.save(update_fields=["attempts"])
            wrong = ValidationError({"code": _("The code is wrong.")}, code="wrong_code")
        else:
            wrong = None
            confirmation.used_at = timezone.now()
            confirmation.save(update_fields=["used_at"])
            locked = User.objects.select_for_update().get(pk=user.pk)
            locked.phone = confirmation.phone
            if locked.identity_level < IdentityLevel.PHONE:
                locked.identity_level = IdentityLevel.PHONE
            locked.save(update_fields=["phone", "identity_level"])
            user = locked
    if wrong is not None:
        raise wrong
    return user


# ---------------------------------------------------------------- API tokens, sessions, passwords

def api_token_expired(token: Token) -> bool:
    return timezone.now() - token.created >= timedelta(days=settings.API_TOKEN_TTL_DAYS)


def api_token_issue(*, user: User) -> Token:
    """The person's API token; an expired one is replaced by a new one."""
    with transaction.atomic(durable=True):  # the outermost transaction: called by views only
        token, created = Token.objects.select_for_update().get_or_create(user=user)
        if not created and api_token_expired(token):
            token.delete()
            token = Token.objects.create(user=user)
    return token


def api_token_revoke(*, user: User, key_prefix: str, community: Community | None = None) -> bool:
    """Delete the person's token that starts with `key_prefix` (as the cabinet shows it). False if none."""
    with transaction.atomic(durable=True):  # the outermost transaction: called by views only
        token = Token.objects.select_for_update().filter(user=user).first()
        if token is None or not key_prefix or not token.key.startswith(key_prefix):
            return False
        token.delete()
        audit_record(actor=user, action="accounts.api_token_revoke", community=community, target=user,
                     data={"token": key_prefix})
    return True


def session_record(*, user: User, session_key: str, ip_address: str | None, user_agent: str) -> UserSession:
    """Remember a new signed-in session (called on sign-in)."""
    try:
        ip = str(ipaddress.ip_address(ip_address)) if ip_address else None
    except ValueError:
        ip = None
    session, _created = UserSession.objects.update_or_create(
        session_key=session_key, defaults={"user": user, "ip_address": ip, "user_agent": user_agent[:300]})
    return session


def session_forget(*, session_key: str) -> None:
    """The session ended (signed out): drop its row."""
    UserSession.objects.filter(session_key=session_key).delete()


def _end_session(session_key: str) -> None:
    store = import_module(settings.SESSION_ENGINE).SessionStore
    store(session_key).delete()  # from the cache and the database alike


def session_revoke(*, user: User, session_id: int, community: Community | None = None) -> bool:
    """End one of the person's own sessions: it no longer signs anyone in. False if it is not theirs."""
    with transaction.atomic(durable=True):  # the outermost transaction: called by views only
        session = UserSession.objects.select_for_update().filter(pk=session_id, user=user).first()
        if session is None:
            return False
        _end_session(session.session_key)
        session.delete()
        audit_record(actor=user, action="accounts.session_revoke", community=community, target=user,
                     data={"session": session_id})
    return True


def user_password_changed(*, user: User, keep_session_key: str | None, how: str,
                          previous_session_key: str | None = None, community: Community | None = None) -> None:
    """After a password change or reset: the API tokens stop working and the other sessions end.

    (Django already refuses sessions issued for the old password; ending them here also takes them
    off the cabinet's list.) `keep_session_key`: the session the person changed it in, which stays
    signed in (Django gave it a new key: `previous_session_key` was its key). `how`: "change" or "reset"."""
    with transaction.atomic(durable=True):  # the outermost transaction: called by views only
        if previous_session_key and keep_session_key and previous_session_key != keep_session_key:
            UserSession.objects.filter(user=user, session_key=previous_session_key).update(
                session_key=keep_session_key)
        tokens = revoke_api_credentials(user)  # already done when the new password was saved; any made since
        others = list(UserSession.objects.select_for_update().filter(user=user)
                      .exclude(session_key=keep_session_key or ""))
        for session in others:
            _end_session(session.session_key)
        UserSession.objects.filter(pk__in=[s.pk for s in others]).delete()
        audit_record(actor=user, action=f"accounts.password_{how}", community=community, target=user,
                     data={"sessions_ended": len(others), **({"tokens_revoked": tokens} if tokens else {})})
