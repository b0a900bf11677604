"""The rules are pure: no Django, no I/O once the parameters are loaded."""

import builtins
import io
import os
import socket
import subprocess
import sys

import pytest

from sons.rules import evaluate, parse_dossier
from tests.factories import balance_request, dossier


def test_importing_the_rules_imports_no_django_and_no_network_module():
    code = (
        "import sys, sons.rules; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'psycopg', 'requests', 'urllib3', 'http')]; "
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


@pytest.fixture
def no_io(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("entrée/sortie interdite dans les règles")

    for module, name in [(builtins, "open"), (io, "open"), (os, "open"), (os, "listdir"), (os, "scandir")]:
        monkeypatch.setattr(module, name, forbidden)
    monkeypatch.setattr(socket, "socket", forbidden)
    monkeypatch.setattr(subprocess, "Popen", forbidden)


@pytest.mark.parametrize(
    "data", [dossier(), balance_request(), dossier(client__profession="x")], ids=["a", "b", "c"]
)
def test_evaluation_does_no_io(no_io, data):
    evaluation = evaluate(parse_dossier(data))
    evaluation.as_dict(explain=True)
    assert evaluation.decision in {"admissible", "not_admissible"}
