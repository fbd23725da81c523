"""The classroom page (``/classroom``): a teacher opens a room, students play its municipalities.

The page's address carries the room code and the visitor's token (``?room=CODE&t=TOKEN``), so a
reload keeps the teacher's or the student's place. Every open page polls its room once a second
(:data:`POLL_SECONDS`), redraws when the room changed, and plays the year when every student has
decided or the time is up (:meth:`agents_model.viz.classroom.Room.advance_if_due`). The rooms
themselves are :mod:`agents_model.viz.classroom`.
"""

from __future__ import annotations

import html
import math
import threading
from urllib.parse import parse_qs

import reacton.ipyvuetify as rv
import solara

from agents_model.directives import MUNICIPALITY_DECISIONS
from agents_model.scenario import ScenarioError
from agents_model.viz import charts
from agents_model.viz.classroom import MAX_ROOM_YEARS, ROOMS, Room
from agents_model.viz.components import design_title, region_title, use_app
from agents_model.viz.i18n import fmt, kpi_label, t
from agents_model.viz.state import OWN, designs, regions

__all__ = ["ClassroomPage", "POLL_SECONDS"]

POLL_SECONDS = 1.0
"""How often an open classroom page looks at its room."""


def _address(search: str | None) -> tuple[str, str]:
    """(room code, token) from the page's address."""
    query = parse_qs((search or "").lstrip("?"))
    return (query.get("room", [""])[0].upper(), query.get("t", [""])[0])


def _table(header: list[str], rows: list[list[str]], css: str):
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    return solara.HTML(tag="div", unsafe_innerHTML=(
        f"<div class='v-data-table__wrapper'><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></div>"),
        classes=["v-data-table", "v-data-table--dense", "theme--light", css])


def _number(value: object, lang: str) -> str:
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return "-"
        return fmt(float(value), lang, 0 if abs(float(value)) >= 100 else 2)
    return str(value)


def _choice(decision: str, choice: str, lang: str) -> str:
    return t(f"class_{decision}_{choice}", lang)


def _open_to(municipality, decision: str) -> bool:
    """Whether a decision is the municipality's to take.

    Only a member other than the central one can leave the joint procurement; only the
    municipality that negotiates contracts (the central one, or one with contracts of its own)
    sets a tariff and the partners.
    """
    negotiates = municipality.central or not municipality.in_region \
        or bool(municipality.local_products)
    if decision == "joint_procurement":
        return municipality.in_region and not municipality.central
    if decision in ("tariff", "partners"):
        return negotiates
    return True


@solara.component
def RoomWatch(room: Room, tick: solara.Reactive[int]):
    """Poll the room: play the year when it is due, redraw when it changed."""

    def watch(cancel: threading.Event) -> None:
        seen = -1
        while not cancel.is_set():
            room.advance_if_due()
            if room.version != seen:
                seen = room.version
                tick.value = seen
            cancel.wait(POLL_SECONDS)

    solara.use_thread(watch, dependencies=[room.code], intrusive_cancel=False)
    return solara.Div(style={"display": "none"})


@solara.component
def YearResults(room: Room, lang: str, version: int):
    """The region's KPIs per year played, and at the end the counterfactual beside them.

    ``version`` is the room's change counter (a new one redraws the table).
    """
    if room.year == 0:
        return solara.Text(t("class_no_year_yet", lang))
    played = room.yearly_kpis()
    names = [c for c in played.columns if c != "year"]
    with solara.Column(gap="4px") as main:
        solara.HTML(tag="h4", unsafe_innerHTML=html.escape(t("class_region_results", lang)))
        _table([t("class_year", lang), *[kpi_label(n, lang) for n in names]],
               [[int(r["year"]), *[_number(r[n], lang) for n in names]]
                for _, r in played.iterrows()], "wmo-class-results")
        if room.ended or room.year >= room.years:
            alone = room.counterfactual()
            solara.HTML(tag="h4", unsafe_innerHTML=html.escape(t("class_counterfactual", lang)))
            solara.Text(t("class_counterfactual_note", lang), style={"font-size": "0.85em"})
            _table([t("class_year", lang), *[kpi_label(n, lang) for n in names]],
                   [[int(r["year"]), *[_number(r[n], lang) for n in names]]
                    for _, r in alone.iterrows()], "wmo-class-counterfactual")
    return main


