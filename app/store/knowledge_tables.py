"""Tables of the knowledge base (kennisbank): products, articles, fees.

Migrations create the tables; these definitions are what the code queries.
"""

from __future__ import annotations

from app.store.schema import metadata  # noqa: F401
