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


_CONSOLE_LEVEL = "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"
_TASK_RUN_BATCH = "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE"


def test_the_commands_api_runs_no_automations_registers_no_block_types_and_keeps_off_the_console(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(_CONSOLE_LEVEL, "INFO")  # the command's own level (--verbose) is not its API's
    environment = api_environment(user_set=frozenset())
    assert {name: environment[name] for name in _ENABLED_WHEN_PREFECT_DECIDES} == dict.fromkeys(
        _ENABLED_WHEN_PREFECT_DECIDES, "false"
    )
    assert environment[_CONSOLE_LEVEL] == "CRITICAL"
    assert environment[_TASK_RUN_BATCH] == "100"  # task runs written in batches, not one transaction each
    # Everything else is this process's environment, Prefect's address and home included.
    own = {*_ENABLED_WHEN_PREFECT_DECIDES, _CONSOLE_LEVEL, _TASK_RUN_BATCH}
    assert {name: value for name, value in environment.items() if name not in own} == {
        name: value for name, value in os.environ.items() if name not in own
    }


def test_a_console_level_the_user_set_reaches_the_api_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_CONSOLE_LEVEL, "DEBUG")
    assert api_environment(user_set=frozenset({_CONSOLE_LEVEL}))[_CONSOLE_LEVEL] == "DEBUG"


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
