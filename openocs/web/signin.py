"""Where a page sends a visitor who must sign in, in any deployment shape.

Co-hosted with the portal that is its login page (``LOGIN_URL``); a component deployed alone has
no portal pages, so its staff sign in through the admin's login, which every deployment serves.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse


def login_url() -> str:
    """``LOGIN_URL`` when this deployment serves it, else the admin's sign-in page."""
    url = str(settings.LOGIN_URL)
    try:
        resolve(url)
    except Resolver404:
        return reverse("admin:login")
    return url


def sign_in_first(request: HttpRequest) -> HttpResponseRedirect:
    """A redirect to the sign-in page that comes back to this page afterwards."""
    return redirect_to_login(request.get_full_path(), login_url())
