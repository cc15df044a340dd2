import pytest

from tests.reliability.world import add_live_chat, build_world


@pytest.fixture
def world(db):
    return add_live_chat(build_world())
