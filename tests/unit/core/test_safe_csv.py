import pytest

from intake_app.core.safe_csv import safe_cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x","click")', '\'=HYPERLINK("http://x","click")'),
        ("+1 415 555 0101", "'+1 415 555 0101"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("\t=1", "'\t=1"),
        ("-5", "-5"),
        ("+44", "+44"),
        ("Ada", "Ada"),
        (None, ""),
        (42, "42"),
    ],
)
def test_formula_cells_are_defused(value, cell):
    assert safe_cell(value) == cell
