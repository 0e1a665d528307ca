"""The integration API for system accounts (API tích hợp cho tài khoản hệ thống, LGSP).

Routers per resource (``procedures``, ``dossiers``, ``documents``, ``directory``) mounted on
the root Ninja API (``chinhquyen.api``); OAuth2 client-credentials tokens issued by
django-oauth-toolkit at ``/oauth/token/`` (``auth``); every call logged in the hash-chained
message log (``middleware``).
"""