@solara.component
def TrustOverYears(room: Room, lang: str, version: int):
    """The trust network at the start and after each year, side by side."""
    pictures = solara.use_memo(
        lambda: [charts.to_png(charts.network_figure(net, lang), dpi=45)
                 for net in room.networks], [room.code, len(room.networks), lang])
    with solara.Column(gap="4px") as main:
        solara.HTML(tag="h4", unsafe_innerHTML=html.escape(t("class_trust_over_years", lang)))
        with solara.Row(gap="8px", style={"flex-wrap": "wrap"}, classes=["wmo-class-networks"]):
            for year, png in enumerate(pictures):
                with solara.Column(gap="0px", style={"width": "300px"}):
                    solara.Text(t("class_after_year", lang, year=year) if year
                                else t("class_at_start", lang), style={"font-size": "0.85em"})
                    solara.Image(png, width="300px", format="png")
    return main


@solara.component
def Debrief(room: Room, lang: str, version: int):
    """Each role's choices against its results, year by year (``version``: as above)."""
    rows = room.debrief()
    with solara.Column(gap="4px") as main:
        solara.HTML(tag="h3", unsafe_innerHTML=html.escape(t("class_debrief", lang)))
        TrustOverYears(room, lang, version)
        _table([t("muni_name", lang), t("class_year", lang), t("class_by", lang),
                *[t(f"class_{d}", lang) for d in MUNICIPALITY_DECISIONS],
                t("class_rules_count", lang), t("class_waiting", lang), t("class_trust", lang),
                t("class_in_region", lang)],
               [[r["municipality"], r["year"], t(f"class_by_{r['by']}", lang),
                 *[_choice(d, r[f"decided_{d}"], lang) if f"decided_{d}" in r else "-"
                   for d in MUNICIPALITY_DECISIONS],
                 r["rules"], r["waiting"], _number(r["trust_in_providers"], lang),
                 _number(r["in_region"], lang)] for r in rows], "wmo-class-debrief")
    return main


@solara.component
def TeacherView(room: Room, lang: str, version: int):
    """The room code, who plays and has decided, the controls, the results and downloads.

    ``version`` is the room's change counter: a new one redraws the view.
    """
    finished = room.ended or room.year >= room.years

    def act(action) -> None:
        try:
            action()
        except ScenarioError:
            pass

    with solara.Column(gap="8px", classes=["wmo-class-teacher"]) as main:
        solara.HTML(tag="h2", unsafe_innerHTML=html.escape(
            t("class_room_code", lang, code=room.code)), classes=["wmo-class-code"])
        solara.Text(t("class_tell_students", lang))
        solara.Text(t("class_status", lang, year=room.year, years=room.years,
                      seconds=int(room.seconds_left()),
                      paused=t("class_paused", lang) if room.paused else ""),
                    classes=["wmo-class-status"])
        _table([t("muni_name", lang), t("class_student", lang), t("class_decided", lang)],
               [[r.name, t("yes" if r.token else "no", lang),
                 t("yes" if r.decided else "no", lang)] for r in room.roles.values()],
               "wmo-class-roles")
        with solara.Row(gap="8px"):
            solara.Button(t("class_play_year", lang), color="primary", disabled=finished,
                          on_click=lambda: act(room.advance), classes=["wmo-class-advance"])
            solara.Button(t("class_resume", lang) if room.paused else t("class_pause", lang),
                          outlined=True, disabled=finished,
                          on_click=lambda: room.set_paused(not room.paused),
                          classes=["wmo-class-pause"])
            solara.Button(t("class_end", lang), outlined=True, disabled=room.ended,
                          on_click=room.end, classes=["wmo-class-end"])
        YearResults(room, lang, version)
        if room.year:
            with solara.Row(gap="8px"):
                solara.FileDownload(room.kpi_csv, filename=f"classroom-{room.code}.csv",
                                    label=t("download_csv", lang), mime_type="text/csv")
                solara.FileDownload(room.record, filename=f"classroom-{room.code}.json",
                                    label=t("class_download_record", lang),
                                    mime_type="application/json")
        if finished:
            Debrief(room, lang, version)
    return main


