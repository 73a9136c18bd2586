"""A scenario's timeout has the same floor as `verify --timeout`: shorter reads too early."""

import pytest

from inspector.core.run_types import MIN_TIMEOUT
from inspector.core.scenario import ScenarioError
from inspector.scenarios import load_scenario_text


def test_a_timeout_under_a_second_is_refused_with_the_reason():
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text("name: quick\ncrmId: C-1\ntimeout: 0.2\n", "quick.yaml")
    message = str(caught.value)
    assert "quick.yaml" in message and "timeout" in message and "at least 1 second" in message


def test_the_floor_itself_is_accepted():
    scenario = load_scenario_text(f"name: ok\ncrmId: C-1\ntimeout: {MIN_TIMEOUT}\n", "ok.yaml")
    assert scenario.timeout == MIN_TIMEOUT
