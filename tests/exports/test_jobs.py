"""Exports past SONS_EXPORT_ROWS_IN_REQUEST rows are written by a job worker: the API answers 202 with a job to
poll, the portal a page offering the file when ready; only the user who asked can fetch it."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sons.exports.jobs import storage
from tests.queue import run_pending

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limit(settings):
    settings.SONS_EXPORT_ROWS_IN_REQUEST = 3  # the population has four dossiers


def test_the_api_answers_a_job_then_the_file(world, population, small_limit):
    response = world.instructor.get("/exports/dossiers.csv?state=advance_validated,in_recovery")
    assert response.status_code == 200  # two rows: still streamed
    response = world.instructor.get("/exports/dossiers.csv")
    assert response.status_code == 202
    job = response.json()
    assert job["url"] == f"/api/v1/jobs/{job['job']}"
    assert world.instructor.get(f"/jobs/{job['job']}").json() == {
        "job": job["job"], "status": "en attente", "ready": False, "file_url": None,
    }  # fmt: skip
    assert world.instructor.get(f"/jobs/{job['job']}/file").status_code == 404
    assert run_pending() == 1
    status = world.instructor.get(f"/jobs/{job['job']}").json()
    assert status["ready"] and status["status"] == "prêt"
    download = world.instructor.get(status["file_url"].removeprefix("/api/v1"))
    assert download.status_code == 200 and download["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body, newline=""), delimiter=";"))
    assert len(rows) == 1 + 4 and rows[0][0] == "N° dossier"
    # Another agent cannot see or fetch it.
    assert world.paying_agent.get(f"/jobs/{job['job']}").status_code == 404
    assert world.paying_agent.get(f"/jobs/{job['job']}/file").status_code == 404
    assert world.instructor.get("/jobs/not-a-job").status_code == 404


def test_the_portal_offers_the_file_when_ready(client, world, population, small_limit):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="instructeur"))
    response = client.get(reverse("portal:export", args=["dossiers", "xlsx"]), {"tab": "all"})
    assert response.status_code == 302
    page_url = response["Location"]
    page = client.get(page_url).content.decode()
    assert "préparé en tâche de fond" in page and "Actualiser" in page
    run_pending()
    page = client.get(page_url).content.decode()
    assert "L'export est prêt." in page
    file_url = page_url + "fichier"
    download = client.get(file_url)
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0]
    assert len(list(sheet.iter_rows(values_only=True))) == 1 + 4


def test_the_daily_purge_removes_old_export_files(world, population, settings):
    import os
    import time

    from sons.jobs import tasks

    settings.SONS_EXPORT_ROWS_IN_REQUEST = 1
    job_id = world.instructor.get("/exports/payments.csv").json()["job"]
    run_pending()
    stored = f"exports/{job_id}.csv"
    assert storage().exists(stored)
    tasks.purge.call()
    assert storage().exists(stored)  # less than a day old
    old = time.time() - 2 * 86400
    os.utime(storage().path(stored), (old, old))
    assert "1 fichier(s) d'export" in tasks.purge.call()
    assert not storage().exists(stored)
