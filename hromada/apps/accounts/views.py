from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from hromada.apps.accounts import actions, backends, limits, oidc, sessions
from hromada.apps.accounts.forms import (
    OutboxPasswordResetForm,
    PhoneCodeForm,
    PhoneForm,
    RegistrationForm,
    SignInForm,
)
from hromada.apps.accounts.models import User
from hromada.core.errors import error_page
from hromada.core.http import PlatformRequest
from hromada.core.ratelimit import RateLimited
from hromada.core.ui import cabinet_sections


def _refused_for_rate(form: BaseForm | None) -> bool:
    return form is not None and form.has_error(NON_FIELD_ERRORS, "rate_limited")


def _bad_request(response: HttpResponse) -> HttpResponse:
    """A form sent back with its errors is a 400, so the browser, tests and logs see the refusal."""
    response.status_code = 400
    return response


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(oidc_enabled=oidc.is_enabled(), oidc_provider=oidc.provider_name())
        return context

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 429 if _refused_for_rate(form) else 400
        return response


def admin_login(request: PlatformRequest) -> HttpResponse:
    """The admin site's sign-in (the same backend and limits), answering 429 when refused for the rate."""
    response = admin.site.login(request)
    context = getattr(response, "context_data", None) or {}
    if _refused_for_rate(context.get("form")):
        response.status_code = 429
    return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = OutboxPasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            limits.check_password_reset(request, request.POST.get("email", ""))
        except RateLimited as exc:
            form = self.get_form()
            form.is_valid()
            form.add_error(None, str(exc.detail))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        return _bad_request(super().form_invalid(form))


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_invalid(self, form: Any) -> HttpResponse:
        return _bad_request(super().form_invalid(form))

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        actions.user_password_changed(user=form.user, keep_session_key=None, how="reset",
                                      community=getattr(self.request, "community", None))
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:cabinet")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The current password is a sign-in: guesses at it are counted and paused as at the sign-in form.
        if limits.sign_in_refused(request, getattr(request.user, "email", "")):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, limits.sign_in_message())
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        if form.has_error("old_password"):
            limits.sign_in_failed(self.request, getattr(self.request.user, "email", ""))
        return _bad_request(super().form_invalid(form))

    def form_valid(self, form: Any) -> HttpResponse:
        before = self.request.session.session_key
        response = super().form_valid(form)  # saves the password and keeps this session signed in
        actions.user_password_changed(user=form.user, keep_session_key=self.request.session.session_key,
                                      previous_session_key=before, how="change",
                                      community=getattr(self.request, "community", None))
        messages.success(self.request, _("Your password is changed. Your other sessions and API tokens "
                                         "no longer work."))
        return response


class SignOutView(auth_views.LogoutView):
    pass


