"""OpenAPI integration: schemathesis checks and catalog-vs-spec consistency."""
