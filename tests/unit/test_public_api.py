"""The public surface: every resource class and model the SDK exposes is exported by evenergy."""

from __future__ import annotations

import evenergy
from evenergy._resources import ENDPOINTS


def test_every_resource_class_and_model_is_exported() -> None:
    expected = set()
    for endpoint in ENDPOINTS:
        name = endpoint.resource.class_name
        expected |= {name, f"Async{name}", f"{name}WithRawResponse", f"Async{name}WithRawResponse"}
        if endpoint.model is not None:
            expected.add(endpoint.model.__name__)
    missing = expected - set(evenergy.__all__)
    assert not missing, f"add to evenergy/__init__.py (import and __all__): {sorted(missing)}"
    for name in expected:
        assert getattr(evenergy, name).__name__ == name
