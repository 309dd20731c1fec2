"""One administration, whatever front end asked: the order calculated, the site's claim-line
modifiers, the Medicare payment, the pre-submission checks and the chart note, as one value.

`calc`, `batch`, the app (and the browser mode, which is the app) and the log all take their
result from `administer`, so a price, a modifier or a check can no longer differ between
them. The date of service is decided here once (`date_of_service`): the date given, else the
encounter's dated start, else today; it dates the 340B modifier, the payment quarter and the
checks alike. Pure: the caller loads the catalog, the rules, the policy and the quarters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, NamedTuple

from infusion_calc.core.calculation.billing import ClaimLine
from infusion_calc.core.calculation.code_in_effect import followed
from infusion_calc.core.calculation.engine import Calculation, calculate
from infusion_calc.core.calculation.payment import Payment, PricedQuarter, payment_for
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.core.catalog.indications import ClinicalRules
from infusion_calc.core.checks.checks import checks_failed, run_checks
from infusion_calc.core.checks.dose_checks import FREQUENCY_CHECKED
from infusion_calc.core.checks.modifier_340b import with_340b_modifier
from infusion_calc.core.pipeline.documentation import chart_note
from infusion_calc.core.record.check_types import Check, SitePolicy
from infusion_calc.core.record.encounter import Encounter
from infusion_calc.core.record.encounter_values import Payer
from infusion_calc.core.record.notices import Notice
from infusion_calc.core.words.contract import calculation_to_dict

NO_ENCOUNTER = Encounter()

EarlierDoses = Callable[[str], Sequence[date]]
"""HCPCS code -> the days this patient was given it before (from the log)."""


@dataclass(frozen=True, slots=True)
class Site:
    """What the site's setting decides for every administration: its catalog, the clinical rules
    (diagnoses, REMS), its policy (config.toml: 340B, witness, codes) and the CMS quarters loaded.

    `quarters` None: no CMS data at hand, so no payment is asked for (a bare catalog in a test
    or a script); an empty tuple asks, and the lines then carry PAYMENT_QUARTER_MISSING."""

    catalog: Catalog
    rules: ClinicalRules
    policy: SitePolicy = SitePolicy()
    quarters: tuple[PricedQuarter, ...] | None = None


class Administration(NamedTuple):
    """Everything one administration comes to: what every front end renders and the log keeps.

    Immutable; a NamedTuple rather than a frozen dataclass because batch makes one per row, and
    a NamedTuple is built in a fraction of the time (as `Check` is)."""

    claim: Calculation
    """The engine's calculation with the site's modifiers
    (340B) on its lines, before its payment."""
    encounter: Encounter
    service_date: date
    """The one date the modifiers, the payment quarter and the checks were decided by."""
    payment: Payment | None
    """What Medicare allows for the lines on that date; None when no quarter prices them
    (a notice says why)."""
    notices: tuple[Notice, ...]
    """The calculation's notices, then the site's and the pricing's, in order."""
    checks: tuple[Check, ...]
    note: str
    """The chart note; "" when the caller asked for the claim only (`document=False`: batch)."""

    @property
    def calculation(self) -> Calculation:
        """The whole calculation, priced: what the contract, the app and the exports read (made on
        demand, so batch, which reads the claim, the payment
        and the notices, copies nothing per row)."""
        if self.payment is None and self.notices is self.claim.warnings:
            return self.claim
        return replace(self.claim, payment=self.payment, warnings=self.notices)

    @property
    def lines(self) -> tuple[ClaimLine, ...]:
        return self.claim.lines

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of `calc --json`: the calculation's keys, then the note, the checks
        and the date of service the claim was decided by."""
        return calculation_to_dict(self.calculation) | self.extras()

    def extras(self) -> dict[str, Any]:
        """The keys the administration adds to the calculation's contract."""
        return {
            "note": self.note,
            "checks": [check.to_dict() for check in self.checks],
            "service_date": self.service_date.isoformat(),
        }


def date_of_service(encounter: Encounter, today: date | None = None) -> date:
    """The date given, else the start's date when it has one, else `today`
    (default: the system date)."""
    return encounter.service_date or today or date.today()


def marked(calc: Calculation, site: Site, day: date, payer: Payer | None = None) -> Calculation:
    """The calculation with the site's claim-line modifiers for a service on `day` (340B: its
    drugs, on the claims that take it: Medicare's, or `payer`'s where its [payer.NAME] asks)."""
    return with_340b_modifier(calc, day, site.policy, payer) if site.policy.acquired_340b else calc


def priced(calc: Calculation, site: Site, day: date) -> tuple[Payment | None, tuple[Notice, ...]]:
    """What Medicare allows for the lines on `day`,
    and the notices with the one saying why not, if any."""
    if site.quarters is None:
        return None, calc.warnings
    found = payment_for(calc, site.quarters, day)
    if isinstance(found, Notice):  # no quarter covers the day, or it does not price the code
        return None, (*calc.warnings, found)
    return found, calc.warnings


def administer(
    request: CalcRequest,
    encounter: Encounter | None,
    site: Site,
    *,
    today: date | None = None,
    earlier_doses: EarlierDoses | None = None,
    document: bool = True,
    follow_code: bool = False,
) -> Administration:
    """The whole administration for this order and encounter at this site.

    Raises what `calculate` raises (InputError, PlanError, CatalogError) for an order that
    cannot be answered. A bug in a check becomes one CHECKS_FAILED finding, never a lost
    result. `earlier_doses`: this patient's earlier days given a code (the log's, read by the
    caller), asked only for a drug whose frequency is checked. `document=False` stops at the claim
    (no checks, no note): batch writes claim lines.
    `follow_code`: the code was picked as a product (the app's list), so it follows the product to
    the code in effect on the date of service, with a CODE_IN_EFFECT notice; a typed code never
    does.
    """
    encounter = encounter or NO_ENCOUNTER
    day = date_of_service(encounter, today)
    # The code in effect that day: its quarter's billing unit,
    # NDCs and payment (core/catalog/code_dates.py).
    followed_to = None
    if follow_code:
        request, followed_to = followed(request, site.catalog, day)
    calc = marked(calculate(site.catalog, request, day), site, day, encounter.payer)
    if followed_to is not None:
        calc = replace(calc, warnings=(followed_to, *calc.warnings))
    payment, notices = priced(calc, site, day)
    if not document:
        return Administration(calc, encounter, day, payment, notices, (), "")
    earlier = (
        earlier_doses(calc.drug.hcpcs)
        if earlier_doses and calc.drug.generic in FREQUENCY_CHECKED
        else ()
    )
    return Administration(
        calc,
        encounter,
        day,
        payment,
        notices,
        _checks(calc, encounter, site, day, earlier),
        chart_note(calc, encounter, rules=site.rules),
    )


def _checks(
    calc: Calculation, encounter: Encounter, site: Site, day: date, earlier: Sequence[date]
) -> tuple[Check, ...]:
    try:
        return run_checks(
            calc,
            encounter,
            catalog=site.catalog,
            rules=site.rules,
            policy=site.policy,
            today=day,
            earlier_doses=earlier,
        )
    except Exception as error:  # a bug in a check must not take the result down with it
        return (checks_failed(error),)
