"""A form sent with mistakes: the page sums them up at the top, each linked to its field."""

import re

import pytest

REGISTER = "/c/kyiv/accounts/register/"


@pytest.mark.parametrize(("language", "prefix", "heading"), [
    ("en", "Error: ", "There is a problem"), ("uk", "Помилка: ", "Виникла проблема")])
def test_registration_with_mistakes_sums_them_up(client, community, settings, language, prefix, heading):
    settings.LANGUAGE_CODE = language
    response = client.post(REGISTER, {"email": "not-an-address", "full_name": ""}, HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert title.startswith(prefix)
    summary = re.search(r'<div class="error-summary" role="alert" tabindex="-1".*?</div>', page, re.S).group(0)
    assert heading in summary
    links = re.findall(r'<a href="#([^"]+)">', summary)
    assert links, summary
    for target in links:
        assert f'id="{target}"' in page
    assert "id_email" in links
    # The field shows its own message before the input, named by it, with the hidden prefix.
    assert re.search(r'<p class="error-message" id="id_email_error"><span class="visually-hidden">'
                     + prefix.strip() + r"</span>", page)
    field = re.search(r'<input type="email"[^>]*>', page).group(0)
    assert 'aria-describedby="id_email_error"' in field and "input--error" in field


def test_a_page_without_errors_has_no_summary(client, community):
    page = client.get(REGISTER).content.decode()
    assert "error-summary" not in page
    assert not re.search(r"<title>Error", page)
    assert "aria-describedby" not in re.search(r'<input type="email"[^>]*>', page).group(0)


def test_sign_in_with_a_wrong_password_is_summed_up(client, community, resident):
    page = client.post("/c/kyiv/accounts/login/", {"username": resident.email, "password": "wrong"}).content.decode()
    assert "<title>Error: " in page
    summary = re.search(r'class="error-summary".*?</div>', page, re.S).group(0)
    for target in re.findall(r'<a href="#([^"]+)">', summary):
        assert f'id="{target}"' in page


def test_textarea_with_a_limit_names_its_character_count(client, community):
    from django import forms

    class Note(forms.Form):
        text = forms.CharField(widget=forms.Textarea, max_length=300, help_text="Short")

    html = str(Note(prefix="n")["text"].as_field_group())
    assert 'aria-describedby="id_n-text_helptext id_n-text_count"' in html
    assert 'id="id_n-text_count"' in html and "up to 300 characters" in html
    assert 'maxlength="300"' in html


def test_as_p_looks_like_every_other_form():
    from django import forms

    class Name(forms.Form):
        name = forms.CharField()

    assert '<div class="field' in Name().as_p()


def test_messages_are_shown_as_notification_banners(rf):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.session = {}
    storage = FallbackStorage(request)
    storage.add(25, "Saved.")  # SUCCESS
    storage.add(20, "Noted.")  # INFO
    html = render_to_string("base.html", {"messages": storage}, request=request)
    assert '<div class="banner banner--success" role="alert"' in html and "Saved." in html
    assert '<div class="banner banner--info" role="region"' in html and "Noted." in html
    assert 'aria-labelledby="banner-1"' in html and 'aria-labelledby="banner-2"' in html


def test_error_page_keeps_its_words(client, community):
    page = client.get("/c/kyiv/no-such-page/").content.decode()
    assert "<h1>" in page and "Go to the home page" in page


def test_formset_errors_link_to_each_form_field():
    from django import forms

    from hromada.core.ui.templatetags.hromada_ui import collect_errors

    class Line(forms.Form):
        amount = forms.IntegerField(label="Amount")

    Lines = forms.formset_factory(Line, min_num=2, validate_min=True)
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-MIN_NUM_FORMS": "2",
            "form-MAX_NUM_FORMS": "1000", "form-0-amount": "many"}
    links = collect_errors([Lines(data)])
    hrefs = [link.href for link in links]
    assert "#id_form-0-amount" in hrefs
    assert any("Amount:" in link.text for link in links)
    assert len(links) == 2  # too few forms, and the bad number
