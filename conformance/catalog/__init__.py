"""The catalog layer: model, loader with positions, semantic lint, append-only diff."""

from .diff import CatalogDiff, diff_catalogs
from .loader import builtin_names, load_catalog, parse, resolve
from .model import Catalog, Envelope, ErrorEntry, Locator, Probe, Step, Vary
from .problems import CatalogError, Problem

__all__ = [
    "Catalog",
    "CatalogDiff",
    "CatalogError",
    "Envelope",
    "ErrorEntry",
    "Locator",
    "Probe",
    "Problem",
    "Step",
    "Vary",
    "builtin_names",
    "diff_catalogs",
    "load_catalog",
    "parse",
    "resolve",
]
