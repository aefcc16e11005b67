# The conformance plugin lives in conformance/; this file only loads it.
pytest_plugins = ["conformance.plugin", "conformance.report.plugin"]
