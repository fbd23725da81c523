"""Shared fixtures."""

from __future__ import annotations

import pytest
from helpers import small_model

from agents_model import WmoModel


@pytest.fixture
def model() -> WmoModel:
    return small_model()
