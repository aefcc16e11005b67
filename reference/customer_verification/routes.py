"""The Customer Verification route table (seed 003). Routes name handlers of
:class:`~.app.CustomerVerification`."""
from __future__ import annotations

from .._machinery import Operation
from .codes import BASE, DOCUMENT_TYPES, E164


def operations(api) -> list[Operation]:
    S = {"type": "string"}
    customer_props = {
        "firstName": {"type": "string", "minLength": 1, "maxLength": 100},
        "lastName": {"type": "string", "minLength": 1, "maxLength": 100},
        "email": {"type": "string", "format": "email"},
        "dateOfBirth": {"type": "string", "format": "date"},
        "phoneNumber": {"type": "string", "pattern": "^" + E164.pattern + "$"},
        "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
        "postalCode": S}
    create = {"type": "object", "required": ["firstName", "lastName", "email", "dateOfBirth"],
              "properties": customer_props}
    patch = {"type": "object", "properties": customer_props}
    customer = {"type": "object", "properties": {"id": {"type": "string", "pattern": "^cus_"}, "status": {
        "type": "string", "enum": ["PENDING", "UNDER_REVIEW", "APPROVED", "REJECTED",
                                   "NEEDS_ADDITIONAL_INFORMATION"]}, **customer_props}}
    document = {"type": "object", "required": ["documentType", "content"],
                "properties": {"documentType": {"type": "string", "enum": list(DOCUMENT_TYPES)},
                               "content": {"type": "string", "format": "byte"},
                               "fileName": S}}
    listing = lambda item: {"type": "object", "properties": {"data": {"type": "array", "items": item}}}  # noqa: E731
    return [
        Operation("GET", f"{BASE}/customers", api.list_customers, "listCustomers", "List customers",
                  permission="READ", response_schema=listing(customer)),
        Operation("POST", f"{BASE}/customers", api.create_customer, "createCustomer", "Create a customer",
                  permission="WRITE", request_schema=create, response_schema=customer, success_status=201,
                  errors=(409, 422)),
        Operation("PATCH", f"{BASE}/customers/{{id}}", api.update_customer, "updateCustomer",
                  "Update a customer", permission="WRITE", request_schema=patch, response_schema=customer,
                  errors=(400, 404, 409, 422)),
        Operation("POST", f"{BASE}/customers/{{id}}/documents", api.upload_document, "uploadDocument",
                  "Upload an identity document (Base64)", permission="WRITE", request_schema=document,
                  response_schema={"type": "object"}, success_status=201, errors=(404, 409, 422)),
        Operation("GET", f"{BASE}/customers/{{id}}/documents", api.list_documents, "listDocuments",
                  "List a customer's documents", permission="READ", response_schema=listing({"type": "object"}),
                  errors=(404,)),
        Operation("POST", f"{BASE}/customers/{{id}}/verifications", api.submit_verification,
                  "submitVerification", "Submit a customer for verification", permission="WRITE",
                  response_schema=customer, errors=(404, 409, 422)),
        Operation("GET", f"{BASE}/customers/{{id:path}}", api.get_customer, "getCustomer", "Get a customer",
                  permission="READ", response_schema=customer, errors=(404,)),
    ]
