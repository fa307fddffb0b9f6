"""Request parameters: Stripe's form encoding (`a[b][0][c]=v`) and a small schema to validate it.

Every endpoint declares the parameters Stripe accepts for it (the reference is stripe-python's
`stripe/params/` TypedDicts). A parameter Stripe does not know is refused with `parameter_unknown`, as
Stripe does; a parameter Stripe knows but the emulator does not implement is refused with an explicit
message instead of being silently ignored, because silent differences are what break in production.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl

from stripe_emulator import errors
from stripe_emulator.errors import StripeError

_SEGMENT = re.compile(r"\[([^\]]*)\]")


def parse_form(body: str) -> dict[str, Any]:
    """Nested dicts from a form-encoded body; arrays stay dicts keyed "0", "1", ... until the schema reads them."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        head = key.split("[", 1)[0]
        path = [head, *_SEGMENT.findall(key[len(head) :])]
        node = root
        for index, segment in enumerate(path):
            if segment == "":  # `expand[]=x` appends
                segment = str(len(node))
            last = index == len(path) - 1
            if last:
                node[segment] = value
            else:
                child = node.get(segment)
                if not isinstance(child, dict):
                    child = node[segment] = {}
                node = child
    return root


class Field:
    required = False

    def __init__(self, *, required: bool = False):
        self.required = required

    def __call__(self, value: Any, path: str) -> Any:
        raise NotImplementedError


class Str(Field):
    def __init__(self, *, max_length: int = 5000, required: bool = False):
        self.max_length = max_length
        self.required = required

    def __call__(self, value, path):
        if not isinstance(value, str):
            raise errors.invalid(f"Invalid string: {value!r}", param=path, code="parameter_invalid_string")
        if len(value) > self.max_length:
            raise errors.invalid(
                f"Invalid string: {value[:20]}...; must be at most {self.max_length} characters",
                param=path,
                code="parameter_invalid_string",
            )
        return value


class Enum(Field):
    def __init__(self, *choices: str, required: bool = False):
        self.choices = choices
        self.required = required

    def __call__(self, value, path):
        if value not in self.choices:
            choices = ", ".join(self.choices[:-1]) + f", or {self.choices[-1]}" if len(self.choices) > 1 else ""
            raise errors.invalid(errors.INVALID_CHOICE.format(param=path, choices=choices), param=path)
        return value


class Int(Field):
    def __init__(self, *, minimum: int | None = None, maximum: int | None = None, required: bool = False):
        self.minimum = minimum
        self.maximum = maximum
        self.required = required

    def __call__(self, value, path):
        if not isinstance(value, str) or not re.fullmatch(r"-?\d+", value):
            raise errors.invalid(
                errors.INVALID_INTEGER.format(value=value), param=path, code="parameter_invalid_integer"
            )
        number = int(value)
        if self.minimum is not None and number < self.minimum:
            raise errors.invalid(
                f"This value must be greater than or equal to {self.minimum}.",
                param=path,
                code="parameter_invalid_integer",
            )
        if self.maximum is not None and number > self.maximum:
            raise errors.invalid(
                f"This value must be less than or equal to {self.maximum}.",
                param=path,
                code="parameter_invalid_integer",
            )
        return number


class Bool(Field):
    def __call__(self, value, path):
        if value not in ("true", "false"):
            raise errors.invalid(errors.INVALID_BOOLEAN.format(value=value), param=path)
        return value == "true"


class Dec(Field):
    """A decimal number (`unit_amount_decimal`, `percent_off`): kept as a string of digits, like Stripe returns it."""

    def __init__(self, *, minimum: Decimal | None = None, maximum: Decimal | None = None):
        self.minimum = minimum
        self.maximum = maximum

    def __call__(self, value, path):
        try:
            number = Decimal(value)
        except (InvalidOperation, TypeError):
            raise errors.invalid(errors.INVALID_DECIMAL.format(value=value), param=path) from None
        if not number.is_finite() or (self.minimum is not None and number < self.minimum):
            raise errors.invalid(errors.INVALID_DECIMAL.format(value=value), param=path)
        if self.maximum is not None and number > self.maximum:
            raise errors.invalid(f"This value must be less than or equal to {self.maximum}.", param=path)
        return number


class Metadata(Field):
    """`metadata[key]=value`; an empty value removes a key on update, `metadata=""` removes them all."""

    def __call__(self, value, path):
        if not isinstance(value, dict):
            raise errors.invalid(errors.INVALID_HASH, param=path)
        if len(value) > 50:
            raise errors.invalid("Metadata can have up to 50 keys.", param=path)
        for key, item in value.items():
            if not isinstance(item, str):
                raise errors.invalid(errors.INVALID_HASH, param=f"{path}[{key}]")
            if len(key) > 40:
                raise errors.invalid("Metadata keys must be 40 characters or less.", param=f"{path}[{key}]")
            if len(item) > 500:
                raise errors.invalid("Metadata values must be 500 characters or less.", param=f"{path}[{key}]")
        return value


class Obj(Field):
    def __init__(self, fields: dict[str, Field], *, required: bool = False):
        self.fields = fields
        self.required = required

    def __call__(self, value, path):
        if not isinstance(value, dict):
            raise errors.invalid(errors.INVALID_HASH, param=path)
        return validate(value, self.fields, prefix=path)


class Arr(Field):
    def __init__(self, item: Field, *, required: bool = False, max_items: int = 100):
        self.item = item
        self.required = required
        self.max_items = max_items

    def __call__(self, value, path):
        if isinstance(value, dict) and all(key.isdigit() for key in value):
            value = [value[key] for key in sorted(value, key=int)]
        if not isinstance(value, list):
            raise errors.invalid(errors.INVALID_ARRAY, param=path)
        if len(value) > self.max_items:
            raise errors.invalid(f"Invalid array: at most {self.max_items} items", param=path)
        return [self.item(item, f"{path}[{index}]") for index, item in enumerate(value)]


class Timestamps(Field):
    """A `created` filter: a timestamp, or a hash of `gt`, `gte`, `lt`, `lte`."""

    def __call__(self, value, path):
        if isinstance(value, str):
            return {"eq": Int()(value, path)}
        if not isinstance(value, dict):
            raise errors.invalid(errors.INVALID_HASH, param=path)
        return validate(value, {name: Int() for name in ("gt", "gte", "lt", "lte")}, prefix=path)


class Unsupported(Field):
    """A parameter Stripe accepts that the emulator does not implement: refused loudly, never ignored."""

    def __call__(self, value, path):
        raise StripeError(errors.UNSUPPORTED_BY_EMULATOR.format(param=path), param=path, code="parameter_unknown")


EXPAND = Arr(Str())
LIST_PARAMS: dict[str, Field] = {
    "limit": Int(),
    "starting_after": Str(),
    "ending_before": Str(),
    "expand": EXPAND,
}


def validate(params: dict[str, Any], schema: dict[str, Field], *, prefix: str = "") -> dict[str, Any]:
    """Coerce `params` through `schema`; an empty string becomes None (Stripe's way to unset a value)."""
    result: dict[str, Any] = {}
    for key, value in params.items():
        path = f"{prefix}[{key}]" if prefix else key
        field = schema.get(key)
        if field is None:
            raise StripeError(errors.UNKNOWN_PARAMETER.format(param=path), param=path, code="parameter_unknown")
        if value == "" and not isinstance(field, Unsupported):
            result[key] = None
            continue
        result[key] = field(value, path)
    for key, field in schema.items():
        if field.required and result.get(key) is None:
            raise errors.missing(f"{prefix}[{key}]" if prefix else key)
    return result


def merge_metadata(current: dict[str, str], update: dict[str, str] | None) -> dict[str, str]:
    """Stripe's metadata update: keys are merged, an empty value deletes its key, None clears everything."""
    if update is None:
        return {}
    merged = dict(current)
    for key, value in update.items():
        if value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged
