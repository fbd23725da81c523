"""Classroom rooms: a class plays one region together, a year at a time.

A teacher opens a room on a region and a design and gets a short code; students join from their
own browsers and each takes a municipality. Before each year every student decides what the
municipality's own rules would otherwise decide (:mod:`agents_model.directives`); when the
teacher advances, the room's model runs twelve months with those decisions, and the
municipality's own rule decides for a student who did not decide in time. At the end a debrief
sets each role's choices against the outcomes and against the same seed run with the model
deciding for everyone (the counterfactual).

Rooms live in this process only (:data:`ROOMS`); nothing is written to disk, and a room is gone
when the teacher ends it or it has been idle for :data:`ROOM_IDLE_SECONDS`. Every room has its
own model and lock, so rooms do not affect each other. A student or teacher is recognised by a
token in the page's address, so a reload keeps the role. Pure data; the page is
:func:`agents_model.viz.classroom_page.ClassroomPage`.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from agents_model.directives import MUNICIPALITY_DECISIONS, RECORD_FORMAT, direct
from agents_model.metrics import export_frame
from agents_model.model import WmoModel
from agents_model.scenario import ScenarioError, load_scenario
from agents_model.viz import limits
from agents_model.viz.layout import extend_layout, graph_layout
from agents_model.viz.state import NetworkData, network_data

__all__ = ["CODE_ALPHABET", "DECISION_SECONDS", "MAX_ROOMS", "MAX_ROOM_YEARS", "ROOMS",
           "ROOM_IDLE_SECONDS", "Room", "Rooms"]

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ"
"""Letters of a room code (no I or O, which read like 1 and 0)."""

CODE_LENGTH = 5
"""Letters in a room code."""

MAX_ROOMS = 8
"""Rooms open at once on one server."""

MAX_ROOM_YEARS = 10
"""Most years a room plays."""

DECISION_SECONDS = 180
"""Time students have to decide before a year; after it the model decides for the absent."""

ROOM_IDLE_SECONDS = 3 * 3600
"""A room nobody has touched for this long is closed."""

ROOM_SCALE = 0.02
"""Population scale of a room's model (a year takes about a second)."""

_RESULT_KPIS = ("transformation_index", "waiting_list", "spend", "trust_municipality_to_provider",
                "trust_provider_to_municipality", "regional_cohesion", "active_providers")
"""Region KPIs shown after each year and in the debrief (means over the year)."""


@dataclass
class Role:
    """One municipality in a room.

    Attributes:
        name: The municipality's name.
        token: The student's token (None while nobody plays it).
        decisions: The decisions for the coming year (a decision left out: its own rule).
        decided: Whether the student has decided for the coming year.
        history: Per year played, the decisions carried out and who took them.
    """

    name: str
    token: str | None = None
    decisions: dict[str, str] = field(default_factory=dict)
    decided: bool = False
    history: list[dict[str, Any]] = field(default_factory=list)


