"""Diagnosis codes, drug indications and REMS programs: packaged data, validated at load.

The data (infusion_calc/data/indications.toml) holds only VERIFIED facts with their sources;
this module answers the questions the checks ask: is this code billable on that date, which
diagnoses is this drug indicated for, which REMS program applies to this HCPCS code.

The file is read by a small strict reader rather than pydantic: `calc --json` runs the checks
on every call, and pydantic's import alone would cost a third of that command's
start-up; for the same reason the records are NamedTuples, which define several times
faster than dataclasses. The reader refuses unknown keys, wrong types and malformed codes,
naming the entry and the field.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, timedelta
from typing import Any, NamedTuple, TypeVar

from infusion_calc.core.errors import CatalogError

# [0-9], never \d: \d also matches other scripts' digits ("J٢٣٢٣"). Used with fullmatch.
ICD_CODE = re.compile(r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?")
HCPCS = re.compile(r"[A-Z][0-9]{4}")
SEVERITIES = ("error", "warning")

_T = TypeVar("_T")


class CodeFact(NamedTuple):
    """One ICD-10-CM code and the dates of service it may be billed for."""

    code: str
    sources: tuple[str, ...]
    title: str | None = None
    valid_from: date | None = None
    billable_until: date | None = None
    billable: bool = True

    def exists_on(self, day: date) -> bool:
        return self.valid_from is None or day >= self.valid_from


class DiagnosisRule(NamedTuple):
    """The codes that match one indication of a drug: listed ones,
    and the subcodes of listed headers."""

    indication: str
    codes: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()
    """Non-billable headers (K50.11) whose codes one digit longer (K50.110 to K50.119) match: the
    source writes them K50.11x without listing them. Any other code is not matched, so a typo such
    as K50.ZZZ or K50.9999 is never taken for the indication."""
    condition: str | None = None
    """When set, the code matches only if the record supports this: the check warns with it."""

    def matches(self, code: str) -> bool:
        if code in self.codes:
            return True
        header, last = code[:-1], code[-1:]
        return header in self.headers and last in _DIGITS

    @property
    def shown(self) -> tuple[str, ...]:
        """The codes and headers as a biller reads them, in code order: K50.10, K50.11x, K50.80."""
        return tuple(sorted((*self.codes, *(f"{header}x" for header in self.headers))))


_DIGITS = frozenset("0123456789")


class DrugIndications(NamedTuple):
    generic: str
    unlisted: str
    """Severity ("error" or "warning") when the diagnosis matches none of the rules."""
    basis: str
    sources: tuple[str, ...]
    diagnosis: tuple[DiagnosisRule, ...]
    note: str | None = None

    def rule_for(self, code: str) -> DiagnosisRule | None:
        return next((rule for rule in self.diagnosis if rule.matches(code)), None)

    @property
    def listed_codes(self) -> tuple[str, ...]:
        """Every code and header matching without a condition, for messages
        ("G35.A, G35.C1, K50.00, K50.11x")."""
        out: list[str] = []
        for rule in self.diagnosis:
            if not rule.condition:
                out.extend(rule.shown)
        return tuple(out)


class RemsProgram(NamedTuple):
    hcpcs: str
    program: str
    requires: str
    """What is confirmed before each administration
    ("patient authorization and the ... Checklist")."""
    sources: tuple[str, ...]


class Observation(NamedTuple):
    """What a label asks about watching the patient after the infusion, by HCPCS code."""

    hcpcs: str
    label: str
    """The label's request in words ("observe for at least 1 hour after the infusion")."""
    sources: tuple[str, ...]


