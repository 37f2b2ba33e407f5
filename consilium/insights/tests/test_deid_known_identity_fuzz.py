"""Whatever a patient types as their name, address or identifiers, the de-identifier runs."""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import fuzz_examples
from consilium.insights.deid import KnownIdentity, detect, redact

# Arbitrary Unicode, with the characters that mean something in a pattern drawn often.
typed = st.text(
    alphabet=st.one_of(st.sampled_from("[]*+?.\\^$(){}|-#, aA1"), st.characters()), max_size=30
)


@settings(
    max_examples=fuzz_examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    names=st.lists(typed, max_size=3),
    phones=st.lists(typed, max_size=2),
    emails=st.lists(typed, max_size=2),
    address_parts=st.lists(typed, max_size=3),
    identifiers=st.lists(typed, max_size=3),
    date_of_birth=st.one_of(st.none(), st.dates(datetime.date(1900, 1, 1))),
    filler=st.text(max_size=40),
)
def test_any_typed_identity_is_looked_for_without_an_error(
    names, phones, emails, address_parts, identifiers, date_of_birth, filler
):
    known = KnownIdentity(
        names=tuple(names),
        date_of_birth=date_of_birth,
        phones=tuple(phones),
        emails=tuple(emails),
        address_parts=tuple(address_parts),
        identifiers=tuple(identifiers),
    )
    # The typed values themselves are in the text, so every pattern built from them is used.
    text = " ".join([filler, *names, *phones, *emails, *address_parts, *identifiers, filler])
    redact(text, detect(text, known=known))


def test_a_name_with_brackets_and_a_star_is_found():
    known = KnownIdentity(names=("Kavita [Kavi] Iyer", "*Ravi* Iyer"))
    text = "Seen: Kavita [Kavi] Iyer, K. Iyer, [K.I.] and *R.I."
    redacted = redact(text, detect(text, known=known))
    assert "Kavita" not in redacted and "Iyer" not in redacted
