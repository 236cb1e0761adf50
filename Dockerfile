# OpenOCS image: one image for every process of the distributed shape, chosen by its argument.
#
#   docker build -t openocs .
#   docker run openocs migrate     # tables + the scheduler's service account (run once per upgrade)
#   docker run -p 8000:8000 openocs web        # gunicorn; OCS_COMPONENTS picks what it serves
#   docker run openocs worker      # the task-queue worker
#   docker run openocs scheduler   # the scheduler daemon (one per network)
#   docker run openocs ocs --help  # any other command
#
# Every process needs OCS_ENV=production, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and REDIS_URL
# (see docs/deployment.md). Static files are collected at build time into OCS_STATIC_ROOT and
# served by WhiteNoise; the container runs as the unprivileged user `ocs` (uid 1000).
#
# BASE is any Debian-like image with Python 3.11+ as `python` (and venv, useradd). Without a
# registry, tools/image_smoke.sh builds one with debootstrap and passes --build-arg BASE=...
ARG BASE=python:3.11-slim
FROM ${BASE} AS build
WORKDIR /src
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
# Only what runs (the `all` extra), at the lock file's versions: the lock also pins the
# development tools (pytest, Playwright, Helm's renderer, MkDocs…), ~100 packages a server
# never imports.
COPY requirements/lock.txt requirements/lock.txt
COPY pyproject.toml README.md ./
RUN python -m venv /opt/openocs && /opt/openocs/bin/pip install "uv==0.13.9" \
 && /opt/openocs/bin/uv pip install --compile-bytecode --python /opt/openocs/bin/python \
      -r pyproject.toml --extra all --constraint requirements/lock.txt
COPY openocs openocs
# --compile-bytecode: uv does not write .pyc files by default, and the image's user cannot write
# them at run time, so every process would compile numpy, Django and ours from source again
# (0.2-0.3 s of CPU more for `import openocs.visibility`, more for every `ocs` command).
RUN /opt/openocs/bin/uv pip install --compile-bytecode --python /opt/openocs/bin/python --no-deps .
# Collect with the production storage (hashed, compressed names); the key exists only here.
RUN SECRET_KEY="$(/opt/openocs/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    OCS_ENV=production OCS_DATA_DIR=/tmp/ocs OCS_STATIC_ROOT=/opt/openocs/static \
    DJANGO_SETTINGS_MODULE=openocs.server.settings \
    /opt/openocs/bin/django-admin collectstatic --noinput --verbosity 0

FROM ${BASE}
RUN useradd --create-home --uid 1000 ocs
COPY --from=build /opt/openocs /opt/openocs
COPY deploy/docker-entrypoint.sh /usr/local/bin/openocs-entrypoint
ENV PATH=/opt/openocs/bin:$PATH \
    DJANGO_SETTINGS_MODULE=openocs.server.settings \
    OCS_ENV=production \
    OCS_DATA_DIR=/var/lib/openocs \
    OCS_STATIC_ROOT=/opt/openocs/static \
    OCS_PORT=8000 \
    OPENBLAS_NUM_THREADS=1 \
    PYTHONUNBUFFERED=1
RUN mkdir -p /var/lib/openocs && chown ocs /var/lib/openocs
USER ocs
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["openocs-entrypoint", "healthcheck"]
ENTRYPOINT ["openocs-entrypoint"]
CMD ["web"]
