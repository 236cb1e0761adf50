# OpenOCS image for the distributed shape: one image, the component chosen at run time.
#   docker build -t openocs .
#   docker run -e OCS_ENV=production -e SECRET_KEY=… -e DATABASE_URL=postgres://… \
#              -e OCS_COMPONENTS=configdb -p 8000:8000 openocs
FROM python:3.11-slim AS build
WORKDIR /src
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
COPY requirements/lock.txt requirements/lock.txt
RUN python -m venv /opt/openocs && /opt/openocs/bin/pip install "uv==0.13.9" \
 && /opt/openocs/bin/uv pip install --python /opt/openocs/bin/python -r requirements/lock.txt
COPY pyproject.toml README.md ./
COPY openocs openocs
RUN /opt/openocs/bin/uv pip install --python /opt/openocs/bin/python --no-deps .

FROM python:3.11-slim
RUN useradd --create-home --uid 1000 ocs
COPY --from=build /opt/openocs /opt/openocs
ENV PATH=/opt/openocs/bin:$PATH \
    DJANGO_SETTINGS_MODULE=openocs.server.settings \
    OCS_DATA_DIR=/var/lib/openocs \
    PYTHONUNBUFFERED=1
RUN mkdir -p /var/lib/openocs && chown ocs /var/lib/openocs
USER ocs
EXPOSE 8000
# Web: gunicorn; task worker: `django-admin run_huey`; scheduler: `ocs scheduler run`.
CMD ["gunicorn", "openocs.server.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--threads", "4", "--access-logfile", "-"]
