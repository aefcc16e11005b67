"""VoIPbin's route table, from the real OpenAPI document of bin-api-manager (paths and request
bodies). Routes name handlers of :class:`~.app.Voipbin` (its methods and handler factories)."""
from __future__ import annotations

from .._machinery import Operation
from .codes import ACTION_TYPES, ADDRESS_TYPES, BASE


def operations(api) -> list[Operation]:
    obj = {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}}}
    lst = {"type": "object", "properties": {"result": {"type": "array", "items": obj},
                                            "next_page_token": {"type": "string"}}}
    # POST /calls answers the calls and groupcalls it started (one call per destination)
    started = {"type": "object", "required": ["calls", "groupcalls"],
               "properties": {"calls": {"type": "array", "items": obj}, "groupcalls": {"type": "array", "items": obj}}}
    addr = {"type": "object", "properties": {"type": {"type": "string", "enum": list(ADDRESS_TYPES)},
                                             "target": {"type": "string"}}}
    action = {"type": "object", "required": ["type"],
              "properties": {"type": {"type": "string", "enum": list(ACTION_TYPES)}}}
    call_req = {"type": "object", "required": ["source", "destinations"], "properties": {
        "flow_id": {"type": "string", "format": "uuid"},
        "actions": {"type": "array", "minItems": 1, "items": action},
        "source": addr, "destinations": {"type": "array", "minItems": 1, "items": addr},
        "anonymous": {"type": "string", "enum": ["yes", "no", "auto"]}}}
    flow_req = {"type": "object", "required": ["name", "detail", "actions"], "properties": {
        "name": {"type": "string"}, "detail": {"type": "string"},
        "actions": {"type": "array", "items": action}, "on_complete_flow_id": {"type": "string"}}}
    number_req = {"type": "object", "required": ["number", "call_flow_id", "message_flow_id", "name", "detail"],
                  "properties": {"number": {"type": "string", "pattern": r"^\+[1-9][0-9]{1,14}$"},
                                 "type": {"type": "string", "enum": ["normal", "virtual"]},
                                 "call_flow_id": {"type": "string"}, "message_flow_id": {"type": "string"},
                                 "name": {"type": "string"}, "detail": {"type": "string"}}}
    rec_req = {"type": "object", "required": ["format", "end_of_silence", "end_of_key", "duration", "on_end_flow_id"],
               "properties": {"format": {"type": "string", "enum": ["wav"]}, "end_of_silence": {"type": "integer"},
                              "end_of_key": {"type": "string"}, "duration": {"type": "integer"},
                              "on_end_flow_id": {"type": "string"}}}
    af_req = {"type": "object", "properties": {"id": {"type": "string"}, "flow_id": {"type": "string"},
                                               "actions": {"type": "array", "items": action}}}
    ak_req = {"type": "object", "properties": {"name": {"type": "string"}, "detail": {"type": "string"},
                                               "expire": {"type": "integer", "minimum": 0}}}
    login_req = {"type": "object", "required": ["username", "password"],
                 "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}
    unreg_req = {"type": "object", "properties": {"password": {"type": "string"},
                                                  "confirmation_phrase": {"type": "string", "enum": ["DELETE"]},
                                                  "immediate": {"type": "boolean"}}}
    generic_req = {"type": "object"}
    B = BASE
    ID = "{id:rest}"  # leaf ids: the whole rest of the path, even empty or with newlines
    ops = [
        Operation("POST", f"{B}/auth/login", api.login, "login", "Log in (username/password) for a JWT",
                  authenticated=False, request_schema=login_req, response_schema=obj, errors=(401,)),
        Operation("POST", f"{B}/auth/unregister", api.unregister, "unregister",
                  "Schedule account deletion (freezes the account)", request_schema=unreg_req, response_schema=obj),
        Operation("DELETE", f"{B}/auth/unregister", api.unregister_cancel, "unregisterCancel",
                  "Cancel account deletion (recover a frozen account)", response_schema=obj, errors=(409,)),
        # calls
        Operation("GET", f"{B}/calls", api.list_calls, "listCalls", "List calls", response_schema=lst),
        Operation("POST", f"{B}/calls", api.create_call, "createCall", "Make an outbound call",
                  request_schema=call_req, response_schema=started, errors=(404,)),
        Operation("POST", f"{B}/calls/{{id}}/hangup", api.hangup_call, "hangupCall", "Hang up the call",
                  response_schema=obj, errors=(400, 404, 409)),
        Operation("POST", f"{B}/calls/{{id}}/recording_start", api.recording_start, "recordingStart",
                  "Start recording the call", request_schema=rec_req, response_schema=obj, errors=(404, 409)),
        Operation("POST", f"{B}/calls/{{id}}/recording_stop", api.recording_stop, "recordingStop",
                  "Stop recording the call", response_schema=obj, errors=(400, 404, 409)),
        Operation("GET", f"{B}/calls/{ID}", api.get_call, "getCall", "Get a call",
                  response_schema=obj, errors=(400, 404)),
        Operation("DELETE", f"{B}/calls/{ID}", api.delete_call, "deleteCall", "Delete a call",
                  response_schema=obj, errors=(400, 404)),
        # groupcalls
        Operation("GET", f"{B}/groupcalls", api.lister("groupcall"), "listGroupcalls", "List groupcalls",
                  response_schema=lst),
        Operation("POST", f"{B}/groupcalls", api.create_groupcall, "createGroupcall", "Create a groupcall",
                  request_schema=call_req, response_schema=started, errors=(404,)),
        Operation("POST", f"{B}/groupcalls/{{id}}/hangup", api.hangup_groupcall, "hangupGroupcall",
                  "Hang up a groupcall", response_schema=obj, errors=(400, 404, 409)),
        Operation("GET", f"{B}/groupcalls/{ID}", api.getter("groupcall"), "getGroupcall", "Get a groupcall",
                  response_schema=obj, errors=(400, 404)),
        # flows
        Operation("GET", f"{B}/flows", api.lister("flow"), "listFlows", "List flows", response_schema=lst),
        Operation("POST", f"{B}/flows", api.create_flow, "createFlow", "Create a flow",
                  request_schema=flow_req, response_schema=obj),
        Operation("GET", f"{B}/flows/{ID}", api.getter("flow"), "getFlow", "Get a flow",
                  response_schema=obj, errors=(400, 404)),
        Operation("DELETE", f"{B}/flows/{ID}", api.deleter("flow"), "deleteFlow", "Delete a flow",
                  response_schema=obj, errors=(400, 404)),
        # activeflows
        Operation("GET", f"{B}/activeflows", api.lister("activeflow"), "listActiveflows", "List activeflows",
                  response_schema=lst),
        Operation("POST", f"{B}/activeflows", api.create_activeflow, "createActiveflow", "Create an activeflow",
                  request_schema=af_req, response_schema=obj, errors=(404,)),
        Operation("POST", f"{B}/activeflows/{{id}}/stop", api.stop_activeflow, "stopActiveflow",
                  "Stop an activeflow (idempotent: a second stop answers 200)", response_schema=obj,
                  errors=(400, 404)),
        Operation("GET", f"{B}/activeflows/{ID}", api.getter("activeflow"), "getActiveflow",
                  "Get an activeflow", response_schema=obj, errors=(400, 404)),
        # recordings
        Operation("GET", f"{B}/recordings", api.lister("recording"), "listRecordings", "List recordings",
                  response_schema=lst),
        Operation("GET", f"{B}/recordings/{ID}", api.getter("recording"), "getRecording", "Get a recording",
                  response_schema=obj, errors=(400, 404)),
        # numbers
        Operation("GET", f"{B}/numbers", api.lister("number"), "listNumbers", "List numbers",
                  response_schema=lst),
        Operation("POST", f"{B}/numbers", api.create_number, "createNumber", "Buy a number",
                  request_schema=number_req, response_schema=obj, errors=(402, 403)),
        Operation("GET", f"{B}/numbers/{ID}", api.getter("number"), "getNumber", "Get a number",
                  response_schema=obj, errors=(400, 404)),
        Operation("DELETE", f"{B}/numbers/{ID}", api.deleter("number"), "deleteNumber", "Release a number",
                  response_schema=obj, errors=(400, 404)),
        # billing accounts
        Operation("GET", f"{B}/billing_accounts", api.list_billing_accounts, "listBillingAccounts",
                  "List billing accounts", response_schema=lst),
        Operation("GET", f"{B}/billing_accounts/{ID}", api.get_billing_account, "getBillingAccount",
                  "Get a billing account", response_schema=obj, errors=(400, 404)),
        # access keys, contact addresses
        Operation("GET", f"{B}/accesskeys", api.lister("accesskey"), "listAccesskeys", "List access keys",
                  response_schema=lst),
        Operation("POST", f"{B}/accesskeys", api.create_accesskey, "createAccesskey", "Create an access key",
                  request_schema=ak_req, response_schema=obj),
        Operation("GET", f"{B}/accesskeys/{ID}", api.getter("accesskey"), "getAccesskey", "Get an access key",
                  response_schema=obj, errors=(400, 404)),
        Operation("DELETE", f"{B}/accesskeys/{ID}", api.delete_accesskey, "deleteAccesskey",
                  "Delete an access key", response_schema=obj, errors=(400, 404)),
        Operation("GET", f"{B}/contact_addresses", api.lister("contact_address"), "listContactAddresses",
                  "List contact addresses (JWT only)", response_schema=lst),
    ]
    for kind, plural in (("provider", "providers"), ("trunk", "trunks"), ("route", "routes")):
        title = kind.capitalize()
        ops += [
            Operation("GET", f"{B}/{plural}", api.lister(kind), f"list{title}s", f"List {plural} (admin)",
                      permission="admin", response_schema=lst),
            Operation("POST", f"{B}/{plural}", api.creator(kind), f"create{title}", f"Create a {kind} (admin)",
                      permission="admin", request_schema=generic_req, response_schema=obj),
            Operation("GET", f"{B}/{plural}/{ID}", api.getter(kind), f"get{title}", f"Get a {kind} (admin)",
                      permission="admin", response_schema=obj, errors=(400, 404)),
            Operation("DELETE", f"{B}/{plural}/{ID}", api.deleter(kind), f"delete{title}",
                      f"Delete a {kind} (admin)", permission="admin", response_schema=obj, errors=(400, 404)),
        ]
    for op in ops:  # call-manager operations declare 503 in the real spec (upstream unavailable)
        if op.path.startswith((f"{B}/calls", f"{B}/groupcalls", f"{B}/recordings")):
            op.errors = tuple(op.errors) + (503,)
    return ops
