"""The ``ocs`` command line: run, set up and operate an OpenOCS deployment.

A thin click layer: each command calls Django management commands or library functions.
Component command groups (``ocs configdb …``, ``ocs scheduler …``) live with their components
and are loaded on demand, so ``ocs --help`` stays fast.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from importlib import import_module
from pathlib import Path
from typing import Any

import click

from openocs.exiting import skip_final_collection

# Every process ``ocs`` starts (gunicorn workers, the scheduler, the task worker, the simulator)
# is multi-threaded and does no large linear algebra: OpenBLAS's own threads would only spin,
# about 0.05 s of CPU at every numpy import (issue 17). OpenBLAS advises one thread for
# multi-threaded programs; an explicit setting in the environment wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

DEMO_USERNAME = "admin"

# name -> "module:attribute" of a click command or group, loaded only when used.
LAZY_COMMANDS: dict[str, str] = {
    "configdb": "openocs.configdb.cli:configdb_group",
    "downtime": "openocs.downtime.cli:downtime_group",
    "scheduler": "openocs.scheduler.cli:scheduler_group",
    "ingest": "openocs.ingester.cli:ingest_command",
    "accounting": "openocs.portal.cli:accounting_group",
    "archive": "openocs.archive.cli:archive_group",
    "backup": "openocs.server.backup:backup_command",
    "restore": "openocs.server.backup:restore_command",
    "site": "openocs.simulator.cli:site_group",
}


def setup_django() -> None:
    """Configure Django for commands that use the database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openocs.server.settings")
    import django

    django.setup()


def _load_lazy(name: str) -> click.Command | None:
    module_name, _, attribute = LAZY_COMMANDS[name].partition(":")
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as error:
        missing = error.name or ""
        if module_name == missing or module_name.startswith(missing + "."):
            return None  # the component is not part of this installation

        raise
    command = getattr(module, attribute, None)
    return command if isinstance(command, click.Command) else None


