"""The edge: everything read from disk (packaged data, the site's files, the CMS cache), once.

The core takes what it needs as arguments and reads no file; the front ends (CLI, app,
browser mode) build one `Context` here and pass it down, so the catalog, the clinical
rules and the site config each have one loader and are read at most once per command.
Nothing is read until first asked for: `log path` never pays for the catalog, and a site
without config.toml never pays for pydantic (~60 ms) to learn the defaults.
"""

from __future__ import annotations

import os
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from infusion_calc.locations import PACKAGED_DATA, site_catalog_path, site_config_path

# F401: (SITE_CATALOG_LIMIT, read_site_file: re-exported)
from infusion_calc.site_files import MB, UnreadableFile, present, read_text_file  # noqa: F401

if TYPE_CHECKING:  # these import pint or pydantic: only the commands that calculate pay for them
    from infusion_calc.catalog_cache import Compiled
    from infusion_calc.cms.store import LoadedQuarter
    from infusion_calc.core.catalog.catalog import Catalog
    from infusion_calc.core.catalog.indications import ClinicalRules
    from infusion_calc.core.pipeline.administration import Site
    from infusion_calc.core.pipeline.site_config import SiteConfig
    from infusion_calc.core.record.check_types import SitePolicy
    from infusion_calc.log.location import LogLocation


# -- packaged data: read from the package, parsed by the core -----------------------------


