"""Test configuration: Hypothesis profiles.

Speed targets live in ``benchmarks/``, not in tests, so no Hypothesis example
has a deadline: on a loaded 2-core CI machine a deadline only makes tests flaky.
``HYPOTHESIS_PROFILE=thorough`` runs ten times the examples.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("default", deadline=None)
settings.register_profile(
    "thorough",
    deadline=None,
    max_examples=1000,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
