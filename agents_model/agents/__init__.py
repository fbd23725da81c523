"""The four actors of the model, one module each."""

from agents_model.agents.access_worker import AccessWorker
from agents_model.agents.municipality import Municipality
from agents_model.agents.provider import Provider
from agents_model.agents.resident import Resident

__all__ = ["AccessWorker", "Municipality", "Provider", "Resident"]
