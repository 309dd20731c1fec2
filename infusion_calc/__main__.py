"""`python -m infusion_calc` behaves exactly like the `infusion-calc` command."""

import sys

from infusion_calc.cli import main

sys.exit(main())
