"""The portal's front page: what the observatory offers, and each user's dashboard."""
