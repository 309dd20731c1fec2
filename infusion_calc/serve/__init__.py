"""Browser mode: the chair-side app served to web browsers with textual-serve.

Each browser tab runs its own app process (`sessions.py`); the page is our own and
fetches nothing from outside the server (`page.py`); `server.py` ties them together
and makes sure no app process outlives its tab or the server.
"""
