"""Hostile or broken BRP answers give a typed error or persons, never another exception."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.kcc.brp_local import load_persons
from app.core.kcc.person import Person
from app.core.kcc.persons import BrpUnavailable, LocalPersonRegistry
from app.integrations.brp_api import persons_from_answer
from app.integrations.brp_standin import answer_query
from tests.unit.brp_fixture import summary_rows, summary_text

KIND = "RaadpleegMetBurgerservicenummer"
LOCAL = LocalPersonRegistry(load_persons(summary_text()))
FIELDS = ["burgerservicenummer", "naam", "geboorte", "geslacht", "nationaliteiten", "overlijden", "verblijfplaats"]
BSNS = sorted({r["burgerservicenummer"] for r in summary_rows() if r["burgerservicenummer"]})

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=30,
)
# Keys the client reads, so random values land where they hurt.
api_keys = st.sampled_from(
    ["type", "personen", "naam", "geboorte", "datum", "jaar", "maand", "verblijfplaats", "verblijfadres",
     "huisnummer", "nationaliteiten", "nationaliteit", "overlijden", "burgerservicenummer", "omschrijving",
     "code", "geheimhoudingPersoonsgegevens", "opschortingBijhouding", "gemeenteVanInschrijving"]
)  # fmt: skip


def parse(answer: Any) -> list[Person] | BrpUnavailable:
    try:
        return persons_from_answer(answer, KIND)
    except BrpUnavailable as error:
        assert error.code == "kcc.brp_unavailable"
        return error


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_json_gives_persons_or_brp_unavailable(answer: Any) -> None:
    parse(answer)
    parse({"type": KIND, "personen": [answer]})


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(BSNS), st.data(), json_values, api_keys)
def test_a_real_answer_with_one_value_broken(bsn: str, data: st.DataObject, junk: Any, key: str) -> None:
    answer = answer_query(LOCAL, {"type": KIND, "burgerservicenummer": [bsn], "fields": FIELDS}, date(2026, 11, 23))
    broken = copy.deepcopy(answer)
    path = data.draw(st.sampled_from(_paths(broken)))
    target = broken
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = junk
    if isinstance(target, dict):
        target[key] = junk
    result = parse(broken)
    if isinstance(result, list):
        for person in result:
            # What the desk screen will do with it must not fail either.
            for datum in (person.geboorte.datum, person.datum_overlijden, person.datum_opschorting):
                if datum is not None:
                    str(datum)
                    _ = datum.as_date
