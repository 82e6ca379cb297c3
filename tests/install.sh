#!/bin/sh
# install.sh - `make install` into a temporary prefix, from a copy of the
# tree that is then deleted (the worktree itself is never installed from
# or removed).  Then: the installed binary converts the seed episode as
# the golden file has it; a program built with `pkg-config --cflags
# --libs tx2json` against the shared library converts a string with
# rules_dir NULL (the installed rules); the shared library exports only
# tx2json_* (nm -D) and has its soname and symlinks; each man page
# renders without a warning; `make uninstall` leaves no file behind.
# Prints one "PASS NAME" or "FAIL NAME: why" line per check (SKIP when a
# tool is missing); run.sh counts them.  Usage: install.sh SCRATCH-DIR
set -u
T=$1
SRC=$T/src
PREFIX=$T/prefix
ROOT=$(pwd)
pass() { echo "PASS install/$1"; }
fail() { echo "FAIL install/$1: $2"; }

rm -rf "$SRC" "$PREFIX"
mkdir -p "$SRC"
# The tree as it is (a build/ already there is reused: only what depends
# on the install paths is rebuilt), without sanitizer builds or packages.
tar -C "$ROOT" --exclude=./.git --exclude=./build-asan --exclude=./build-ubsan \
    --exclude=./build-fuzz --exclude=./build-prof --exclude=./tools/sarif/node_modules \
    -cf - . | tar -C "$SRC" -xf -
# A plain build: not the variables of a `make asan` that runs us (make
# passes its command-line variables on in MAKEFLAGS and the environment).
unset MAKEFLAGS MFLAGS MAKELEVEL BUILD BIN OPT EXTRA_CFLAGS EXTRA_LDFLAGS WERROR
# A staged install, as a package build does it: files under DESTDIR, the
# paths compiled in and written into tx2json.pc without it.
STAGE=$T/stage
if ! make -C "$SRC" -j2 PREFIX=/usr DESTDIR="$STAGE" install >"$T/stage.log" 2>&1; then
    fail destdir "$(tail -5 "$T/stage.log")"
elif [ -x "$STAGE/usr/bin/tx2json" ] && [ -f "$STAGE/usr/share/tx2json/rules/00-common.rules" ] &&
    [ -f "$STAGE/usr/share/man/man5/tx2json-rules.5" ] &&
    grep -q '^prefix=/usr$' "$STAGE/usr/lib/pkgconfig/tx2json.pc" &&
    grep -aq '/usr/share/tx2json/rules' "$STAGE/usr/lib/libtx2json.so.0."* &&
    ! grep -aq "$STAGE" "$STAGE/usr/lib/libtx2json.so.0."* "$STAGE/usr/bin/tx2json" "$STAGE/usr/lib/pkgconfig/tx2json.pc"; then
    pass destdir
else
    fail destdir "files or compiled-in paths wrong under $STAGE"
fi
rm -rf "$STAGE"
if ! make -C "$SRC" -j2 PREFIX="$PREFIX" install >"$T/install.log" 2>&1; then
    fail make-install "$(tail -5 "$T/install.log")"
    exit 0
fi
pass make-install
rm -rf "$SRC"

# The installed binary, with the build tree gone and no TX2JSON_RULES.
(cd "$ROOT" && env -u TX2JSON_RULES "$PREFIX/bin/tx2json" corpora/000_3c858c9825c89cc2.txt) \
    >"$T/seed.json" 2>"$T/seed.err"
# The golden file holds RULES_SHA256 for the rules' hash (tests/run.sh's unsha).
sed -E 's/("rules_sha256":[[:space:]]*")[0-9a-f]{64}"/\1RULES_SHA256"/' "$T/seed.json" >"$T/seed.unsha"
if cmp -s "$T/seed.unsha" "$ROOT/tests/golden/000_3c858c9825c89cc2.json"; then
    pass binary-converts-seed
else
    fail binary-converts-seed "$(head -3 "$T/seed.err")"
fi

# A program against the shared library, found through pkg-config.
cat >"$T/prog.c" <<'PROG'
/* prog.c - converts a string with the default (installed) rules. */
#include <stdio.h>
#include <string.h>
#include <tx2json.h>

