import pytest

from tests.e2e.incident_fixtures import Declared, declare_and_settle


@pytest.fixture
def incident(sandbox, general, warroom, db, announce_channel) -> Declared:
    return declare_and_settle(sandbox, db)
