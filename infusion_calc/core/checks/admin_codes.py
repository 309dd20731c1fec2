"""The administration code a drug's class, its route and the infusion time suggest.

Monoclonal antibodies and other complex biologics, and antineoplastics, are coded as complex
drug administration: 96413 (first hour) + 96415 (each additional hour). Noridian (article
10529, citing CMS CR 13468 and Pub 100-04 ch.12 §30.5; VERIFIED) pays monoclonal, complex
biological and rheumatological therapies as complex administration "so long as all elements
of these codes that are required for appropriate billing are met". 96365/96366 (IV infusion)
stay for other drugs, and are the fallback a site may choose for complex biologics when its
records do not support complex administration. 96450 (intrathecal, with spinal puncture) is
VERIFIED for nusinersen by CMS article A58579.

The timing rules are PARTIAL (secondary sources, stated for 96365/96366 and applied to the
complex codes alike): an infusion runs more than 15 minutes, the first code covers up to
90 minutes, and the add-on is billed for each further full hour or a remaining part of more
than 30 minutes.
"""

from __future__ import annotations

from typing import NamedTuple

from infusion_calc.core.checks.check_input import CheckInput, producer
from infusion_calc.core.record.check_types import INFO, WARNING, Check, CheckSpec, SitePolicy, emits
from infusion_calc.core.record.encounter import Encounter
from infusion_calc.core.words.labels import line_brief

INFUSION_MINIMUM_MINUTES = 15  # more than this to be an infusion
FIRST_CODE_MINUTES = 60
PART_HOUR_MINUTES = 30  # a remaining part must exceed this to count as another hour
COMPLEX_CLASSES = ("complex-biologic", "antineoplastic")
CMS_ROUTE_UNKNOWN = (
    "not stated in CMS's files"  # the route of a code known only from CMS (cms_codes.py)
)
# Drugs whose label allows an IV push (slow injection) as well as an infusion: a short
# start-to-stop is no alarm. Iron sucrose: Venofer label §2 (DailyMed), "slow intravenous
# injection" over 2 to 5 minutes, or infusion.
PUSH_ALLOWED_BY_LABEL = frozenset({"iron sucrose"})
TIMING_STATUS = "(timing rules from secondary sources only, PARTIAL: confirm with the payer)"

ADMIN_CODE = CheckSpec(
    "ADMIN_CODE", INFO, "the administration code suggested by drug class, route and time"
)
ADMIN_TIMES_MISSING = CheckSpec(
    "ADMIN_TIMES_MISSING", WARNING, "an IV drug without start and stop times"
)
ADMIN_NOT_INFUSION = CheckSpec(
    "ADMIN_NOT_INFUSION", WARNING, "IV start to stop of 15 minutes or less"
)


class CodePair(NamedTuple):
    first: str
    additional: str
    name: str


COMPLEX = CodePair("96413", "96415", "complex drug administration")
INFUSION = CodePair("96365", "96366", "IV infusion")


def infusion_codes(minutes: int, pair: CodePair = INFUSION) -> tuple[tuple[str, int], ...] | None:
    """(code, units) for an IV infusion of `minutes`;
    None when it is too short to be an infusion."""
    if minutes <= INFUSION_MINIMUM_MINUTES:
        return None
    beyond_first = max(minutes - FIRST_CODE_MINUTES, 0)
    full_hours, part = divmod(beyond_first, 60)
    additional = full_hours + (1 if part > PART_HOUR_MINUTES else 0)
    return ((pair.first, 1),) + (((pair.additional, additional),) if additional else ())


def code_pair(drug_class: str, policy: SitePolicy) -> CodePair:
    """Complex administration for antineoplastics always,
    and for complex biologics unless the site chose the fallback."""
    if drug_class == "antineoplastic":
        return COMPLEX
    if drug_class == "complex-biologic" and policy.complex_biologic_codes != "infusion":
        return COMPLEX
    return INFUSION


def describe_codes(codes: tuple[tuple[str, int], ...]) -> str:
    """'96365 × 1 + 96366 × 2'."""
    return " + ".join(line_brief(code, (), units) for code, units in codes)


