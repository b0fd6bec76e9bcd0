#!/usr/bin/env bash
# Copy Debian's nusoap 0.9.5 (`libnusoap-php`) to <dest> and make the copy run on PHP 8:
#   - every PHP4-style constructor (a method named like its class: `function nusoap_client(`,
#     `function wsdl(`, ...) becomes `__construct`; PHP 8 no longer calls those, so as shipped
#     `new nusoap_client($url, 'wsdl')` leaves the object uninitialised;
#   - `parent::nusoap_base()` becomes `parent::__construct()`.
# Nothing else is changed, and the system copy is never modified.
#
#   bash nusoap_patch.sh <dest-dir> [<source-dir>]     (source default: /usr/share/php/nusoap)
set -euo pipefail

dest="${1:?usage: nusoap_patch.sh <dest-dir> [<source-dir>]}"
src="${2:-/usr/share/php/nusoap}"
if [ ! -f "$src/nusoap.php" ]; then
    echo "nusoap_patch: $src/nusoap.php not found (apt-get install libnusoap-php)" >&2
    exit 1
fi

mkdir -p "$dest"
cp "$src"/*.php "$dest"/
for file in "$dest"/*.php; do
    script=(-e 's/parent::nusoap_base[[:space:]]*\(/parent::__construct(/g')
    while read -r class; do
        script+=(-e "s/^([[:space:]]*)function[[:space:]]+${class}[[:space:]]*\(/\1function __construct(/")
    done < <(sed -nE 's/^[[:space:]]*class[[:space:]]+([A-Za-z_][A-Za-z0-9_]*).*/\1/p' "$file")
    sed -E -i "${script[@]}" "$file"
    php -l "$file" >/dev/null
done

# Every class that had a PHP4 constructor now has __construct, and none is left behind.
left="$(grep -nE '^[[:space:]]*function[[:space:]]+(nusoap_base|nusoap_client|wsdl|soapval)[[:space:]]*\(' \
    "$dest/nusoap.php" || true)"
if [ -n "$left" ] || ! grep -q 'function __construct(' "$dest/nusoap.php"; then
    echo "nusoap_patch: constructors not patched in $dest/nusoap.php: $left" >&2
    exit 1
fi
echo "nusoap_patch: $(grep -c 'function __construct(' "$dest"/nusoap.php) constructors in $dest/nusoap.php"
