"""Lodging in the portal: the declaration form, HS code search, live requirement hints and bulk
upload. Every declaration goes through the API's path (``service.lodge_json``).

- ``form``: the form as data (inputs named by JSON pointer) and the document built from it;
- ``bulk``: spreadsheet rows grouped into the same pointer-keyed fields, errors back to rows;
- ``service``: lodging, the catalogue's requirements for a goods line, enterprise look-ups;
- ``pages``: the Litestar controller.
"""

from .pages import LODGING_MESSAGES, LodgingPages

__all__ = ["LODGING_MESSAGES", "LodgingPages"]
