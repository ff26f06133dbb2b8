"""Ukrainian is the default language: every catalogue must be complete and compiled."""

import gettext
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.glob("**/locale/uk/LC_MESSAGES/django.po"))
ENTRY = re.compile(r'^(#, fuzzy\n)?(?:msgctxt "(.*)"\n)?msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', re.M)


def _unquote(lines: str) -> str:
    raw = "".join(re.findall(r'"(.*)"', lines))
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r'\\(.)', lambda m: escapes.get(m.group(1), m.group(0)), raw)


def _entries(po: Path):
    for match in ENTRY.finditer(po.read_text(encoding="utf-8") + "\n"):
        fuzzy, context, msgid, msgstr = match.groups()
        msgid = _unquote(msgid)
        if msgid:
            yield bool(fuzzy), context, msgid, _unquote(msgstr)


def test_there_is_a_ukrainian_catalogue():
    assert any(p.parent.parent.parent.parent.name == "hromada" for p in CATALOGUES), CATALOGUES


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_is_translated_and_compiled(po):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run `make messages`"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    untranslated = [msgid for fuzzy, _c, msgid, msgstr in _entries(po) if fuzzy or not msgstr]
    assert not untranslated, f"untranslated in {po.name}: {untranslated[:10]}"
    stale = [msgid for _f, context, msgid, msgstr in _entries(po)
             if (compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)) != msgstr]
    assert not stale, f"{mo} is older than {po}: run `make messages` ({stale[:5]})"


def test_pages_are_ukrainian_by_default(client, community, settings):
    settings.LANGUAGE_CODE = "uk"
    page = client.get("/c/kyiv/accounts/register/").content.decode()
    assert "Пароль ще раз" in page and "Перейти до основного вмісту" in page
    english = client.get("/c/kyiv/accounts/register/", headers={"accept-language": "en"}).content.decode()
    assert "Password again" in english
