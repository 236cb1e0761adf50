#!/bin/sh
# Entry point of the OpenOCS image: the first argument names the process to run.
#   web         gunicorn serving the components in OCS_COMPONENTS on $OCS_PORT (8000)
#   worker      the task-queue worker (e-mail, webhooks, periodic jobs, thumbnails)
#   scheduler   the scheduler daemon (one per network)
#   migrate     create/update the tables, then the scheduler's service account (a Job)
#   healthcheck what the image's HEALTHCHECK runs (GET /health/ for web; others: alive)
# Anything else runs as a command (`docker run openocs ocs --help`).
# OCS_ENTRYPOINT_DRY_RUN=1 prints the command instead of running it.
set -eu

run() {
    if [ "${OCS_ENTRYPOINT_DRY_RUN:-}" = "1" ]; then
        echo "$*"
        return 0
    fi
    exec "$@"
}

role="${1:-web}"
[ $# -gt 0 ] && shift
port="${OCS_PORT:-8000}"
case "$role" in
    web)
        echo web > "${TMPDIR:-/tmp}/openocs-role"
        # The gunicorn workers share their Prometheus metrics through this folder.
        export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-${TMPDIR:-/tmp}/openocs-metrics}"
        mkdir -p "$PROMETHEUS_MULTIPROC_DIR" && rm -f "$PROMETHEUS_MULTIPROC_DIR"/*.db
        # On PostgreSQL each worker keeps a pool of one connection per thread, connected and
        # warmed before its first request (issue 17); 0 turns it off, SQLite ignores it.
        export OCS_DB_POOL_SIZE="${OCS_DB_POOL_SIZE:-${OCS_WEB_THREADS:-4}}"
        run gunicorn openocs.server.wsgi:application --bind "${OCS_HOST:-0.0.0.0}:${port}" \
            --workers "${OCS_WEB_WORKERS:-4}" --threads "${OCS_WEB_THREADS:-4}" \
            --timeout "${OCS_WEB_TIMEOUT:-120}" --access-logfile - \
            --logger-class openocs.server.accesslog.GunicornLogger "$@"
        ;;
    worker)
        echo worker > "${TMPDIR:-/tmp}/openocs-role"
        run django-admin run_huey --workers "${OCS_TASK_WORKERS:-2}" --worker-type thread "$@"
        ;;
    scheduler)
        echo scheduler > "${TMPDIR:-/tmp}/openocs-role"
        run ocs scheduler run "$@"
        ;;
    migrate)
        if [ "${OCS_ENTRYPOINT_DRY_RUN:-}" = "1" ]; then
            echo "ocs migrate && ocs scheduler-account"
            exit 0
        fi
        ocs migrate
        case ",${OCS_COMPONENTS:-portal}," in
            *,portal,*) ocs scheduler-account ;;
        esac
        ;;
    healthcheck)
        if [ "$(cat "${TMPDIR:-/tmp}/openocs-role" 2>/dev/null)" = "web" ]; then
            # Ask with a Host the settings allow (the first of ALLOWED_HOSTS, else localhost).
            run python -c "
import os, sys, urllib.request
hosts = [h.strip().lstrip('.') for h in os.environ.get('ALLOWED_HOSTS', '').split(',') if h.strip()]
host = next((h for h in hosts if h != '*'), 'localhost')
request = urllib.request.Request('http://127.0.0.1:${port}/health/', headers={'Host': host})
sys.exit(0 if urllib.request.urlopen(request, timeout=5).status == 200 else 1)
"
        fi
        ;;
    *)
        run "$role" "$@"
        ;;
esac
