"""WSGI entry point: ``openocs.server.wsgi:application``.

Loading it also warms the components' caches (:mod:`openocs.server.warmup`): under gunicorn each
worker does so after the fork, before it serves its first request.
"""

import os

from django.core.wsgi import get_wsgi_application

from openocs.env import env_bool

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openocs.server.settings")
application = get_wsgi_application()

if env_bool("OCS_WARMUP", True):
    from openocs.server.warmup import warm_up

    warm_up()
