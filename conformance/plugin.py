"""pytest plugin: placeholder until the suites land (issue 5)."""
