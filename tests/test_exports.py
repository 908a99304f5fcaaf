"""The public surface: everything exported exists, and the errors form the documented tree."""

from __future__ import annotations

import inspect

import compat
import compat.backends
import compat.errors as errors

#: The public names of ``compat``, pinned: adding or removing one is a decision, not an accident.
COMPAT_NAMES = {
    "ApiError", "AsyncClient", "BodyTooLong", "CassetteError", "Client", "CompatError",
    "ConfigurationError", "ConnectError", "Direction", "HostileDocument", "InvalidParameter",
    "InvalidPhoneNumber", "ListQuery", "MalformedDocument", "Message", "MessagePage",
    "MessageUpdate", "NewMessage", "NoMatchingExchange", "PartialSend", "ReadError",
    "RequestError", "ResponseError", "RetryPolicy", "Status", "TransportError",
    "UnexpectedDocument", "UnsupportedOperation", "__version__", "convert_document", "detect",
}

#: The public names of ``compat.backends``: the registry and what a new dialect is made of.
BACKENDS_NAMES = {
    "ENTRY_POINT_GROUP", "Backend", "DialectRules", "Field", "FormBackend", "JsonBackend",
    "Operation", "Param", "Routes", "ServerCall", "XmlBackend", "get", "names", "register",
    "unregister",
}


def test_the_public_names_are_exactly_the_pinned_ones() -> None:
    assert set(compat.__all__) == COMPAT_NAMES
    assert len(compat.__all__) == len(COMPAT_NAMES)
    assert set(compat.backends.__all__) == BACKENDS_NAMES
    # the clients are imported on first use (compat.__getattr__): dir() lists them all along
    public = {name for name in dir(compat) if not name.startswith("_")}
    modules = {name for name in public if inspect.ismodule(getattr(compat, name))}
    assert public - modules - {"annotations"} == COMPAT_NAMES - {"__version__"}


def test_every_error_is_exported_from_the_top() -> None:
    assert set(errors.__all__) <= COMPAT_NAMES


def test_every_exported_name_exists_and_belongs_to_compat() -> None:
    for name in compat.__all__:
        value = getattr(compat, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert value.__module__.startswith("compat."), name


def test_every_error_is_a_compat_error_and_drawn_in_the_docstring() -> None:
    doc = errors.__doc__ or ""
    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, errors.CompatError)
        assert name in doc, f"{name} is missing from the tree in compat.errors' docstring"


def test_error_branches() -> None:
    assert issubclass(errors.InvalidPhoneNumber, errors.RequestError)
    assert issubclass(errors.BodyTooLong, errors.RequestError)
    assert issubclass(errors.UnsupportedOperation, errors.RequestError)
    assert issubclass(errors.HostileDocument, errors.ResponseError)
    assert issubclass(errors.ConnectError, errors.TransportError)
    assert issubclass(errors.ReadError, errors.TransportError)
    assert not issubclass(errors.ApiError, errors.RequestError)


def test_api_error_names_the_request_and_compares_by_content() -> None:
    error = errors.ApiError(400, "Message body is required.", 21602,
                            "https://www.twilio.com/docs/errors/21602")
    located = error.with_request("POST", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json")
    assert located == error
    assert located.method == "POST"
    assert "21602" in str(located)
    assert "POST https://api.twilio.com" in str(located)
    assert errors.ApiError(404, "x") != errors.ApiError(404, "y")


def test_invalid_phone_number_names_value_and_field() -> None:
    error = errors.InvalidPhoneNumber("ACME!!", "not a number", field="To")
    assert "ACME!!" in str(error)
    assert "'To'" in str(error)
    assert isinstance(error, ValueError)


def test_one_version_everywhere() -> None:
    from importlib.metadata import version

    from compat._http import USER_AGENT

    assert version("twilio-compat") == compat.__version__
    assert USER_AGENT.startswith(f"twilio-compat/{compat.__version__} ")
