"""``pennywise``: the command line of Pennywise (see :mod:`pennywise_cli.main`)."""

from pennywise_core import __version__

__all__ = ["__version__"]
