"""The site's key bindings: the `[keys]` table of config.toml, by binding id, for `App.set_keymap`.

Read in a thread after the first frame (the config model needs pydantic), and only when
the site has a config file. A bad file or an id no binding has is said in a notice; the
default keys then stay, so the app is never left without a way to do something.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from textual.binding import Binding, BindingType

from infusion_calc.core.errors import SiteConfigError

if TYPE_CHECKING:
    from infusion_calc.loading import Context


def site_keymap(context: Context) -> tuple[dict[str, str], str | None]:
    """The `[keys]` table (binding id -> keys), and why it is not in use when it is not."""
    if not context.has_site_config:
        return {}, None

    try:
        return dict(context.site_config.keys), None
    except SiteConfigError as error:
        return {}, f"The site's key bindings are not in use: {error}"


def binding_ids(*binding_lists: Iterable[BindingType]) -> set[str]:
    return {
        binding.id
        for bindings in binding_lists
        for binding in bindings
        if isinstance(binding, Binding) and binding.id
    }


def known_only(keymap: Mapping[str, str], known: set[str]) -> tuple[dict[str, str], str | None]:
    """The entries whose id a binding has, and a sentence naming the others
    (None when all are known)."""
    unknown = sorted(set(keymap) - known)
    usable = {binding_id: keys for binding_id, keys in keymap.items() if binding_id in known}
    if not unknown:
        return usable, None
    return usable, (
        f"[keys] in config.toml: no binding has the id {', '.join(unknown)}; "
        f"the ids are {', '.join(sorted(known))}."
    )
