# The conformance plugin lives in conformance/; this file only loads it (and pytester,
# with which the project tests its own plugin).
pytest_plugins = ["conformance.plugin", "conformance.report.plugin", "pytester"]