class Room:
    """A class playing one region (see the module docstring).

    Args:
        code: The room code.
        region: Region (a preset name).
        design: Governance preset, or "" for the region's own design.
        years: Years to play (1-:data:`MAX_ROOM_YEARS`).
        seed: Seed of the room's model.
    """

    def __init__(self, code: str, region: str, design: str, years: int, seed: int) -> None:
        if not 1 <= years <= MAX_ROOM_YEARS:
            raise ScenarioError(f"years: {years} is not between 1 and {MAX_ROOM_YEARS}")
        self.code = code
        self.region, self.design, self.years, self.seed = region, design, years, seed
        self.teacher_token = secrets.token_urlsafe(12)
        self.lock = threading.RLock()
        self.model = self._build()
        self.roles = {m.name: Role(m.name) for m in self.model.municipalities}
        self._positions = graph_layout(self.model.network,
                                       {q.unique_id: q.kind for q in self.model.providers})
        self.networks: list[NetworkData] = [self._network()]
        self.year = 0
        self.paused = False
        self.ended = False
        self.deadline = time.monotonic() + DECISION_SECONDS
        self.touched = time.monotonic()
        self.version = 0
        self._counterfactual: pd.DataFrame | None = None

    def _build(self) -> WmoModel:
        scenario = load_scenario(self.region, design=self.design or None,
                                 overrides={"population_scale": ROOM_SCALE})
        return WmoModel(scenario, rng=self.seed)

    # --- people ---

    def join(self, role: str) -> str:
        """Take a free role; returns the student's token.

        Raises:
            ScenarioError: No such role, or somebody plays it already.
        """
        with self.lock:
            found = self.roles.get(role)
            if found is None:
                raise ScenarioError(f"room {self.code} has no municipality '{role}'")
            if found.token is not None:
                raise ScenarioError(f"{role} is taken; choose another municipality")
            found.token = secrets.token_urlsafe(12)
            self._changed()
            return found.token

    def role_of(self, token: str | None) -> Role | None:
        """The role a token plays (None for an unknown token)."""
        if not token:
            return None
        return next((r for r in self.roles.values() if r.token == token), None)

    # --- a year ---

    def decide(self, token: str, decisions: dict[str, str]) -> None:
        """A student's decisions for the coming year (replacing earlier ones this year).

        Raises:
            ScenarioError: Unknown token, an ended or paused room, or an unknown choice.
        """
        with self.lock:
            role = self.role_of(token)
            if role is None:
                raise ScenarioError("this browser does not play a role in the room")
            if self.ended or self.year >= self.years:
                raise ScenarioError("the room has ended")
            if self.paused:
                raise ScenarioError("the teacher has paused the room")
            for decision, choice in decisions.items():
                if choice not in MUNICIPALITY_DECISIONS.get(decision, ()):
                    raise ScenarioError(f"{decision}: '{choice}' is not a choice")
            role.decisions = dict(decisions)
            role.decided = True
            self._changed()

    def seconds_left(self) -> float:
        """Seconds until the model decides for students who have not decided."""
        return max(0.0, self.deadline - time.monotonic())

    def advance(self) -> None:
        """Play the coming year: the students' decisions, the model's own rule for the rest.

        Raises:
            ScenarioError: The room has ended or is paused.
        """
        with self.lock:
            if self.ended or self.year >= self.years:
                raise ScenarioError("the room has ended")
            if self.paused:
                raise ScenarioError("the room is paused")
            for municipality in self.model.municipalities:
                role = self.roles[municipality.name]
                direct(municipality, role.decisions)
                role.history.append({"year": self.year + 1, "decisions": dict(role.decisions),
                                     "by": "student" if role.decided else "model"})
                role.decisions, role.decided = {}, False
            self.model.run_for(12)
            for municipality in self.model.municipalities:
                self.roles[municipality.name].history[-1].update(self._own_results(municipality))
                direct(municipality, {})
            self.year += 1
            self.networks.append(self._network())
            self.deadline = time.monotonic() + DECISION_SECONDS
            self._changed()

    def advance_if_due(self) -> bool:
        """Advance when every role has decided or the time is up (not while paused).

        Returns:
            Whether a year was played.
        """
        with self.lock:
            if self.ended or self.paused or self.year >= self.years:
                return False
            played = [r for r in self.roles.values() if r.token is not None]
            ready = bool(played) and all(r.decided for r in played)
            if ready or self.seconds_left() <= 0.0:
                self.advance()
                return True
            return False

    def set_paused(self, paused: bool) -> None:
        """Pause or resume the room (a paused room takes no decisions and plays no year)."""
        with self.lock:
            self.paused = paused
            if not paused:
                self.deadline = time.monotonic() + DECISION_SECONDS
            self._changed()

    def end(self) -> None:
        """End the room (the debrief stays available until the room is closed)."""
        with self.lock:
            self.ended = True
            self._changed()

    def _network(self) -> NetworkData:
        """The trust network now, on the room's stable layout (for the debrief)."""
        self._positions = extend_layout(self._positions, self.model.network.nodes)
        return network_data(self.model, dict(self._positions))

    def _changed(self) -> None:
        self.version += 1
        self.touched = time.monotonic()

    # --- results ---

    def _own_results(self, municipality: Any) -> dict[str, Any]:
        net = self.model.net
        trust = [net.value(municipality.unique_id, q.unique_id, "trust", None)
                 for q in self.model.providers]
        trust = [v for v in trust if v is not None]
        return {"rules": municipality.rules, "in_region": municipality.in_region,
                "waiting": len(municipality.assessment_queue) + len(municipality.placement_list),
                "trust_in_providers": sum(trust) / len(trust) if trust else float("nan"),
                "dialogue_held": municipality.dialogue_held}

    def yearly_kpis(self, frame: pd.DataFrame | None = None) -> pd.DataFrame:
        """Region KPIs per year played (means over each year's twelve months)."""
        frame = self.model.kpi_frame() if frame is None else frame
        frame = frame[(frame["month"] >= 1) & (frame["month"] <= 12 * self.year)]
        years = (frame["month"] - 1) // 12 + 1
        return frame.groupby(years)[list(_RESULT_KPIS)].mean().rename_axis("year") \
            .reset_index()

    def counterfactual(self) -> pd.DataFrame:
        """The same seed and years with the model deciding for everyone (yearly KPIs)."""
        with self.lock:
            if self._counterfactual is None or len(self._counterfactual) != self.year:
                model = self._build()
                model.run_for(12 * self.year)
                self._counterfactual = self.yearly_kpis(model.kpi_frame())
            return self._counterfactual

    def debrief(self) -> list[dict[str, Any]]:
        """Per role and year: the decisions, who took them and the municipality's results."""
        return [{"municipality": role.name, **{k: v for k, v in entry.items()
                                               if k != "decisions"},
                 **{f"decided_{k}": v for k, v in entry["decisions"].items()}}
                for role in self.roles.values() for entry in role.history]

    def kpi_csv(self) -> str:
        """The room's monthly KPIs as CSV (as the app's export writes them)."""
        return export_frame(self.model.kpi_frame()).to_csv(index=False)

    def record(self) -> str:
        """The room as JSON: its set-up and every decision.

        ``wmo-abm replay`` (:func:`agents_model.directives.replay_record`) replays it.
        """
        return json.dumps({
            "format": RECORD_FORMAT, "region": self.region, "design": self.design,
            "seed": self.seed, "population_scale": ROOM_SCALE, "years": self.year,
            "decisions": {r.name: [e["decisions"] for e in r.history]
                          for r in self.roles.values()},
        }, indent=1)


