import pytest
from tests.api.conftest import filing
from tests.db_factories import ProfessionalFactory
from sons.dossiers.models import Dossier

@pytest.mark.django_db
def test_x(world):
    p = ProfessionalFactory()
    print(p.rpps, [x.rpps for x in world.professionals], list(Dossier.objects.values_list("client_key", flat=True)))
    r = world.supplier.post("/dossiers", filing(world, rpps=p.rpps))
    print(r.status_code, r.json())
    print(list(Dossier.objects.values_list("client_key", "state")))