int main(void)
{
    static const char text[] = "Hello and welcome.\n\nFirst up, Acme released WidgetNet.\n";
    tx2json_ctx *ctx = NULL;
    tx2json_error err;
    tx2json_options opts;
    char *json = NULL;
    if (tx2json_version_number() / 10000 != TX2JSON_VERSION_MAJOR) return 1;
    if (tx2json_ctx_new(NULL, &ctx, &err) != TX2JSON_OK) {
        fprintf(stderr, "%s: %s\n", err.file, err.message);
        return 1;
    }
    tx2json_options_init(&opts);
    if (tx2json_convert_buffer(ctx, "text", (const unsigned char *)text, strlen(text), &opts,
                               &json, &err) != TX2JSON_OK) {
        fprintf(stderr, "%s: %s\n", err.file, err.message);
        return 1;
    }
    printf("%s\n%s", tx2json_default_rules(), json);
    tx2json_free(json);
    tx2json_ctx_free(ctx);
    return 0;
}
PROG
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
if ! flags=$(pkg-config --cflags --libs tx2json 2>&1); then
    fail pkg-config "$flags"
else
    pass pkg-config
    # shellcheck disable=SC2086
    if ! cc -o "$T/prog" "$T/prog.c" $flags 2>"$T/prog.err"; then
        fail program-builds "$(head -3 "$T/prog.err")"
    else
        LD_LIBRARY_PATH="$PREFIX/lib" env -u TX2JSON_RULES "$T/prog" >"$T/prog.out" 2>&1
        if [ "$(head -n 1 "$T/prog.out")" = "$PREFIX/share/tx2json/rules" ] &&
            grep -q '"schema_version": 2' "$T/prog.out" &&
            LD_LIBRARY_PATH="$PREFIX/lib" ldd "$T/prog" | grep -q "$PREFIX/lib/libtx2json.so.0"; then
            pass program-converts-with-default-rules
        else
            fail program-converts-with-default-rules "$(head -3 "$T/prog.out")"
        fi
    fi
fi

# The shared library: soname, symlinks, only tx2json_* exported.
so=$(cd "$PREFIX/lib" && ls libtx2json.so.*.* 2>/dev/null)
if readelf -d "$PREFIX/lib/$so" | grep -q 'SONAME.*\[libtx2json\.so\.[0-9]*\]' &&
    [ -L "$PREFIX/lib/libtx2json.so" ] && [ -e "$PREFIX/lib/libtx2json.so" ] &&
    [ -f "$PREFIX/lib/libtx2json.a" ]; then
    pass shared-library-soname
else
    fail shared-library-soname "$so"
fi
others=$(nm -D --defined-only "$PREFIX/lib/$so" | awk '{ print $3 }' | grep -v '^tx2json_' | tr '\n' ' ')
if [ -z "$others" ] && nm -D --defined-only "$PREFIX/lib/$so" | grep -q ' tx2json_convert_buffer$'; then
    pass shared-library-exports
else
    fail shared-library-exports "exports $others"
fi

# The man pages render without a warning.
for m in man1/tx2json.1 man5/tx2json-rules.5 man3/tx2json.3; do
    f=$PREFIX/share/man/$m
    if [ ! -s "$f" ]; then
        fail "man-$m" "not installed"
        continue
    fi
    if ! command -v groff >/dev/null 2>&1; then
        echo "SKIP install/man-$m: groff is not installed (apt-get install groff-base)"
        continue
    fi
    out=$(groff -ww -z -man -Tutf8 "$f" 2>&1)
    command -v mandoc >/dev/null 2>&1 && out="$out$(mandoc -T lint -W warning "$f" 2>&1)"
    if [ -n "$out" ]; then
        fail "man-$m" "$out"
    elif command -v man >/dev/null 2>&1 && ! MANWIDTH=80 man -l "$f" 2>&1 | grep -q 'tx2json'; then
        fail "man-$m" "man -l renders nothing"
    else
        pass "man-$m"
    fi
done

# make uninstall (from a fresh copy) removes every file install wrote.
mkdir -p "$SRC"
tar -C "$ROOT" --exclude=./.git --exclude='./build*' --exclude=./tools -cf - . | tar -C "$SRC" -xf -
make -C "$SRC" PREFIX="$PREFIX" uninstall >"$T/uninstall.log" 2>&1
left=$(find "$PREFIX" -type f -o -type l | tr '\n' ' ')
if [ -z "$left" ]; then pass uninstall; else fail uninstall "left: $left"; fi
rm -rf "$SRC" "$PREFIX"
