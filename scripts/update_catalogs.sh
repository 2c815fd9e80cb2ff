#!/usr/bin/env bash
# Re-extract docgen's messages, merge them into the catalogs and compile them (Babel's tools).
# Source strings are Chinese (zh_CN needs no docgen catalog); the en catalog holds their
# English translations, and zh_CN/click.po gives click's own messages in Chinese.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 --no-location --sort-output \
  --project docgen --copyright-holder docgen -o docgen/locale/docgen.pot .
for lang in en; do
  po=docgen/locale/$lang/LC_MESSAGES/docgen.po
  if [ -f "$po" ]; then
    pybabel update -D docgen -i docgen/locale/docgen.pot -d docgen/locale -l "$lang" --no-fuzzy-matching --ignore-obsolete
  else
    pybabel init -D docgen -i docgen/locale/docgen.pot -d docgen/locale -l "$lang"
  fi
done
pybabel compile -D docgen -d docgen/locale --statistics
pybabel compile -D click -d docgen/locale --statistics
