"""wmo-abm: a behavioural model of Wmo governance in Dutch municipalities.

Municipalities, care providers, access workers and residents interact under a contract design
(funding model, procurement form, duration, ceilings, reporting, dialogue, case management) over
a trust and collaboration network. See ``docs/ODD.md`` and ``docs/mechanisms.md``
(mechanisms M1-M19).
"""

from agents_model.contracts import ContractDesign
from agents_model.model import WmoModel
from agents_model.scenario import Scenario, ScenarioError, load_scenario

__all__ = ["ContractDesign", "Scenario", "ScenarioError", "WmoModel", "load_scenario"]
__version__ = "0.1.0"
