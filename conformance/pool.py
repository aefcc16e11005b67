"""Targets by catalog name, created (and reference servers started) on first use."""

from __future__ import annotations

import os

from .engine.inprocess import load_app
from .engine.record import Observation
from .engine.target import Target
from .engine.transport import Budget, Pacer, Transport
from .options import Settings


class TargetPool:
    def __init__(self, conf: Settings):
        self.conf = conf
        self.pacer = Pacer(conf.worker_rps, conf.ledger)
        self.budget = Budget(conf.worker_requests, conf.ledger)
        self.targets: dict[str, Target] = {}
        self.servers: list = []
        self._app = None

    def app(self):
        """The ``--app`` application, imported once."""
        if self._app is None and self.conf.app:
            self._app = load_app(self.conf.app)
        return self._app

    def transport(self) -> Transport:
        return Transport(timeout=self.conf.timeout, max_body=self.conf.max_body, pacer=self.pacer, budget=self.budget,
                         app=self.app())

    def get(self, name: str) -> Target:
        if name not in self.targets:
            catalog = self.conf.catalogs[name]
            if not self.conf.embedded:
                credentials = {
                    key: os.environ[spec.env] for key, spec in catalog.auth.credentials.items() if os.environ.get(spec.env)
                }
                if self.conf.api_key:
                    credentials["primary"] = self.conf.api_key
                target = Target(catalog, self.conf.target_url, credentials, self.transport(), strict_planned=self.conf.strict_planned,
                                strict_should=self.conf.strict_should)
            else:
                from . import reference

                server = reference.start(name)
                self.servers.append(server)
                target = Target(
                    catalog,
                    server.url,
                    dict(reference.credentials(name)),
                    self.transport(),
                    strict_planned=self.conf.strict_planned,
                    strict_should=self.conf.strict_should,
                    embedded=True,
                    mint_key=lambda name=name: reference.mint_key(name),
                )
            self.targets[name] = target
        return self.targets[name]

    def close(self) -> None:
        for target in self.targets.values():
            target.transport.close()
        for server in self.servers:
            server.stop()

    def observations(self) -> list[Observation]:
        return [obs for target in self.targets.values() for obs in target.recorder.observations]
