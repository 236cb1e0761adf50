"""The portal component (Django apps listed in DJANGO_APPS)."""

DJANGO_APPS: list[str] = []
DJANGO_APPS += ["openocs.portal.accounts", "oauth2_provider"]  # users, tokens, OAuth2 (issue 4)
DJANGO_APPS += ["openocs.portal.proposals"]  # semesters, proposals, time allocation (issue 4)
DJANGO_APPS += ["openocs.portal.requestgroups"]  # the request language, submission (issue 5)
DJANGO_APPS += ["openocs.portal.sciapplications"]  # calls and science applications (issue 4)
DJANGO_APPS += ["openocs.portal.observations"]  # schedule, statuses, change polling (issue 6)
DJANGO_APPS += ["openocs.portal.notifications"]  # change events, e-mails, webhooks (issue 6)
DJANGO_APPS += ["openocs.portal.telescopestates"]  # telescope states and availability (§17.3)
DJANGO_APPS += ["openocs.portal.schedulerruns"]  # the scheduler's runs and explanations (issue 15)
DJANGO_APPS += ["openocs.portal.home"]  # the front page and dashboard (issue 12)
