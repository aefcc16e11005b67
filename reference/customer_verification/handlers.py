"""The Customer Verification handlers (customers, documents, verifications), a mixin of the API
class (seed 003)."""
from __future__ import annotations

import asyncio
from typing import Any

from .._machinery import Ctx, prefixed
from .checks import bad_format, check_document, error, not_found, now_iso, raw_id, required, validate_customer
from .codes import BASE, CONFLICT, DOCUMENT_TYPES, DUPLICATE, IDENTITY_DOCUMENTS, IMMUTABLE, VERIFICATION_FAILED


class Handlers:
    """The operation handlers; mixed into :class:`~.app.CustomerVerification`, whose routes name them."""

    # ---- helpers ----
    def _customer(self, ctx: Ctx, rid: str | None = None) -> dict:
        rid = ctx.path_params["id"] if rid is None else rid
        found = ctx.store.get(ctx.tenant, "customer", rid)
        if found is None:
            raise not_found("Customer", rid)
        return found

    @staticmethod
    def _modifiable(customer: dict) -> None:
        if customer["status"] == "UNDER_REVIEW":
            raise error(CONFLICT, 409, "Customer is in UNDER_REVIEW state and cannot be modified",
                        "Wait for verification to complete before updating")

    def _email_taken(self, ctx: Ctx, email: Any, except_id: str | None = None) -> None:
        if not isinstance(email, str):
            return
        low = email.lower()
        if ctx.store.list(ctx.tenant, "customer",
                          lambda c: isinstance(c.get("email"), str) and c["email"].lower() == low
                          and c["id"] != except_id):
            raise error(DUPLICATE, 409, "Customer already exists", f"Customer with email '{email}' already exists")

    # ---- handlers ----
    async def list_customers(self, ctx: Ctx):
        return ctx.ok({"data": ctx.store.list(ctx.tenant, "customer")})

    async def create_customer(self, ctx: Ctx):
        body = await ctx.json()
        if not ctx.skip_validation:
            validate_customer(body, partial=False)
        if ctx.request.headers.get("idempotency-key"):
            await asyncio.sleep(0.15)  # in flight long enough for a concurrent retry to see the key in use
        self._email_taken(ctx, body.get("email"))
        fields = ("firstName", "lastName", "email", "dateOfBirth", "phoneNumber", "country", "postalCode")
        customer = {"id": prefixed("cus"), **{f: body[f] for f in fields if f in body}, "status": "PENDING",
                    "createdAt": now_iso(), "updatedAt": now_iso()}
        ctx.store.put(ctx.tenant, "customer", customer["id"], customer)
        return ctx.ok(customer, 201)

    async def get_customer(self, ctx: Ctx):
        return ctx.ok(self._customer(ctx, raw_id(ctx, f"{BASE}/customers/")))

    async def update_customer(self, ctx: Ctx):
        customer = self._customer(ctx)
        body = await ctx.json()
        self._modifiable(customer)
        for field in IMMUTABLE:
            if field in body:
                raise error(CONFLICT, 409, f"Field '{field}' cannot be modified",
                            f"'{field}' is immutable", field)
        merged = {**customer, **{k: v for k, v in body.items() if k in (
            "firstName", "lastName", "email", "dateOfBirth", "phoneNumber", "country", "postalCode")}}
        payload = dict(body)
        if "postalCode" in body and "country" not in body and customer.get("country"):
            payload["country"] = customer["country"]
        validate_customer(payload, partial=True)
        if "email" in body:
            self._email_taken(ctx, body["email"], except_id=customer["id"])

        def apply(c: dict) -> None:
            self._modifiable(c)
            c.update({k: merged[k] for k in merged if k not in IMMUTABLE})
            c["updatedAt"] = now_iso()
        return ctx.ok(ctx.store.update(ctx.tenant, "customer", customer["id"], apply))

    async def upload_document(self, ctx: Ctx):
        customer = self._customer(ctx)
        body = await ctx.json()
        for field in ("documentType", "content"):
            if field not in body:
                raise required(field)
        if body["documentType"] not in DOCUMENT_TYPES:
            raise bad_format("documentType", f"Field 'documentType' must be one of: {', '.join(DOCUMENT_TYPES)}")
        if "fileName" in body and (not isinstance(body["fileName"], str) or not 1 <= len(body["fileName"]) <= 255):
            raise bad_format("fileName", "Field 'fileName' must be 1 to 255 characters")
        self._modifiable(customer)
        media, size = check_document(body["content"])
        doc = {"id": prefixed("doc"), "customerId": customer["id"], "documentType": body["documentType"],
               "fileName": body.get("fileName"), "mediaType": media, "size": size, "createdAt": now_iso()}
        ctx.store.put(ctx.tenant, "document", doc["id"], doc)
        return ctx.ok(doc, 201)

    async def list_documents(self, ctx: Ctx):
        customer = self._customer(ctx)
        return ctx.ok({"data": ctx.store.list(ctx.tenant, "document", lambda d: d["customerId"] == customer["id"])})

    async def submit_verification(self, ctx: Ctx):
        customer = self._customer(ctx)
        raw = await ctx.request.body()
        if raw.strip():
            await ctx.json()
        self._modifiable(customer)
        docs = ctx.store.list(ctx.tenant, "document", lambda d: d["customerId"] == customer["id"]
                              and d["documentType"] in IDENTITY_DOCUMENTS)
        if not docs:
            raise error(VERIFICATION_FAILED, 422, "Verification failed",
                        "Identity document could not be verified: no PASSPORT, ID_CARD or DRIVERS_LICENSE "
                        "has been uploaded")

        def submit(c: dict) -> None:
            self._modifiable(c)
            c["status"] = "UNDER_REVIEW"
            c["updatedAt"] = now_iso()
        return ctx.ok(ctx.store.update(ctx.tenant, "customer", customer["id"], submit))
