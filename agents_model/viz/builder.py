"""The region page: build a region without writing TOML, save it, and run it in the app.

The visitor starts from a shipped region or loads a region file, edits the municipalities
(name, inhabitants, age shares, central or not, the year it joins) and the settings of
:data:`agents_model.viz.region.EDITABLE` (the current design, the provider field, budgets and
the social base), each within its range from the parameter table. Every change is checked the
way ``wmo-abm run`` checks a file (:func:`agents_model.viz.region.check`); a valid region can be
saved as a TOML file that the command line accepts with the same numbers, and used on this
tab's Simulate and Compare pages (:meth:`agents_model.viz.state.Session.add_region`).
"""

from __future__ import annotations

import html
from dataclasses import replace
from typing import Any

import reacton.ipyvuetify as rv
import solara

from agents_model.params import by_name
from agents_model.scenario import ScenarioError
from agents_model.viz import limits
from agents_model.viz.components import LeverControl, region_title, use_app
from agents_model.viz.i18n import num, param_doc, param_label, t
from agents_model.viz.region import (
    GROUPS,
    MAX_MUNICIPALITIES,
    RegionDraft,
    check,
    from_region,
    from_toml,
    slug,
    to_toml,
)
from agents_model.viz.state import regions

__all__ = ["RegionPage"]

_ROW_FIELDS: tuple[tuple[str, type], ...] = (
    ("population", int), ("share_65_74", float), ("share_75", float), ("share_adult", float),
    ("joins_year", int))
"""Number fields of a municipality row, in the order shown after its name."""


def _problem(region: RegionDraft) -> str | None:
    """Why the region cannot be saved or run (one line), or None when it is valid."""
    try:
        check(region)
    except ScenarioError as exc:
        return str(exc)
    return None


def _parse(text: str | None, kind: type) -> Any:
    """A typed number from a field, or None when the text is not one."""
    try:
        value = float(str(text).strip().replace(",", "."))
    except ValueError:
        return None
    if kind is int:
        return int(value) if value.is_integer() else None
    return value


@solara.component
def SettingControl(name: str, value: Any, lang: str, on_value):
    """One setting of the region: a checkbox for yes/no, else the app's lever control."""
    if by_name(name).kind is bool:
        return rv.Checkbox(label=param_label(name, lang), v_model=bool(value),
                           on_v_model=lambda v: on_value(bool(v)), hint=param_doc(name, lang),
                           persistent_hint=True, dense=True, class_=f"wmo-lever-{name}")
    return LeverControl(name, value, lang, on_value)


@solara.component
def MunicipalityRowEditor(region: solara.Reactive[RegionDraft], index: int, lang: str):
    """The fields of one municipality and a button that removes it."""
    row = region.value.municipalities[index]
    problem = solara.use_reactive("")

    def change(**changes: Any) -> None:
        try:
            region.value = region.value.with_municipality(index, **changes)
            problem.value = ""
        except (ScenarioError, ValueError) as exc:
            problem.value = str(exc)

    def remove() -> None:
        try:
            region.value = region.value.remove_municipality(index)
        except (ScenarioError, ValueError) as exc:
            problem.value = str(exc)

    def number(field: str, kind: type):
        def set_text(text: str | None) -> None:
            value = _parse(text, kind)
            if value is None:
                problem.value = t("region_not_a_number", lang, field=t(f"muni_{field}", lang))
                return
            change(**{field: value})
        return set_text

    with solara.Row(gap="8px", style={"align-items": "baseline", "flex-wrap": "wrap"},
                    classes=["wmo-muni-row"]) as main:
        solara.InputText(t("muni_name", lang), value=row.name,
                         on_value=lambda v: change(name=(v or "").strip()),
                         classes=["wmo-muni-name"], style={"max-width": "200px"}, dense=True)
        for field, kind in _ROW_FIELDS:
            solara.InputText(t(f"muni_{field}", lang), value=str(getattr(row, field)),
                             on_value=number(field, kind), classes=[f"wmo-muni-{field}"],
                             style={"max-width": "120px"}, dense=True)
        rv.Checkbox(label=t("muni_central", lang), v_model=row.central,
                    on_v_model=lambda v: change(central=bool(v)), dense=True,
                    class_="wmo-muni-central")
        solara.Button(t("muni_remove", lang), icon_name="mdi-delete", text=True,
                      on_click=remove, disabled=len(region.value.municipalities) <= 1,
                      classes=["wmo-muni-remove"])
        if problem.value:
            solara.Error(problem.value, dense=True)
    return main


