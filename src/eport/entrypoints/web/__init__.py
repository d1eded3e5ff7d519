"""The web portal: server-rendered pages (Jinja2, progressively enhanced with HTMX) on the same
application services as the API. No business rules here: views call commands and queries."""
