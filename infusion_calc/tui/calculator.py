"""The bridge from the form to the core: text in,
ready-to-show text out. The one TUI module that calls the core.

Imported only after the first frame, since importing the core builds the pint
registry. It does no unit arithmetic of its own: every figure comes from
`core.calculation.engine.calculate` and is written with the core's own formatters; the chart note
and the checks are the core's own. It presents, nothing more: copying in an export
format and saving to the log are `actions.py`'s; the state (the form, this calculator,
the outcome) is the main screen's.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from infusion_calc.core.calculation.engine import Calculation
from infusion_calc.core.calculation.payment import PricedQuarter
from infusion_calc.core.calculation.request import DEFAULT_DRUG, CalcRequest
from infusion_calc.core.catalog.catalog import Catalog, Drug
from infusion_calc.core.catalog.code_choices import use_note
from infusion_calc.core.catalog.drug_search import DrugIndex
from infusion_calc.core.errors import InfusionCalcError, InputError, PlanError
from infusion_calc.core.numbers.rounding import plain
from infusion_calc.core.numbers.units import DoseBasis, parse_dose
from infusion_calc.core.pipeline.administration import Administration, Site, administer
from infusion_calc.core.record.check_types import SitePolicy
from infusion_calc.core.record.encounter import Encounter, EncounterText, read_encounter
from infusion_calc.core.record.steps import DOSE_ARITHMETIC, StepKind
from infusion_calc.core.words.labels import amount, modifiers_text, ndc_for_people, opened_vials
from infusion_calc.core.words.presentation import (
    claim_grid,
    payment_sentence,
    preparation_steps,
    waste_modifier_note,
    whole_vial_advice,
)
from infusion_calc.core.words.step_text import step_text
from infusion_calc.core.words.summary_text import drug_heading
from infusion_calc.loading import Context
from infusion_calc.tui.result_view import ClaimRow, ResultView
from infusion_calc.tui.state import ALL_PRESENTATIONS, TYPED_SIZE, FormValues, Outcome, Problem

if TYPE_CHECKING:
    from infusion_calc.log.location import LogLocation

# Engine field -> the form field its message is shown under.
FORM_FIELD = {"hcpcs": "drug", "billing_unit": None}

NOT_VERIFIED = "not verified: take it from the carton"


def drug_uses(log_path: LogLocation) -> dict[str, int]:
    """Saved administrations per HCPCS code from the log; none when it cannot be read (the
    order of the drug list is a convenience, never a reason to fail)."""
    # lazy: read in the drug-list thread, after the first result
    from infusion_calc.log import AdministrationLog

    try:
        return AdministrationLog(log_path, busy_timeout=0.2).uses_by_code()
    except Exception:
        return {}


def drug_label(drug: Drug) -> str:
    """'Tysabri (natalizumab) · J2323': brand first, as the carton reads; then the use the code is
    for, if its descriptor limits it ('Feraheme (ferumoxytol) · Q0139 · for ESRD on dialysis')."""
    note = use_note(drug.descriptor)
    named = (
        f"{drug.brands[0]} ({drug.generic}) · {drug.hcpcs}"
        if drug.brands
        else f"{drug.generic} · {drug.hcpcs}"
    )
    return f"{named} · {note}" if note else named


def dose_basis(text: str) -> str:
    """How the typed dose scales, or "" while it cannot be read yet."""
    try:
        return parse_dose(text).basis.value
    except InputError:
        return ""


class Calculator:
    """One catalog, and the form -> outcome function the screen calls on each keystroke."""

    def __init__(
        self,
        catalog: Catalog,
        catalog_problem: str | None = None,
        rounding_policy: str | None = None,
        config_problem: str | None = None,
        site_policy: SitePolicy | None = None,
        context: Context | None = None,
        quarters: Sequence[PricedQuarter] = (),
    ) -> None:
        self.catalog = catalog
        self.context = context or Context()
        """Where the clinical rules and the site config come from (loaded once, on first use)."""
        self.quarters = tuple(quarters)
        """The CMS quarters loaded (oldest first): the Medicare payment of the date of service."""
        self.site_policy = site_policy or SitePolicy()
        """The site's rules for the checks and the claim lines (config.toml)."""
        self.catalog_problem = catalog_problem
        """Why the site catalog is not in use (None when all is well)."""
        self.config_problem = config_problem
        """Why the site config's rounding policy is not in use (None when all is well)."""
        self.rounding_policy = rounding_policy
        """The site's whole-vial rounding threshold from config.toml ("10"), if it has one."""
        self._last: tuple[FormValues, Outcome] | None = None
        self._site: Site | None = None
        self._drug_index: DrugIndex | None = None
        self._drug_list_lock = threading.Lock()
        """The drug list is built by a thread, or by the first search if it comes sooner: once."""
        self._drug_entries: tuple[tuple[str, str, tuple[str, ...]], ...] | None = None
        self.drug_uses: dict[str, int] = {}
        """Saved administrations per HCPCS code (empty until counted): the drug list's order."""

    # -- choices for the form ---------------------------------------------------------

    def drug_entries(self) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        """(code, label, names) for every code the catalog answers for: the curated and site
        entries in file order, then each code only CMS lists, with the names CMS gives it."""
        if self._drug_entries is None:
            cms = self.catalog.cms
            listed = {drug.hcpcs for drug in self.catalog.drugs}
            drugs = [
                *self.catalog.drugs,
                *(
                    self.catalog.by_code(code)
                    for code in self.catalog.codes()
                    if code not in listed
                ),
            ]
            self._drug_entries = tuple(
                (
                    drug.hcpcs,
                    drug_label(drug),
                    (
                        drug.generic,
                        *drug.brands,
                        *(
                            sorted(cms.names(drug.hcpcs))
                            if cms is not None and drug.hcpcs in cms.codes
                            else ()
                        ),
                    ),
                )
                for drug in drugs
                if drug is not None
            )
        return self._drug_entries

    def drug_label_of(self, code: str) -> str:
        """The label the drug list shows for a code (the same entry `drug_entries` takes for it),
        without unpacking every other code."""
        drug = self.catalog.by_code(code) if code else None
        return drug_label(drug) if drug is not None else ""

    @property
    def any_drug(self) -> bool:
        return bool(self.catalog.drugs) or (
            self.catalog.cms is not None and bool(self.catalog.cms.codes)
        )

    def drug_index(self) -> DrugIndex:
        """Every code, searchable by generic, brand and code, most-used first
        (built once per count)."""
        with self._drug_list_lock:
            if self._drug_index is None:
                self._drug_index = DrugIndex(self.drug_entries(), uses=self.drug_uses)
            return self._drug_index

    def prepare_drug_list(self) -> None:
        """Read how often each drug was saved to the log, then build the drug list in that order
        (importing the log and unpacking every code take a while: the app does this in a thread,
        after the first result is drawn)."""
        uses = drug_uses(self.context.log_path)
        with self._drug_list_lock:
            self.drug_uses = uses
            self._drug_index = None
        self.drug_index()

    @property
    def default_drug(self) -> str:
        drug = self.catalog.by_name(DEFAULT_DRUG) or (
            self.catalog.drugs[0] if self.catalog.drugs else None
        )
        return drug.hcpcs if drug is not None else ""

    def vial_choices(self, code: str) -> tuple[tuple[str, str], ...]:
        drug = self.catalog.by_code(code) if code else None
        typed = ("Other size: type it below", TYPED_SIZE)
        if drug is None:
            return (typed,)
        products = drug.products
        if len(products) == 1:
            return ((f"{products[0].label} ({products[0].brand})", ALL_PRESENTATIONS), typed)
        best = f"Least waste from {' and '.join(product.label for product in products)}"
        return ((best, ALL_PRESENTATIONS), *((f"{p.label} only", p.label) for p in products), typed)

    # -- the calculation ----------------------------------------------------------------

    def evaluate(self, form: FormValues) -> Outcome:
        """The outcome for this form; the last one is remembered, since Textual asks often."""
        if self._last is not None and self._last[0] == form:
            return self._last[1]
        outcome = self._evaluate(form)
        self._last = (form, outcome)
        return outcome

    def _evaluate(self, form: FormValues) -> Outcome:
        # The encounter is read whatever the dose: a bad time is shown under its field at once.
        typed = EncounterText(**dict(form.encounter))
        encounter, errors = read_encounter(typed)
        problems = tuple(Problem(error.message, error.field) for error in errors)
        return replace(self._calculate(form, typed, encounter), encounter_problems=problems)

    def _calculate(self, form: FormValues, typed: EncounterText, encounter: Encounter) -> Outcome:
        if not form.dose.strip():
            return Outcome(
                "waiting",
                problem=Problem("Type the ordered dose, e.g. 300 mg, and the result appears here."),
            )
        basis = dose_basis(form.dose)
        if not form.drug:
            return Outcome(
                "invalid", basis, problem=Problem("Choose the drug and product first.", "drug")
            )
        if form.vial_typed and not form.vial.strip():
            return Outcome(
                "invalid",
                basis,
                problem=Problem(
                    "Type the vial size, e.g. 100 mg/4 mL, or pick one from the list.", "vial"
                ),
            )
        by_weight = basis in (DoseBasis.PER_KG.value, DoseBasis.PER_M2.value)
        by_area = basis == DoseBasis.PER_M2.value
        # Fields hidden for this kind of dose are not sent: old text there must not block a result.
        request = CalcRequest(
            dose=form.dose,
            hcpcs=form.drug or None,
            vials=(form.vial,) if form.vial.strip() else (),
            weight=form.weight if by_weight else None,
            height=form.height if by_area else None,
            bsa=form.bsa if by_area else None,
            round_within=form.round_within or None,
            dose_given=typed.dose_given
            or None,  # typed in the encounter panel; it changes the billed units
            container=form.container or None,  # the answer to the container question, when asked
        )
        try:
            done = administer(
                request, encounter, self.site(), follow_code=True
            )  # a product picked from the list
        except InputError as error:
            return Outcome(
                "invalid",
                basis,
                problem=Problem(error.message, FORM_FIELD.get(error.field, error.field)),
            )
        except (PlanError, InfusionCalcError) as error:
            return Outcome("invalid", basis, problem=Problem(str(error)))
        except Exception as error:  # a bug must never look like a result, nor crash the chair
            return Outcome(
                "invalid",
                basis,
                problem=Problem(
                    f"Internal error ({type(error).__name__}): "
                    "no result can be given for this input. Please report it."
                ),
            )
        return Outcome("valid", basis, result=self._view(done, typed))

    def site(self) -> Site:
        """The catalog, rules, policy and quarters this calculator answers with (built once)."""
        if self._site is None:
            # No quarters (a bare catalog in a test or script): no payment asked, as before.
            self._site = Site(
                self.catalog, self.context.rules, self.site_policy, self.quarters or None
            )
        return self._site

    def _view(self, done: Administration, typed: EncounterText) -> ResultView:
        calc = done.calculation
        drug = calc.drug
        billing = calc.billing
        dose_steps = tuple(
            step_text(step)
            for step in calc.steps
            if step.kind in DOSE_ARITHMETIC or step.kind is StepKind.DOSE_GIVEN
        )
        warnings = tuple(
            dict.fromkeys(notice.message for notice in calc.warnings)
        )  # once each, in order
        if self.catalog_problem:
            warnings += (
                "The site catalog is not loaded: this result uses the "
                "packaged catalog. Check the NDC against the carton.",
            )
        return ResultView(
            heading=drug_heading(
                drug.generic, drug.brands[0] if drug.brands else None, drug.hcpcs, drug.descriptor
            ),
            dose=amount(calc.dose_mg, drug.amount_unit),
            dose_steps=dose_steps,
            vials=tuple(
                f"{opened_vials(use)} · "
                f"{ndc_for_people(use.product.ndc, missing=f'NDC {NOT_VERIFIED}')}"
                for use in calc.vials
            ),
            preparation=preparation_steps(calc),
            administered_units=billing.administered_units,
            discarded_units=billing.discarded_units,
            discarded_amount=amount(billing.discarded_mg, drug.amount_unit),
            modifier_note=waste_modifier_note(calc),
            waste_modifier=next(
                (m for line in calc.lines for m in line.modifiers if m in ("JW", "JZ")), ""
            ),
            claim_rows=tuple(
                ClaimRow(
                    hcpcs=line.hcpcs,
                    modifiers=modifiers_text(line.modifiers),
                    units=str(line.units),
                    ndc=line.ndc or NOT_VERIFIED,
                    ndc_unit=line.ndc_unit or "",
                    ndc_quantity=plain(line.ndc_quantity) if line.ndc_quantity is not None else "",
                )
                for line in calc.lines
            ),
            rounding=whole_vial_advice(calc),
            payment=payment_sentence(calc),
            warnings=warnings,
            chart_text=done.note,
            claim_text=claim_text(calc),
            checks=done.checks,
            vial_labels=tuple(use.product.label for use in calc.vials for _ in range(use.count)),
            calculation=calc,
            encounter=typed,
            given=amount(calc.administered_mg, drug.amount_unit),
            rems=self.context.rules.rems_for(drug.hcpcs) is not None,
        )


def claim_text(calc: Calculation) -> str:
    """The claim lines as tab-separated text, with a header: pastes into a billing grid."""
    return claim_grid(calc, f"NDC {NOT_VERIFIED}")
