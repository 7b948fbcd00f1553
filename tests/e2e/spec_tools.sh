# Helpers for reading a bundle's manifest with stock tools (formats/SPEC.md section 4), shared
# by the end-to-end tests: . "$(dirname "$E2E_LIB")/spec_tools.sh"
# manifest_of BUNDLE: the root manifest text.
# entries_of BUNDLE: the E lines of every index page, in page order.

manifest_of() {
    tar -xOf "$1" satchel-manifest.zst | zstd -dq
}

entries_of() {
    tar -tf "$1" | grep '^index/[0-9]\{6\}\.zst$' | while IFS= read -r _m; do
        tar -xOf "$1" "$_m" | zstd -dq
    done
}
