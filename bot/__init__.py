"""damancom-bot: files the monthly CNSS declaration on the Damancom portal."""

__version__ = "0.1.0"
