"""The science archive component: frames, versions, headers, data rights and downloads."""

DJANGO_APPS = ["openocs.archive"]
