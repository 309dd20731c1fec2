"""A product's amount in the NDC units a claim reports it in (ME, GR, F2, UN, ML): what one NDC
unit holds, and the NDC quantity for an amount given or discarded."""

from __future__ import annotations

from decimal import Decimal

from infusion_calc.core.catalog.catalog import Product


def mg_per_ndc_unit(unit: str, product: Product) -> Decimal | None:
    """The product's amount (mg, or its own units) in one NDC unit of it (ME, GR, F2, UN, ML),
    where that is defined."""
    if (
        unit in ("ME", "GR") and product.strength.unit != "mg"
    ):  # milligrams and grams only of a mass
        return None
    if unit == "F2":  # international units: defined only for a product labeled in IU
        return Decimal(1) if product.billing_ndc_unit == "F2" else None
    if unit == "ME":
        return Decimal(1)
    if unit == "GR":
        return Decimal(1000)
    if unit == "UN":
        return product.strength.value
    if unit == "ML" and product.volume is not None:
        return product.strength.value / product.volume.value
    return None


def ndc_amount(product: Product, mg: Decimal) -> Decimal:
    """The NDC quantity for `mg` of this product, in its NDC unit: mL, mg (ME),
    g (GR) or vials (UN)."""
    unit = product.billing_ndc_unit
    if unit in ("ME", "F2"):  # mg, or international units for a product labeled in IU
        return mg
    if unit == "GR":
        return mg / 1000
    if unit == "ML" and product.volume is not None:
        return mg * product.volume.value / product.strength.value
    return mg / product.strength.value  # UN: vials, or a powder without a labeled volume
