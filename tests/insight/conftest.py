"""A council with a small, hand-countable history around the autumn clock change.

The period under test is 2025-10-26..28 (local days; the clocks go back at 02:00 BST on the
26th), the one before it 2025-10-23..25, and "now" is 2025-10-28 20:00 London.
"""

import pytest

from tests.insight.helpers import NOW, build_history


@pytest.fixture
def now(clock):
    clock.now = NOW
    return clock


@pytest.fixture
def history(now):
    return build_history()
