"""Flireo's handlers (calls and call control, phone numbers, BYOK keys, balance), a mixin of the
API class (seed 001)."""
from __future__ import annotations

import random

import phonenumbers
from starlette.responses import Response

from .._machinery import Ctx, uuid4
from .checks import (CALLS, check_e164, check_https_url, check_int, check_string, check_uuid,
                     dialable, error, invalid, missing, now_iso, require)
from .codes import CONTROL_LIMIT, COUNTRIES, NUMBER_PRICE, PROVIDER_KEY, PROVIDERS, VOICES


class Handlers:
    """The operation handlers; mixed into :class:`~.app.Flireo`, whose routes name them."""

    # ---- calls ----
    async def list_calls(self, ctx: Ctx):
        return ctx.ok({"data": ctx.store.list(ctx.tenant, "call")})

    async def create_call(self, ctx: Ctx):
        body = await ctx.json()
        if not ctx.skip_validation:
            to = require(body, "to")
            from_ = require(body, "from")
            check_e164("to", to)
            check_e164("from", from_)
            if "webhook_url" in body:
                check_https_url("webhook_url", body["webhook_url"])
            if "timeout" in body:
                check_int("timeout", body["timeout"], 5, 120)
            if not dialable(to):
                raise error("invalid_destination", 422, f"Invalid destination number: {to} cannot be dialed", "to")
        if self._credits(ctx) <= 0:
            raise error("payment_required", 402, "Payment required: add credits to make outbound calls")
        call = {"id": uuid4(), "to": body.get("to"), "from": body.get("from"), "direction": "outbound",
                "status": CALLS.initial, "webhook_url": body.get("webhook_url"),
                "timeout": body.get("timeout", 30), "created_at": now_iso(), "ended_at": None}
        ctx.store.put(ctx.tenant, "call", call["id"], call)
        return ctx.ok(call, 201)

    def _find_call(self, ctx: Ctx) -> dict:
        cid = check_uuid(ctx.path_params["id"])
        call = ctx.store.get(ctx.tenant, "call", cid)
        if call is None:
            raise error("call_not_found", 404, f"Call not found: {cid}", "id")
        return call

    async def get_call(self, ctx: Ctx):
        return ctx.ok(self._find_call(ctx))

    async def _control(self, ctx: Ctx, call: dict) -> None:
        """State check and the per-call command budget (10 per minute)."""
        if call["status"] != "in-progress":
            raise error("call_not_active", 422, f"Call is not in-progress (status: {call['status']})")
        decision = self._extra(ctx)["control"].hit(call["id"])
        if not decision.allowed:
            raise error("call_control_limit", 429,
                        f"Too many call control commands: limit is {CONTROL_LIMIT} per minute per call", headers={
                            "Retry-After": str(decision.retry_after), "X-RateLimit-Limit": str(decision.limit),
                            "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(decision.reset_at)})

    async def _optional_body(self, ctx: Ctx) -> dict:
        raw = await ctx.request.body()
        return await ctx.json() if raw.strip() else {}

    async def hangup(self, ctx: Ctx):
        call = self._find_call(ctx)
        await self._optional_body(ctx)
        await self._control(ctx, call)

        def end(c: dict) -> None:
            CALLS.transition(c, "completed", lambda cur, tgt: error(
                "call_not_active", 422, f"Call is not in-progress (status: {cur})"))
            c["ended_at"] = now_iso()
        return ctx.ok(ctx.store.update(ctx.tenant, "call", call["id"], end))

    async def speak(self, ctx: Ctx):
        call = self._find_call(ctx)
        body = await ctx.json()
        check_string("text", require(body, "text"), max_len=3000)
        if "voice" in body and body["voice"] not in VOICES:
            raise invalid("voice", f"Field 'voice' must be one of: {', '.join(VOICES)}")
        await self._control(ctx, call)
        return ctx.ok(call)

    async def play(self, ctx: Ctx):
        call = self._find_call(ctx)
        body = await ctx.json()
        check_https_url("url", require(body, "url"))
        if "loop" in body:
            check_int("loop", body["loop"], 1, 10)
        await self._control(ctx, call)
        return ctx.ok(call)

    # ---- phone numbers ----
    async def list_numbers(self, ctx: Ctx):
        return ctx.ok({"data": ctx.store.list(ctx.tenant, "number")})

    def _allocate(self, numbers: dict, country: str) -> str:
        example = phonenumbers.example_number_for_type(country, phonenumbers.PhoneNumberType.MOBILE)
        national = str(example.national_number)
        rng = random.SystemRandom()
        for _ in range(200):
            tail = "".join(rng.choice("0123456789") for _ in range(6))
            candidate = f"+{example.country_code}{national[:-6]}{tail}"
            if candidate not in numbers and dialable(candidate):
                return candidate
        raise error("conflict", 409, f"No free numbers left in {country}", "country")

    async def buy_number(self, ctx: Ctx):
        body = await ctx.json()
        wanted = body.get("phone_number")
        if "phone_number" in body:
            check_e164("phone_number", wanted)
            if not dialable(wanted):
                raise error("invalid_phone_number", 400, f"Phone number format invalid: {wanted} is not a number",
                            "phone_number")
        elif "country" in body:
            if body["country"] not in COUNTRIES:
                raise invalid("country", f"Field 'country' must be one of: {', '.join(COUNTRIES)}")
        else:
            raise missing("phone_number")
        extra = self._extra(ctx)
        credits = self._credits(ctx)
        with extra["lock"]:
            numbers = extra["numbers"]
            if wanted is not None and wanted in numbers:
                owner, _ = numbers[wanted]
                if owner == ctx.tenant:
                    raise error("already_exists", 409, f"Resource already exists: {wanted} is already registered "
                                                       "on your account", "phone_number")
                raise error("conflict", 409, f"Resource conflict: {wanted} is used by another account",
                            "phone_number")
            if credits < NUMBER_PRICE:
                raise error("insufficient_credits", 402, "Insufficient credits balance")
            if wanted is None:
                wanted = self._allocate(numbers, body["country"])
            nid = uuid4()
            numbers[wanted] = (ctx.tenant, nid)
            extra["credits"][ctx.tenant] = credits - NUMBER_PRICE
        region = phonenumbers.region_code_for_number(phonenumbers.parse(wanted, None))
        record = {"id": nid, "phone_number": wanted, "country": region, "status": "active",
                  "created_at": now_iso()}
        ctx.store.put(ctx.tenant, "number", nid, record)
        return ctx.ok(record, 201)

    def _find_number(self, ctx: Ctx) -> dict:
        nid = check_uuid(ctx.path_params["id"])
        record = ctx.store.get(ctx.tenant, "number", nid)
        if record is None:
            raise error("not_found", 404, f"Resource not found: phone number {nid}", "id")
        return record

    async def get_number(self, ctx: Ctx):
        return ctx.ok(self._find_number(ctx))

    async def release_number(self, ctx: Ctx):
        record = self._find_number(ctx)
        extra = self._extra(ctx)
        with extra["lock"]:
            extra["numbers"].pop(record["phone_number"], None)
        ctx.store.delete(ctx.tenant, "number", record["id"])
        return Response(status_code=204)

    # ---- BYOK ----
    async def list_keys(self, ctx: Ctx):
        return ctx.ok({"data": ctx.store.list(ctx.tenant, "byok")})

    async def set_key(self, ctx: Ctx):
        body = await ctx.json()
        provider = require(body, "provider")
        if provider not in PROVIDERS:
            raise invalid("provider", f"Field 'provider' must be one of: {', '.join(PROVIDERS)}")
        key = check_string("api_key", require(body, "api_key"), max_len=4096)
        if not PROVIDER_KEY.fullmatch(key):  # sandbox simulation of the provider's key check
            raise error("invalid_api_key", 422, f"BYOK API key invalid: {provider} rejected the key", "api_key")
        record = {"provider": provider, "key_last4": key[-4:], "status": "active", "created_at": now_iso()}
        ctx.store.put(ctx.tenant, "byok", provider, record)
        return ctx.ok(record, 201)

    async def delete_key(self, ctx: Ctx):
        provider = ctx.path_params["provider"]
        if not ctx.store.delete(ctx.tenant, "byok", provider):
            raise error("not_found", 404, f"Resource not found: no key stored for provider {provider!r}", "provider")
        return Response(status_code=204)

    async def balance(self, ctx: Ctx):
        return ctx.ok({"credits": self._credits(ctx)})
