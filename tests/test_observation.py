"""Buyers see only what they can observe (M2): hidden traits never reach buyer-side code.

A provider's strategic orientation (``sigma``) and innovation are private. Municipalities and
access workers learn about a provider only from its bids, its conduct when they look, and
what others tell them.
"""

from __future__ import annotations

import ast
import random
from pathlib import Path

import pytest
from helpers import region, small_model

import agents_model

HIDDEN = {"sigma", "innovation"}
BUYER_SIDE = ("agents/municipality.py", "agents/buyer.py", "agents/region_member.py",
              "agents/access_worker.py", "contracts.py", "records.py")
PACKAGE = Path(agents_model.__file__).parent


@pytest.mark.parametrize("module", BUYER_SIDE)
def test_buyer_code_reads_no_hidden_trait(module):
    tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
    reads = [f"line {node.lineno}: .{node.attr}" for node in ast.walk(tree)
             if isinstance(node, ast.Attribute) and node.attr in HIDDEN]
    assert reads == []


def contracted(model):
    return {key: sorted(q.unique_id for q in buyer.providers())
            for key, buyer in model.contract_sets.items()}


@pytest.mark.parametrize("form", ["selective", "strategic_partners", "consortium"])
def test_selection_ignores_hidden_traits(form):
    """Scrambling every provider's hidden traits leaves a procurement round's choice as it is."""
    def round_after_a_year(scramble):
        model = small_model(seed=3, scenario=region(60_000, 30_000), procurement=form,
                            partners=3, consortium_members=4)
        model.run_for(12)
        if scramble:
            shuffle = random.Random(7)
            for q in model.providers:
                q.sigma, q.innovation = shuffle.random(), shuffle.random()
        model.market.procure("region")
        return contracted(model)

    assert round_after_a_year(False) == round_after_a_year(True)