def describe_minutes(minutes: int) -> str:
    """'45 min', '1 h', '2 h 5 min'."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest} min" if rest else "")


def _class_words(generic: str, drug_class: str) -> str:
    return {
        "complex-biologic": f"{generic}, a complex biologic",
        "antineoplastic": f"{generic}, an antineoplastic",
    }.get(drug_class, generic)


def _record_must_show(pair: CodePair, drug_class: str) -> str:
    if pair is COMPLEX and drug_class == "antineoplastic":
        return (
            " The record must show the start and stop times. Chemotherapy is always coded as "
            "chemotherapy administration; the IV infusion codes are no fallback for it."
        )
    if pair is COMPLEX:
        return (
            " The record must show the start and stop times and support complex "
            "administration (the elements the codes require, such as the advanced "
            "monitoring given): Noridian pays monoclonal, complex biological and "
            "rheumatological therapies as complex administration only then (article "
            "10529, VERIFIED). If the record does not support it, use 96365/96366."
        )
    if drug_class in COMPLEX_CLASSES:
        return (
            " IV infusion codes, as the site chose ([administration] complex_biologic_codes = "
            '"infusion"); '
            "Noridian pays complex biologics as complex "
            "administration (96413/96415) when the record supports it."
        )
    return " The record must show the start and stop times."


@producer(90)
def _administration_findings(given: CheckInput) -> list[Check]:
    drug = given.calc.drug
    return administration_checks(
        drug.drug_class, drug.generic, drug.route, given.encounter, given.policy
    )


@emits(ADMIN_CODE, ADMIN_TIMES_MISSING, ADMIN_NOT_INFUSION)
def administration_checks(
    drug_class: str, generic: str, route: str, encounter: Encounter, policy: SitePolicy
) -> list[Check]:
    """The administration code to suggest, or what is missing to suggest one."""
    route = route.strip().lower()
    if route == "intrathecal" and generic == "nusinersen":
        return [
            ADMIN_CODE(
                "Administration code: 96450 (into the CNS, e.g. intrathecal, including the spinal "
                "puncture), as CMS article A58579 gives for nusinersen.",
            )
        ]
    if route == CMS_ROUTE_UNKNOWN.lower():
        return [ADMIN_CODE(_by_route_unknown(encounter.infusion_minutes))]
    if route not in ("iv", "intravenous"):
        return []
    pair = code_pair(drug_class, policy)
    minutes = encounter.infusion_minutes
    if minutes is None:
        return [
            ADMIN_TIMES_MISSING(
                f"Record the infusion start and stop times: {pair.name} ({pair.first}, "
                f"{pair.additional}) is billed by time.",
            )
        ]
    codes = infusion_codes(minutes, pair)
    if codes is None:
        push = (
            "(96374)"
            if pair is INFUSION
            else "(the push code for a complex drug is not verified here)"
        )
        if generic in PUSH_ALLOWED_BY_LABEL and pair is INFUSION:
            return [
                ADMIN_CODE(
                    f"Suggested administration code for a {describe_minutes(minutes)} IV push of "
                    f"{generic}: 96374 × 1 (its label allows a slow IV injection) "
                    f"{TIMING_STATUS}. The record must show the start and stop times.",
                )
            ]
        return [
            ADMIN_NOT_INFUSION(
                f"Start to stop is {describe_minutes(minutes)}: an administration of 15 minutes or "
                f"less is not coded as an infusion but as an IV push {push} {TIMING_STATUS}. Check "
                f"the times; {generic} is given as an infusion.",
            )
        ]
    return [
        ADMIN_CODE(
            f"Suggested administration code for a {describe_minutes(minutes)} IV infusion of "
            f"{_class_words(generic, drug_class)}: {describe_codes(codes)} ({pair.name})."
            + _record_must_show(pair, drug_class)
            + f" {pair.first} covers up to 90 minutes; {pair.additional} is added per further hour "
            f"or remaining part over 30 minutes {TIMING_STATUS}.",
        )
    ]


def _by_route_unknown(minutes: int | None) -> str:
    """A code known only from CMS: its files name no route and no class,
    so every route's code is offered."""
    if minutes is None:
        timed = "Record the start and stop times: an IV administration is coded by time."
    elif minutes <= INFUSION_MINIMUM_MINUTES:
        timed = (
            f"Start to stop is {describe_minutes(minutes)}: by vein "
            "that is a push (96374, or 96409 for chemotherapy)."
        )
    else:
        codes = describe_codes(infusion_codes(minutes) or ())
        timed = (
            f"Start to stop is {describe_minutes(minutes)}: by vein that is an infusion ({codes}, "
            "or 96413 and 96415 for chemotherapy)."
        )
    return (
        "Administration code by route (CMS's files name neither the route nor "
        "whether the drug is chemotherapy; choose from the order): IV infusion 96365 "
        "(+ 96366 per further hour), IV push 96374, SC/IM injection 96372, on-body "
        "injector 96377; for chemotherapy or a complex biologic IV infusion 96413 (+ "
        f"96415), IV push 96409, SC/IM injection 96401. {timed} {TIMING_STATUS}"
    )
