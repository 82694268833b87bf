"""Tables of the payment journal and the desk's cash register (kas).

Migrations create the tables; these definitions are what the code queries.
"""

from __future__ import annotations

from app.store.schema import metadata  # noqa: F401
