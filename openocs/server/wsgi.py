"""WSGI entry point: ``openocs.server.wsgi:application``.

Loading it also warms the components' caches (:mod:`openocs.server.warmup`): under gunicorn each
worker does so after the fork, before it serves its first request, and then freezes the
start-up objects so that the first request's garbage collection does not walk them all; and,
when it stops, it exits without a final walk of the heap either.
"""

import os

from django.core.wsgi import get_wsgi_application

from openocs.env import env_bool
from openocs.exiting import skip_final_collection

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openocs.server.settings")
application = get_wsgi_application()

if env_bool("OCS_WARMUP", True):
    from openocs.server.warmup import freeze_start_up_objects, warm_up

    warm_up(application)
    freeze_start_up_objects()

skip_final_collection()  # a worker that gunicorn stops ends without walking its heap
