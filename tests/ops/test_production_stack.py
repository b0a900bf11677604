"""The production stack as an operator runs it: config.settings.prod, the deploy steps, gunicorn with
deploy/gunicorn.conf.py on a free loopback port, the demo data on a temporary SQLite database, and requests sent
as the TLS proxy sends them (X-Forwarded-Proto: https).

Checked: the deploy checks are clean; nothing starts without SONS_SECRET_KEY (one French line, no traceback);
pages are styled with hashed, compressed static files; /healthz answers; CSP, HSTS and frame headers; Cache-
Control no-store once signed in; /api/docs loads no outside script; an API POST with a session but no CSRF
token is refused; the right password is refused after ten wrong ones.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from config.settings.local import DEV_WEBHOOK_SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """The environment of a production machine, the release steps done, gunicorn started."""
    tmp = tmp_path_factory.mktemp("prod")
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SONS_", "DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SONS_SECRET_KEY": secrets.token_urlsafe(50),
        "SONS_AUDIT_KEY": secrets.token_urlsafe(40),
        "SONS_WEBHOOK_SECRET_KEYS": Fernet.generate_key().decode(),
        "SONS_ASP_IBAN": "FR7630001007941234567890185",
        "SONS_ASP_BIC": "BDFEFRPPCCT",
        "SONS_ASP_NAME": "Agence de services et de paiement",
        "DATABASE_URL": f"sqlite:///{tmp / 'sons.sqlite3'}",
        "SONS_ALLOWED_HOSTS": "localhost",
        "SONS_DOCUMENTS_DIR": str(tmp / "documents"),
        "SONS_STATIC_ROOT": str(tmp / "static"),
        "SONS_BIND": f"127.0.0.1:{port}",
        "SONS_WEB_WORKERS": "2",
    }

    def manage(*args, check=True, environment=None):
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment or env,
                              capture_output=True, text=True, check=check, timeout=300)  # fmt: skip

    for step in (["migrate", "--noinput", "-v0"], ["createcachetable"], ["collectstatic", "--noinput", "-v0"],
                 ["seed_demo"]):  # fmt: skip
        manage(*step)
    log = open(tmp / "gunicorn.log", "wb")  # noqa: SIM115  (closed below)
    server = subprocess.Popen([str(GUNICORN), "-c", "deploy/gunicorn.conf.py"], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert server.poll() is None, (tmp / "gunicorn.log").read_text()
            time.sleep(0.2)
    yield {"port": port, "env": env, "manage": manage, "tmp": tmp}
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)
    log.close()


def get(stack, path, *, https=True, method="GET", body=None, headers=None, cookies=None):
    connection = http.client.HTTPConnection("127.0.0.1", stack["port"], timeout=30)
    sent = {"Host": "localhost", **(headers or {})}
    if https:
        sent["X-Forwarded-Proto"] = "https"
    if cookies:
        sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    connection.request(method, path, body=body, headers=sent)
    response = connection.getresponse()
    content = response.read()
    connection.close()
    return response, content


def cookies_of(response) -> SimpleCookie:
    jar = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return jar


def test_the_deploy_checks_are_clean(stack):
    done = stack["manage"]("check", "--deploy", "--fail-level", "WARNING")
    assert "System check identified no issues" in done.stdout


@pytest.mark.parametrize(
    "missing", ["SONS_SECRET_KEY", "SONS_AUDIT_KEY", "SONS_WEBHOOK_SECRET_KEYS", "SONS_ASP_IBAN"]
)
def test_nothing_starts_without_a_required_variable(stack, missing):
    env = {k: v for k, v in stack["env"].items() if k != missing}
    done = stack["manage"]("check", check=False, environment=env)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert lines[0].startswith("Configuration de production incomplète : ")
    assert f"{missing} manquante" in lines[0]
    port = free_port()
    server = subprocess.run([str(GUNICORN), "-c", "deploy/gunicorn.conf.py"], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, env={**env, "SONS_BIND": f"127.0.0.1:{port}"})  # fmt: skip
    assert server.returncode != 0
    assert f"{missing} manquante" in server.stderr and "Traceback" not in server.stderr


def test_a_committed_secret_or_a_wrong_account_is_refused(stack):
    env = {**stack["env"], "SONS_SECRET_KEY": "dev-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz",
           "SONS_ASP_IBAN": "FR7630001007941234567890186"}  # fmt: skip
    done = stack["manage"]("check", check=False, environment=env)
    assert done.returncode == 1
    assert "SONS_SECRET_KEY : valeur de développement refusée en production" in done.stderr
    assert "SONS_ASP_IBAN : IBAN invalide" in done.stderr


@pytest.mark.parametrize(
    ("keys", "words"),
    [
        (
            f"{Fernet.generate_key().decode()},{DEV_WEBHOOK_SECRET_KEY}",
            "clé n° 2, valeur de développement refusée",
        ),
        ("pas-une-cle-fernet", "clé n° 1 invalide"),
    ],
)
def test_the_webhook_secret_keys_are_fernet_keys_and_never_the_committed_one(stack, keys, words):
    done = stack["manage"](
        "check", check=False, environment={**stack["env"], "SONS_WEBHOOK_SECRET_KEYS": keys}
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"SONS_WEBHOOK_SECRET_KEYS : {words}" in done.stderr


def test_pages_are_styled_with_hashed_compressed_static_files(stack):
    response, content = get(stack, "/")
    assert response.status == 200
    page = content.decode()
    stylesheet = re.search(r'href="(/static/dsfr/dist/dsfr/dsfr\.min\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "feuille de style DSFR à nom haché attendue"
    css, body = get(stack, stylesheet[1], headers={"Accept-Encoding": "gzip"})
    assert css.status == 200 and css.getheader("Content-Encoding") == "gzip"
    assert "immutable" in css.getheader("Cache-Control")
    assert body[:2] == b"\x1f\x8b"  # gzip


def test_security_headers_behind_the_tls_proxy(stack):
    response, _ = get(stack, "/")
    csp = response.getheader("Content-Security-Policy")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.getheader("Strict-Transport-Security") == "max-age=31536000; includeSubDomains; preload"
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert len(response.getheader("X-Request-ID")) == 32
    plain, _ = get(stack, "/", https=False)
    assert plain.status == 301 and plain.getheader("Location") == "https://localhost/"


def test_health_answers_even_over_plain_http(stack):
    for https in (True, False):
        response, content = get(stack, "/healthz", https=https)
        assert response.status == 200 and content == b'{"status": "ok"}'


def sign_in(stack, username: str, password: str = "demo-sons"):
    """The sign-in form posted as a browser does (CSRF cookie and token, HTTPS origin)."""
    response, content = get(stack, "/connexion/")
    cookies = {name: morsel.value for name, morsel in cookies_of(response).items()}
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content.decode())[1]
    form = f"csrfmiddlewaretoken={token}&username={username}&password={password}"
    return get(stack, "/connexion/", method="POST", body=form, cookies=cookies, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Origin": "https://localhost",
        "Referer": "https://localhost/connexion/",
    })  # fmt: skip


def test_signed_in_pages_are_not_stored_and_the_session_cookie_is_secure(stack):
    response, _ = sign_in(stack, "instructeur")
    assert response.status == 302, response.getheader("Location")
    session = cookies_of(response)["sessionid"]
    assert session["secure"] and session["httponly"]
    assert int(session["max-age"]) == 8 * 3600
    page, _ = get(stack, "/espace/", cookies={"sessionid": session.value})
    assert page.status in (200, 302)
    assert "no-store" in page.getheader("Cache-Control")


def test_the_api_documentation_loads_no_outside_script(stack):
    response, content = get(stack, "/api/docs")
    assert response.status == 200
    page = content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert any("swagger-ui-bundle" in source for source in sources)
    assert all(source.startswith("/static/") for source in sources), sources
    assert "cdn" not in page.lower()
    script = next(source for source in sources if "swagger-ui-bundle" in source)
    bundle, _ = get(stack, script)
    assert bundle.status == 200


def test_an_api_post_with_a_session_but_no_csrf_token_is_refused(stack):
    response, _ = sign_in(stack, "fournisseur")
    session = cookies_of(response)["sessionid"].value
    answer, body = get(stack, "/api/dossiers", method="POST", body=b"{}", cookies={"sessionid": session},
                       headers={"Content-Type": "application/json"})  # fmt: skip
    assert answer.status == 403, body


def test_the_right_password_is_refused_after_ten_wrong_ones(stack):
    for _ in range(10):
        response, _ = sign_in(stack, "agent-ans", "mauvais-mot-de-passe")
        assert response.status != 302
    response, content = sign_in(stack, "agent-ans")
    assert response.status == 429
    assert "Compte verrouillé après 10 échecs de connexion" in content.decode()