class ClinicalRules:
    """The loaded file: codes, indications, REMS programs and observation periods,
    looked up by key."""

    def __init__(
        self,
        codes: tuple[CodeFact, ...],
        indications: tuple[DrugIndications, ...],
        rems: tuple[RemsProgram, ...],
        observation: tuple[Observation, ...] = (),
    ) -> None:
        self.codes, self.indications, self.rems, self.observation = (
            codes,
            indications,
            rems,
            observation,
        )
        self._codes = {fact.code: fact for fact in codes}

    def observation_for(self, hcpcs: str) -> Observation | None:
        return next((entry for entry in self.observation if entry.hcpcs == hcpcs), None)

    def code(self, code: str) -> CodeFact | None:
        return self._codes.get(code)

    def for_drug(self, generic: str) -> DrugIndications | None:
        return next((entry for entry in self.indications if entry.generic == generic.lower()), None)

    def rems_for(self, hcpcs: str) -> RemsProgram | None:
        return next((entry for entry in self.rems if entry.hcpcs == hcpcs), None)

    def subcodes(self, code: str, day: date) -> tuple[str, ...]:
        """Listed codes that begin with `code` and exist on `day`, in file order."""
        return tuple(
            fact.code
            for fact in self.codes
            if fact.code != code and fact.code.startswith(code) and fact.exists_on(day)
        )

    def not_yet_valid(self, code: str, day: date) -> str | None:
        """Why `code` did not exist yet on `day`
        (a new code used for an earlier service), or None."""
        fact = self.code(code)
        if fact is not None and not fact.exists_on(day):
            return (
                f"{code} takes effect for services on or after {long_date(fact.valid_from)}; "
                f"this service is dated {long_date(day)}."
            )
        return None

    def header_problem(self, code: str, day: date) -> str | None:
        """Why `code` is a non-billable header on `day`,
        or None when nothing is known against it."""
        fact = self.code(code)
        if fact is not None and fact.billable_until is not None and day > fact.billable_until:
            first_day = fact.billable_until + timedelta(days=1)
            return (
                f"{code} is a non-billable header for services on or after {long_date(first_day)} "
                f"(this service: {long_date(day)})."
            )
        if (fact is not None and not fact.billable) or self.subcodes(code, day):
            return f"{code} is a non-billable header: it has more specific subcodes."
        return None


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def long_date(day: date | None) -> str:
    """'1 Oct 2025': spelled out so it cannot be misread, and independent of the locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}" if day else ""


# --- the strict reader ---


class _Entry:
    """One TOML table being read: every key must be known and of the expected type."""

    def __init__(self, raw: Any, where: str, known: set[str]) -> None:
        if not isinstance(raw, dict):
            raise CatalogError(f"{where}: expected a table")
        unknown = sorted(set(raw) - known)
        if unknown:
            raise CatalogError(f"{where}: unknown field(s) {', '.join(unknown)}")
        self.raw, self.where = raw, where

    def get(self, key: str, kind: type[_T], *, required: bool = False) -> _T | None:
        if key not in self.raw:
            if required:
                raise CatalogError(f"{self.where}: field '{key}' is required")
            return None
        value = self.raw[key]
        # bool is an int subclass and datetime a date subclass: compare exact types.
        if type(value) is not kind:
            raise CatalogError(
                f"{self.where}: field '{key}': expected {kind.__name__}, got {value!r}"
            )
        return value

    def text(
        self, key: str, *, required: bool = False, pattern: re.Pattern[str] | None = None
    ) -> str | None:
        value = self.get(key, str, required=required)
        if value is not None and (not value.strip() or (pattern and not pattern.fullmatch(value))):
            raise CatalogError(f"{self.where}: field '{key}': {value!r} is not acceptable here")
        return value

    def texts(
        self, key: str, *, required: bool = False, pattern: re.Pattern[str] | None = None
    ) -> tuple[str, ...]:
        values = self.get(key, list, required=required) or []
        if required and not values:
            raise CatalogError(f"{self.where}: field '{key}' needs at least one entry")
        for value in values:
            if (
                not isinstance(value, str)
                or not value.strip()
                or (pattern and not pattern.fullmatch(value))
            ):
                raise CatalogError(f"{self.where}: field '{key}': {value!r} is not acceptable here")
        return tuple(values)

    def tables(self, key: str) -> list[Any]:
        values = self.get(key, list, required=True)
        if not values:
            raise CatalogError(f"{self.where}: field '{key}' needs at least one entry")
        return values


def _code(raw: Any, where: str) -> CodeFact:
    entry = _Entry(
        raw, where, {"code", "title", "valid_from", "billable_until", "billable", "sources"}
    )
    billable = entry.get("billable", bool)
    return CodeFact(
        code=entry.text("code", required=True, pattern=ICD_CODE) or "",
        sources=entry.texts("sources", required=True),
        title=entry.text("title"),
        valid_from=entry.get("valid_from", date),
        billable_until=entry.get("billable_until", date),
        billable=True if billable is None else billable,
    )


def _rule(raw: Any, where: str) -> DiagnosisRule:
    entry = _Entry(raw, where, {"codes", "headers", "indication", "condition"})
    rule = DiagnosisRule(
        indication=entry.text("indication", required=True) or "",
        codes=entry.texts("codes", pattern=ICD_CODE),
        headers=entry.texts("headers", pattern=ICD_CODE),
        condition=entry.text("condition"),
    )
    if not rule.codes and not rule.headers:
        raise CatalogError(f"{where}: give codes or headers")
    return rule


def _indication(raw: Any, where: str) -> DrugIndications:
    entry = _Entry(raw, where, {"generic", "unlisted", "basis", "note", "sources", "diagnosis"})
    unlisted = entry.text("unlisted", required=True) or ""
    if unlisted not in SEVERITIES:
        raise CatalogError(
            f"{where}: field 'unlisted': expected one of {', '.join(SEVERITIES)}, got {unlisted!r}"
        )
    return DrugIndications(
        generic=(entry.text("generic", required=True) or "").lower(),
        unlisted=unlisted,
        basis=entry.text("basis", required=True) or "",
        note=entry.text("note"),
        sources=entry.texts("sources", required=True),
        diagnosis=tuple(
            _rule(item, f"{where}, diagnosis {number}")
            for number, item in enumerate(entry.tables("diagnosis"), start=1)
        ),
    )


def _rems(raw: Any, where: str) -> RemsProgram:
    entry = _Entry(raw, where, {"hcpcs", "program", "requires", "sources"})
    return RemsProgram(
        hcpcs=entry.text("hcpcs", required=True, pattern=HCPCS) or "",
        program=entry.text("program", required=True) or "",
        requires=entry.text("requires", required=True) or "",
        sources=entry.texts("sources", required=True),
    )


def _observation(raw: Any, where: str) -> Observation:
    entry = _Entry(raw, where, {"hcpcs", "label", "sources"})
    return Observation(
        hcpcs=entry.text("hcpcs", required=True, pattern=HCPCS) or "",
        label=entry.text("label", required=True) or "",
        sources=entry.texts("sources", required=True),
    )


def parse_rules(text: str, origin: str) -> ClinicalRules:
    """Validate the TOML text; raise CatalogError naming the file, the entry and the field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CatalogError(f"{origin}: not valid TOML: {error}") from None
    top = _Entry(data, origin, {"code", "indication", "rems", "observation"})
    codes = tuple(
        _code(raw, f"{origin}: code {n}") for n, raw in enumerate(top.tables("code"), start=1)
    )
    indications = tuple(
        _indication(raw, f"{origin}: indication {n}")
        for n, raw in enumerate(top.tables("indication"), start=1)
    )
    rems = tuple(
        _rems(raw, f"{origin}: rems {n}") for n, raw in enumerate(top.tables("rems"), start=1)
    )
    names = [fact.code for fact in codes]
    twice = sorted({code for code in names if names.count(code) > 1})
    if twice:
        raise CatalogError(f"{origin}: code(s) listed twice: {', '.join(twice)}")
    headers = {fact.code for fact in codes if not fact.billable}
    for entry in indications:
        for rule in entry.diagnosis:
            unknown = [code for code in (*rule.codes, *rule.headers) if code not in names]
            if unknown:
                raise CatalogError(
                    f"{origin}: indication {entry.generic}: "
                    f"code(s) {', '.join(unknown)} not listed under [[code]]"
                )
            billable = [code for code in rule.headers if code not in headers]
            if billable:
                raise CatalogError(
                    f"{origin}: indication {entry.generic}: header(s) {', '.join(billable)} must "
                    "be listed under [[code]] with billable = false"
                )
    observed = (
        top.tables("observation") if "observation" in data else []
    )  # optional: older files have none
    observation = tuple(
        _observation(raw, f"{origin}: observation {n}") for n, raw in enumerate(observed, start=1)
    )
    return ClinicalRules(codes, indications, rems, observation)
