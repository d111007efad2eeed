"""Tests of the exception tree."""

import pytest

import profilematch as pm


@pytest.mark.parametrize(
    ("cls", "status", "builtin"),
    [
        (pm.BadRequestException, 400, ValueError),
        (pm.AccessDeniedException, 403, PermissionError),
        (pm.ResourceNotFoundException, 404, LookupError),
        (pm.ThrottlingException, 429, RuntimeError),
        (pm.InternalServerException, 500, RuntimeError),
    ],
)
def test_each_error_has_status_root_and_builtin(cls, status, builtin):
    """Every error carries its HTTP status and inherits the root and a builtin."""
    error = cls("boom")

    assert status == error.status_code
    assert isinstance(error, pm.ProfileMatchError)
    assert isinstance(error, builtin)
    assert {"Code": cls.__name__, "Message": "boom"} == error.to_dict()


def test_bad_request_keeps_field_rule_and_value():
    """A BadRequestException keeps the field, the rule and the value apart."""
    error = pm.BadRequestException(
        "FirstName: length must be 1..255",
        field="FirstName",
        rule="length 1..255",
        value="",
    )

    assert ("FirstName", "length 1..255", "") == (error.field, error.rule, error.value)
