"""The web app: server-rendered pages, a JSON API, exports and an Atom feed over the store.

``create_app`` (in ``civicwatch.web.app``) builds it; ``civicwatch serve`` runs it with uvicorn.
"""
