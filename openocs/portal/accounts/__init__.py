"""Portal accounts: users' profiles, API tokens, registration, OAuth2 sign-in (spec portal §18)."""
