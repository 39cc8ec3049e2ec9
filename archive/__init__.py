"""credit's library: the archive, the enterprise register and the rules.

Admin scripts use the same functions the command line calls, e.g.::

    from archive.store import Archive
    from archive import enterprises
    archive = Archive.open("/srv/credit")
    for record in enterprises.list_enterprises(archive, industry="危险化学品"):
        ...
"""


def __getattr__(name: str) -> str:
    # Read lazily: importlib.metadata costs ~20 ms that `credit --help` should not pay.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("credit")
        except PackageNotFoundError:  # a source tree that is not installed
            return "0.0.0+unknown"
    raise AttributeError(name)
