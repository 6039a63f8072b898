"""A guard on the role table's coverage: every public service function that acts for a user (its first
parameter is the ServiceContext) checks the role table, directly or through a function of its own module
that does. A new service function without a check fails here until it gets one or a stated reason.

RELIABILITY.md §6 U1/A1: enforcement lives in the services, and a method added without it must not slip in.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from types import FunctionType

import vicman.services

# Functions that take a context (and no session of a checked caller) but need no role, each with the reason.
NOT_CHECKED = {
    "audit.consulted": "writes the audit record of a read that was itself checked",
    "audit.log_alone": "writes the audit record of a refusal or a failed sign-in",
    "auth.users_exist": "whether to show sign-in or first run: says nothing about anyone",
    "auth.sign_in": "signing in is how a user gets roles (throttled and audited)",
    "auth.reauthenticate": "the signed-in user gives their own password again",
    "auth.sign_out": "ends the caller's own session",
    "auth.session_expired": "arithmetic on the caller's own sign-in time",
    "auth.require_fresh_authentication": "is itself a check",
    "auth.create_first_administrator": "only while the database has no users at all (checked inside)",
    "users.change_own_password": "the signed-in user's own password, given the current one",
    "context.open_context": "opens the database",
    "session_policy.idle_minutes": "every desktop reads the idle limit, signed in or not",
    "permissions.require": "is the check",
    "permissions.require_author": "is a check",
    "permissions.require_on_crime": "is a check",
    "audit_verify.write_checkpoint": "writes a checkpoint the caller already read through checkpoint()",
}

CHECK = re.compile(r"\b(require\w*|_require\w*|_sensitive_change)\(")


def _service_functions() -> dict[str, FunctionType]:
    found: dict[str, FunctionType] = {}
    for module_info in pkgutil.iter_modules(vicman.services.__path__):
        module = importlib.import_module(f"vicman.services.{module_info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__:
                found[f"{module_info.name}.{name}"] = fn
    return found


def _checked(functions: dict[str, FunctionType]) -> set[str]:
    """Functions that check the role table, directly or by calling one of their module that does."""
    sources = {key: inspect.getsource(fn) for key, fn in functions.items()}
    checked = {key for key, src in sources.items() if CHECK.search(src.split(":", 1)[1] if ":" in src else src)}
    while True:
        more = {
            key
            for key, src in sources.items()
            if key not in checked
            and any(
                re.search(rf"\b{re.escape(other.split('.', 1)[1])}\(", src)
                for other in checked
                if other.split(".", 1)[0] == key.split(".", 1)[0] and other != key
            )
        }
        if not more:
            return checked
        checked |= more


def _acts_for_a_user(fn: FunctionType) -> bool:
    """Takes the context first; one that also takes a session works inside a checked caller's transaction."""
    parameters = list(inspect.signature(fn).parameters)
    return bool(parameters) and parameters[0] == "ctx" and "session" not in parameters


def test_every_public_service_function_checks_the_role_table() -> None:
    functions = _service_functions()
    checked = _checked(functions)
    unchecked = sorted(
        key
        for key, fn in functions.items()
        if not key.split(".", 1)[1].startswith("_") and _acts_for_a_user(fn) and key not in checked
        and key not in NOT_CHECKED
    )
    assert unchecked == [], f"service functions that act for a user without checking the role table: {unchecked}"


def test_the_exceptions_are_still_real_functions() -> None:
    functions = _service_functions()
    assert set(NOT_CHECKED) <= set(functions), sorted(set(NOT_CHECKED) - set(functions))