def register(request: PlatformRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    if request.method == "POST":
        try:
            limits.check_register(request)
        except RateLimited as exc:
            form.is_valid()
            form.add_error(None, str(exc.detail))
            return render(request, "accounts/register.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        try:
            actions.user_register(
                email=form.cleaned_data["email"], password=form.cleaned_data["password"],
                full_name=form.cleaned_data["full_name"], community=request.community,
                language=get_language() or "uk", base_url=actions.site_base_url(request),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error("password", exc.messages)
        else:
            messages.success(request, _("Almost done: we sent you an e-mail with a confirmation link."))
            return redirect("accounts:login")
    return render(request, "accounts/register.html", {"form": form}, status=400 if form.errors else 200)


def confirm_email(request: PlatformRequest, token: str) -> HttpResponse:
    try:
        actions.user_confirm_email(token=token)
    except ValidationError as exc:
        return render(request, "error.html", {"title": _("Confirmation failed"), "message": exc.messages[0]},
                      status=400)
    messages.success(request, _("Your e-mail is confirmed. You can sign in now."))
    return redirect("accounts:login")


@login_required
def cabinet(request: PlatformRequest) -> HttpResponse:
    user = cast(User, request.user)
    token = Token.objects.filter(user=user).first()
    return render(request, "accounts/cabinet.html", {
        "sections": cabinet_sections.public(request),
        "signed_in_sessions": sessions.live_sessions(user), "current_session_key": request.session.session_key,
        "api_token": token, "api_token_expired": token is not None and actions.api_token_expired(token),
    })


@login_required
@require_POST
def session_revoke(request: PlatformRequest, pk: int) -> HttpResponse:
    current = sessions.live_sessions(cast(User, request.user)).filter(
        pk=pk, session_key=request.session.session_key).exists()
    if not actions.session_revoke(user=cast(User, request.user), session_id=pk,
                                  community=request.community):
        return error_page(request, 404, _("Not found"), _("This session is already over."), code="not_found")
    if current:
        return redirect("accounts:login")
    messages.success(request, _("The session is ended: it no longer signs in."))
    return redirect("accounts:cabinet")


@login_required
@require_POST
def api_token_revoke(request: PlatformRequest) -> HttpResponse:
    if not actions.api_token_revoke(user=cast(User, request.user), key_prefix=request.POST.get("token", ""),
                                    community=request.community):
        return error_page(request, 404, _("Not found"), _("This API token no longer exists."), code="not_found")
    messages.success(request, _("The API token is revoked: it no longer works."))
    return redirect("accounts:cabinet")


def oidc_login(request: PlatformRequest) -> HttpResponse:
    """Send the person to the identity provider (id.gov.ua, BankID, ...)."""
    if not oidc.is_enabled():
        raise Http404
    try:
        return redirect(oidc.begin(request))
    except oidc.OIDCError as exc:
        return error_page(request, 503, _("Sign-in is not available"), str(exc.message), code=exc.code)


def oidc_callback(request: PlatformRequest) -> HttpResponse:
    """The provider sends the person back here with a one-time code."""
    if not oidc.is_enabled():
        raise Http404
    try:
        identity = oidc.complete(request)
        user = actions.user_sign_in_with_provider(identity=identity, community=request.community)
    except oidc.OIDCError as exc:
        return error_page(request, 400, _("Sign-in failed"), str(exc.message), code=exc.code)
    except ValidationError as exc:
        return error_page(request, 400, _("Sign-in failed"), exc.messages[0], code=exc.code or "")
    login(request, user, backend=backends.PATH)
    messages.success(request, _("You are signed in, and your identity is verified."))
    return redirect("accounts:cabinet")


def _form_errors_from(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def confirm_phone(request: PlatformRequest) -> HttpResponse:
    """Two steps on one page: send a code to the number, then type the code."""
    phone_form = PhoneForm(request.POST if "send" in request.POST else None)
    code_form = PhoneCodeForm(request.POST if "confirm" in request.POST else None)
    if request.method == "POST" and "send" in request.POST and phone_form.is_valid():
        try:
            limits.check_sms(request, request.user.pk)
        except RateLimited as exc:
            phone_form.add_error("phone", str(exc.detail))
            return render(request, "accounts/confirm_phone.html", {"phone_form": phone_form, "code_form": code_form},
                          status=429)
        try:
            actions.phone_confirmation_start(user=cast(User, request.user), phone=phone_form.cleaned_data["phone"])
        except ValidationError as exc:
            _form_errors_from(phone_form, exc)
        else:
            messages.success(request, _("We sent a code by SMS. Type it below."))
            return redirect("accounts:confirm_phone")
    elif request.method == "POST" and "confirm" in request.POST and code_form.is_valid():
        try:
            actions.phone_confirmation_finish(user=cast(User, request.user), code=code_form.cleaned_data["code"])
        except ValidationError as exc:
            _form_errors_from(code_form, exc)
        else:
            messages.success(request, _("Your phone number is confirmed."))
            return redirect("accounts:cabinet")
    failed = bool(phone_form.errors or code_form.errors)
    return render(request, "accounts/confirm_phone.html", {"phone_form": phone_form, "code_form": code_form},
                  status=400 if failed else 200)