@solara.component
def StudentView(room: Room, token: str, lang: str, version: int):
    """The student's municipality: this year's decisions, its results, and the debrief.

    ``version`` is the room's change counter: a new one redraws the view.
    """
    role = room.role_of(token)
    municipality = next(m for m in room.model.municipalities if m.name == role.name)
    draft = solara.use_reactive({})
    problem = solara.use_reactive("")
    finished = room.ended or room.year >= room.years

    def submit() -> None:
        try:
            room.decide(token, dict(draft.value))
            problem.value = ""
        except ScenarioError as exc:
            problem.value = str(exc)

    with solara.Column(gap="8px", classes=["wmo-class-student"]) as main:
        solara.HTML(tag="h2", unsafe_innerHTML=html.escape(
            t("class_you_are", lang, name=role.name)), classes=["wmo-class-role"])
        solara.Text(t("class_status", lang, year=room.year, years=room.years,
                      seconds=int(room.seconds_left()),
                      paused=t("class_paused", lang) if room.paused else ""),
                    classes=["wmo-class-status"])
        if not finished:
            solara.Text(t("class_decide_intro", lang), style={"font-size": "0.9em"})
            with solara.Row(gap="12px", style={"flex-wrap": "wrap"}):
                for decision, choices in MUNICIPALITY_DECISIONS.items():
                    if not _open_to(municipality, decision):
                        continue
                    items = [{"text": t("class_own_rule", lang), "value": ""}] + [
                        {"text": _choice(decision, c, lang), "value": c} for c in choices]
                    rv.Select(label=t(f"class_{decision}", lang), items=items,
                              v_model=draft.value.get(decision, ""),
                              on_v_model=lambda v, d=decision: draft.set(
                                  {k: c for k, c in {**draft.value, d: v}.items() if c}),
                              class_=f"wmo-class-{decision}", style_="min-width: 220px")
            solara.Text(t("class_lead_note", lang), style={"font-size": "0.8em", "color": "#666"})
            solara.Button(t("class_submit", lang), color="primary", on_click=submit,
                          disabled=room.paused, classes=["wmo-class-submit"])
            if role.decided:
                solara.Success(t("class_decided_note", lang), dense=True,
                               classes=["wmo-class-decided"])
            if problem.value:
                solara.Error(problem.value, dense=True)
        if role.history:
            solara.HTML(tag="h4", unsafe_innerHTML=html.escape(t("class_your_results", lang)))
            _table([t("class_year", lang), t("class_by", lang), t("class_rules_count", lang),
                    t("class_waiting", lang), t("class_trust", lang),
                    t("class_in_region", lang)],
                   [[e["year"], t(f"class_by_{e['by']}", lang), e["rules"], e["waiting"],
                     _number(e["trust_in_providers"], lang), _number(e["in_region"], lang)]
                    for e in role.history], "wmo-class-own")
        YearResults(room, lang, version)
        if finished:
            Debrief(room, lang, version)
    return main


