"""Nothing to load here: the conformance plugin is registered by the installed distribution
(entry point ``pytest11``), and pytester, with which the project tests its own plugin, is
enabled by ``addopts`` in pyproject.toml. The suites also run from an installed copy, where
this file does not exist, so nothing the suites need may live here."""
