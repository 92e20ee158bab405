"""The web app: server-rendered pages, a JSON API, exports and an Atom feed over the store.

``create_app`` (in ``civicwatch.web.app``) builds it; ``civicwatch serve`` runs it with uvicorn. Laid out as
the FastAPI project template does it:

* ``security``: cookies, CSRF tokens, security headers, the log-in rate limit (no database, no user);
* ``deps``: the dependencies of the routes: database session, who is asking, CSRF check, event filters;
* ``templating``: pages rendered from ``templates/``, flash messages;
* routes: ``pages`` (HTML), ``login``, ``review`` (forms and JSON), ``api``, ``exports``, ``atom``.

It reads and reviews through ``civicwatch.store`` only: nothing here imports the sources, the cleaning
or the extraction.
"""
