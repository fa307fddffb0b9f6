"""Check a JSON object against the fields stripe-python 15 declares on its class.

stripe-python ships one class per Stripe resource (`stripe.checkout.Session`, `stripe.Charge`, ...) whose
annotations list every field with its type; the emulator's objects must carry each non-optional one with
a value of the declared type. An Optional field may be null or absent: Stripe leaves conditional fields
out rather than sending null, and which ones it leaves out is checked against Stripe's own examples in
test_shapes.py. No object may carry a field stripe-python does not know.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import sys
import typing
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, ForwardRef, Literal, Union

from stripe._list_object import ListObject
from stripe._object_classes import get_object_class
from stripe._search_result_object import SearchResultObject
from stripe._stripe_object import StripeObject

_SKIP = {"OBJECT_NAME"}


@cache
def declared_fields(cls: type) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        if klass.__module__.startswith("stripe.") and issubclass(klass, StripeObject) and klass is not StripeObject:
            fields.update(getattr(klass, "__annotations__", {}))
    return {name: ann for name, ann in fields.items() if not name.startswith("_") and name not in _SKIP}


@cache
def _type_checking_imports(module_name: str) -> dict[str, tuple[str, str]]:
    """`from stripe._x import Y as Z` lines of a module (they sit under TYPE_CHECKING, out of reach at runtime)."""
    source = inspect.getsource(sys.modules[module_name])
    names: dict[str, tuple[str, str]] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("stripe"):
            for alias in node.names:
                names[alias.asname or alias.name] = (node.module, alias.name)
    return names


def resolve(ref: ForwardRef, owner: type) -> type:
    name = ref.__forward_arg__
    module_name = owner.__module__
    module = sys.modules[module_name]
    if hasattr(module, name):
        return getattr(module, name)
    target_module, target_name = _type_checking_imports(module_name)[name]
    return getattr(importlib.import_module(target_module), target_name)


def is_optional(annotation: Any) -> bool:
    return typing.get_origin(annotation) is Union and type(None) in typing.get_args(annotation)


class ShapeChecker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def check_object(self, value: Any, cls: type, path: str, *, top: bool = True) -> None:
        if not isinstance(value, dict):
            self.problems.append(f"{path}: expected an object for {cls.__qualname__}, got {type(value).__name__}")
            return
        fields = declared_fields(cls)
        for name, annotation in fields.items():
            if name not in value:
                if not is_optional(annotation):
                    self.problems.append(f"{path}.{name}: missing ({cls.__qualname__} declares it)")
                continue
            self.check_value(value[name], annotation, f"{path}.{name}", cls)
        for name in value:
            if name not in fields:
                self.problems.append(f"{path}.{name}: not a field of {cls.__qualname__}")

    def _passes(self, value: Any, annotation: Any, path: str, owner: type) -> list[str]:
        probe = ShapeChecker()
        probe.check_value(value, annotation, path, owner)
        return probe.problems

    def check_value(self, value: Any, annotation: Any, path: str, owner: type) -> None:
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if annotation is Any:
            return
        if isinstance(annotation, str):
            annotation = ForwardRef(annotation)
        if isinstance(annotation, ForwardRef):
            annotation = resolve(annotation, owner)
            origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        if origin is Union:
            if value is None:
                if type(None) not in args:
                    self.problems.append(f"{path}: null but not Optional")
                return
            attempts = [self._passes(value, arg, path, owner) for arg in args if arg is not type(None)]
            if not any(not problems for problems in attempts):
                self.problems.extend(min(attempts, key=len))
            return
        if value is None:
            self.problems.append(f"{path}: null but declared {annotation}")
            return
        if origin is Literal:
            if value not in args:
                self.problems.append(f"{path}: {value!r} not one of {args}")
            return
        if origin in (list, typing.List):  # noqa: UP006
            if not isinstance(value, list):
                self.problems.append(f"{path}: expected a list")
                return
            for index, item in enumerate(value):
                self.check_value(item, args[0], f"{path}[{index}]", owner)
            return
        if origin in (dict, typing.Dict):  # noqa: UP006
            if not isinstance(value, dict):
                self.problems.append(f"{path}: expected a hash")
                return
            for key, item in value.items():
                self.check_value(item, args[1], f"{path}[{key}]", owner)
            return
        if inspect.isclass(origin) and issubclass(origin, (ListObject, SearchResultObject)):
            self._check_list(value, args[0], path, owner)
            return
        if inspect.isclass(origin) and issubclass(origin, StripeObject):  # UntypedStripeObject[str]: a plain hash
            if not isinstance(value, dict):
                self.problems.append(f"{path}: expected a hash")
                return
            for key, item in value.items():
                self.check_value(item, args[0], f"{path}[{key}]", owner)
            return
        if annotation is str:
            if not isinstance(value, str):
                self.problems.append(f"{path}: expected a string, got {value!r}")
        elif annotation is bool:
            if not isinstance(value, bool):
                self.problems.append(f"{path}: expected a boolean, got {value!r}")
        elif annotation is int:
            if not isinstance(value, int) or isinstance(value, bool):
                self.problems.append(f"{path}: expected an integer, got {value!r}")
        elif annotation is float:
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                self.problems.append(f"{path}: expected a number, got {value!r}")
        elif annotation is Decimal:
            try:
                Decimal(value) if isinstance(value, str) else (_ for _ in ()).throw(InvalidOperation)
            except InvalidOperation:
                self.problems.append(f"{path}: expected a decimal string, got {value!r}")
        elif inspect.isclass(annotation) and issubclass(annotation, StripeObject):
            if annotation is StripeObject or annotation.__name__ == "UntypedStripeObject":
                if not isinstance(value, dict):
                    self.problems.append(f"{path}: expected a hash")
                return
            is_resource = getattr(annotation, "OBJECT_NAME", None) is not None
            self.check_object(value, annotation, path, top=is_resource)
        else:
            self.problems.append(f"{path}: no rule for annotation {annotation!r}")

    def _check_list(self, value: Any, item_annotation: Any, path: str, owner: type) -> None:
        if not isinstance(value, dict) or value.get("object") not in ("list", "search_result"):
            self.problems.append(f"{path}: expected a list object")
            return
        for key, kind in (("data", list), ("has_more", bool), ("url", str)):
            if not isinstance(value.get(key), kind):
                self.problems.append(f"{path}.{key}: expected {kind.__name__}")
        if isinstance(item_annotation, ForwardRef):
            item_annotation = resolve(item_annotation, owner)
        for index, item in enumerate(value.get("data") or []):
            self.check_value(item, item_annotation, f"{path}.data[{index}]", owner)


def shape_problems(obj: dict, cls: type | None = None) -> list[str]:
    """Every way `obj` differs from what stripe-python declares for its class (empty when it conforms)."""
    cls = cls or class_for(obj["object"])
    checker = ShapeChecker()
    checker.check_object(obj, cls, obj.get("object", cls.__name__))
    return checker.problems


def class_for(object_name: str) -> type:
    """stripe-python's class for an `object` value (its own registry, as used when it parses responses)."""
    return get_object_class("V1", object_name)
