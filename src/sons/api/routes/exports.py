"""Exports of dossiers, payments and recoveries for the ASP's staff: streamed as CSV or XLSX up to
SONS_EXPORT_ROWS_IN_REQUEST rows; past that, a job (202 with the job's address, to poll, then the file)."""

from typing import Annotated

from django.http import FileResponse
from ninja import Field, Path, Router, Schema, Status
from pydantic import WithJsonSchema

from sons.exports import TABLES, BadFilter
from sons.exports.jobs import enqueue_export, export_job, storage, too_large
from sons.exports.responses import export_response
from sons.suppliers.enums import Role

from ..openapi import binary
from ..schemas import ErrorOut

router = Router(tags=["Exports"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class JobStartedOut(Schema):
    message: str
    job: str = Field(description="identifiant de la tâche")
    url: str = Field(description="adresse à interroger : GET /api/v1/jobs/{job}")


class JobOut(Schema):
    job: str
    status: str = Field(description="état de la tâche, en français")
    ready: bool
    file_url: str | None = Field(description="adresse du fichier, une fois prêt")


EXPORT_DOC = binary(
    "text/csv",
    "Le fichier CSV (Excel, « ; », UTF-8) ou XLSX",
    more=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",),
)
TableName = Annotated[
    str,
    Path(),
    WithJsonSchema(
        {
            "type": "string",
            "enum": list(TABLES),
            "description": "`dossiers`, `payments` (paiements) ou `recoveries` (recouvrements)",
        }
    ),
]
Extension = Annotated[
    str,
    Path(),
    WithJsonSchema({"type": "string", "enum": ["csv", "xlsx"], "description": "format du fichier"}),
]


# Filters: see docs/payments-exports.md (the same as the dossiers' list).
@router.get("/exports/{name}.{extension}", response={202: JobStartedOut, **ERRORS}, openapi_extra=EXPORT_DOC,
            summary="Export CSV (Excel, « ; », UTF-8) ou XLSX des dossiers, paiements ou recouvrements")  # fmt: skip
def export(request, name: TableName, extension: Extension):
    request.principal.require(Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT)
    table = TABLES.get(name)
    if table is None or extension not in ("csv", "xlsx"):
        return Status(
            404, {"message": "Export inconnu : dossiers, payments ou recoveries, en .csv ou .xlsx."}
        )
    params = [(key, ",".join(request.GET.getlist(key))) for key in request.GET]
    try:
        if too_large(name, params):
            job_id = enqueue_export(name, extension, params, request.principal.user.pk)
            return Status(202, {"message": "Export volumineux : il est préparé en tâche de fond.",
                                "job": str(job_id), "url": f"/api/v1/jobs/{job_id}"})  # fmt: skip
        return export_response(name, extension, params)
    except BadFilter as bad:
        return Status(422, {"message": bad.message, "field": bad.field})


def job_of(request, job_id: str):
    request.principal.require(Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT)
    return export_job(job_id, request.principal.user.pk)


@router.get("/jobs/{job_id}", response={200: JobOut, **ERRORS},
            summary="État d'un export préparé en tâche de fond")  # fmt: skip
def job(request, job_id: str):
    found = job_of(request, job_id)
    if found is None:
        return Status(404, {"message": "Tâche introuvable."})
    return Status(200, {"job": found.id, "status": found.label, "ready": found.ready,
                        "file_url": f"/api/v1/jobs/{found.id}/file" if found.ready else None})  # fmt: skip


@router.get("/jobs/{job_id}/file", response=ERRORS, openapi_extra=binary("text/csv", "Le fichier de l'export",
            more=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",)),
            summary="Fichier d'un export préparé en tâche de fond")  # fmt: skip
def job_file(request, job_id: str):
    found = job_of(request, job_id)
    if found is None or not found.ready:
        return Status(404, {"message": "Fichier introuvable ou pas encore prêt."})
    return FileResponse(storage().open(found.stored, "rb"), as_attachment=True, filename=found.filename,
                        content_type=found.content_type)  # fmt: skip
