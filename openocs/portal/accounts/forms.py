"""Forms of the account web pages: registration, login by username or e-mail, password reset."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template import loader

from openocs.portal import mail


class RegistrationForm(forms.Form):
    """A new account: the terms must be accepted; the e-mail address is verified afterwards."""

    username = forms.RegexField(
        regex=r"^[\w.@+-]+\Z",
        max_length=150,
        help_text="Letters, digits and @/./+/-/_ only.",
    )
    email = forms.EmailField(max_length=254)
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    institution = forms.CharField(max_length=200, required=False)
    title = forms.CharField(max_length=200, required=False)
    password1 = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label="Password again", strip=False, widget=forms.PasswordInput)
    accept_terms = forms.BooleanField(label="I accept the terms of use", required=True)

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if get_user_model()._default_manager.filter(username__iexact=username).exists():
            raise forms.ValidationError("A user with that username already exists.")
        return username

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        if get_user_model()._default_manager.filter(email__iexact=email).exists():
            raise forms.ValidationError("User with this email already exists")
        return email

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords do not match.")
        elif first:
            candidate = get_user_model()(
                username=cleaned.get("username", ""), email=cleaned.get("email", "")
            )
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ResendVerificationForm(forms.Form):
    """The address of an account whose verification e-mail was lost or expired."""

    email = forms.EmailField(max_length=254)


class LoginForm(AuthenticationForm):
    """Django's login form, labelled for the username-or-e-mail backend."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Username or e-mail"
        self.fields["username"].widget.attrs["maxlength"] = 254


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password-reset form, with the e-mail handed to the task queue."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = loader.render_to_string(subject_template_name, context)
        body = loader.render_to_string(email_template_name, context)
        html = (
            loader.render_to_string(html_email_template_name, context)
            if html_email_template_name
            else None
        )
        mail.send_email(
            subject=subject, body=body, to=[to_email], html_body=html, from_email=from_email
        )
