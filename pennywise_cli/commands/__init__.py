"""One module per noun; :mod:`pennywise_cli.main` registers them all in one place.

Each module imports only Typer and the CLI's light modules at the top: the core, SQLAlchemy,
httpx and rich are imported inside the commands that need them, so ``pennywise --help``
stays instant.
"""
