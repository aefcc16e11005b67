"""Flireo's route table (seed 001). Routes name handlers of :class:`~.app.Flireo`."""
from __future__ import annotations

from .._machinery import Operation
from .codes import BASE, COUNTRIES, E164, PROVIDERS, VOICES


def operations(api) -> list[Operation]:
    S = {"type": "string"}
    e164 = {"type": "string", "pattern": E164.pattern}
    call = {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}, "to": S, "from": S,
                                             "status": {"type": "string", "enum": ["in-progress", "completed"]}}}
    number = {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"},
                                               "phone_number": S, "country": S}}
    listing = lambda item: {"type": "object", "properties": {"data": {"type": "array", "items": item}}}  # noqa: E731
    call_req = {"type": "object", "required": ["to", "from"],
                "properties": {"to": e164, "from": e164,
                               "webhook_url": {"type": "string", "format": "uri", "pattern": "^https://"},
                               "timeout": {"type": "integer", "minimum": 5, "maximum": 120}}}
    speak_req = {"type": "object", "required": ["text"],
                 "properties": {"text": {"type": "string", "minLength": 1, "maxLength": 3000},
                                "voice": {"type": "string", "enum": list(VOICES)}}}
    play_req = {"type": "object", "required": ["url"],
                "properties": {"url": {"type": "string", "format": "uri", "pattern": "^https://"},
                               "loop": {"type": "integer", "minimum": 1, "maximum": 10}}}
    number_req = {"type": "object",
                  "properties": {"phone_number": e164, "country": {"type": "string", "enum": list(COUNTRIES)}}}
    byok_req = {"type": "object", "required": ["provider", "api_key"],
                "properties": {"provider": {"type": "string", "enum": list(PROVIDERS)},
                               "api_key": {"type": "string"}}}
    control = (400, 404, 422)
    return [
        Operation("GET", f"{BASE}/calls", api.list_calls, "listCalls", "List calls",
                  response_schema=listing(call)),
        Operation("POST", f"{BASE}/calls", api.create_call, "createCall", "Start an outbound call",
                  request_schema=call_req, response_schema=call, success_status=201, errors=(402, 422)),
        Operation("POST", f"{BASE}/calls/{{id}}/hangup", api.hangup, "hangupCall", "Hang up a call",
                  response_schema=call, errors=control),
        Operation("POST", f"{BASE}/calls/{{id}}/speak", api.speak, "speakCall", "Speak text on a call",
                  request_schema=speak_req, response_schema=call, errors=control),
        Operation("POST", f"{BASE}/calls/{{id}}/play", api.play, "playCall", "Play audio on a call",
                  request_schema=play_req, response_schema=call, errors=control),
        Operation("GET", f"{BASE}/calls/{{id:rest}}", api.get_call, "getCall", "Get a call",
                  response_schema=call, errors=(400, 404)),
        Operation("GET", f"{BASE}/phone-numbers", api.list_numbers, "listPhoneNumbers",
                  "List phone numbers", response_schema=listing(number)),
        Operation("POST", f"{BASE}/phone-numbers", api.buy_number, "purchasePhoneNumber",
                  "Buy a phone number", request_schema=number_req, response_schema=number,
                  success_status=201, errors=(402, 409)),
        Operation("GET", f"{BASE}/phone-numbers/{{id:rest}}", api.get_number, "getPhoneNumber",
                  "Get a phone number", response_schema=number, errors=(400, 404)),
        Operation("DELETE", f"{BASE}/phone-numbers/{{id:rest}}", api.release_number,
                  "releasePhoneNumber", "Release a phone number", success_status=204, errors=(400, 404)),
        Operation("GET", f"{BASE}/byok", api.list_keys, "listProviderKeys", "List BYOK provider keys",
                  response_schema=listing({"type": "object"})),
        Operation("POST", f"{BASE}/byok", api.set_key, "setProviderKey", "Store a BYOK provider key",
                  request_schema=byok_req, response_schema={"type": "object"}, success_status=201,
                  errors=(422,)),
        Operation("DELETE", f"{BASE}/byok/{{provider}}", api.delete_key, "deleteProviderKey",
                  "Delete a BYOK provider key", success_status=204, errors=(404,)),
        Operation("GET", f"{BASE}/balance", api.balance, "getBalance", "Credit balance",
                  response_schema={"type": "object", "properties": {"credits": {"type": "integer"}}}),
    ]
