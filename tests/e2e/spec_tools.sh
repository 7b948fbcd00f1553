# Helpers for reading a bundle's manifest with stock tools (formats/SPEC.md section 4), shared
# by the end-to-end tests: . "$(dirname "$E2E_LIB")/spec_tools.sh"
# manifest_of BUNDLE: the root manifest text.
# entries_of BUNDLE: the E lines of every index page, in page order.
# data_start_of BUNDLE: D, the file offset the manifest's offsets count from (SPEC 2).

manifest_of() {
    tar -xOf "$1" satchel-manifest.zst | zstd -dq
}

# Index pages use the bundle's dictionary (satchel-dict) when it has one.
entries_of() {
    _d=$(mktemp)
    if tar -xOf "$1" satchel-dict > "$_d" 2>/dev/null && [ -s "$_d" ]; then
        set -- "$1" -D "$_d"
    else
        set -- "$1"
    fi
    _b=$1
    shift
    tar -tf "$_b" | grep '^index/[0-9]\{6\}\.zst$' | while IFS= read -r _m; do
        tar -xOf "$_b" "$_m" | zstd -dq "$@"
    done
    rm -f "$_d"
}

data_start_of() {
    _z=$(tar -xOf "$1" satchel-manifest.zst.minisig | sed -n 's/.*manifest=[0-9]*+\([0-9]*\):.*/\1/p')
    echo $((1536 + (_z + 511) / 512 * 512))
}
