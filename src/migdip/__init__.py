"""migdip: an open toolkit for migration diplomacy."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("migdip")
except PackageNotFoundError:  # a source tree that is not installed
    __version__ = "0.0.0"