class Rooms:
    """The rooms of this server (bounded; idle rooms are closed)."""

    def __init__(self, most: int = MAX_ROOMS) -> None:
        self.most = most
        self._rooms: dict[str, Room] = {}
        self._lock = threading.Lock()

    def open(self, region: str, design: str, years: int, seed: int = limits.DEFAULT_SEED
             ) -> Room:
        """Open a room with a new code.

        Raises:
            ScenarioError: Too many rooms, or an invalid region, design or number of years.
        """
        with self._lock:
            self._close_idle()
            if len(self._rooms) >= self.most:
                raise ScenarioError(f"{self.most} rooms are open on this server; end one first")
            code = self._new_code()
            room = Room(code, region, design, years, seed)
            self._rooms[code] = room
            return room

    def get(self, code: str | None) -> Room | None:
        """The room with this code (None if there is none)."""
        with self._lock:
            self._close_idle()
            return self._rooms.get((code or "").strip().upper())

    def close(self, code: str) -> None:
        """Close a room: it and its model are gone."""
        with self._lock:
            self._rooms.pop(code, None)

    def __len__(self) -> int:
        return len(self._rooms)

    def _new_code(self) -> str:
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if code not in self._rooms:
                return code

    def _close_idle(self) -> None:
        now = time.monotonic()
        for code in [c for c, r in self._rooms.items() if now - r.touched > ROOM_IDLE_SECONDS]:
            del self._rooms[code]


ROOMS = Rooms()
"""The rooms of this server process."""