@solara.component
def RegionPage():
    """Build a region: municipalities, design, provider field and budgets; save it or run it."""
    app = use_app()
    session = app.session
    lang = session.lang.value
    shipped = regions()
    base = solara.use_reactive("woerden_2017" if "woerden_2017" in shipped else shipped[0])
    region = solara.use_reactive(solara.use_memo(lambda: from_region(base.value), []))
    notice = solara.use_reactive(None)
    problem = solara.use_memo(lambda: _problem(region.value), [region.value])
    draft = region.value

    def start_from(name: str) -> None:
        base.value = name
        region.value = from_region(name)
        notice.value = None

    def load(file: dict) -> None:
        if file.get("size", 0) > limits.MAX_REGION_FILE_BYTES:
            notice.value = ("error", t("region_file_too_large", lang,
                                       kb=limits.MAX_REGION_FILE_BYTES // 1000))
            return
        data = file["file_obj"].read(limits.MAX_REGION_FILE_BYTES + 1)
        try:
            region.value = from_toml(data, source=str(file.get("name", "uploaded file")))
        except ScenarioError as exc:
            notice.value = ("error", str(exc))
            return
        notice.value = ("success", t("region_loaded", lang, name=region.value.name))

    def meta(field: str, kind: type = str):
        def set_value(text: str | None) -> None:
            value = (text or "").strip() if kind is str else _parse(text, kind)
            if value is None:
                notice.value = ("error", t("region_not_a_number", lang,
                                           field=t(f"region_{field}", lang)))
                return
            region.value = replace(region.value, **{field: value})
            notice.value = None
        return set_value

    def add() -> None:
        try:
            region.value = region.value.add_municipality()
        except (ScenarioError, ValueError) as exc:
            notice.value = ("error", str(exc))

    def use_in_app() -> None:
        try:
            path = session.add_region(region.value)
        except ScenarioError as exc:
            notice.value = ("error", str(exc))
            return
        session.choose_preset(region=path)
        notice.value = ("success", t("region_used", lang, name=region.value.name))

    with solara.Column(gap="8px", classes=["wmo-region"], style={"max-width": "1100px"}) as main:
        solara.Title(f"{t('nav_region', lang)} · {t('app_title', lang)}")
        solara.HTML(tag="h2", unsafe_innerHTML=html.escape(t("region_page_title", lang)))
        solara.Text(t("region_intro", lang), style={"font-size": "0.9em"})
        with solara.Row(gap="12px", style={"align-items": "center", "flex-wrap": "wrap"}):
            rv.Select(label=t("region_start_from", lang), v_model=base.value,
                      on_v_model=lambda v: v and start_from(v),
                      items=[{"text": region_title(r, lang), "value": r} for r in shipped],
                      class_="wmo-region-base", style_="min-width: 240px; max-width: 320px")
            with solara.Div(style={"min-width": "260px"}, classes=["wmo-region-load"]):
                solara.FileDrop(label=t("region_load", lang), on_file=load, lazy=True)
        with solara.Row(gap="12px", style={"flex-wrap": "wrap"}):
            solara.InputText(t("region_name", lang), value=draft.name, on_value=meta("name"),
                             classes=["wmo-region-name"], style={"min-width": "260px"})
            solara.InputText(t("region_start_year", lang), value=str(draft.start_year),
                             on_value=meta("start_year", int), classes=["wmo-region-start"],
                             style={"max-width": "120px"})
            solara.InputText(t("region_years", lang), value=str(draft.years),
                             on_value=meta("years", int), classes=["wmo-region-years"],
                             style={"max-width": "120px"})
        solara.InputText(t("region_description", lang), value=draft.description,
                         on_value=meta("description"), classes=["wmo-region-description"])
        solara.HTML(tag="h3", unsafe_innerHTML=html.escape(
            t("municipalities_title", lang, n=len(draft.municipalities),
              most=MAX_MUNICIPALITIES)))
        for index in range(len(draft.municipalities)):
            MunicipalityRowEditor(region, index, lang).key(f"muni-{index}-{base.value}")
        solara.Button(t("muni_add", lang), icon_name="mdi-plus", outlined=True, on_click=add,
                      disabled=len(draft.municipalities) >= MAX_MUNICIPALITIES,
                      classes=["wmo-muni-add"])
        with solara.Row(gap="24px", style={"align-items": "flex-start", "flex-wrap": "wrap"}):
            for group, names in GROUPS:
                with solara.Column(gap="2px", style={"flex": "1 1 300px", "max-width": "360px"}):
                    solara.HTML(tag="h4", unsafe_innerHTML=html.escape(t(f"group_{group}", lang)))
                    for name in names:
                        SettingControl(name, draft.setting(name), lang,
                                       lambda v, name=name: region.set(
                                           region.value.with_setting(name, v))
                                       ).key(f"setting-{name}")
        if problem is None:
            people = sum(m.population for m in draft.municipalities)
            solara.Success(t("region_valid", lang, n=len(draft.municipalities),
                             people=num(people, lang)),
                           dense=True, classes=["wmo-region-status"])
        else:
            solara.Error(problem, dense=True, classes=["wmo-region-status"])
        with solara.Row(gap="8px", style={"align-items": "center"}):
            if problem is None:
                solara.FileDownload(lambda: to_toml(region.value).encode("utf-8"),
                                    filename=f"{slug(draft.name)}.toml",
                                    label=t("region_save", lang), mime_type="application/toml")
            solara.Button(t("region_use", lang), icon_name="mdi-play-circle", color="primary",
                          on_click=use_in_app, disabled=problem is not None,
                          classes=["wmo-region-use"])
        if notice.value is not None:
            level, text = notice.value
            (solara.Success if level == "success" else solara.Error)(
                text, dense=True, classes=["wmo-region-notice"])
    return main
