"""Catalog vs OpenAPI consistency (to be written)."""


def run(catalog: str, spec: str) -> int:
    print("openapi-lint is not implemented yet")
    return 2
