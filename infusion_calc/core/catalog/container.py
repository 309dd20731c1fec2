"""Single-dose or multi-dose: a fact the tool must not attest when it does not know it.

JW and JZ apply only to containers FDA labels single-dose (domain-facts §3 rule 9); from a
multi-dose vial the units come from the amount given, with neither modifier. CMS's files
do not say which kind an NDC is, so for a code known only from them the person holding the
carton says it (`--container`, a batch column, the app's question, or once per product in
the site catalog's `[[container]]` table). Until then the product is UNCONFIRMED: its
lines carry neither JW nor JZ and claim formats refuse it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Final, Literal

from infusion_calc.core.errors import CatalogError, InputError
from infusion_calc.core.numbers.rounding import plain
from infusion_calc.core.numbers.units import Kind, parse_measure
from infusion_calc.core.record.notices import NoticeSpec

if TYPE_CHECKING:
    from infusion_calc.core.catalog.catalog import Drug, Product

ContainerKind = Literal["single-dose", "multi-dose", "unconfirmed"]
SINGLE_DOSE: Final = "single-dose"
MULTI_DOSE: Final = "multi-dose"
UNCONFIRMED: Final = "unconfirmed"
"""A product's container when nothing verified it and nobody answered:
neither JW nor JZ is written."""
CHOICES = (SINGLE_DOSE, MULTI_DOSE)
FIELD = "container"
HCPCS = re.compile(r"[A-Z][0-9]{4}")

CONTAINER_UNCONFIRMED = NoticeSpec(
    "CONTAINER_UNCONFIRMED",
    "calculation",
    "single-dose or multi-dose is not verified for this product: "
    "no JW/JZ until the carton is checked; claim formats refuse",
)
_SPELLINGS: dict[str, ContainerKind] = {
    "single-dose": SINGLE_DOSE,
    "single dose": SINGLE_DOSE,
    "singledose": SINGLE_DOSE,
    "sdv": SINGLE_DOSE,
    "multi-dose": MULTI_DOSE,
    "multi dose": MULTI_DOSE,
    "multidose": MULTI_DOSE,
    "multiple-dose": MULTI_DOSE,
    "multiple dose": MULTI_DOSE,
    "mdv": MULTI_DOSE,
}


def parse_container(text: str | None) -> ContainerKind | None:
    """'single-dose', 'multi-dose' (or None when not given); InputError for anything else."""
    if text is None or not text.strip():
        return None
    found = _SPELLINGS.get(" ".join(text.strip().lower().split()))
    if found is None:
        raise InputError(
            FIELD, "Enter the container as the carton says it: single-dose or multi-dose."
        )
    return found


@dataclass(frozen=True, slots=True)
class ConfirmedContainer:
    """A site's answer, kept once per product: `[[container]]` in the site catalog."""

    hcpcs: str
    strength_mg: Decimal
    container: ContainerKind
    confirmed_by: str
    confirmed_on: date

    @property
    def source(self) -> str:
        return (
            f"{self.container} per the carton, confirmed by {self.confirmed_by} on "
            f"{self.confirmed_on:%Y-%m-%d} (site catalog)"
        )


def confirmed_container(
    remembered: tuple[ConfirmedContainer, ...], hcpcs: str, strength_mg: Decimal
) -> ConfirmedContainer | None:
    return next(
        (
            entry
            for entry in remembered
            if entry.hcpcs == hcpcs and entry.strength_mg == strength_mg
        ),
        None,
    )


def unconfirmed_message(hcpcs: str, labels: list[str]) -> str:
    return (
        f"{hcpcs} {', '.join(labels)}: single-dose or multi-dose is not verified (CMS's files do "
        "not say), so the lines carry neither JW nor JZ and no claim format is written until the "
        "carton is checked. Give it (--container single-dose|multi-dose, the batch column "
        "container, or the app's question), or keep the answer for the site in the site catalog "
        "([[container]] with hcpcs, strength, container, confirmed_by, confirmed_on)."
    )


@dataclass(frozen=True, slots=True)
class Container:
    """The container answer for one calculation: typed (`given`),
    or kept by the site (`remembered`)."""

    given: ContainerKind | None
    remembered: tuple[ConfirmedContainer, ...] = ()

    @classmethod
    def of(cls, text: str | None, remembered: tuple[ConfirmedContainer, ...]) -> Container:
        return cls(parse_container(text), remembered)

    def for_typed(
        self, drug: Drug | None, strength_mg: Decimal
    ) -> tuple[ContainerKind, str | None]:
        """The container of a vial typed by hand, and the source line that says who said so.

        A code known only from CMS stays UNCONFIRMED until someone answers; a code typed with
        its own billing unit (not in any catalog) keeps the single-dose reading it always had,
        unless the container is given.
        """
        if self.given is not None:
            return self.given, "as entered from the carton, not verified by the catalog"
        if drug is not None:
            kept = confirmed_container(self.remembered, drug.hcpcs, strength_mg)
            if kept is not None:
                return kept.container, kept.source
            if drug.source == "cms":
                return UNCONFIRMED, None
        return SINGLE_DOSE, None

    def agrees_with(self, drug: Drug, products: tuple[Product, ...]) -> None:
        """A container typed for a vial the catalog verified must be the label's."""
        if self.given is None:
            return
        for product in products:
            if product.container in CHOICES and product.container != self.given:
                raise InputError(
                    FIELD,
                    f"{drug.display_name} {product.label} is a {product.container} "
                    "container per the label (catalog, with sources), not "
                    f"{self.given}: check the carton, or leave the container out.",
                )


