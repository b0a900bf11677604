"""Start the real OpenID Connect provider of the ProConnect tests (provider.mjs, panva's oidc-provider from
the npm registry, installed by `npm ci`) on 127.0.0.1, and walk its sign-in pages as a browser would."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from tests.smtp import free_port

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
CLIENT_ID, CLIENT_SECRET = "sons-tests", "secret-des-tests-0123456789"
RP = "http://testserver"


@dataclass
class Provider:
    base: str
    process: subprocess.Popen
    drain: threading.Thread
    accounts: dict = field(default_factory=dict)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.drain.join(timeout=10)
        self.process.stdout.close()

    def settings(self) -> dict:
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID, "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET, "OIDC_OP_ISSUER": self.base,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.base}/authorize", "OIDC_OP_TOKEN_ENDPOINT": f"{self.base}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.base}/userinfo", "OIDC_OP_JWKS_ENDPOINT": f"{self.base}/jwks",
            "OIDC_OP_LOGOUT_ENDPOINT": f"{self.base}/session/end",
        }  # fmt: skip

    def authorize(self, authorize_url: str, login: str) -> str:
        """Play the person: open the authorisation URL, sign in as `login`; the URL sent back to SONS."""
        browser = requests.Session()
        url = authorize_url
        for _ in range(10):
            response = browser.get(url, allow_redirects=False, timeout=10)
            if response.status_code in (302, 303):
                url = urljoin(url, response.headers["Location"])
                if url.startswith(RP):
                    return url
                continue
            action = re.search(r'action="([^"]+)"', response.text)
            assert action, f"page inattendue du fournisseur : {response.status_code} {response.text[:300]}"
            response = browser.post(urljoin(url, action.group(1)), data={"login": login}, allow_redirects=False,
                                    timeout=10)  # fmt: skip
            assert response.status_code in (302, 303), response.text[:300]
            url = urljoin(url, response.headers["Location"])
            if url.startswith(RP):
                return url
        raise AssertionError("le fournisseur n'a pas renvoyé vers SONS")

    def end_session(self, url: str) -> str:
        """Follow the logout at the provider: its confirmation form, then the return to SONS."""
        browser = requests.Session()
        response = browser.get(url, timeout=10)
        assert response.status_code == 200, response.text[:300]
        form = re.search(r'<form[^>]*action="([^"]+)"', response.text)
        inputs = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', response.text))
        response = browser.post(urljoin(url, form.group(1)), data={**inputs, "logout": "yes"},
                                allow_redirects=False, timeout=10)  # fmt: skip
        return response.headers.get("Location", "")


def query_of(url: str) -> dict:
    return {key: values[-1] for key, values in parse_qs(urlsplit(url).query).items()}


def start(accounts: dict, tmp_path: Path) -> Provider:
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "oidc-provider").exists():
        pytest.skip("Node.js et `npm ci` (oidc-provider) sont requis pour les tests ProConnect")
    port = free_port()
    config = tmp_path / "provider.json"
    config.write_text(json.dumps({
        "port": port, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "redirect_uris": [f"{RP}/proconnect/callback/"], "post_logout_redirect_uris": [f"{RP}/"],
        "accounts": accounts,
    }))  # fmt: skip
    process = subprocess.Popen([node, str(HERE / "provider.mjs"), str(config)], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)  # fmt: skip
    for line in process.stdout:
        if line.strip() == "ready":
            break
    else:
        raise AssertionError("le fournisseur OpenID Connect n'a pas démarré")
    drain = threading.Thread(target=process.stdout.read, daemon=True)  # never let its pipe fill up
    drain.start()
    return Provider(f"http://127.0.0.1:{port}", process, drain, accounts)
