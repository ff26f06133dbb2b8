"""The one plain-text cleaner: what it removes, what it keeps."""

import pytest
from django import forms

from hromada.core.api.errors import DomainError
from hromada.core.text import PlainTextField, PlainTextInput, clean_plain_text, strip_controls

# Every kind of character the cleaner removes: C0 controls, DEL, C1 controls, the bidi override,
# embedding and isolate characters, zero-width marks and NUL.
HOSTILE = "\x00\x01\x08\x0b\x0c\x1b\x1f\x7f\x85\x9b\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\ufeff"


def test_control_and_bidi_characters_are_removed_and_lines_kept():
    assert strip_controls(f"Яма{HOSTILE} на\r\nдорозі\rбіля\tшколи") == "Яма на\nдорозі\nбіля\tшколи"


def test_text_is_nfc_normalised():
    # "й" typed as "и" + combining breve becomes the one precomposed letter.
    assert strip_controls("Київ, вул. Мирна") == "Київ, вул. Мирна"
    assert strip_controls("и\u0306") == "й"


def test_single_line_folds_white_space():
    assert strip_controls(" Олег \n\u202eПетренко\t", single_line=True) == "Олег Петренко"


def test_only_control_characters_count_as_empty():
    with pytest.raises(DomainError) as caught:
        clean_plain_text(HOSTILE, field="text", max_length=100)
    assert caught.value.code == "required" and caught.value.field == "text"


class _Form(forms.Form):
    name = PlainTextField(max_length=5)
    text = PlainTextField(widget=forms.Textarea)


def test_form_field_cleans_before_the_length_check():
    form = _Form({"name": "Олег\x01\u202e", "text": "рядок\x1b\r\nдругий"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"name": "Олег", "text": "рядок\nдругий"}
    blank = _Form({"name": "\x01\x02", "text": "x"})
    assert not blank.is_valid() and blank.errors["name"] == ["This field is required."]


def test_serializer_field_cleans_and_refuses_blank():
    field = PlainTextInput(max_length=10)
    assert field.run_validation("Яма\x07\u2066") == "Яма"
    with pytest.raises(Exception, match="blank"):
        field.run_validation("\x00\x01")


def test_text_that_xml_cannot_carry_is_cleaned_and_xml_output_keeps_the_rest():
    from hromada.core.text import xml_safe

    assert strip_controls("П\ud800етиція\ufffe") == "Петиція"
    assert xml_safe("a\x00b\x0bc\ttab\nline ʼ") == "abc\ttab\nline ʼ"
    assert xml_safe(None) == ""
