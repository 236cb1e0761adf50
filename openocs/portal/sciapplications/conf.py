"""Settings of the science applications, read from the environment with the typed helpers."""

from __future__ import annotations

from openocs.env import env_int

# Longest abstract accepted, in words (spec §20: 500).
ABSTRACT_MAX_WORDS = env_int("OCS_SCIAPP_ABSTRACT_MAX_WORDS", 500, minimum=1)
# Largest PDF accepted, in megabytes.
PDF_MAX_MB = env_int("OCS_SCIAPP_PDF_MAX_MB", 20, minimum=1)
# Most pages and words (of its extracted text) a science-application PDF may have.
PDF_MAX_PAGES = env_int("OCS_SCIAPP_PDF_MAX_PAGES", 10, minimum=1)
PDF_MAX_WORDS = env_int("OCS_SCIAPP_PDF_MAX_WORDS", 6000, minimum=1)
