"""A local payment gateway for development and tests (VNPAY-style protocol, docs/payments.md).

It runs as its own HTTP server (a WSGI app on ``wsgiref``), apart from the Django site:

* ``GET  /paymentv2/vpcpay.html?<signed request>`` checks the merchant's signature and shows a
  payment page with "Pay" and "Cancel" buttons (a plain form: no JavaScript);
* ``POST /paymentv2/decide`` sends the signed notification (IPN) to the merchant's notification
  URL by real HTTP, then redirects the browser (303) to the merchant's return URL with the same
  signed parameters; every decision goes into the sandbox's ledger;
* ``GET  /merchant_webapi/settlements?<signed query>`` answers the ledger of one day as a
  signed JSON settlement list (reconciliation, ``payments/reconciliation.py``).

``chinhquyen payment_sandbox --port 8010`` serves it; tests start :class:`SandboxServer` on a
free port. Nothing here is for production.
"""

from .app import Delivery, Merchant, SandboxApp, Transaction
from .server import SandboxServer

__all__ = ["Delivery", "Merchant", "SandboxApp", "SandboxServer", "Transaction"]