def _packaged_text(name: str) -> str:
    return (PACKAGED_DATA / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def fda_2019_containers() -> dict[str, str]:
    """NDC -> single-dose/multi-dose as FDA's NDC Directory of 2019-04
    described the package: a dated hint shown beside the container question
    (scripts/build_fda_container_hints.py), never a verified fact."""
    # lazy: the core: `log list` and the first frame do without
    from infusion_calc.core.catalog.container import parse_fda_hints

    return parse_fda_hints(_packaged_text("fda-2019-containers.tsv"))


@lru_cache(maxsize=1)
def packaged_catalog() -> Catalog:
    """The curated catalog shipped with the package (verified data only), without CMS's codes."""
    # lazy: pint: `log list` and the first frame do without
    from infusion_calc.core.catalog.catalog import parse_catalog

    # lazy: imports the core: not before the first frame
    from infusion_calc.unit_definitions import use_packaged_units

    use_packaged_units()  # the catalog's amounts are parsed with the packaged unit definitions
    return parse_catalog(_packaged_text("catalog.toml"), "packaged catalog")


@lru_cache(maxsize=1)
def clinical_rules() -> ClinicalRules:
    """The packaged ICD-10-CM facts, indications, REMS programs and observation rules."""
    # lazy: the core: `log list` and the first frame do without
    from infusion_calc.core.catalog.indications import parse_rules

    return parse_rules(_packaged_text("indications.toml"), "packaged indications")


# -- the site's own files -----------------------------------------------------------------

SITE_CONFIG_LIMIT = 4 * MB
"""Room for a chargemaster of every HCPCS code; a bigger file is the wrong file."""


def default_site_config_path() -> Path:
    """`config.toml` in the config folder, whether or not it exists."""
    return site_config_path()


def load_site_config(path: Path | None = None) -> SiteConfig:
    """The file given, or `config.toml` in the config folder; the defaults when there is none.

    Something at the default place that is not a readable file (a folder, a named pipe,
    a broken link) is an error, not a reason to use the defaults unnoticed.
    """
    # Here, not at the top: the app imports this module before its first frame,
    # which imports no core module.
    from infusion_calc.core.errors import SiteConfigError

    # lazy: pydantic, only when config.toml is present
    from infusion_calc.core.pipeline.site_config import SiteConfig, parse_site_config

    explicit = path is not None
    target = Path(path) if path is not None else default_site_config_path()
    if not explicit and not present(target):
        return SiteConfig()
    try:
        text = read_text_file(target, SITE_CONFIG_LIMIT)
    except UnreadableFile as problem:
        raise SiteConfigError(f"{target}: cannot read the site config file: {problem}") from None
    return parse_site_config(text, str(target))


# -- the context every front end builds once and passes down --------------------------------


class Context:
    """What a command or the app works with: each part loaded on first use, then kept.

    `catalog_file` is the site catalog given (`--catalog`), else the one in the config
    folder when present; `config_file` and `log_file` default to the config and data folders.
    A plain class, not a dataclass: `dataclasses` imports `inspect` (~10 ms), which
    `--version` and `log path` would pay for nothing.
    """

    def __init__(
        self,
        catalog_file: Path | None = None,
        config_file: Path | None = None,
        log_file: Path | None = None,
    ) -> None:
        self.catalog_file = catalog_file
        self.config_file = config_file
        self.log_file = log_file

    def __repr__(self) -> str:
        return (
            f"Context(catalog_file={self.catalog_file!r}, config_file={self.config_file!r}, "
            f"log_file={self.log_file!r})"
        )

    @cached_property
    def compiled(self) -> Compiled:
        """The catalog (packaged + site + CMS) and the CMS quarters,
        from the compiled cache when unchanged."""
        # lazy: pint: `log list` and the first frame do without
        from infusion_calc.catalog_cache import load

        default = site_catalog_path()
        # A folder, named pipe or broken link there is reported by the catalog reader, not skipped.
        given = self.catalog_file or (default if present(default) else None)
        return load(Path(given) if given else None)

    @property
    def catalog(self) -> Catalog:
        return self.compiled.catalog

    @property
    def quarters(self) -> list[LoadedQuarter]:
        """The CMS quarters loaded (packaged and imported), oldest first."""
        return list(self.compiled.quarters)

    @property
    def rules(self) -> ClinicalRules:
        return clinical_rules()

    def site(self) -> Site:
        """The catalog, rules, policy and CMS quarters,
        as the administration pipeline takes them."""
        from infusion_calc.core.pipeline.administration import (
            Site,
        )  # the core: only when a command calculates

        return Site(self.catalog, self.rules, self.policy, tuple(self.quarters))

    @cached_property
    def config_path(self) -> Path:
        return Path(self.config_file) if self.config_file else default_site_config_path()

    @property
    def has_site_config(self) -> bool:
        return present(self.config_path)

    @cached_property
    def site_config(self) -> SiteConfig:
        """config.toml parsed (SiteConfigError when it is broken);
        the defaults when there is none."""
        if self.config_file:
            return load_site_config(self.config_path)
        return load_site_config()

    @property
    def policy(self) -> SitePolicy:
        """The site's check policy (340B, waste witness, complex codes);
        the defaults without pydantic when there is no file."""
        from infusion_calc.core.record.check_types import (
            SitePolicy,
        )  # no core module before the app's first frame

        return self.site_config.check_policy() if self.has_site_config else SitePolicy()

    @property
    def visit_setting(self) -> str:
        """Where the site bills a visit (`[administration] setting`): "office" or "hospital";
        office without a config."""
        return self.site_config.administration.setting if self.has_site_config else "office"

    @property
    def rounding_policy(self) -> str | None:
        """The site's `[dosing] round_within` as typed in a form ("10"), or None."""
        if not self.has_site_config:
            return None
        policy = self.site_config.dosing.round_within
        return None if policy is None else str(policy)

    @cached_property
    def log_path(self) -> LogLocation:
        """The log file given, else the center log (INFUSION_CALC_LOG_URL, the config's `[log]
        url`), else the data folder's."""
        # lazy: the app's first frame does without the log
        from infusion_calc.log.location import URL_VARIABLE, log_location

        if self.log_file:
            return Path(self.log_file)
        # The environment wins, and then config.toml (and
        # pydantic) is not read just to find the log.
        configured = None
        if not os.environ.get(URL_VARIABLE, "").strip() and self.has_site_config:
            # lazy: the core: not before the app's first frame
            from infusion_calc.core.errors import SiteConfigError

            # lazy: the app's first frame does without the log
            from infusion_calc.log.location import unusable

            try:
                configured = self.site_config.log.url
            except (
                SiteConfigError
            ) as error:  # where the log is cannot be known: said when it is used
                return unusable(
                    f"{error} (it says where the administration log is). Nothing was saved or read."
                )
        return log_location(configured)
