#!/bin/sh
# Regenerates po/reel.pot from the sources listed in po/POTFILES.in and merges
# it into every translation; new strings then show up untranslated in `msgattrib
# --untranslated po/<lang>.po`.
set -eu
cd "$(dirname "$0")/.."
code=$(grep -v '^data/' po/POTFILES.in)
data=$(grep '^data/' po/POTFILES.in)
xgettext --from-code=UTF-8 --language=C --keyword=gettext --keyword=i18n_f --keyword=ngettext:1,2 --keyword=ni18n_f:1,2 --add-comments \
    --package-name=reel -o po/reel.pot $code
xgettext --from-code=UTF-8 --join-existing -o po/reel.pot $data
for lang in $(cat po/LINGUAS); do
    msgmerge --quiet --update --backup=none "po/$lang.po" po/reel.pot
done
