# The conformance plugin lives in conformance/plugin.py; this file only loads it.
pytest_plugins = ["conformance.plugin"]