@solara.component
def OpenRoom(lang: str):
    """Open a room (teacher) or join one (student)."""
    router = solara.use_router()
    shipped = regions()
    region = solara.use_reactive("leiden_2015" if "leiden_2015" in shipped else shipped[0])
    design = solara.use_reactive(OWN)
    years = solara.use_reactive(3)
    code = solara.use_reactive("")
    role = solara.use_reactive("")
    problem = solara.use_reactive("")
    room = ROOMS.get(code.value) if code.value else None

    def open_room() -> None:
        try:
            new = ROOMS.open(region.value, "" if design.value == OWN else design.value,
                             int(years.value))
        except ScenarioError as exc:
            problem.value = str(exc)
            return
        router.push(f"classroom?room={new.code}&t={new.teacher_token}")

    def join() -> None:
        try:
            token = room.join(role.value)
        except (ScenarioError, AttributeError) as exc:
            problem.value = str(exc) if room else t("class_no_room", lang)
            return
        router.push(f"classroom?room={room.code}&t={token}")

    with solara.Column(gap="12px", classes=["wmo-class-open"]) as main:
        solara.HTML(tag="h2", unsafe_innerHTML=html.escape(t("class_title", lang)))
        solara.Text(t("class_intro", lang), style={"font-size": "0.9em"})
        with solara.Card(t("class_teacher", lang)):
            with solara.Row(gap="12px", style={"flex-wrap": "wrap", "align-items": "center"}):
                rv.Select(label=t("region", lang), v_model=region.value, on_v_model=region.set,
                          items=[{"text": region_title(r, lang), "value": r} for r in shipped],
                          class_="wmo-class-region", style_="min-width: 220px")
                rv.Select(label=t("design", lang), v_model=design.value, on_v_model=design.set,
                          items=[{"text": design_title(d, lang), "value": d}
                                 for d in designs()],
                          class_="wmo-class-design", style_="min-width: 220px")
                rv.Select(label=t("class_years", lang), v_model=years.value,
                          on_v_model=years.set, items=list(range(1, MAX_ROOM_YEARS + 1)),
                          class_="wmo-class-years", style_="max-width: 120px")
                solara.Button(t("class_open", lang), color="primary", on_click=open_room,
                              classes=["wmo-class-open-room"])
        with solara.Card(t("class_student_card", lang)):
            with solara.Row(gap="12px", style={"flex-wrap": "wrap", "align-items": "center"}):
                solara.InputText(t("class_code", lang), value=code.value,
                                 on_value=lambda v: code.set((v or "").strip().upper()),
                                 continuous_update=True, classes=["wmo-class-code-input"],
                                 style={"max-width": "160px"})
                if room is not None:
                    free = [r.name for r in room.roles.values() if r.token is None]
                    rv.Select(label=t("class_choose_role", lang), v_model=role.value,
                              on_v_model=role.set, items=free, class_="wmo-class-role-select",
                              style_="min-width: 220px")
                    solara.Button(t("class_join", lang), color="primary", on_click=join,
                                  disabled=role.value not in free, classes=["wmo-class-join"])
                elif code.value:
                    solara.Text(t("class_no_room", lang))
        if problem.value:
            solara.Error(problem.value, dense=True)
    return main


@solara.component
def ClassroomPage():
    """Open or join a room; the teacher's or the student's view of it."""
    lang = use_app().session.lang.value
    router = solara.use_router()
    code, token = _address(router.search)
    room = ROOMS.get(code) if code else None
    tick = solara.use_reactive(0)
    version = tick.value  # redraw when the room changed
    with solara.Column(gap="8px", classes=["wmo-classroom"], style={"max-width": "1100px"}) \
            as main:
        solara.Title(f"{t('nav_classroom', lang)} · {t('app_title', lang)}")
        if room is None:
            if code:
                solara.Warning(t("class_room_gone", lang), dense=True)
            OpenRoom(lang)
        else:
            RoomWatch(room, tick)
            if token and token == room.teacher_token:
                TeacherView(room, lang, version)
            elif room.role_of(token) is not None:
                StudentView(room, token, lang, version)
            else:
                solara.Warning(t("class_not_in_room", lang), dense=True)
                OpenRoom(lang)
    return main