class OcsGroup(click.Group):
    """A group that adds the component command groups on demand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = set(super().list_commands(ctx))
        names.update(name for name in LAZY_COMMANDS if _load_lazy(name) is not None)
        return sorted(names)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in LAZY_COMMANDS:
            command = _load_lazy(cmd_name)
        return command


@click.group(cls=OcsGroup)
@click.version_option(package_name="openocs", prog_name="ocs")
def main() -> None:
    """OpenOCS: an open-source, API-driven Observatory Control System.

    \b
    Examples:
      ocs up                      set up and start everything on http://127.0.0.1:8000
      ocs migrate                 create or update the database tables
      ocs loaddemo                load the demo network, downtimes and a staff account
      ocs createtoken alice       print (or create) the API token of user alice
    """


@main.command()
def migrate() -> None:
    """Create or update the database tables.

    \b
    Example:
      DATABASE_URL=postgres://ocs@db/ocs ocs migrate
    """
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    click.echo("Database is up to date.")


def _credentials_file() -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR) / "demo-credentials.txt"


def ensure_demo_staff() -> tuple[str, str | None, str]:
    """Create the demo staff account once; return (username, password or None, token key).

    The password is generated on first creation and kept (readable only by its owner) under
    ``OCS_DATA_DIR`` so later runs can print it again; it is never regenerated.
    """
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    user_model = get_user_model()
    path = _credentials_file()
    user = user_model.objects.filter(username=DEMO_USERNAME).first()
    password: str | None = None
    if user is None:
        password = secrets.token_urlsafe(12)
        user = user_model.objects.create_superuser(
            username=DEMO_USERNAME, email="admin@example.org", password=password
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{DEMO_USERNAME}\n{password}\n", encoding="utf-8")
        path.chmod(0o600)
    elif path.exists():
        lines = path.read_text(encoding="utf-8").splitlines()
        password = lines[1] if len(lines) > 1 else None
    _grant_staff_view(user)
    token, _ = Token.objects.get_or_create(user=user)
    return DEMO_USERNAME, password, token.key


def _grant_staff_view(user: Any) -> None:
    """Turn on ``staff_view`` so a staff account sees every proposal's requests, as a site does.

    Looked up by label: the server must not import a component's models statically, or every
    component importing the CLI would depend on the portal (import-linter)."""
    from django.apps import apps

    if apps.is_installed("openocs.portal.accounts"):
        profile_model = apps.get_model("accounts", "Profile")
        profile_model.objects.update_or_create(user=user, defaults={"staff_view": True})


SCHEDULER_USERNAME = "scheduler"


def ensure_scheduler_account(token_key: str | None = None) -> str:
    """Create the scheduler's staff service account once (``staff_view`` on, no password, so it
    cannot log in interactively) and return its API token key (scheduler-contract.md §1).

    With ``token_key`` (a deployment's ``OCS_SCHEDULER_TOKEN``), the account's token is that key.
    """
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from rest_framework.authtoken.models import Token

    user_model = get_user_model()
    with transaction.atomic():
        user, created = user_model.objects.get_or_create(
            username=SCHEDULER_USERNAME,
            defaults={"email": "scheduler@localhost", "is_staff": True},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        elif not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        _grant_staff_view(user)
        if token_key:
            Token.objects.filter(user=user).exclude(key=token_key).delete()
        token, _ = Token.objects.get_or_create(user=user, defaults={"key": token_key or None})
    return str(token.key)


@main.command("scheduler-account")
def scheduler_account() -> None:
    """Create the scheduler's service account (staff, staff_view, no password).

    Its API token is OCS_SCHEDULER_TOKEN when that is set (a deployment's secret), else a new
    one, printed. Idempotent: deployments run it after `ocs migrate`.

    \b
    Example:
      OCS_SCHEDULER_TOKEN=$(openssl rand -hex 20) ocs scheduler-account
    """
    setup_django()
    from django.conf import settings

    if "portal" not in settings.OCS_COMPONENTS:
        raise click.ClickException(
            "The scheduler's account lives in the portal: add it to OCS_COMPONENTS."
        )
    given = os.environ.get("OCS_SCHEDULER_TOKEN", "")
    if given and not (len(given) <= 40 and given.isalnum()):
        raise click.ClickException("OCS_SCHEDULER_TOKEN must be 1 to 40 letters or digits.")
    token = ensure_scheduler_account(given or None)
    click.echo(
        "Scheduler account ready"
        + (" (token from OCS_SCHEDULER_TOKEN)." if given else f"; token: {token}")
    )


SITE_USERNAME = "site"


def ensure_site_account() -> str:
    """Create the demo sites' staff service account once (``staff_view`` on, no password, may
    register frames with the archive: ``archive.ingest``) and return its API token key."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db import transaction
    from rest_framework.authtoken.models import Token

    user_model = get_user_model()
    with transaction.atomic():
        user, created = user_model.objects.get_or_create(
            username=SITE_USERNAME, defaults={"email": "site@localhost", "is_staff": True}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        elif not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        _grant_staff_view(user)
        ingest = Permission.objects.filter(
            content_type__app_label="archive", codename="ingest"
        ).first()
        if ingest is not None:
            user.user_permissions.add(ingest)
        token, _ = Token.objects.get_or_create(user=user)
    return str(token.key)


def _service_account_token(name: str) -> str:
    return ensure_site_account() if name == SITE_USERNAME else ensure_scheduler_account()


@main.command()
@click.argument("name", type=click.Choice([SCHEDULER_USERNAME, SITE_USERNAME]))
def serviceaccount(name: str) -> None:
    """Print the API token of the NAME service account, creating the account if needed.

    The `scheduler` account is staff with staff_view; the `site` account also may register
    frames with the archive (what `ocs site simulate` and a real site need). `ocs up` creates
    both for the processes it starts.

    \b
    Example:
      OCS_SITE_TOKEN=$(ocs serviceaccount site) ocs site simulate --site coj --demo
    """
    setup_django()
    click.echo(_service_account_token(name))


def run_demo_loaders(echo: Any = click.echo) -> None:
    """Run each installed component's idempotent demo loader (``<component>.demo.load_demo``)."""
    from django.conf import settings

    order = ["configdb", "downtime", "portal", "archive"]
    for name in order:
        if name not in settings.OCS_COMPONENTS:
            continue
        module_name = f"openocs.{name}.demo"
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as error:
            missing = error.name or ""
            if module_name == missing or module_name.startswith(missing + "."):
                continue
            raise
        summary = module.load_demo()
        if summary:
            echo(f"  {name}: {summary}")


@main.command()
def loaddemo() -> None:
    """Load the demo observatory: network, downtimes and a staff account (idempotent).

    \b
    Example:
      ocs loaddemo && ocs createtoken admin
    """
    setup_django()
    from django.db import transaction

    with transaction.atomic():
        run_demo_loaders()
        username, password, token = ensure_demo_staff()
    _print_credentials(username, password, token)


def _print_credentials(username: str, password: str | None, token: str) -> None:
    click.echo(f"Staff account: {username}" + (f" / password {password}" if password else ""))
    click.echo(f"API token:     {token}   (Authorization: Token {token})")


@main.command()
@click.argument("username")
@click.option("--reset", is_flag=True, help="Replace the user's token with a new one.")
def createtoken(username: str, reset: bool) -> None:
    """Print the API token of USERNAME, creating it if needed.

    \b
    Examples:
      ocs createtoken alice
      ocs createtoken alice --reset     revoke the old token and print a new one
    """
    setup_django()
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise click.ClickException(f"No user named {username!r}.")
    if reset:
        Token.objects.filter(user=user).delete()
    token, _ = Token.objects.get_or_create(user=user)
    click.echo(token.key)


@main.command()
@click.option(
    "--host", default=lambda: os.environ.get("OCS_HOST", "127.0.0.1"), show_default="127.0.0.1"
)
@click.option(
    "--port", type=int, default=lambda: int(os.environ.get("OCS_PORT", "8000")), show_default="8000"
)
@click.option("--workers", type=int, default=2, show_default=True, help="Web worker processes.")
@click.option("--no-demo", is_flag=True, help="Do not load the demo observatory.")
@click.option("--no-worker", is_flag=True, help="Do not start the task-queue worker.")
@click.option("--no-scheduler", is_flag=True, help="Do not start the scheduler daemon.")
@click.option(
    "--simulator/--no-simulator",
    envvar="OCS_SIMULATOR",
    default=True,
    show_default=True,
    help="With the demo: start a simulated site for every demo site (env OCS_SIMULATOR).",
)
def up(
    host: str,
    port: int,
    workers: int,
    no_demo: bool,
    no_worker: bool,
    no_scheduler: bool,
    simulator: bool,
) -> None:
    """Set up and start the whole system: web server, task worker, scheduler and, with the demo,
    simulated sites that observe what is scheduled.

    Migrates the database, collects static files, loads the demo observatory (unless
    --no-demo) and serves on http://HOST:PORT until interrupted, printing each step and, once
    the web server answers, the URLs and the staff account. Running it again is safe and fast:
    every step is idempotent. OCS_HOST and OCS_PORT set the defaults of --host and --port; the
    links in e-mails (OCS_PORTAL_PUBLIC_URL) follow them unless set. With the demo,
    `ocs site simulate --demo` observes every demo site's schedule (shortened exposures),
    ingests the frames into the archive and reports the telescopes' states; --no-simulator (or
    OCS_SIMULATOR=false) leaves it out.

    \b
    Example:
      ocs up --port 8080
      ocs up --no-simulator
    """
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    _step("Migrating the database")
    call_command("migrate", interactive=False, verbosity=0)
    _step("Collecting static files")
    call_command("collectstatic", interactive=False, verbosity=0)
    credentials: tuple[str, str | None, str] | None = None
    if not no_demo:
        _step("Loading the demo observatory")
        with transaction.atomic():
            run_demo_loaders()
            credentials = ensure_demo_staff()

    simulate = (
        simulator
        and not no_demo
        and _load_lazy("site") is not None
        and {"portal", "archive", "configdb"} <= set(settings.OCS_COMPONENTS)
    )
    processes: list[subprocess.Popen[bytes]] = []
    python = sys.executable
    # Every process started below (and the links it writes) follows the chosen address.
    child_env = {**os.environ, "OCS_HOST": host, "OCS_PORT": str(port)}
    if simulate:
        # the simulated sites report their telescopes' states: let the portal serve them
        child_env.setdefault("OCS_TELESCOPE_STATES_PROVIDER", "database")
    local_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
    base_url = f"http://{local_host}:{port}/"
    web = web_server_command(
        python=python, host=host, port=port, workers=workers, data_dir=Path(settings.DATA_DIR)
    )
    web_env = {
        **child_env,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_folder(Path(settings.DATA_DIR))),
    }
    _step(f"Starting the web server on http://{host}:{port}/ ({workers} workers)")
    processes.append(subprocess.Popen(web, env=web_env))  # noqa: S603 - argv of our own values
    if not no_worker:
        _step("Starting the task worker")
        # run_huey that exits promptly; Ctrl-C (its graceful signal) waits ≤ 5 s for a task
        worker = [
            python, "-m", "openocs.server.taskworker", "--workers", "2",
            "--worker-type", "thread", "--shutdown-timeout", "5",
        ]  # fmt: skip
        processes.append(
            subprocess.Popen(  # noqa: S603 - fixed argv built from our own values
                worker, env={**child_env, "DJANGO_SETTINGS_MODULE": "openocs.server.settings"}
            )
        )
    if (
        not no_scheduler
        and _load_lazy("scheduler") is not None
        and "portal" in settings.OCS_COMPONENTS
    ):
        _step("Starting the scheduler daemon")
        scheduler = [
            python, "-m", "openocs.server.cli", "scheduler", "run",
            "--portal-url", base_url,
        ]  # fmt: skip
        if simulate:
            # plan from "now + a short pass estimate" so a demo request is observed in minutes
            scheduler += ["--pass-estimate", "20"]
        environment = dict(child_env)
        if not environment.get("OCS_SCHEDULER_TOKEN"):
            environment["OCS_SCHEDULER_TOKEN"] = ensure_scheduler_account()
        processes.append(subprocess.Popen(scheduler, env=environment))  # noqa: S603
    if simulate:
        _step("Starting the simulated sites")
        sites = [
            python, "-m", "openocs.server.cli", "site", "simulate", "--demo",
            "--portal-url", base_url,
        ]  # fmt: skip
        environment = dict(child_env)
        if not environment.get("OCS_SITE_TOKEN"):
            environment["OCS_SITE_TOKEN"] = ensure_site_account()
        processes.append(subprocess.Popen(sites, env=environment))  # noqa: S603
    banner = ready_banner(
        base_url,
        list(settings.OCS_COMPONENTS),
        credentials,
        demo_astronomers() if credentials is not None else [],
    )
    _supervise(processes, ready_url=base_url + "health/", banner=banner)


def _step(text: str) -> None:
    click.secho(f"==> {text}…", bold=True)


def demo_astronomers() -> list[tuple[str, str, str]]:
    """The portal demo's astronomers as ``(username, password, who)``, to try the web pages as a
    user; none without the portal. Loaded by name like the demo loaders: the server does not
    import a component."""
    from django.conf import settings

    if "portal" not in settings.OCS_COMPONENTS:
        return []
    users = import_module("openocs.portal.demo").DEMO_USERS
    return [
        (username, password, "the demo proposal's PI" if role == "PI" else f"its {role}")
        for username, password, _first, _last, role in users
    ]


def ready_banner(
    base_url: str,
    components: list[str],
    credentials: tuple[str, str | None, str] | None,
    demo_accounts: Sequence[tuple[str, str, str]] = (),
) -> str:
    """What ``ocs up`` prints once the web server answers: where everything is, who to be."""
    links = [("Web pages", ""), ("Portal API", "api/")] if "portal" in components else []
    links += [
        (name, f"{name}/") for name in ("configdb", "downtime", "archive") if name in components
    ]
    links += [
        ("Admin", "admin/"),
        ("API reference", "api/schema/redoc/"),
        ("Health", "health/"),
        ("Metrics", "metrics"),
    ]
    lines = ["", "OpenOCS is ready:"]
    lines += [f"  {label:<15}{base_url}{path}" for label, path in links]
    if credentials is not None:
        username, password, token = credentials
        for index, (user, demo_password, who) in enumerate(demo_accounts):
            label = "Sign in as" if index == 0 else ""
            lines.append(f"  {label:<15}{user} / password {demo_password}   ({who})")
        account = username + (f" / password {password}" if password else "")
        lines += [f"  {'Staff account':<15}{account}", f"  {'API token':<15}{token}"]
        lines.append(f"  {'':<15}curl -H 'Authorization: Token {token}' {base_url}api/profile/")
    lines += ["Ctrl-C stops it.", ""]
    return "\n".join(lines)


def _answers(url: str) -> bool:
    """Whether a web server answers at ``url`` (any HTTP status counts)."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own http:// URL
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def metrics_folder(data_dir: Path) -> Path:
    """An empty folder where the web workers share their Prometheus metrics (multiprocess)."""
    folder = data_dir / "run" / "metrics"
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):  # counters of a previous run
        stale.unlink()
    return folder


# A Unix socket path must fit in sockaddr_un.sun_path (108 bytes on Linux, 104 on macOS).
_MAX_SOCKET_PATH = 100


def web_server_command(
    *, python: str, host: str, port: int, workers: int, data_dir: Path
) -> list[str]:
    """The gunicorn command line of ``ocs up``.

    gunicorn's control socket (``gunicornc``) defaults to one path per user
    (``$XDG_RUNTIME_DIR/gunicorn.ctl``), shared by every ``ocs up`` on the host, so a second
    instance took over the first one's socket. Each instance gets its own, under its data
    directory and named by its port; when that path is too long for a Unix socket the control
    socket is turned off rather than shared.
    """
    command = [
        python, "-m", "gunicorn", "openocs.server.wsgi:application",
        "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", "4",
        "--access-logfile", "-", "--timeout", "120",
        # a stopping worker ends a long poll of api/changes/ at once (gunicorn_hooks) and waits
        # ≤ 5 s for other requests in flight, so Ctrl-C ends `ocs up` promptly
        "--graceful-timeout", "5", "--config", "python:openocs.server.gunicorn_hooks",
        "--logger-class", "openocs.server.accesslog.GunicornLogger",
    ]  # fmt: skip
    socket_path = data_dir.resolve() / "run" / f"gunicorn-{port}.ctl"
    if len(str(socket_path).encode()) <= _MAX_SOCKET_PATH:
        socket_path.parent.mkdir(parents=True, exist_ok=True)
        command += ["--control-socket", str(socket_path)]
    else:
        command.append("--no-control-socket")
    return command


#: How long ``ocs up`` gives its processes to stop after SIGTERM before it kills them.
STOP_TIMEOUT_S = 10.0
_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def _supervise(
    processes: list[subprocess.Popen[bytes]],
    *,
    ready_url: str = "",
    banner: str = "",
    stop_timeout_s: float = STOP_TIMEOUT_S,
) -> None:
    """Wait until one process exits or we are told to stop (SIGTERM, SIGINT — Ctrl-C — or
    SIGHUP), then stop them all (:func:`stop_processes`). Once ``ready_url`` answers, print
    ``banner``. A second signal while stopping kills what is left at once."""
    received: list[int] = []

    def _stop(signum: int, _frame: object) -> None:
        received.append(signum)

    previous = {number: signal.signal(number, _stop) for number in _STOP_SIGNALS}
    skip_final_collection()  # end in a blink once stopped, not after walking the whole heap
    exit_code = 0
    announced = not ready_url
    try:
        while not received:
            exited = next((p for p in processes if p.poll() is not None), None)
            if exited is not None:
                time.sleep(0.2)  # Ctrl-C reaches our children and us together: not a failure
                if received:
                    break
                code = exited.returncode
                click.echo(f"A process exited with code {code}: {exited.args!r}", err=True)
                exit_code = code or 1
                break
            if not announced and _answers(ready_url):
                click.echo(banner)
                announced = True
            time.sleep(0.2)
        click.echo("==> Stopping…", err=True)
        stop_processes(processes, timeout_s=stop_timeout_s, hurry=lambda: len(received) > 1)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if exit_code:
        sys.exit(exit_code)


def stop_processes(
    processes: Sequence[subprocess.Popen[bytes]],
    *,
    timeout_s: float = STOP_TIMEOUT_S,
    hurry: Callable[[], bool] = lambda: False,
) -> list[subprocess.Popen[bytes]]:
    """SIGTERM every running process at once, wait for all of them together up to
    ``timeout_s`` (or until ``hurry()`` turns true), then SIGKILL and reap the rest; returns the
    processes that had to be killed."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and not hurry():
        if all(process.poll() is not None for process in processes):
            return []
        time.sleep(0.05)
    killed = [process for process in processes if process.poll() is None]
    for process in killed:
        click.echo(f"Killing {process.args!r}: it did not stop in time", err=True)
        process.kill()
    for process in killed:
        process.wait()
    return killed


if __name__ == "__main__":
    main()
