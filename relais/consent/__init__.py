"""The consent page: ambassadors authorise Relais on LinkedIn's EU data-portability product, once.

``invitations`` signs the personal links sent to ambassadors, ``gate`` checks the HR roster (only a
current, consenting ambassador may go on), ``oauth`` holds LinkedIn's 3-legged OAuth 2.0 steps
(PKCE, authorize URL, token exchange, whose authorisation it is), ``secrets`` finds the application's
client secret, and ``app`` is the Starlette application ``relais consent serve`` runs. The token is
stored encrypted by ``relais.sources.linkedin_api.tokens.TokenStore``.
"""
