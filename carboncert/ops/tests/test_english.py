"""The English UI: every string of the catalogue translated, with its placeholders intact,
and the compiled catalogue the one Django reads is compiled from it. (That the catalogue
holds every string of the source, CI checks: it runs makemessages and then this file.)"""

import gettext
import re
from pathlib import Path

import polib
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
# %(name)s, %d, %s, {name} and literal %% as Django's gettext sees them.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[-.\d]*[sdf]|%[-.\d]*[sdf]|%%|\{[a-z_]*\}")

catalogue = polib.pofile(str(PO))
entries = [e for e in catalogue if not e.obsolete and e.msgid]


def translations(entry):
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_every_string_is_translated_and_none_is_a_guess():
    untranslated = [e.msgid for e in entries if not all(translations(e))]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert (untranslated, fuzzy) == ([], [])


def test_no_translation_is_left_in_chinese():
    """Chinese stays only as the short keywords the importers read (单选题, 正确/错误, the
    template's 填写说明 sheet), quoted from the Chinese string itself."""

    def chinese_prose(entry, text):
        return any(len(run) > 6 or run not in entry.msgid for run in HAN_RUN.findall(text))

    left = [e.msgid for e in entries if any(chinese_prose(e, t) for t in translations(e))]
    assert left == []


def placeholders(text):
    return sorted(PLACEHOLDER.findall(text))


def test_placeholders_are_kept():
    def lost(e):
        if e.msgid_plural:  # the singular may spell the count out: held to the plural's
            return placeholders(e.msgid_plural) != placeholders(e.msgstr_plural[1])
        return placeholders(e.msgid) != placeholders(e.msgstr)

    assert [e.msgid for e in entries if lost(e)] == []


def test_the_compiled_catalogue_is_compiled_from_this_one():
    with open(PO.with_suffix(".mo"), "rb") as compiled:
        mo = gettext.GNUTranslations(compiled)

    def stale(e):
        if e.msgid_plural:
            return mo.ngettext(e.msgid, e.msgid_plural, 2) != e.msgstr_plural[1]
        found = mo.pgettext(e.msgctxt, e.msgid) if e.msgctxt else mo.gettext(e.msgid)
        return found != e.msgstr

    assert [e.msgid for e in entries if stale(e)] == []
