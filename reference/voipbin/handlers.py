"""VoIPbin's handlers (auth, calls, groupcalls, flows, activeflows, numbers, billing, access keys),
a mixin of the API class. Managers fail with ``LegacyError`` strings; :meth:`~.app.Voipbin._run`
translates them as the api-manager does (seed 002)."""
from __future__ import annotations

import secrets
import time
import uuid

from .._machinery import Ctx, uuid4
from .checks import (check_actions, check_address, listing, optional_id, optional_int, path_id,
                     require_str)
from .codes import _E164, NUMBER_PRICE, LegacyError, err, invalid_argument
from .tokens import _FIXTURE_CLAIMS, LOGIN, now_iso, sign


class Handlers:
    """The operation handlers; mixed into :class:`~.app.Voipbin`, whose routes name them."""

    # ---- generic resources ----
    def _get(self, ctx: Ctx, kind: str, rid: str) -> dict:
        found = ctx.store.get(ctx.tenant, kind, rid)
        if found is None or found.get("tm_delete"):
            raise LegacyError(f"{kind} not found")
        return found

    def _public(self, kind: str, value: dict) -> dict:
        if kind == "accesskey":
            value = {k: v for k, v in value.items() if k != "token"}
        return value

    def lister(self, kind: str):
        async def handler(ctx: Ctx):
            items = ctx.store.list(ctx.tenant, kind, lambda v: not v.get("tm_delete"))
            return ctx.ok(listing([self._public(kind, v) for v in items]))
        return handler

    def getter(self, kind: str):
        async def handler(ctx: Ctx):
            return ctx.ok(self._public(kind, self._get(ctx, kind, path_id(ctx))))
        return handler

    def deleter(self, kind: str):
        async def handler(ctx: Ctx):
            rid = path_id(ctx)
            self._get(ctx, kind, rid)
            stamp = now_iso()
            updated = ctx.store.update(ctx.tenant, kind, rid, lambda v: v.update(tm_delete=stamp))
            return ctx.ok(self._public(kind, updated))
        return handler

    def creator(self, kind: str):
        async def handler(ctx: Ctx):
            body = await ctx.json()
            for name in ("name", "detail"):
                require_str(body, name, required=False)
            if kind == "provider" and body.get("type", "sip") != "sip":
                raise invalid_argument("type must be 'sip'.")
            if kind == "route":
                optional_id(body, "provider_id")
                optional_id(body, "customer_id")
                optional_int(body, "priority")
            resource = {"id": uuid4(), "customer_id": ctx.tenant, **{k: v for k, v in body.items() if k != "id"},
                        "tm_create": now_iso()}
            ctx.store.put(ctx.tenant, kind, resource["id"], resource)
            return ctx.ok(resource)
        return handler

    # ---- auth ----
    async def login(self, ctx: Ctx):
        body = await ctx.json()
        username = require_str(body, "username")
        password = require_str(body, "password")
        if (username, password) != (LOGIN["username"], LOGIN["password"]):
            raise err("INVALID_CREDENTIALS", 401, "The provided credentials are invalid.")
        claims = dict(_FIXTURE_CLAIMS["primary"], iat=int(time.time()), exp=int(time.time()) + 7 * 86400)
        return ctx.ok({"username": username, "token": sign(claims)})

    async def unregister(self, ctx: Ctx):
        body = await ctx.json()
        password = require_str(body, "password", required=False)
        phrase = require_str(body, "confirmation_phrase", required=False)
        if (password is None) == (phrase is None):
            raise invalid_argument("Exactly one of password or confirmation_phrase must be provided.")
        if phrase is not None and phrase != "DELETE":
            raise invalid_argument('confirmation_phrase must be exactly "DELETE".')
        if password is not None and not password:
            raise invalid_argument("password must not be empty.")
        scheduled = now_iso()
        ctx.state.extra.setdefault("frozen", {})[ctx.tenant] = {
            "deletion_scheduled_at": scheduled, "deletion_effective_at": now_iso(30 * 86400)}
        return ctx.ok({"id": ctx.tenant, "status": "frozen", "tm_deletion_scheduled": scheduled})

    async def unregister_cancel(self, ctx: Ctx):
        frozen = ctx.state.extra.setdefault("frozen", {})
        current = frozen.get(ctx.tenant)
        is_frozen = bool(current) or (current is None and ctx.principal.attrs.get("status") == "frozen")
        if not is_frozen:
            raise LegacyError("account is not frozen: already active")
        frozen[ctx.tenant] = {}  # recovered: an empty entry overrides a frozen fixture's claims
        return ctx.ok({"id": ctx.tenant, "status": "active"})

    # ---- calls ----
    def _call_body(self, ctx: Ctx, body: dict) -> tuple[str | None, list, dict, list]:
        flow_id = optional_id(body, "flow_id")
        actions = check_actions(body.get("actions"), required=flow_id is None)
        if flow_id is None and not actions:
            raise invalid_argument("Provide either flow_id or a non-empty actions array.")
        source = check_address(body.get("source"), "source")
        destinations = body.get("destinations")
        if not isinstance(destinations, list) or not destinations:
            raise invalid_argument("destinations must be a non-empty array of addresses.")
        for index, destination in enumerate(destinations):
            check_address(destination, f"destinations[{index}]")
        if body.get("anonymous") not in (None, "yes", "no", "auto"):
            raise invalid_argument("anonymous must be one of yes, no, auto.")
        if flow_id is not None:
            self._get(ctx, "flow", flow_id)
        return flow_id, actions, source, destinations

    def _new_call(self, ctx: Ctx, flow_id: str | None, source: dict, destination: dict,
                  groupcall_id: str | None = None) -> dict:
        call = {"id": uuid4(), "customer_id": ctx.tenant, "flow_id": flow_id or uuid4(),
                "activeflow_id": uuid4(), "type": "flow", "source": source, "destination": destination,
                "status": "progressing", "direction": "outgoing", "recording_id": None, "recording_ids": [],
                "groupcall_id": groupcall_id, "hangup_by": "", "hangup_reason": "", "tm_create": now_iso()}
        ctx.store.put(ctx.tenant, "call", call["id"], call)
        return call

    async def list_calls(self, ctx: Ctx):
        return ctx.ok(listing(ctx.store.list(ctx.tenant, "call", lambda v: not v.get("tm_delete"))))

    async def create_call(self, ctx: Ctx):
        body = await ctx.json()
        flow_id, _actions, source, destinations = self._call_body(ctx, body)
        calls = [self._new_call(ctx, flow_id, source, d) for d in destinations]
        return ctx.ok({"calls": calls, "groupcalls": []})

    async def get_call(self, ctx: Ctx):
        return ctx.ok(self._get(ctx, "call", path_id(ctx)))

    async def delete_call(self, ctx: Ctx):
        rid = path_id(ctx)
        self._get(ctx, "call", rid)
        stamp = now_iso()

        def delete(call: dict) -> None:
            call.update(status="hangup", recording_id=None, tm_delete=stamp)
        return ctx.ok(ctx.store.update(ctx.tenant, "call", rid, delete))

    def _stop_recording(self, ctx: Ctx, recording_id: str | None) -> None:
        if recording_id:
            ctx.store.update(ctx.tenant, "recording", recording_id,
                             lambda r: r.update(status="ended", tm_end=now_iso()))

    async def hangup_call(self, ctx: Ctx):
        rid = path_id(ctx)
        self._get(ctx, "call", rid)
        stopped: list[str] = []

        def hangup(call: dict) -> None:
            if call["status"] == "hangup":
                raise LegacyError("call already hangup")
            if call.get("recording_id"):
                stopped.append(call["recording_id"])
            call.update(status="hangup", hangup_by="local", hangup_reason="normal", recording_id=None,
                        tm_hangup=now_iso())
        updated = ctx.store.update(ctx.tenant, "call", rid, hangup)
        for recording_id in stopped:
            self._stop_recording(ctx, recording_id)
        return ctx.ok(updated)

    async def recording_start(self, ctx: Ctx):
        rid = path_id(ctx)
        body = await ctx.json()
        if body.get("format") != "wav":
            raise invalid_argument("format is required and must be 'wav'.")
        for name in ("end_of_silence", "duration"):
            if name not in body:
                raise invalid_argument(f"{name} is required.")
            optional_int(body, name)
        require_str(body, "end_of_key")
        if "on_end_flow_id" not in body:
            raise invalid_argument("on_end_flow_id is required.")
        on_end = optional_id(body, "on_end_flow_id")
        self._get(ctx, "call", rid)
        recording = {"id": uuid4(), "customer_id": ctx.tenant, "reference_type": "call", "reference_id": rid,
                     "status": "recording", "format": "wav", "on_end_flow_id": on_end, "tm_start": now_iso()}

        def start(call: dict) -> None:
            if call["status"] == "hangup":
                raise LegacyError("call already hangup")
            if call.get("recording_id"):
                raise LegacyError("recording already active")
            call["recording_id"] = recording["id"]
            call["recording_ids"] = call.get("recording_ids", []) + [recording["id"]]
        updated = ctx.store.update(ctx.tenant, "call", rid, start)
        ctx.store.put(ctx.tenant, "recording", recording["id"], recording)
        return ctx.ok(updated)

    async def recording_stop(self, ctx: Ctx):
        rid = path_id(ctx)
        self._get(ctx, "call", rid)
        stopped: list[str] = []

        def stop(call: dict) -> None:
            if call["status"] == "hangup":
                raise LegacyError("call already hangup")
            if not call.get("recording_id"):
                raise LegacyError("recording not active")
            stopped.append(call["recording_id"])
            call["recording_id"] = None
        updated = ctx.store.update(ctx.tenant, "call", rid, stop)
        for recording_id in stopped:
            self._stop_recording(ctx, recording_id)
        return ctx.ok(updated)

    # ---- groupcalls ----
    async def create_groupcall(self, ctx: Ctx):
        body = await ctx.json()
        flow_id, _actions, source, destinations = self._call_body(ctx, body)
        gid = uuid4()
        calls = [self._new_call(ctx, flow_id, source, d, gid) for d in destinations]
        groupcall = {"id": gid, "customer_id": ctx.tenant, "flow_id": flow_id, "source": source,
                     "destinations": destinations, "status": "progressing",
                     "call_ids": [c["id"] for c in calls], "tm_create": now_iso()}
        ctx.store.put(ctx.tenant, "groupcall", gid, groupcall)
        return ctx.ok(groupcall)

    async def hangup_groupcall(self, ctx: Ctx):
        rid = path_id(ctx)
        self._get(ctx, "groupcall", rid)

        def hangup(groupcall: dict) -> None:
            if groupcall["status"] == "hangup":
                raise LegacyError("groupcall already hangup")
            groupcall["status"] = "hangup"
        return ctx.ok(ctx.store.update(ctx.tenant, "groupcall", rid, hangup))

    # ---- flows, activeflows ----
    async def create_flow(self, ctx: Ctx):
        body = await ctx.json()
        name = require_str(body, "name")
        detail = require_str(body, "detail")
        actions = check_actions(body.get("actions"), required=True)
        on_complete = optional_id(body, "on_complete_flow_id")
        flow = {"id": uuid4(), "customer_id": ctx.tenant, "type": "flow", "name": name, "detail": detail,
                "actions": actions, "on_complete_flow_id": on_complete, "tm_create": now_iso()}
        ctx.store.put(ctx.tenant, "flow", flow["id"], flow)
        return ctx.ok(flow)

    async def create_activeflow(self, ctx: Ctx):
        body = await ctx.json()
        aid = optional_id(body, "id") or uuid4()
        flow_id = optional_id(body, "flow_id")
        actions = check_actions(body.get("actions"), required=flow_id is None)
        if flow_id is None and not actions:
            raise invalid_argument("Provide either flow_id or a non-empty actions array.")
        if flow_id is not None:
            actions = self._get(ctx, "flow", flow_id)["actions"]
        activeflow = {"id": aid, "customer_id": ctx.tenant, "flow_id": flow_id or uuid4(), "status": "running",
                      "actions": actions, "tm_create": now_iso()}
        ctx.store.put(ctx.tenant, "activeflow", aid, activeflow)
        return ctx.ok(activeflow)

    async def stop_activeflow(self, ctx: Ctx):
        rid = path_id(ctx)
        self._get(ctx, "activeflow", rid)

        def stop(activeflow: dict) -> None:
            if activeflow["status"] != "ended":  # idempotent in production today (seed): no error
                activeflow.update(status="ended", tm_end=now_iso())
        return ctx.ok(ctx.store.update(ctx.tenant, "activeflow", rid, stop))

    # ---- numbers, billing ----
    async def create_number(self, ctx: Ctx):
        body = await ctx.json()
        claims = ctx.principal.attrs
        ntype = body.get("type")
        if ntype is None or ntype == "":  # Go's zero value: unset, the documented default
            ntype = "normal"
        if not ctx.skip_validation:
            number = require_str(body, "number")
            if not _E164.fullmatch(number):
                raise invalid_argument("number must be an E.164 phone number, e.g. +14155551234.")
            if ntype not in NUMBER_PRICE:
                raise invalid_argument("type must be one of normal, virtual.")
            for name in ("call_flow_id", "message_flow_id"):
                if name not in body:
                    raise invalid_argument(f"{name} is required.")
                optional_id(body, name)
            require_str(body, "name")
            require_str(body, "detail")
        price = NUMBER_PRICE.get(ntype, NUMBER_PRICE["normal"])
        if ntype != "virtual" and claims.get("identity_verification_status") != "verified":
            raise LegacyError("identity verification required")
        if float(claims.get("balance", 0)) < price:
            raise LegacyError("insufficient balance")
        number = {"id": uuid4(), "customer_id": ctx.tenant, "number": body.get("number"), "type": ntype,
                  "call_flow_id": body.get("call_flow_id"), "message_flow_id": body.get("message_flow_id"),
                  "name": body.get("name"), "detail": body.get("detail"), "status": "active",
                  "tm_purchase": now_iso(), "tm_create": now_iso()}
        ctx.store.put(ctx.tenant, "number", number["id"], number)
        return ctx.ok(number)

    def _billing_account(self, ctx: Ctx) -> dict:
        claims = ctx.principal.attrs
        return {"id": str(uuid.uuid5(uuid.NAMESPACE_OID, ctx.tenant)), "customer_id": ctx.tenant,
                "name": "default", "balance": float(claims.get("balance", 0)), "status": "active"}

    async def list_billing_accounts(self, ctx: Ctx):
        return ctx.ok(listing([self._billing_account(ctx)]))

    async def get_billing_account(self, ctx: Ctx):
        rid = path_id(ctx)
        account = self._billing_account(ctx)
        if rid != account["id"]:
            raise LegacyError("billing account not found")
        return ctx.ok(account)

    # ---- access keys ----
    async def create_accesskey(self, ctx: Ctx):
        body = await ctx.json()
        name = require_str(body, "name", required=False) or ""
        detail = require_str(body, "detail", required=False) or ""
        expire = optional_int(body, "expire")
        seconds = expire if expire else 365 * 86400
        token = "vb_" + secrets.token_urlsafe(24)
        key = {"id": uuid4(), "customer_id": ctx.tenant, "name": name, "detail": detail, "token": token,
               "token_prefix": token[:11], "tm_expire": now_iso(seconds), "tm_create": now_iso()}
        ctx.store.put(ctx.tenant, "accesskey", key["id"], key)
        claims = {k: v for k, v in ctx.principal.attrs.items() if k not in ("via", "token")}
        ctx.state.extra.setdefault("accesskeys", {})[token] = {
            "id": key["id"], "claims": claims, "expire_at": time.time() + seconds, "deleted": False}
        return ctx.ok(key)

    async def delete_accesskey(self, ctx: Ctx):
        rid = path_id(ctx)
        key = self._get(ctx, "accesskey", rid)
        entry = ctx.state.extra.setdefault("accesskeys", {}).get(key["token"])
        if entry is not None:
            entry["deleted"] = True
        stamp = now_iso()
        updated = ctx.store.update(ctx.tenant, "accesskey", rid, lambda v: v.update(tm_delete=stamp))
        return ctx.ok(self._public("accesskey", updated))
