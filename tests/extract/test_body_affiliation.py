"""The United Nations' specialised agencies, funds and programmes are bodies of their own
(issue 15): an official of the FAO, UNHCR, UNESCO or UNICEF serves that agency, not "UN", as
GUIDE.md's "the organisation's short name" and every labeled set have it; the Secretariat and
its offices stay "UN". The releases are real labeled ones of tests/fixtures (real-tune-4 and
real-tune-5), each of another publisher."""

from __future__ import annotations

import pytest
from tests.extract.real_documents import primary_record

from ingest.extract import gazetteer as gz


def _affiliations(set_name: str, doc_id: str) -> dict[str, str | None]:
    """The primary event's participants with their affiliations."""
    return {p.name: p.affiliation for p in primary_record(set_name, doc_id).participants}


@pytest.mark.parametrize(
    ("set_name", "doc_id", "name", "expected"),
    [
        # "22 November 2019, Beijing –FAO Director-General Qu Dongyu met with Le Yucheng"
        ("real-tune-5", "fao-org-20191122-1", "Qu Dongyu", "FAO"),
        # "The Director-General of UNESCO, Irina Bokova, today denounced the killing"
        ("real-tune-5", "unesco-org-20170802-1", "Irina Bokova", "UNESCO"),
        # "Statement by UNICEF Executive Director Catherine Russell"
        ("real-tune-5", "unicef-org-20220301-1", "Catherine Russell", "UNICEF"),
        # "UN High Commissioner for Refugees Filippo Grandi will conduct his first ... visit"
        ("real-tune-4", "unhcr-org-nodate-1", "Filippo Grandi", "UNHCR"),
        # "... and UN Under-Secretary-General for Humanitarian Affairs and Emergency Relief
        # Coordinator, Mark Lowcock": the Secretariat's official stays the UN's
        ("real-tune-4", "unhcr-org-20180907-1", "Mark Lowcock", "UN"),
    ],
)
def test_an_agency_official_serves_the_agency(
    set_name: str, doc_id: str, name: str, expected: str
) -> None:
    assert _affiliations(set_name, doc_id)[name] == expected


def test_the_agencies_are_named_by_their_own_short_names() -> None:
    shorts = [hit.key for hit in gz.org_hits("the FAO, UNHCR and the United Nations")]
    assert shorts == ["FAO", "UNHCR", "UN"]
