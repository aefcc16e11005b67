"""The append-only rule of a published catalog.

Clients branch on codes, so once a catalog is published a code may be added but never
removed or renamed, and its HTTP status may not change (VoIPbin: "Reason codes are
append-only once published"). Any change to a code's set of statuses is breaking,
since a client may branch on the status. Raising a header rule's level from ``should`` to
``must`` (RFC 2119) is breaking too: an API that conformed now fails.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Catalog


@dataclass
class CatalogDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    status_changed: list[tuple[str, tuple[int | str, ...], tuple[int | str, ...]]] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    level_raised: list[str] = field(default_factory=list)  # header rules now 'must' that were 'should'

    @property
    def breaking(self) -> bool:
        return bool(self.removed or self.status_changed or self.renamed or self.level_raised)

    def lines(self) -> list[str]:
        out = []
        for old, new in self.renamed:
            out.append(f"BREAKING renamed: {old} -> {new}")
        for code in self.removed:
            out.append(f"BREAKING removed: {code}")
        for code, before, after in self.status_changed:
            out.append(f"BREAKING status changed: {code} {_fmt(before)} -> {_fmt(after)}")
        for rule in self.level_raised:
            out.append(f"BREAKING level raised from should to must: {rule}")
        for code in self.added:
            out.append(f"added: {code}")
        return out


def _fmt(statuses: tuple[int, ...]) -> str:
    return "/".join(str(status) for status in statuses)


def diff_catalogs(old: Catalog, new: Catalog) -> CatalogDiff:
    old_codes = {entry.code: entry for entry in old.errors}
    new_codes = {entry.code: entry for entry in new.errors}
    result = CatalogDiff()
    gone = [code for code in old_codes if code not in new_codes]
    fresh = [code for code in new_codes if code not in old_codes]
    # A removed code whose description and status reappear under a new name is a rename:
    # worth naming as such, because the fix (keep the old name) differs from a removal.
    for code in list(gone):
        before = old_codes[code]
        for candidate in fresh:
            after = new_codes[candidate]
            if after.description and after.description == before.description and after.statuses == before.statuses:
                result.renamed.append((code, candidate))
                gone.remove(code)
                fresh.remove(candidate)
                break
    result.removed = gone
    result.added = fresh
    for code, before in old_codes.items():
        after = new_codes.get(code)
        if after is not None and set(after.statuses) != set(before.statuses):
            result.status_changed.append((code, before.status_tokens, after.status_tokens))
    new_rules = _header_rules(new)
    result.level_raised = [where for where, level in _header_rules(old).items()
                           if level == "should" and new_rules.get(where) == "must"]
    return result


def _header_rules(catalog: Catalog) -> dict[str, str]:
    """Each rule's level, by where it sits: ``headers.every_error Retry-After``,
    ``errors[rateLimited] Retry-After``, ``envelopes.default schema``."""
    rules = {f"headers.{place} {_rule(rule)}": rule.level
             for place in ("every_response", "every_error") for rule in getattr(catalog.headers, place)}
    rules.update({f"errors[{entry.code}] {_rule(rule)}": rule.level for entry in catalog.errors for rule in entry.headers})
    rules.update({f"envelopes.{name} schema": envelope.schema_level for name, envelope in catalog.envelopes.items()})
    return rules


def _rule(rule) -> str:
    return rule.name + (f" on {'/'.join(map(str, rule.statuses))}" if rule.statuses else "")
