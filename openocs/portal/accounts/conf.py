"""Settings of the portal accounts, read from the environment with the typed helpers."""

from __future__ import annotations

from openocs.env import env_int, env_str

# Where account-removal requests are e-mailed; empty means every active staff user's address.
SUPPORT_EMAIL = env_str("OCS_SUPPORT_EMAIL", "")
# Organisation name used in e-mail subjects and bodies.
ORGANIZATION_NAME = env_str("ORGANIZATION_NAME", "OpenOCS")
# How long an e-mail verification link stays valid, in days.
ACCOUNT_ACTIVATION_DAYS = env_int("OCS_ACCOUNT_ACTIVATION_DAYS", 3, minimum=1)
# The OAuth2 application whose access token the profile shows as ``tokens.archive``.
ARCHIVE_OAUTH_APPLICATION = env_str("OCS_ARCHIVE_OAUTH_APPLICATION", "Archive")
# Validity of that token, in days (reference: 30).
ARCHIVE_TOKEN_DAYS = env_int("OCS_ARCHIVE_TOKEN_DAYS", 30, minimum=1)
