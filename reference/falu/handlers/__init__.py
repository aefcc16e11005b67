"""Falu's operation handlers, one module per domain of the API reference
(https://docs.falu.io): customers, files, identity, messages, streams (with senders and
suppressions), templates, money, webhooks, terminal, visits, and the generic handlers many
resources share. The route table (``routes.py``) names them as ``"<module>.<function>"``.
"""
