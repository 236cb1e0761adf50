"""Authentication backend: sign in with the username or the e-mail address."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from openocs.portal.accounts import login_throttle


class UsernameOrEmailBackend(ModelBackend):
    """Django's model backend, also matching the login against the e-mail (case-insensitive).

    The username is tried first; an e-mail shared by several accounts never signs anybody in.
    Failed attempts are counted per login and per address, and a login or address over its
    limit is refused before any password is checked (:mod:`~.login_throttle`).
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        address = login_throttle.client_address(request)
        # Before any hashing: a throttled account or address costs no password check.
        login_throttle.login_check_allowed(account=username, address=address)
        user = user_model._default_manager.filter(username=username).first()
        if user is None and "@" in username:
            matches = list(user_model._default_manager.filter(email__iexact=username)[:2])
            user = matches[0] if len(matches) == 1 else None
        if user is None:
            # Run the hasher once anyway, so timing does not reveal which logins exist.
            user_model().set_password(password)
            login_throttle.login_failure_record(account=username, address=address)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            login_throttle.login_success_record(account=username)
            return user
        login_throttle.login_failure_record(account=username, address=address)
        return None
