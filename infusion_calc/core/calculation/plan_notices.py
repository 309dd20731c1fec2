"""The notices that come with a vial plan: what the catalog could not verify,
and how the plan was made."""

from __future__ import annotations

from decimal import Decimal

from infusion_calc.core.calculation.billing import VialUse
from infusion_calc.core.catalog.catalog import Drug
from infusion_calc.core.catalog.container import UNCONFIRMED
from infusion_calc.core.numbers.rounding import plain
from infusion_calc.core.record.notices import Notice, NoticeSpec

CONTAINER_NOT_VERIFIED = NoticeSpec(
    "CONTAINER_NOT_VERIFIED",
    "calculation",
    "a code known only from CMS's files: the container is as the user or the site confirmed it, "
    "the route is not verified",
)
DESCRIPTOR_PARTIAL = NoticeSpec(
    "DESCRIPTOR_PARTIAL",
    "calculation",
    "the code's descriptor is only partly verified: the catalog's note says what is not",
)
NDC_NOT_VERIFIED = NoticeSpec(
    "NDC_NOT_VERIFIED", "calculation", "a vial without a verified NDC: take it from the carton"
)
NDC_SPLIT = NoticeSpec(
    "NDC_SPLIT", "calculation", "vials of more than one size: one administered line per NDC"
)
DOSE_ROUNDED = NoticeSpec("DOSE_ROUNDED", "calculation", "a calculated dose stated to 0.01 mg")
DRAW_VOLUME_UNKNOWN = NoticeSpec(
    "DRAW_VOLUME_UNKNOWN",
    "calculation",
    "the concentration after reconstitution is not in the catalog: draw per the label",
)


def _container_said(uses: tuple[VialUse, ...]) -> str:
    said = [use.product for use in uses if use.product.container != UNCONFIRMED]
    if not said:
        return "the container is not confirmed, so no JW or JZ is written. Check the carton."
    who = "; ".join(dict.fromkeys(product.sources[-1] for product in said if product.sources))
    return (
        f"the vials were planned as {said[0].container} ({who}). "
        "Check the carton says so before the claim goes out."
    )


def plan_notices(
    drug: Drug, uses: tuple[VialUse, ...], draw_volume_ml: Decimal | None
) -> tuple[tuple[Notice, ...], tuple[Notice, ...]]:
    """What the reader of this vial plan must know: unverified facts and a split by NDC (first),
    and a draw volume not known (second). A rounded dose's notice (`dose_rounded`) goes between
    the two: they are the plan's, worked out once per plan, and it is the patient's dose's."""
    notices: list[Notice] = []
    if drug.source == "cms":
        notices.append(
            CONTAINER_NOT_VERIFIED(
                f"{drug.hcpcs} is known only from CMS's files, which do not say "
                "whether an item is a single-dose vial, a multi-dose vial or a "
                f"prefilled syringe, nor its route: {_container_said(uses)}",
            )
        )
    if drug.descriptor_note:
        notices.append(DESCRIPTOR_PARTIAL(drug.descriptor_note))
    for use in uses:
        if use.product.ndc is None:
            notices.append(NDC_NOT_VERIFIED(use.product.ndc_note or "NDC not known."))
    if len(uses) > 1:
        notices.append(NDC_SPLIT("Vials of more than one size: one administered line per NDC."))
    if draw_volume_ml is None:
        return tuple(notices), (
            DRAW_VOLUME_UNKNOWN(
                "The concentration after reconstitution is not in the catalog: "
                "draw the volume per the label.",
            ),
        )
    return tuple(notices), ()


def dose_rounded(rounded_from: Decimal) -> Notice:
    """A calculated dose stated to 0.01 mg, from what it was rounded."""
    return DOSE_ROUNDED(f"Calculated dose {plain(rounded_from)} mg stated to 0.01 mg.")
