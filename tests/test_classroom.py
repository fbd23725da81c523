"""Classroom rooms: roles, decisions a year at a time, the model deciding for the absent,
isolation between rooms, the debrief and a record that replays the room."""

import json
import time

import pandas as pd
import pytest

from agents_model.directives import replay_record
from agents_model.scenario import ScenarioError
from agents_model.viz import classroom
from agents_model.viz.classroom import Rooms


@pytest.fixture
def rooms():
    return Rooms(most=2)


def test_a_room_has_a_code_and_one_role_per_municipality(rooms):
    room = rooms.open("leiden_2015", "", years=2)
    assert len(room.code) == classroom.CODE_LENGTH
    assert set(room.code) <= set(classroom.CODE_ALPHABET)
    assert list(room.roles) == ["Leiden", "Leiderdorp", "Oegstgeest", "Zoeterwoude",
                                "Voorschoten"]
    assert rooms.get(room.code.lower()) is room
    token = room.join("Leiderdorp")
    assert room.role_of(token).name == "Leiderdorp"  # a reload keeps the role
    with pytest.raises(ScenarioError, match="taken"):
        room.join("Leiderdorp")
    with pytest.raises(ScenarioError, match="no municipality"):
        room.join("Amsterdam")
    assert room.role_of("forged") is None


def test_rooms_are_bounded_and_isolated(rooms):
    first = rooms.open("woerden_2017", "", years=1)
    second = rooms.open("woerden_2017", "", years=1)
    with pytest.raises(ScenarioError, match="2 rooms are open"):
        rooms.open("woerden_2017", "", years=1)
    first.advance()
    assert first.model.month == 12 and second.model.month == 0
    rooms.close(first.code)
    assert rooms.get(first.code) is None and rooms.get(second.code) is second
    with pytest.raises(ScenarioError, match="years"):
        rooms.open("woerden_2017", "", years=classroom.MAX_ROOM_YEARS + 1)


def test_students_decide_and_the_model_decides_for_the_absent(rooms):
    room = rooms.open("leiden_2015", "", years=2)
    player = room.join("Leiderdorp")
    absent = room.join("Oegstgeest")
    room.decide(player, {"rules": "add", "dialogue": "none"})
    with pytest.raises(ScenarioError, match="not a choice"):
        room.decide(player, {"rules": "many"})
    assert not room.advance_if_due()  # Oegstgeest has not decided and there is time
    room.deadline = time.monotonic() - 1  # the time is up
    assert room.advance_if_due()
    assert room.year == 1 and room.model.month == 12
    (played,) = room.roles["Leiderdorp"].history
    assert played["by"] == "student" and played["rules"] == 1 and played["dialogue_held"] == 0
    assert room.roles["Oegstgeest"].history[0]["by"] == "model"
    assert all(m.directives == {} for m in room.model.municipalities)  # only for that year
    room.decide(player, {"rules": "keep"})
    room.decide(absent, {"joint_procurement": "stay"})
    assert room.advance_if_due()  # everybody who plays has decided
    assert room.year == 2
    with pytest.raises(ScenarioError, match="ended"):
        room.advance()
    rows = room.debrief()
    assert len(rows) == 2 * len(room.roles)
    assert len(room.networks) == 3  # the start and after each year, on one layout
    assert room.networks[0].trust != room.networks[-1].trust
    start, end = room.networks[0].positions, room.networks[-1].positions
    common = set(start) & set(end)
    assert common and all(start[n] == end[n] for n in common)  # nodes stay where they were
    assert {"municipality", "year", "by", "rules", "waiting"} <= set(rows[0])


def test_a_paused_room_takes_no_decisions_and_plays_no_year(rooms):
    room = rooms.open("woerden_2017", "", years=2)
    token = room.join("Woerden")
    room.set_paused(True)
    with pytest.raises(ScenarioError, match="paused"):
        room.decide(token, {"rules": "add"})
    room.deadline = time.monotonic() - 1
    assert not room.advance_if_due()
    room.set_paused(False)
    room.decide(token, {"rules": "add"})
    assert room.advance_if_due()


def test_the_record_replays_the_room_and_the_counterfactual_is_the_model_alone(rooms):
    room = rooms.open("leiden_2015", "strategic_partners", years=2, seed=3)
    token = room.join("Leiderdorp")
    for choice in ("add", "drop"):
        room.decide(token, {"rules": choice, "joint_procurement": "leave"})
        room.advance()
    again = replay_record(json.loads(room.record()))
    pd.testing.assert_frame_equal(again.kpi_frame(), room.model.kpi_frame())
    alone = room.counterfactual()
    assert list(alone["year"]) == [1, 2]
    fresh = classroom.Room("X", "leiden_2015", "strategic_partners", 2, 3)
    fresh.advance()
    fresh.advance()
    pd.testing.assert_frame_equal(alone, fresh.yearly_kpis())
    assert not room.roles["Leiderdorp"].history[-1]["in_region"] or \
        room.model.municipalities[1].local_products
    assert room.kpi_csv().startswith("month,year,")


def test_wmo_abm_replay_replays_a_room_record_to_the_same_kpis(rooms, tmp_path):
    from click.testing import CliRunner

    from agents_model.cli import main

    room = rooms.open("woerden_2017", "consortium", years=2, seed=9)
    token = room.join("Woerden")
    room.decide(token, {"rules": "add", "dialogue": "double"})
    room.advance()
    room.advance()
    record = tmp_path / "room.json"
    record.write_text(room.record())
    out = tmp_path / "replay.csv"
    result = CliRunner().invoke(main, ["replay", str(record), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text() == room.kpi_csv()
    broken = json.loads(room.record())
    broken["seed"] = "nine"
    record.write_text(json.dumps(broken))
    result = CliRunner().invoke(main, ["replay", str(record)])
    assert result.exit_code == 2 and "key 'seed' must be of type int" in result.stderr
