"""SkuCast's headless command line: ``python main.py <command> ...`` (see :mod:`.main`).
"""

from core.cli.decide import COMMANDS, add_decision_commands
from core.cli.forecast import add_forecast_commands
from core.cli.main import main
from core.cli.progress import TerminalProgress

__all__ = [
    "add_decision_commands",
    "add_forecast_commands",
    "COMMANDS",
    "main",
    "TerminalProgress",
]
