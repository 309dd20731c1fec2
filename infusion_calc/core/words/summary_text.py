"""The calculation's summary, from the JSON contract (`calculation_to_dict`): `calc` prints it for
the calculation it made and `log show` for the one it saved, so the two read alike."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from infusion_calc.core.numbers.rounding import plain
from infusion_calc.core.words.labels import (
    code_label,
    money,
    ndc_for_people,
    readable_ndc,
    vial_text,
    vials_text,
)


def drug_heading(generic: str, brand: str | None, hcpcs: str, descriptor: str) -> str:
    """'natalizumab (Tysabri) · J2323 Injection, natalizumab, 1 mg'."""
    name = f"{generic} ({brand})" if brand else generic
    return f"{name} · {hcpcs} {descriptor}"


def vial_size(vial: Mapping[str, Any]) -> str:
    """'300 mg/15 mL' for a solution, '100 mg' for a powder, from the contract's vial."""
    return f"{vial['strength']}/{vial['volume']}" if vial["volume"] else vial["strength"]


def result_summary(result: Mapping[str, Any], rounding_threshold: Decimal | None = None) -> str:
    """The summary from the JSON contract (`calculation_to_dict`): `calc` prints it for the
    calculation it made and `log show` for the one it saved, so the two read alike.

    `rounding_threshold` says "none within N%" when the site's whole-vial option found none
    (the contract then holds `dose_rounding: null`, without the threshold).
    """
    out = [drug_heading(result["drug"], result["brand"], result["hcpcs"], result["descriptor"])]
    out.append(f"  Dose          {result['dose']}")
    given = result.get(
        "dose_given"
    )  # entries saved before the amount given was recorded have no such key
    if given and given != result["dose"]:
        out.append(f"  Given         {given} of the dose prepared")
    for vial in result["vials"]:
        out.append(
            f"  Open          {vial_text(vial['count'], vial_size(vial))} vial  "
            f"({ndc_for_people(_carton_ndc(vial['ndc']))})"
        )
    for vial, diluent in _reconstituted(result):
        out.append(f"  Reconstitute  each of {vial} with {diluent} sterile water")
    out.append(f"  Draw          {result['draw_volume'] or 'see label'}")
    out.append(
        f"  Units         {result['administered_units']} administered, "
        f"{result['discarded_units']} discarded ({result['discarded_amount']} left in the vials)"
    )
    out.append("  Claim lines")
    for line in result["lines"]:
        ndc = ndc_for_people(
            _carton_ndc(line["ndc"]),
            line["ndc_quantity"],
            line["ndc_unit"],
            missing="NDC from the carton (not verified)",
        )
        units = line["units"]
        out.append(
            f"    {code_label(line['hcpcs'], line['modifiers']):<14}{units:>6} "
            f"{'unit ' if units == 1 else 'units'}   {ndc}"
        )
    out.extend(_payment_lines(result))
    option_line = _whole_vial_option(result, rounding_threshold)
    if option_line is not None:
        out.append(f"  {option_line}")
    out.append("  Arithmetic")
    out.extend(f"    {step}" for step in result["calculation"])
    out.extend(f"  ! {warning['message']}" for warning in result["warnings"])
    return "\n".join(out) + "\n"


def _carton_ndc(ndc: str | None) -> str | None:
    """The contract's 11 digits as the carton prints them (the catalog's NDCs are all 5-4-2)."""
    return readable_ndc(ndc) if ndc else None


def _reconstituted(result: Mapping[str, Any]) -> list[tuple[str, str]]:
    """('4 × 100 mg', '10 mL') per powder reconstituted: the contract gives each its vial count,
    in the order of the powders among the vials (a powder without a diluent is left out)."""
    powders = [vial for vial in result["vials"] if vial.get("form") == "lyophilized"]
    out = []
    for entry in result.get("reconstitution") or ():
        while powders and powders[0]["count"] != entry["vials"]:
            powders.pop(0)
        size = vial_size(powders.pop(0)) if powders else "vial"
        out.append((vial_text(entry["vials"], size), entry["diluent_per_vial"]))
    return out


def _whole_vial_option(result: Mapping[str, Any], threshold: Decimal | None) -> str | None:
    """The nearest whole-vial dose within the site's threshold, in one line;
    None without a threshold."""
    if "dose_rounding" not in result:
        return None
    option = result["dose_rounding"]
    if option is None:
        return (
            f"Whole-vial option: none within {plain(threshold)}%"
            if threshold is not None
            else "Whole-vial option: none"
        )
    difference = option.get("medicare_payment_difference")
    dollars = ""
    if difference is not None:
        value = Decimal(difference)
        dollars = f", Medicare {'+' if value >= 0 else '-'}{money(abs(value))}"
    vials = vials_text((vial["count"], vial_size(vial)) for vial in option["vials"])
    return (
        f"Whole-vial option: {option['dose']} "
        f"({option['change_percent']}%, {vials}{dollars}); not applied: the order stands"
    )


def _payment_lines(result: Mapping[str, Any]) -> list[str]:
    """What Medicare allows, per line and in total; nothing when no quarter prices the code."""
    payment = result.get("payment")
    if payment is None:
        return []
    per_line = ", ".join(
        f"{code_label(line['hcpcs'], line['modifiers'])} {money(Decimal(line['medicare_payment']))}"
        for line in result["lines"]
    )
    out = [
        f"  Medicare      {money(Decimal(payment['total']))} allowed "
        f"({per_line}; {payment['quarter']} limit ${payment['limit_per_unit']} per unit)"
    ]
    if Decimal(payment["discarded"]):
        out.append(f"                the JW line recovers {money(Decimal(payment['discarded']))}")
    out.append(
        f"                coinsurance {payment['coinsurance_percent']}%: "
        f"{money(Decimal(payment['coinsurance']))}"
    )
    return out
