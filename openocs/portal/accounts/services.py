"""Writes of the accounts app: users, profiles, tokens, registration and bulk creation.

Every function is keyword-only and atomic; e-mails are queued through ``openocs.portal.mail``
and leave only when the transaction commits.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core import signing
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, set_token_value
from oauthlib.common import generate_token
from rest_framework.authtoken.models import Token

from openocs.portal import mail
from openocs.portal.accounts import conf, sealing, selectors
from openocs.portal.accounts.errors import (
    AccountError,
    ActivationLinkInvalid,
    BulkUserError,
    EmailAlreadyUsed,
    UsernameAlreadyUsed,
)
from openocs.portal.accounts.models import Profile, SealedArchiveToken
from openocs.portal.proposals import services as proposal_services
from openocs.web.authentication import api_token_expires

ACTIVATION_SALT = "openocs.portal.accounts.activation"
GENERATED_PASSWORD_LENGTH = 12
BULK_USERS_MAX = 50
PROFILE_WRITABLE_FIELDS = (
    "education_user",
    "notifications_enabled",
    "notifications_on_authored_only",
    "simple_interface",
    "view_authored_requests_only",
    "staff_view",
    "title",
    "institution",
)
USER_WRITABLE_FIELDS = ("email", "first_name", "last_name")


def _check_unique(*, username: str | None, email: str, exclude_pk: int | None = None) -> None:
    users = get_user_model()._default_manager
    if username is not None and users.filter(username=username).exists():
        raise UsernameAlreadyUsed("A user with that username already exists.", field="username")
    if email:
        same_email = users.filter(email__iexact=email)
        if exclude_pk is not None:
            same_email = same_email.exclude(pk=exclude_pk)
        if same_email.exists():
            raise EmailAlreadyUsed("User with this email already exists", field="email")


def generate_password(length: int = GENERATED_PASSWORD_LENGTH) -> str:
    """A random password of letters and digits (bulk-created accounts)."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    is_active: bool = True,
    institution: str = "",
    title: str = "",
    education_user: bool = False,
    terms_accepted: datetime | None = None,
    password_expiration: datetime | None = None,
    created_by: User | None = None,
) -> User:
    """Create a user and its profile; the username and e-mail must be unused.

    A ``password`` of None leaves the account without a usable password. Active accounts
    accept the pending proposal invitations sent to their e-mail address.
    """
    _check_unique(username=username, email=email)
    user: User = get_user_model()(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_active=is_active,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    Profile.objects.update_or_create(
        user=user,
        defaults={
            "institution": institution,
            "title": title,
            "education_user": education_user,
            "terms_accepted": terms_accepted,
            "password_expiration": password_expiration,
            "created_by": created_by,
        },
    )
    if is_active:
        invitations_accept_for(user=user)
    return user


def invitations_accept_for(*, user: User) -> int:
    """Turn the pending invitations sent to the user's e-mail into memberships; the count."""
    return proposal_services.invitations_accept_for(user=user)


# --- Registration ----------------------------------------------------------------------------


def activation_token_make(*, user: User) -> str:
    """A signed, timestamped token naming the user and the address being verified."""
    return signing.dumps({"user": user.pk, "email": user.email}, salt=ACTIVATION_SALT)


@transaction.atomic
def user_register(
    *,
    username: str,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    institution: str = "",
    title: str = "",
    activation_url: Callable[[str], str],
) -> User:
    """Create an inactive account that has accepted the terms and e-mail its verification link.

    ``activation_url`` turns the signed token into the absolute link put in the e-mail.
    """
    user = user_create(
        username=username,
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        is_active=False,
        institution=institution,
        title=title,
        terms_accepted=timezone.now(),
    )
    verification_email_send(user=user, activation_url=activation_url)
    return user


def verification_email_send(*, user: User, activation_url: Callable[[str], str]) -> None:
    """Queue the e-mail with the user's verification link."""
    mail.send_templated_email(
        template="accounts/email/verify",
        context={
            "user": user,
            "activation_url": activation_url(activation_token_make(user=user)),
            "days": conf.ACCOUNT_ACTIVATION_DAYS,
            "organization_name": conf.ORGANIZATION_NAME,
        },
        to=[user.email],
    )


@transaction.atomic
def verification_resend(*, email: str, activation_url: Callable[[str], str]) -> bool:
    """Send a new verification link to an account registered with ``email`` but not verified.

    Returns whether such an account exists; callers must not reveal it (no account enumeration).
    """
    users = get_user_model()._default_manager
    pending = list(users.filter(email__iexact=email, is_active=False, last_login__isnull=True)[:2])
    if len(pending) != 1:
        return False
    verification_email_send(user=pending[0], activation_url=activation_url)
    return True


@transaction.atomic
def user_activate(*, token: str) -> User:
    """Activate the account named by a verification token (a second use changes nothing)."""
    try:
        payload = signing.loads(
            token, salt=ACTIVATION_SALT, max_age=timedelta(days=conf.ACCOUNT_ACTIVATION_DAYS)
        )
    except signing.SignatureExpired as error:
        raise ActivationLinkInvalid("This verification link has expired.", field="token") from error
    except signing.BadSignature as error:
        raise ActivationLinkInvalid("This verification link is invalid.", field="token") from error
    user_model = get_user_model()
    user = (
        user_model._default_manager.select_for_update()
        .filter(pk=payload.get("user"), email=payload.get("email"))
        .first()
    )
    if user is None:
        raise ActivationLinkInvalid("This verification link is invalid.", field="token")
    if not user.is_active and user.last_login is None:
        user.is_active = True
        user.save(update_fields=["is_active"])
        invitations_accept_for(user=user)
    return user


# --- Tokens ---------------------------------------------------------------------------------


@transaction.atomic
def api_token_get_or_create(*, user: User) -> Token:
    """The user's API token (``Authorization: Token <key>``), created on first use and replaced
    once older than ``OCS_API_TOKEN_LIFETIME_DAYS`` (the caller proved who they are otherwise)."""
    token, created = Token.objects.get_or_create(user=user)
    expires = api_token_expires(token.created)
    if not created and expires is not None and expires <= timezone.now():
        return api_token_revoke(user=user)
    return token


@transaction.atomic
def api_token_revoke(*, user: User) -> Token:
    """Replace the user's API token with a new one; the old key stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


ARCHIVE_TOKEN_CANDIDATES = 5
"""At most this many of a user's valid archive tokens are tried for a readable seal."""


@transaction.atomic
def archive_token_get_or_create(*, user: User) -> str:
    """An OAuth2 access token of the archive application for ``user`` (spec §18.3).

    The application is created when missing. OAuth2 tokens are stored hashed, so the token is
    read back from its seal (:class:`~openocs.portal.accounts.models.SealedArchiveToken`); a
    token with more than a day of validity left and a seal that opens is reused, otherwise a new
    one valid ``OCS_ARCHIVE_TOKEN_DAYS`` days is minted and sealed.
    """
    now = timezone.now()
    application = Application.objects.filter(name=conf.ARCHIVE_OAUTH_APPLICATION).first()
    if application is None:
        application = Application.objects.create(
            name=conf.ARCHIVE_OAUTH_APPLICATION,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        )
    candidates = (
        AccessToken.objects.filter(
            user=user, application=application, expires__gt=now + timedelta(days=1)
        )
        .select_related("archive_seal")
        .order_by("-expires")[:ARCHIVE_TOKEN_CANDIDATES]
    )
    for candidate in candidates:
        seal = getattr(candidate, "archive_seal", None)
        raw = sealing.unseal(seal.sealed) if seal is not None else None
        if raw is not None and _token_checksum(raw) == candidate.token_checksum:
            return raw
    raw = str(generate_token())
    token = AccessToken(
        user=user,
        application=application,
        expires=now + timedelta(days=conf.ARCHIVE_TOKEN_DAYS),
        scope="read write",
    )
    set_token_value(token, raw)  # only the checksum is stored when tokens are hashed
    token.save()
    SealedArchiveToken.objects.create(access_token=token, sealed=sealing.seal(raw))
    return raw


def _token_checksum(raw: str) -> str:
    """django-oauth-toolkit's lookup checksum of a token (SHA-256, hexadecimal)."""
    return hashlib.sha256(raw.encode()).hexdigest()


# --- Profile --------------------------------------------------------------------------------


@transaction.atomic
def profile_update(
    *,
    user: User,
    user_fields: Mapping[str, Any],
    profile_fields: Mapping[str, Any],
) -> User:
    """Change the writable user fields (e-mail, names) and profile preferences.

    ``staff_view`` may only be switched on by staff; a new e-mail must be unused.
    """
    unknown = (set(user_fields) - set(USER_WRITABLE_FIELDS)) | (
        set(profile_fields) - set(PROFILE_WRITABLE_FIELDS)
    )
    if unknown:
        raise AccountError(f"Read-only field: {sorted(unknown)[0]}", field=sorted(unknown)[0])
    if profile_fields.get("staff_view") and not user.is_staff:
        raise AccountError("Must be staff to set staff_view", field="staff_view")
    if "email" in user_fields and user_fields["email"].lower() != user.email.lower():
        _check_unique(username=None, email=user_fields["email"], exclude_pk=user.pk)
    for name, value in user_fields.items():
        setattr(user, name, value)
    if user_fields:
        user.save(update_fields=list(user_fields))
    profile, _ = Profile.objects.get_or_create(user=user)
    for name, value in profile_fields.items():
        setattr(profile, name, value)
    if profile_fields:
        profile.save(update_fields=list(profile_fields))
    return user


@transaction.atomic
def profile_accept_terms(*, user: User) -> Profile:
    """Record that the user accepts the terms now."""
    profile, _ = Profile.objects.get_or_create(user=user)
    profile.terms_accepted = timezone.now()
    profile.save(update_fields=["terms_accepted"])
    return profile


@transaction.atomic
def password_changed(*, user: User) -> None:
    """Forget an expired-password mark once the user has chosen a new password."""
    Profile.objects.filter(user=user).update(password_expiration=None)


def account_removal_request(*, user: User, reason: str) -> list[str]:
    """E-mail the support address (or every staff address) a user's request to be removed."""
    recipients = [conf.SUPPORT_EMAIL] if conf.SUPPORT_EMAIL else selectors.staff_emails()
    mail.send_templated_email(
        template="accounts/email/removal_request",
        context={"user": user, "reason": reason, "organization_name": conf.ORGANIZATION_NAME},
        to=recipients,
        reply_to=[user.email] if user.email else [],
    )
    return recipients


# --- Bulk creation --------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkUser:
    """One account asked for by ``POST /api/users-bulk/``."""

    username: str
    email: str
    first_name: str = ""
    last_name: str = ""
    institution: str = ""
    title: str = ""
    education_user: bool = True
    password: str | None = None


def _bulk_check(rows: Sequence[BulkUser]) -> None:
    seen_usernames: set[str] = set()
    seen_emails: set[str] = set()
    for index, row in enumerate(rows):
        if row.username in seen_usernames:
            raise BulkUserError(
                f"username '{row.username}' provided multiple times", row=index, field="username"
            )
        if row.email.lower() in seen_emails:
            raise BulkUserError(
                f"email '{row.email}' provided multiple times", row=index, field="email"
            )
        seen_usernames.add(row.username)
        seen_emails.add(row.email.lower())
    users = get_user_model()._default_manager
    taken_usernames = set(
        users.filter(username__in=seen_usernames).values_list("username", flat=True)
    )
    taken_emails = set(
        users.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=seen_emails)
        .values_list("email_lower", flat=True)
    )
    for index, row in enumerate(rows):
        if row.username in taken_usernames:
            raise BulkUserError("username already exists", row=index, field="username")
        if row.email.lower() in taken_emails:
            raise BulkUserError("user with email already exists", row=index, field="email")


@transaction.atomic
def users_bulk_create(*, created_by: User, rows: Sequence[BulkUser], login_url: str) -> list[User]:
    """Create every account or none; each must change its password at first login.

    Accounts get a random password unless one is given, ``password_expiration = now`` and
    ``created_by``; each accepts its pending invitations and receives its credentials by e-mail.
    """
    if len(rows) > BULK_USERS_MAX:
        raise AccountError(f"At most {BULK_USERS_MAX} users at a time", field="users")
    _bulk_check(rows)
    now = timezone.now()
    created: list[User] = []
    for row in rows:
        password = row.password or generate_password()
        user = user_create(
            username=row.username,
            email=row.email,
            password=password,
            first_name=row.first_name,
            last_name=row.last_name,
            institution=row.institution,
            title=row.title,
            education_user=row.education_user,
            password_expiration=now,
            created_by=created_by,
        )
        mail.send_templated_email(
            template="accounts/email/account_created",
            context={
                "user": user,
                "password": password,
                "login_url": login_url,
                "created_by": created_by,
                "organization_name": conf.ORGANIZATION_NAME,
            },
            to=[user.email],
        )
        created.append(user)
    return created
