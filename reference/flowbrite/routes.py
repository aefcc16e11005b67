"""Flowbrite's route table (seed 004 and APIS.md). Routes name handlers of :class:`~.app.Flowbrite`."""
from __future__ import annotations

from .._machinery import Operation
from .codes import CURRENCIES, MAX_AMOUNT


def operations(api) -> list[Operation]:
    S = {"type": "string"}
    wallet_req = {"type": "object", "required": ["name", "currency"],
                  "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 100},
                                 "currency": {"type": "string", "enum": list(CURRENCIES)}}}
    ben_req = {"type": "object", "required": ["name", "currency", "accountNumber"],
               "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 140},
                              "currency": {"type": "string", "enum": list(CURRENCIES)},
                              "accountNumber": {"type": "string", "pattern": "^[0-9A-Z]{6,34}$"},
                              "type": {"type": "string", "enum": ["individual", "business"]}}}
    tr_req = {"type": "object", "required": ["walletId", "beneficiaryId", "amount", "currency"],
              "properties": {"walletId": {"type": "string", "pattern": "^wal_"},
                             "beneficiaryId": {"type": "string", "pattern": "^ben_"},
                             "amount": {"type": "integer", "minimum": 1, "maximum": MAX_AMOUNT},
                             "currency": {"type": "string", "enum": list(CURRENCIES)},
                             "reference": {"type": "string", "maxLength": 140}}}
    obj = {"type": "object", "properties": {"id": S}}
    ids = {"walletId": {"type": "string", "pattern": "^wal_[0-9A-Za-z]{20,40}$"},
           "beneficiaryId": {"type": "string", "pattern": "^ben_[0-9A-Za-z]{20,40}$"},
           "transferId": {"type": "string", "pattern": "^tfr_[0-9A-Za-z]{20,40}$"}}
    return [
        Operation("GET", "/v1/wallets", api.list_wallets, "listWallets", "List wallets",
                  permission="read:wallet", response_schema={"type": "array", "items": obj}),
        Operation("POST", "/v1/wallets", api.create_wallet, "createWallet", "Create a wallet",
                  permission="write:wallet", request_schema=wallet_req, response_schema=obj,
                  success_status=201),
        Operation("GET", "/v1/wallets/{walletId}", api.get_wallet, "getWallet", "Get a wallet",
                  permission="read:wallet", response_schema=obj, errors=(400,), path_schemas=ids),
        Operation("GET", "/v1/wallets/{walletId}/balances", api.list_balances, "listBalances",
                  "List a wallet's balances", permission="read:balance",
                  response_schema={"type": "array", "items": obj}, errors=(400,), path_schemas=ids),
        Operation("POST", "/v1/beneficiaries", api.create_beneficiary, "createBeneficiary",
                  "Create a beneficiary", permission="write:beneficiary", request_schema=ben_req,
                  response_schema=obj, success_status=201),
        Operation("GET", "/v1/beneficiaries/{beneficiaryId}", api.get_beneficiary, "getBeneficiary",
                  "Get a beneficiary", permission="read:beneficiary", response_schema=obj, errors=(400,), path_schemas=ids),
        Operation("POST", "/v1/transfers", api.create_transfer, "createTransfer", "Create a transfer",
                  permission="write:transfer", request_schema=tr_req, response_schema=obj,
                  success_status=201),
        Operation("GET", "/v1/transfers/{transferId}", api.get_transfer, "getTransfer", "Get a transfer",
                  permission="read:transfer", response_schema=obj, errors=(400,), path_schemas=ids),
        Operation("POST", "/v1/transfers/{transferId}/cancel", api.cancel_transfer, "cancelTransfer",
                  "Cancel a pending transfer", permission="write:transfer", response_schema=obj,
                  errors=(400,), path_schemas=ids),
    ]
