"""Account web pages: registration, e-mail verification, login, logout, password flows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from openocs.portal.accounts import conf, services
from openocs.portal.accounts.errors import AccountError, ActivationLinkInvalid
from openocs.portal.accounts.forms import (
    LoginForm,
    QueuedPasswordResetForm,
    RegistrationForm,
    ResendVerificationForm,
)
from openocs.portal.accounts.models import Profile


def _activation_url_builder(request: HttpRequest) -> Callable[[str], str]:
    def activation_url(token: str) -> str:
        return request.build_absolute_uri(reverse("accounts-activate", args=[token]))

    return activation_url


class RegisterView(FormView):  # type: ignore[type-arg]
    """``/accounts/register/`` (``?email=`` pre-fills the address, as invitations link it)."""

    template_name = "accounts/register.html"
    form_class = RegistrationForm
    success_url = reverse_lazy("accounts-register-done")

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        if email := self.request.GET.get("email"):
            initial["email"] = email
        return initial

    def form_valid(self, form: RegistrationForm) -> HttpResponse:
        data = form.cleaned_data
        activation_url = _activation_url_builder(self.request)
        try:
            services.user_register(
                username=data["username"],
                email=data["email"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                institution=data["institution"],
                title=data["title"],
                activation_url=activation_url,
            )
        except AccountError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        return super().form_valid(form)


class ResendVerificationView(FormView):  # type: ignore[type-arg]
    """``/accounts/activate/resend/``: a new link; the answer never says whether one was sent."""

    template_name = "accounts/resend.html"
    form_class = ResendVerificationForm
    success_url = reverse_lazy("accounts-register-done")

    def form_valid(self, form: ResendVerificationForm) -> HttpResponse:
        services.verification_resend(
            email=form.cleaned_data["email"],
            activation_url=_activation_url_builder(self.request),
        )
        return super().form_valid(form)


class RegisterDoneView(TemplateView):
    template_name = "accounts/register_done.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["days"] = conf.ACCOUNT_ACTIVATION_DAYS
        return context


def activate(request: HttpRequest, token: str) -> HttpResponse:
    """``/accounts/activate/<token>/``: verify the e-mail address and enable the account."""
    try:
        user = services.user_activate(token=token)
    except ActivationLinkInvalid as error:
        return render(request, "accounts/activate.html", {"error": error.message}, status=400)
    return render(request, "accounts/activate.html", {"activated_user": user})


class LoginView(auth_views.LoginView):
    """``/accounts/login/``: username or e-mail; an expired password leads to the change page."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def get_success_url(self) -> str:
        user = self.request.user
        expiration = (
            Profile.objects.filter(user_id=int(user.pk or 0))
            .values_list("password_expiration", flat=True)
            .first()
        )
        if expiration is not None and expiration <= timezone.now():
            messages.info(self.request, "Your password has expired: please choose a new one.")
            return reverse("password_change")
        return super().get_success_url()


class LogoutView(auth_views.LogoutView):
    next_page = "/accounts/login/"


def _reset_timeout_days() -> int:
    return max(1, round(settings.PASSWORD_RESET_TIMEOUT / 86400))


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, which also clears an expired-password mark."""

    template_name = "accounts/password_change_form.html"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed(user=form.user)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, with the e-mail sent through the task queue."""

    form_class = QueuedPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    email_template_name = "accounts/email/password_reset_body.txt"

    @property
    def extra_email_context(self) -> dict[str, Any]:  # type: ignore[override]
        return {
            "organization_name": conf.ORGANIZATION_NAME,
            "timeout_days": _reset_timeout_days(),
        }


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "timeout_days": _reset_timeout_days()}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset confirmation, which also clears an expired-password mark."""

    template_name = "accounts/password_reset_confirm.html"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed(user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
