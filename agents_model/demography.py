"""Demography: residents whose need for support arises, and the caseload inherited in 2015.

Need arises by product and age band at yearly onset rates per 1,000 adults, with the trend of
extramuralisation for individual support and day activities and the effect of a flat
co-payment on household help (M9, M18, T2, T5). A new resident has a need, a complexity, a
social network and perhaps a chronic condition; moving away or death is put on the agenda at
once. At the start the region inherits the caseload of the years before (M1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agents_model.agents.resident import Resident
from agents_model.products import (
    DAY_ACTIVITIES,
    HOUSEHOLD_HELP,
    INDIVIDUAL_SUPPORT,
    LIGHTEST_INDICATED_NEED,
    PRODUCTS,
    PROTECTED_LIVING,
    Product,
    level_for_need,
)

if TYPE_CHECKING:
    from agents_model.agents.municipality import Municipality
    from agents_model.model import WmoModel

__all__ = ["Demography"]



class Demography:
    """Onset of need and the inherited caseload of one model."""

    def __init__(self, model: WmoModel) -> None:
        self.model = model

    def onset_rate(self, product: Product, band: int) -> float:
        """Yearly onset of need per 1,000 adults of a band, with trends (M9, M18, T2)."""
        p = self.model.p
        rate = self.model.bands[band].onset[product.key]
        years = min(self.model.month / 12.0, p.extramuralisation_years)
        if product in (INDIVIDUAL_SUPPORT, DAY_ACTIVITIES):
            rate *= (1.0 + p.extramuralisation / 100.0) ** years
        return rate

    def new_resident(self, m: Municipality, band: int, product: Product) -> Resident:
        """Create a resident with a new need; schedule her moving away or dying."""
        model = self.model
        rng = model.rng
        p = model.p
        need = float(p.onset_need_min + p.onset_need_span
                     * rng.beta(p.onset_need_shape, p.onset_need_skew))
        complexity = float(rng.beta(p.complexity_shape, p.complexity_skew))
        if product is PROTECTED_LIVING:
            need = max(need, p.protected_living_min_need)
            complexity = float(min(1.0, complexity + p.protected_living_complexity))
        network = float(rng.uniform(0.0, 1.0))
        chronic = bool(rng.random() < model.bands[band].chronic_share)
        resident = Resident(model, m, band, product, need, complexity, network, chronic)
        hazard = model.bands[band].exit_rate
        if hazard > 0.0:
            model.agenda.add(model.month + int(rng.geometric(hazard)), resident, "exit")
        return resident

    def apply_onset(self) -> None:
        """Need onset in every municipality, age band and product (M18, T5)."""
        model = self.model
        p = model.p
        copay = 1.0
        if p.flat_copayment_year and model.year >= p.flat_copayment_year:
            copay = 1.0 + p.copayment_effect
        for m in model.shuffled(model.municipalities):
            for product in PRODUCTS:
                for band in range(3):
                    rate = self.onset_rate(product, band) / 12.0 / 1000.0
                    if product is HOUSEHOLD_HELP:
                        rate *= copay
                    n = int(model.rng.poisson(rate * m.population[band + 1] * p.population_scale))
                    for _ in range(n):
                        self.new_resident(m, band, product)

    # --- the inherited caseload -----------------------------------------------------------------

    def create_caseload(self) -> None:
        """Create the inherited caseload: residents already in care at the start (M1)."""
        model = self.model
        p = model.p
        for m in model.municipalities:
            for product in PRODUCTS:
                for band in range(3):
                    rate = self.onset_rate(product, band) / 12.0 * self.stock_months(band) \
                        * p.initial_stock_factor
                    n = int(model.rng.poisson(rate * m.population[band + 1] / 1000.0
                                              * p.population_scale))
                    for _ in range(n):
                        resident = self.new_resident(m, band, product)
                        self.start_initial_care(resident)

    def stock_months(self, band: int) -> float:
        """Expected months in care of a new client of an age band (steady-state caseload)."""
        age = self.model.bands[band]
        stay = 1.0 / max(age.exit_rate, 1e-3)
        chronic = age.chronic_share
        p = self.model.p
        return chronic * stay + (1.0 - chronic) * min(stay, p.non_chronic_months)

    def start_initial_care(self, resident: Resident) -> None:
        """Put an inherited client with a provider of the buyer, weighted by historical size."""
        model = self.model
        product = resident.product.index
        buyer = resident.municipality.contract_set(product)
        pool = buyer.members[product] or model.market.offering[product]
        if not pool:
            return
        weights = [model.market.size_weight[q.unique_id] for q in pool]
        provider = model.draws.pick(pool, weights)
        resident.level = level_for_need(max(resident.need, LIGHTEST_INDICATED_NEED))
        resident.indicated_hours = resident.hours_for(resident.level)
        resident.set_state("in_care")
        provider.add_client(resident)
        resident.review_month = int(model.rng.integers(1, model.p.review_interval + 1))
        resident.schedule(resident.review_month, "review")
        resident.schedule_check()
