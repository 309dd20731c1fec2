"""Loading the app's calculator from the context, in the loading thread: the site's catalog, or the
packaged one with the reason when the site file cannot be used."""

from __future__ import annotations

from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.core.errors import CatalogError, SiteConfigError
from infusion_calc.core.record.check_types import SitePolicy
from infusion_calc.loading import Context, packaged_catalog
from infusion_calc.tui.calculator import Calculator


def load_calculator(context: Context) -> Calculator:
    """The calculator over the context's catalog (packaged + site file + CMS),
    as every subcommand loads it.

    A site file that fails to load must not leave the nurse without a calculator: the
    packaged catalog (verified data only) is used, and the reason travels with it.
    """
    policy, config_problem = _site_rounding_policy(context)
    site = context.policy if config_problem is None else SitePolicy()
    try:
        # The CLI's own catalog: curated, CMS's codes (packaged and imported
        # quarters) and the site file. The drug list (every code's label: hundreds of
        # CMS codes to unpack) is built after the first result, from a thread
        # (Calculator.prepare_drug_list), or on the first search if that comes first.
        return Calculator(
            context.catalog,
            rounding_policy=policy,
            config_problem=config_problem,
            site_policy=site,
            context=context,
            quarters=context.quarters,
        )
    except CatalogError as error:
        problem = str(error)
    try:
        return Calculator(
            packaged_catalog(),
            catalog_problem=problem,
            rounding_policy=policy,
            config_problem=config_problem,
            site_policy=site,
            context=context,
        )
    except CatalogError as error:  # a broken install: nothing to calculate with
        return Calculator(
            Catalog((), "no catalog"), catalog_problem=f"{problem}\n{error}", context=context
        )


def _site_rounding_policy(context: Context) -> tuple[str | None, str | None]:
    """The site's whole-vial policy from config.toml (same rule as `calc`),
    or why it is not used."""
    try:
        return context.rounding_policy, None
    except SiteConfigError as error:
        return None, f"The site's whole-vial rounding policy is not in use: {error}"
