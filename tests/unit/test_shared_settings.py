"""settings.py: function variables as whole numbers, with errors that name the variable."""

import pytest

from shared.errors import ConfigurationError
from shared.settings import int_setting


def setting(value):
    env = {} if value is None else {"LIMIT": value}
    return int_setting("LIMIT", default=50, minimum=1, maximum=100, env=env)


@pytest.mark.parametrize(
    "value, expected", [(None, 50), ("", 50), ("  ", 50), ("7", 7), (" 100 ", 100), ("1", 1)]
)
def test_values(value, expected):
    assert setting(value) == expected


@pytest.mark.parametrize(
    "value, message",
    [
        ("abc", "Variable LIMIT must be a whole number, not 'abc'."),
        ("2.5", "Variable LIMIT must be a whole number, not '2.5'."),
        ("0", "Variable LIMIT must be between 1 and 100, not 0."),
        ("101", "Variable LIMIT must be between 1 and 100, not 101."),
        ("-3", "Variable LIMIT must be between 1 and 100, not -3."),
    ],
)
def test_invalid_values_are_configuration_errors(value, message):
    with pytest.raises(ConfigurationError) as error:
        setting(value)
    assert error.value.message == message
    assert error.value.status == 500


def test_reads_the_process_environment_by_default(monkeypatch):
    monkeypatch.setenv("SHARED_SETTINGS_TEST", "12")
    assert int_setting("SHARED_SETTINGS_TEST", default=1, minimum=0, maximum=20) == 12
