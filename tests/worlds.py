"""The supplier's declarations as the tests file them, and a small world for the API: a publisher enrolled with a
referenced solution, a distributor, the directory, ASP and ANS agents, each actor with its bearer token (the
`world` fixture of tests/conftest.py)."""

from dataclasses import dataclass

from django.test import Client

from sons.suppliers.enums import Role
from tests.db_factories import (
    CentreFactory,
    EnrolmentFactory,
    OrganisationFactory,
    ProfessionalFactory,
    enrolled_publisher_version,
    staff,
    supplier_token,
)
from tests.declarations import BALANCE, filing, order

__all__ = ["BALANCE", "Api", "World", "filing", "join_through_api", "make_world", "order"]


class Api:
    """A caller of the API's current version (/api/v1); the former paths under /api/ are its aliases."""

    prefix = "/api/v1"

    def __init__(self, key: str):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {key}"}

    def get(self, path, **kwargs):
        return self.client.get(f"{self.prefix}{path}", headers=self.headers, **kwargs)

    def post(self, path, data=None, *, key: str | None = None, content_type="application/json", **kwargs):
        headers = dict(self.headers)
        if key:
            headers["Idempotency-Key"] = key
        return self.client.post(f"{self.prefix}{path}", data=data if data is not None else {}, content_type=content_type,
                                headers=headers, **kwargs)  # fmt: skip


@dataclass
class World:
    supplier: Api
    other_supplier: Api
    instructor: Api
    paying_agent: Api
    ans: Api
    version: object
    organisation: object
    professionals: list
    centre: object


def make_world() -> World:
    version = enrolled_publisher_version()
    organisation = version.solution.publisher.organisation
    other = OrganisationFactory()
    EnrolmentFactory(organisation=other)
    return World(
        supplier=Api(supplier_token(organisation)[1]),
        other_supplier=Api(supplier_token(other)[1]),
        instructor=Api(staff(Role.ASP_INSTRUCTOR, "instructeur")[1]),
        paying_agent=Api(staff(Role.ASP_PAYING_AGENT, "agent-payeur")[1]),
        ans=Api(staff(Role.ANS_AGENT, "agent-ans")[1]),
        version=version,
        organisation=organisation,
        professionals=ProfessionalFactory.create_batch(8),
        centre=CentreFactory(),
    )


def join_through_api(api: Api, request: str, *dossier_ids: int) -> None:
    """The pieces the AF requires with `request` (§6.2: the signed order; §6.4: the invoice and the VA) joined to
    each dossier through the API, as a supplier does after filing directly (without draft) or before its balance."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.client import MULTIPART_CONTENT

    from sons.dossiers.pieces import REQUIRED
    from tests.documents.pdfs import text_pdf

    contents = {piece.kind: text_pdf(piece.label) for piece in REQUIRED[request]}
    for dossier_id in dossier_ids:
        for kind, content in contents.items():
            upload = SimpleUploadedFile(f"{kind}.pdf", content, content_type="application/pdf")
            response = api.post(f"/dossiers/{dossier_id}/documents", {"kind": kind, "file": upload},
                                content_type=MULTIPART_CONTENT)  # fmt: skip
            assert response.status_code == 201, response.content
