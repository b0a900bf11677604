"""Filing many dossiers at once, for the API's bulk endpoint and the portal's upload: each document is checked
against the API's schema, the valid ones are filed together, and every one gets its line in the report."""

from pydantic import ValidationError as PydanticValidationError

from sons.dossiers import actions
from sons.suppliers.perms import Principal

from .errors import french_errors
from .schemas import DossierIn


def file_documents(principal: Principal, documents: list, *, draft: bool = False) -> list[dict]:
    """One item per document, in order: `refused` with a French error naming the field, or filed."""
    valid, report = [], []
    for index, document in enumerate(documents):
        try:
            valid.append((index, DossierIn.model_validate(document).dict()))
        except PydanticValidationError as error:
            first = french_errors(error.errors())[0]
            report.append({"index": index, "status": "refused",
                           "error": {"message": f"{first['field']} : {first['message']}", "field": first["field"]}})  # fmt: skip
    results = actions.file_many(principal, [data for _, data in valid], draft=draft)
    for (index, _), result in zip(valid, results, strict=True):
        if result.error:
            report.append({"index": index, "status": "refused",
                           "error": {"message": result.error.message, "field": result.error.field}})  # fmt: skip
        else:
            dossier = result.dossier
            report.append({"index": index, "status": "draft" if draft else "filed", "id": dossier.pk,
                           "state": dossier.state, "decision": dossier.decision})  # fmt: skip
    report.sort(key=lambda item: item["index"])
    return report
