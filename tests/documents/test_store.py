"""The upload path shared by the API and the portal: the declared size is refused before anything is read."""

import pytest

from sons.documents.store import MAX_DOCUMENT_BYTES, UploadRefused, store_uploaded_file


class Oversized:
    name, size = "gros.pdf", MAX_DOCUMENT_BYTES + 1

    def read(self):
        raise AssertionError("un fichier trop gros ne doit pas être lu")


def test_an_oversized_file_is_refused_unread():
    with pytest.raises(UploadRefused, match="10 Mo au plus") as refused:
        store_uploaded_file(None, "order", Oversized(), "fournisseur")
    assert refused.value.field == "file"
