"""credit's library: the archive, the enterprise register and the rules.

Admin scripts use the same functions the command line calls, e.g.::

    from archive.store import Archive
    from archive import enterprises
    archive = Archive.open("/srv/credit")
    for record in enterprises.list_enterprises(archive, industry="危险化学品"):
        ...
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("credit")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"
