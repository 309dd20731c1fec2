"""The app gives what `calc --json` gives for the same order and encounter: the same claim lines,
payment, checks and chart note (one pipeline, core/pipeline/administration.py; the CLI, batch and
the log are compared in tests/test_same_administration.py)."""

from __future__ import annotations

import pytest

from infusion_calc.core.words.contract import calculation_to_dict
from infusion_calc.loading import Context
from infusion_calc.tui.app import make_app
from tests.administration_orders import ENGINE_FIELDS, ORDERS, cli_json, contract_view
from tui_helpers import choose, open_encounter, type_into


@pytest.mark.parametrize("order", ORDERS, ids=lambda order: f"{order['drug']}-{order['dose']}")
async def test_the_app_gives_the_administration_calc_gives(
    capsys: pytest.CaptureFixture[str], order: dict[str, str]
) -> None:
    expected = cli_json(capsys, order)
    app = make_app(
        context=Context(), cursor_blink=False
    )  # as `infusion-calc` starts: quarters and all
    async with app.run_test(size=(120, 40)) as pilot:
        await choose(pilot, "drug", order["drug"])
        await type_into(
            pilot,
            **{
                name: value
                for name, value in order.items()
                if name in ENGINE_FIELDS and name != "drug"
            },
        )
        await open_encounter(pilot)
        await type_into(
            pilot, **{name: value for name, value in order.items() if name not in ENGINE_FIELDS}
        )
        outcome = app.main_screen.outcome
        assert outcome.valid and not outcome.encounter_problems, outcome.problem
        result = outcome.result
        assert result is not None and result.calculation is not None
        assert contract_view(calculation_to_dict(result.calculation)) == contract_view(expected)
        assert [check.to_dict() for check in result.checks] == expected["checks"]
        assert result.chart_text == expected["note"]
