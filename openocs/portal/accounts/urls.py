"""Routes of the accounts app: API under ``api/``, web pages under ``accounts/``, OAuth2 at ``o/``.

The portal's ``urls.py`` includes these lists at the portal's mount point.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path, re_path

from openocs.portal.accounts import apis, views
from openocs.portal.accounts.login_throttle import ThrottledTokenView
from openocs.web.routers import optional_slash_path

api_urlpatterns: list[URLPattern | URLResolver] = [
    optional_slash_path("api/api-token-auth/", apis.ApiTokenAuthApi.as_view(), "api-token-auth"),
    optional_slash_path("api/revoke_token/", apis.RevokeTokenApi.as_view(), "revoke-token"),
    optional_slash_path("api/rotate_token/", apis.RotateTokenApi.as_view(), "rotate-token"),
    optional_slash_path("api/profile/", apis.ProfileApi.as_view(), "profile"),
    optional_slash_path(
        "api/profile/accept_terms/", apis.AcceptTermsApi.as_view(), "profile-accept-terms"
    ),
    optional_slash_path(
        "api/account_removal_request/",
        apis.AccountRemovalRequestApi.as_view(),
        "account-removal-request",
    ),
    optional_slash_path("api/users-bulk/", apis.UsersBulkApi.as_view(), "users-bulk"),
]

web_urlpatterns: list[URLPattern | URLResolver] = [
    optional_slash_path("accounts/api-login/", apis.ApiLoginApi.as_view(), "api-login"),
    path("accounts/register/", views.RegisterView.as_view(), name="accounts-register"),
    path(
        "accounts/register/done/",
        views.RegisterDoneView.as_view(),
        name="accounts-register-done",
    ),
    path(
        "accounts/activate/resend/",
        views.ResendVerificationView.as_view(),
        name="accounts-resend-verification",
    ),
    path("accounts/activate/<str:token>/", views.activate, name="accounts-activate"),
    path("accounts/login/", views.LoginView.as_view(), name="accounts-login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="accounts-logout"),
    path(
        "accounts/password_change/",
        views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password_reset/done/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

oauth2_urlpatterns: list[URLPattern | URLResolver] = [
    # OAuth2 clients post to the token endpoint exactly as configured; serve it slash-less too.
    re_path(r"^o/token/?$", ThrottledTokenView.as_view(), name="oauth2-token-throttled"),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]

urlpatterns = api_urlpatterns + web_urlpatterns + oauth2_urlpatterns
