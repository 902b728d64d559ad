"""The English catalogue is complete: every message extracted from the source has an English
translation, none is left fuzzy, and the placeholders of each translation match its source
(a missing `%(name)s` would raise at run time, an extra one would show raw)."""

import re
from pathlib import Path

PO = Path(__file__).resolve().parents[2] / "backend/locale/en/LC_MESSAGES/django.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def _entries() -> list[dict]:
    entries, current, key = [], None, None
    for raw in PO.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            if current:
                entries.append(current)
            current, key = None, None
            continue
        current = current or {"flags": "", "msgid": "", "msgstr": "", "msgid_plural": ""}
        if line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgid ", "msgid_plural ", "msgstr ", "msgstr[", "msgctxt ")):
            key, _, value = line.partition(" ")
            key = "msgstr" if key.startswith("msgstr") else key
            if key == "msgstr" and current["msgstr"] and value.strip('"'):
                current["msgstr"] += "\n"  # plural forms: keep each form visible
            current[key] = current.get(key, "") + value[1:-1]
        elif line.startswith('"') and key:
            current[key] = current.get(key, "") + line[1:-1]
    if current:
        entries.append(current)
    return [e for e in entries if e["msgid"]]  # the header has an empty msgid


def test_every_message_has_an_english_translation_and_none_is_fuzzy():
    entries = _entries()
    assert len(entries) > 500  # the catalogue was read, not an empty file
    untranslated = [e["msgid"] for e in entries if not e["msgstr"].strip()]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_translations_keep_their_placeholders():
    wrong = []
    for entry in _entries():
        if "python-format" not in entry["flags"]:
            continue
        expected = sorted(PLACEHOLDER.findall(entry["msgid"]))
        for form in entry["msgstr"].split("\n"):
            if sorted(PLACEHOLDER.findall(form)) != expected and not entry["msgid_plural"]:
                wrong.append((entry["msgid"], form))
    assert wrong == []
