"""SkuCast core: import, cleaning, forecasting and decisions, free of any GUI toolkit."""

__version__ = "0.1.0"
