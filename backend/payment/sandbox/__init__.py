"""Local stand-ins for Alipay's open platform gateway and WeChat Pay API v3.

Neither provider can be reached from a test machine or a laptop demo, so this package serves
their HTTP contracts on the loopback address (`server.PaymentSandbox`) with keys generated on
the spot (`keys.py`). The production gateways talk to it unchanged through their base URL.
Tests start one per session; `make run` with PAYMENT_SANDBOX=1 starts one on
PAYMENT_SANDBOX_PORT on first use (`runtime.py`), or `manage.py payment_sandbox` runs one.
"""
