"""The settings of the command's own Prefect API process (flows.api_environment): what a command-scoped API
leaves to a server the user runs, unless the user chose otherwise."""

from __future__ import annotations

import os

import pytest

from flows import api_environment

_ENABLED_WHEN_PREFECT_DECIDES = (
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED",
    "PREFECT_SERVER_REGISTER_BLOCKS_ON_START",
    "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION",
)


def test_the_commands_api_runs_no_automations_and_registers_no_block_types() -> None:
    environment = api_environment(user_set=frozenset())
    assert {name: environment[name] for name in _ENABLED_WHEN_PREFECT_DECIDES} == dict.fromkeys(
        _ENABLED_WHEN_PREFECT_DECIDES, "false"
    )
    # Everything else is this process's environment, Prefect's address and home included.
    assert {name: value for name, value in environment.items() if name not in _ENABLED_WHEN_PREFECT_DECIDES} == {
        name: value for name, value in os.environ.items() if name not in _ENABLED_WHEN_PREFECT_DECIDES
    }


@pytest.mark.parametrize(
    ("user_setting", "left_to_prefect"),
    [
        ("PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED", {"PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED"}),
        # Either block-registration setting, under any of its names (Prefect's older ones too), decides both:
        # registering without the check before it would register every time.
        ("PREFECT_API_BLOCKS_REGISTER_ON_START", set(_ENABLED_WHEN_PREFECT_DECIDES[1:])),
        ("PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION", set(_ENABLED_WHEN_PREFECT_DECIDES[1:])),
    ],
)
def test_a_setting_the_user_made_under_any_of_its_names_wins(
    user_setting: str, left_to_prefect: set[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in _ENABLED_WHEN_PREFECT_DECIDES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(user_setting, "true")
    environment = api_environment(user_set=frozenset({user_setting}))
    assert environment[user_setting] == "true"
    assert {name for name in _ENABLED_WHEN_PREFECT_DECIDES if environment.get(name) != "false"} == left_to_prefect
