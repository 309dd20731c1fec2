"""The fixed mix of requests the engine benchmark (and the batch file generator) cycle through.

Ten orders that between them take every path a chair-side calculation takes: flat,
per kg (kg and lb), per m² (BSA given, and Mosteller), by volume, two vial sizes,
whole-vial rounding, a powder, and a code that is not in the catalog.
"""

from __future__ import annotations

from infusion_calc.core.calculation.request import CalcRequest

SCENARIOS: tuple[CalcRequest, ...] = (
    CalcRequest(dose="300 mg"),
    CalcRequest(dose="300 mg", drug="Tyruko"),
    CalcRequest(dose="5 mg/kg", drug="Remicade", weight="73 kg"),
    CalcRequest(dose="10 mg/kg", drug="remicade", weight="154 lb", round_within="10"),
    CalcRequest(dose="375 mg/m2", drug="Rituxan", height="170 cm", weight="70 kg"),
    CalcRequest(dose="375 mg/m2", drug="Rituxan", bsa="1.9 m2", round_within="10"),
    CalcRequest(dose="12 mg", hcpcs="J2326"),
    CalcRequest(dose="10 mg/kg", drug="belimumab", weight="81.5 kg"),
    CalcRequest(dose="15 mL", drug="Ocrevus"),
    CalcRequest(dose="95 mg", hcpcs="J9999", billing_unit="1 mg", vials=("100 mg/10 mL",)),
)