_CONFIRMED_FIELDS = ("hcpcs", "strength", "container", "confirmed_by", "confirmed_on")


def parse_confirmed_containers(raw: object, origin: str) -> tuple[ConfirmedContainer, ...]:
    """A site catalog's `[[container]]` tables; CatalogError naming the file, entry and field."""
    if not isinstance(raw, list):
        raise CatalogError(f"{origin}: 'container' must be a list of [[container]] tables")
    entries = tuple(
        _confirmed(entry, f"{origin}: container {index}")
        for index, entry in enumerate(raw, start=1)
    )
    seen: set[tuple[str, Decimal]] = set()
    for index, entry in enumerate(entries, start=1):
        if (
            entry.hcpcs,
            entry.strength_mg,
        ) in seen:  # two answers for one product: which one holds?
            raise CatalogError(
                f"{origin}: container {index}: {entry.hcpcs} "
                f"{entry.strength_mg} mg is listed twice; keep one"
            )
        seen.add((entry.hcpcs, entry.strength_mg))
    return entries


def confirmed_toml(entry: ConfirmedContainer) -> str:
    """The `[[container]]` table that keeps one answer in a site catalog,
    as `parse_confirmed_containers` reads it."""
    return (
        "\n[[container]]\n"
        f"hcpcs = {json.dumps(entry.hcpcs)}\n"
        f"strength = {json.dumps(plain(entry.strength_mg) + ' mg')}\n"
        f"container = {json.dumps(entry.container)}\n"
        f"confirmed_by = {json.dumps(entry.confirmed_by, ensure_ascii=False)}\n"
        f"confirmed_on = {entry.confirmed_on:%Y-%m-%d}\n"
    )


def _confirmed(entry: object, where: str) -> ConfirmedContainer:
    if not isinstance(entry, dict):
        raise CatalogError(f"{where}: must be a table with {', '.join(_CONFIRMED_FIELDS)}")
    missing = [name for name in _CONFIRMED_FIELDS if name not in entry]
    extra = sorted(set(entry) - set(_CONFIRMED_FIELDS))
    if missing or extra:
        problem = (
            f"missing {', '.join(missing)}" if missing else f"unknown field(s) {', '.join(extra)}"
        )
        raise CatalogError(
            f"{where}: {problem}; a [[container]] gives {', '.join(_CONFIRMED_FIELDS)}"
        )
    hcpcs, by, on = entry["hcpcs"], entry["confirmed_by"], entry["confirmed_on"]
    if not isinstance(hcpcs, str) or not HCPCS.fullmatch(hcpcs.strip().upper()):
        raise CatalogError(f"{where}: field 'hcpcs': one letter and four digits, e.g. Q5117")
    if not isinstance(by, str) or not by.strip() or not by.isprintable():
        raise CatalogError(
            f"{where}: field 'confirmed_by': the name of who read the carton, on one line"
        )
    if not isinstance(on, date) or isinstance(on, datetime):
        raise CatalogError(f"{where}: field 'confirmed_on': a TOML date, e.g. 2026-12-06")
    try:
        strength = parse_measure(str(entry["strength"]), Kind.MASS, "strength").value
        kind = parse_container(str(entry["container"]))
    except InputError as error:
        raise CatalogError(f"{where}: field '{error.field}': {error.message}") from None
    if kind is None:
        raise CatalogError(f"{where}: field 'container': single-dose or multi-dose")
    return ConfirmedContainer(hcpcs.strip().upper(), strength, kind, by.strip(), on)


def parse_fda_hints(text: str) -> dict[str, str]:
    """The packaged fda-2019-containers.tsv: NDC (11 digits) -> "single-dose" or "multi-dose"."""
    hints = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            ndc, said = line.split("\t")
            hints[ndc] = said
    return hints


def fda_hint(products: tuple[Product, ...], hints: dict[str, str]) -> str | None:
    """'FDA listing (2019): NDC 68817-0134-50 single-dose', shown beside
    the question: a dated hint from FDA's NDC Directory of April 2019,
    never a verified fact, so it never answers the question itself."""
    said = [
        f"NDC {product.ndc} {hints[product.ndc11]}"
        for product in products
        if product.ndc11 in hints
    ]
    return f"FDA listing (2019): {'; '.join(said)}" if said else None
