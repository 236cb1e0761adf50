"""Throttling of failed logins, per account and per client address (docs/security.md).

Every password check goes through :class:`~openocs.portal.accounts.backends.UsernameOrEmailBackend`
(the login page, the admin's login, ``api/api-token-auth/``, ``accounts/api-login/`` and HTTP Basic
authentication), which asks :func:`login_check_allowed` before hashing anything and reports each
outcome here; the OAuth2 token endpoint reports failed client authentications and grants the same
way (:class:`ThrottledTokenView`). A key (an account, an address or an OAuth2 client) that failed
``limit`` times within ``OCS_LOGIN_FAILURE_WINDOW_S`` seconds is refused until the window ends:
429 with ``Retry-After``, JSON from the API, an HTML page from the web forms, and one warning in
the log when the limit is reached.

The counters live in Django's cache, so they are shared by every worker with the database, file
or Redis cache (atomically with Redis), and per process with the local-memory cache.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import math
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from oauth2_provider.views import TokenView
from rest_framework import exceptions

from openocs.env import env_float, env_int

logger = logging.getLogger("openocs.security")

_PREFIX = "openocs:login-failures:"
_LIMITS_DEFAULTS = {
    "account": ("OCS_LOGIN_FAILURES_PER_ACCOUNT", 10),
    "address": ("OCS_LOGIN_FAILURES_PER_ADDRESS", 50),
    "client": ("OCS_LOGIN_FAILURES_PER_ACCOUNT", 10),
}


def failure_limit(kind: str) -> int:
    """Failures of one key tolerated within the window (``0`` turns that throttle off)."""
    name, default = _LIMITS_DEFAULTS[kind]
    return int(getattr(settings, name, env_int(name, default, minimum=0)))


def failure_window_s() -> float:
    """``OCS_LOGIN_FAILURE_WINDOW_S``: how long failures are remembered (and a key is refused)."""
    name = "OCS_LOGIN_FAILURE_WINDOW_S"
    return float(getattr(settings, name, env_float(name, 900.0, minimum=1.0)))


class LoginThrottled(exceptions.Throttled):
    """Too many failed logins; DRF renders it as 429 JSON with ``Retry-After``."""

    default_detail = "Too many failed login attempts."

    def __init__(self, *, wait_s: float) -> None:
        wait = max(1, math.ceil(wait_s))
        self.wait_s = wait
        super().__init__(
            wait=wait,
            detail=f"Too many failed login attempts; try again in {wait} seconds.",
        )


@dataclass(frozen=True)
class _Key:
    kind: str  # "account", "address" or "client"
    value: str

    @property
    def cache_key(self) -> str:
        digest = hashlib.sha256(self.value.strip().lower().encode()).hexdigest()
        return f"{_PREFIX}{self.kind}:{digest}"


def client_address(request: Any) -> str:
    """The caller's address: ``REMOTE_ADDR``, or behind a trusted proxy
    (``OCS_USE_PROXY_HEADERS``) the last address the proxy appended to ``X-Forwarded-For``."""
    meta: dict[str, Any] = getattr(request, "META", None) or {}
    if getattr(settings, "USE_X_FORWARDED_HOST", False):
        header = str(meta.get("HTTP_X_FORWARDED_FOR", ""))
        forwarded = [part.strip() for part in header.split(",")]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            return forwarded[-1]
    return str(meta.get("REMOTE_ADDR", ""))


def _keys(*, account: str | None, address: str, account_kind: str = "account") -> list[_Key]:
    keys = []
    if account:
        keys.append(_Key(account_kind, account))
    if address:
        keys.append(_Key("address", address))
    return [key for key in keys if failure_limit(key.kind) > 0]


def login_check_allowed(
    *, account: str | None, address: str, account_kind: str = "account"
) -> None:
    """Raise :class:`LoginThrottled` when the account or the address is over its limit."""
    now = time.time()
    for key in _keys(account=account, address=address, account_kind=account_kind):
        state = cache.get_many([key.cache_key, key.cache_key + ":reset"])
        count = int(state.get(key.cache_key) or 0)
        reset_at = float(state.get(key.cache_key + ":reset") or now)
        if count >= failure_limit(key.kind) and reset_at > now:
            logger.info("login refused: too many failures of %s %s", key.kind, key.value)
            raise LoginThrottled(wait_s=reset_at - now)


def login_failure_record(
    *, account: str | None, address: str, account_kind: str = "account"
) -> None:
    """Count one failed attempt against the account and the address."""
    window_s = failure_window_s()
    now = time.time()
    for key in _keys(account=account, address=address, account_kind=account_kind):
        reset_key = key.cache_key + ":reset"
        cache.add(reset_key, now + window_s, timeout=window_s)
        cache.add(key.cache_key, 0, timeout=window_s)
        try:
            count = cache.incr(key.cache_key)
        except ValueError:  # expired between add and incr
            cache.set(key.cache_key, 1, timeout=window_s)
            count = 1
        reset_at = float(cache.get(reset_key) or now + window_s)
        # incr keeps the expiry with Redis and local memory, but the database and file caches
        # store the new value with the default timeout: put the window's end back.
        cache.touch(key.cache_key, timeout=max(1, math.ceil(reset_at - now)))
        if count == failure_limit(key.kind):
            logger.warning(
                "login throttled: %d failed attempts of %s %s; refused for %d s",
                count,
                key.kind,
                key.value,
                math.ceil(reset_at - now),
            )


def login_success_record(*, account: str) -> None:
    """A correct password clears the account's failures (not the address's)."""
    cache.delete_many(
        [_Key("account", account).cache_key, _Key("account", account).cache_key + ":reset"]
    )


class LoginThrottledMiddleware:
    """Renders :class:`LoginThrottled` raised by a plain Django view (the login page, the
    admin's login) as a 429 HTML page; DRF views answer JSON themselves."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.get_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, LoginThrottled):
            return None
        response = render(
            request,
            "accounts/login_throttled.html",
            {"wait_s": exception.wait_s, "detail": exception.detail},
            status=429,
        )
        response["Retry-After"] = str(exception.wait_s)
        return response


def _oauth2_client_id(request: HttpRequest) -> str:
    """The client an OAuth2 token request authenticates as (form field or HTTP Basic)."""
    client_id = request.POST.get("client_id", "")
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not client_id and header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip()).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            return ""
        client_id = unquote(decoded.partition(":")[0])
    return client_id


_OAUTH2_FAILURES = {"invalid_client", "invalid_grant"}


class ThrottledTokenView(TokenView):  # type: ignore[misc]
    """django-oauth-toolkit's token endpoint, refusing a client or address that failed too often
    (a wrong client secret, or a wrong or replayed code or refresh token)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        address = client_address(request)
        client_id = _oauth2_client_id(request)
        try:
            login_check_allowed(account=client_id, address=address, account_kind="client")
        except LoginThrottled as throttled:
            refusal = HttpResponse(
                json.dumps({"error": "too_many_attempts", "error_description": throttled.detail}),
                status=429,
                content_type="application/json",
            )
            refusal["Retry-After"] = str(throttled.wait_s)
            return refusal
        response: HttpResponse = super().post(request, *args, **kwargs)
        if response.status_code in (400, 401) and _oauth2_error(response) in _OAUTH2_FAILURES:
            login_failure_record(account=client_id, address=address, account_kind="client")
        return response


def _oauth2_error(response: HttpResponse) -> str:
    try:
        body = json.loads(response.content or b"{}")
    except ValueError:
        return ""
    return str(body.get("error", "")) if isinstance(body, dict) else ""
