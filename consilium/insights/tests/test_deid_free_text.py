"""Names and places in free text are found by their context, not by capital letters alone."""

from consilium.insights.deid import KnownIdentity, detect, redact


def masked(text: str, **kwargs) -> str:
    return redact(text, detect(text, **kwargs))


def test_names_after_titles_relations_and_before_credentials_are_masked():
    note = (
        "pt seen by dr healey. DR. LAVELY AWARE. wife Mary and daughter Lou at bedside.\n"
        "Sons Smokey, Morris and Roger in to visit. Spoke with Mary Hulse re plan.\n"
        "irene snell, rn\n"
    )
    out = masked(note)
    for name in (
        "healey",
        "LAVELY",
        "Mary",
        "Lou",
        "Smokey",
        "Morris",
        "Roger",
        "Hulse",
        "irene",
        "snell",
    ):
        assert name not in out, name
    for kept in ("pt seen by dr", "AWARE", "wife", "daughter", "at bedside", "in to visit"):
        assert kept in out, kept


def test_a_name_found_once_is_masked_wherever_it_appears_in_the_text():
    out = masked("Dr. Kochevar aware of abg.\nKOCHEVAR to see pt in am.")
    assert "Kochevar" not in out and "KOCHEVAR" not in out


def test_hospitals_wards_and_home_towns_are_masked():
    note = (
        "Transferred from Calvert Hospital to Quartermain 3. Went to Holy Cross last year.\n"
        "Lives alone in Catonsville; son lives in Pikesville."
    )
    out = masked(note)
    for place in ("Calvert", "Quartermain", "Holy Cross", "Catonsville", "Pikesville"):
        assert place not in out, place
    assert "Transferred from" in out and "last year" in out


def test_a_doctors_degrees_and_the_department_stay():
    out = masked("Dr. Anjali Deshpande, MD (Pathology), Consultant Pathologist.")
    assert "Anjali" not in out and "Deshpande" not in out
    assert "MD (Pathology), Consultant Pathologist." in out


def test_a_registered_name_in_devanagari_is_found():
    known = KnownIdentity(names=("आशा वर्मा",))
    out = masked("रोगी आशा वर्मा, उम्र 45 वर्ष", known=known)
    assert "आशा" not in out and "वर्मा" not in out
    assert "उम्र 45 वर्ष" in out


def test_a_state_alone_is_not_an_identifier():
    assert "California" in masked("Son flew back to California yesterday.")
