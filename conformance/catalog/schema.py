"""The JSON Schema of the catalog format, generated from the model.

Editors use the committed copy (``catalogs/catalog.schema.json``) through the
yaml-language-server modeline at the top of each catalog; ``python -m conformance schema``
rewrites it, and a test fails when the copy and the model disagree.
"""

from __future__ import annotations

import json
from pathlib import Path

from .loader import BUILTIN_DIR
from .model import Catalog

SCHEMA_PATH = BUILTIN_DIR / "catalog.schema.json"
SCHEMA_ID = "https://error-contract-conformance.invalid/catalog.schema.json"


def catalog_schema() -> dict:
    schema = Catalog.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def render() -> str:
    return json.dumps(catalog_schema(), indent=2, sort_keys=True) + "\n"


def write(path: Path = SCHEMA_PATH) -> Path:
    path.write_text(render(), encoding="utf-8")
    return path
