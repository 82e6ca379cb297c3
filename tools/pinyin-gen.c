/* pinyin-gen.c - writes the pinyin table that src/similar.c compiles in
 * (build/pinyin_table.inc), from the ICU the library links against, so
 * that a Han name's pinyin key needs no transliterator at run time.
 *
 * ICU's Han-Latin transliterator is a list of rules of two forms, read
 * here with utrans_toRules: "[SET] > reading;" (every character of SET
 * reads so) and "{A}' '?B > reading;" (A reads so before B).  For each
 * character of every SET, the table holds what "Han-Latin; Latin-ASCII;
 * Lower" makes of that character alone, cut to letters and digits (what
 * tx_pinyin_key keeps); for each (A, B) pair, what A becomes before B.
 * A rule of any other form is an error, so a new ICU whose rules the
 * table cannot express fails the build instead of changing the output;
 * tests/pinyin_check.c compares the table with ICU on every character.
 *
 *   pinyin-gen OUT.inc    exit status 0, or 1 with a message on stderr */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uset.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>
#include <unicode/uversion.h>

/* Code points closer than this share one range of the table (the gap is
 * filled with "not in the table"): fewer ranges to search, a little more
 * space.  Changes the size of the table, never a reading. */
enum { RANGE_GAP = 64, MAX_READING = 64, MAX_CTX = 1024 };
/* A code point of a range that is not in the table. */
enum { NONE = 0xffff };

static const char CHAIN[] = "Han-Latin; Latin-ASCII; Lower";

static void die(const char *what, UErrorCode st)
{
    fprintf(stderr, "pinyin-gen: %s: %s\n", what, u_errorName(st));
    exit(1);
}

static UTransliterator *open_tr(const char *id)
{
    UErrorCode st = U_ZERO_ERROR;
    UChar uid[64];
    u_uastrcpy(uid, id);
    UTransliterator *t = utrans_openU(uid, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
    if (U_FAILURE(st)) die(id, st);
    return t;
}

/* What the chain makes of n UTF-16 units, letters and digits only. */
static void reading(UTransliterator *t, const UChar *in, int32_t n, char *out)
{
    UChar u[MAX_READING * 4];
    UErrorCode st = U_ZERO_ERROR;
    memcpy(u, in, sizeof(UChar) * (size_t)n);
    int32_t len = n, lim = n;
    utrans_transUChars(t, u, &len, MAX_READING * 4, 0, &lim, &st);
    if (U_FAILURE(st)) die("transliterate", st);
    size_t w = 0;
    for (int32_t i = 0; i < len && w + 1 < MAX_READING; i++)
        if ((u[i] >= 'a' && u[i] <= 'z') || (u[i] >= '0' && u[i] <= '9')) out[w++] = (char)u[i];
    out[w] = 0;
}

typedef struct {
    UChar32 a, b;
} pair;

/* Reads one rule ("[SET] > ...;" or "{A}' '?B > ...;") into set or
 * pairs; returns 0, or -1 for a rule of another form. */
static int rule(const UChar *r, int32_t n, USet *set, pair *pairs, size_t *np)
{
    static const UChar ctx_mid[] = {'}', '\'', ' ', '\'', '?', 0};
    UErrorCode st = U_ZERO_ERROR;
    int32_t i = 0;
    if (n >= 2 && r[0] == ':' && r[1] == ':') return 0; /* Han-Spacedhan: spaces only */
    if (r[0] == '[') {
        USet *s = uset_openEmpty();
        i = uset_applyPattern(s, r, n, 0, &st);
        if (U_FAILURE(st)) die("rule set", st);
        uset_addAll(set, s);
        uset_close(s);
    } else if (r[0] == '{' && *np < MAX_CTX) {
        UChar32 a, b;
        i = 1;
        U16_NEXT(r, i, n, a);
        if (i + 5 > n || u_strncmp(r + i, ctx_mid, 5)) return -1;
        i += 5;
        U16_NEXT(r, i, n, b);
        pairs[(*np)++] = (pair){a, b};
        uset_add(set, a);
        uset_add(set, b);
    } else {
        return -1;
    }
    return i + 3 <= n && r[i] == ' ' && r[i + 1] == '>' && r[i + 2] == ' ' ? 0 : -1;
}

/* Every rule of Han-Latin, split at its line ends. */
static size_t read_rules(USet *set, pair *pairs)
{
    UTransliterator *t = open_tr("Han-Latin");
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = utrans_toRules(t, 0, NULL, 0, &st);
    st = U_ZERO_ERROR;
    UChar *u = malloc(sizeof(UChar) * ((size_t)n + 1));
    if (!u) die("rules", U_MEMORY_ALLOCATION_ERROR);
    utrans_toRules(t, 0, u, n + 1, &st);
    if (U_FAILURE(st)) die("rules", st);
    size_t np = 0;
    for (int32_t s = 0, e; s < n; s = e + 1) {
        for (e = s; e < n && u[e] != '\n';)
            e++;
        if (e > s && rule(u + s, e - s, set, pairs, &np)) {
            fprintf(stderr, "pinyin-gen: Han-Latin has a rule of a form the table cannot hold "
                            "(line at offset %d)\n",
                    (int)s);
            exit(1);
        }
    }
    free(u);
    utrans_close(t);
    return np;
}

/* The distinct readings, in order of first appearance. */
static char (*syl)[MAX_READING];
static size_t nsyl, capsyl;

static unsigned syllable(const char *r)
{
    for (size_t i = 0; i < nsyl; i++)
        if (!strcmp(syl[i], r)) return (unsigned)i;
    if (nsyl + 1 >= NONE) {
        fprintf(stderr, "pinyin-gen: more readings than the table can number\n");
        exit(1);
    }
    if (nsyl == capsyl) {
        capsyl = capsyl ? capsyl * 2 : 512;
        syl = realloc(syl, sizeof *syl * capsyl);
        if (!syl) die("syllables", U_MEMORY_ALLOCATION_ERROR);
    }
    strcpy(syl[nsyl], r);
    return (unsigned)nsyl++;
}

static unsigned cp_reading(UTransliterator *t, UChar32 c)
{
    UChar u[2];
    int32_t n = 0;
    char r[MAX_READING];
    U16_APPEND_UNSAFE(u, n, c);
    reading(t, u, n, r);
    return syllable(r);
}

static void write_ranges(FILE *f, UTransliterator *t, const USet *set)
{
    int32_t n = uset_size(set);
    fprintf(f, "static const uint16_t tx_py_idx[] = {");
    UChar32 *cps = malloc(sizeof(UChar32) * (size_t)n);
    if (!cps) die("table", U_MEMORY_ALLOCATION_ERROR);
    for (int32_t i = 0; i < n; i++)
        cps[i] = uset_charAt(set, i);
    long at = 0, col = 0;
    char ranges[1 << 16] = "";
    size_t rl = 0;
    for (int32_t i = 0; i < n;) {
        int32_t j = i;
        while (j + 1 < n && cps[j + 1] - cps[j] <= RANGE_GAP)
            j++;
        rl += (size_t)snprintf(ranges + rl, sizeof ranges - rl, "    {0x%lx, 0x%lx, %ld},\n",
                               (long)cps[i], (long)cps[j], at);
        if (rl >= sizeof ranges) die("too many ranges", U_BUFFER_OVERFLOW_ERROR);
        for (UChar32 c = cps[i], k = i; c <= cps[j]; c++) {
            unsigned v = NONE;
            if (c == cps[k]) v = cp_reading(t, c), k++;
            fprintf(f, "%s%u,", col++ % 16 ? "" : "\n    ", v);
            at++;
        }
        i = j + 1;
    }
    fprintf(f, "\n};\n\n/* First code point, last, index of the first in tx_py_idx. */\n"
               "static const struct tx_py_range {\n    uint32_t lo, hi, at;\n} tx_py_range[] = {\n"
               "%s};\n\n",
            ranges);
    free(cps);
}

static void write_pairs(FILE *f, UTransliterator *t, const pair *p, size_t np)
{
    fprintf(f, "/* A before B reads syl (Han-Latin's context rules). */\n"
               "static const struct tx_py_ctx {\n    uint32_t a, b;\n    uint16_t syl;\n"
               "} tx_py_ctx[] = {\n");
    for (size_t i = 0; i < np; i++) {
        UChar u[4];
        int32_t n = 0;
        char ab[MAX_READING], b[MAX_READING];
        U16_APPEND_UNSAFE(u, n, p[i].a);
        U16_APPEND_UNSAFE(u, n, p[i].b);
        reading(t, u, n, ab);
        strcpy(b, syl[cp_reading(t, p[i].b)]);
        size_t la = strlen(ab), lb = strlen(b);
        if (la < lb || strcmp(ab + la - lb, b)) {
            fprintf(stderr, "pinyin-gen: U+%04X U+%04X does not end in the second's reading\n",
                    (unsigned)p[i].a, (unsigned)p[i].b);
            exit(1);
        }
        ab[la - lb] = 0;
        fprintf(f, "    {0x%lx, 0x%lx, %u},\n", (long)p[i].a, (long)p[i].b, syllable(ab));
    }
    fprintf(f, "    {0, 0, 0}, /* the end (no string holds U+0000) */\n};\n\n");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: pinyin-gen OUT.inc\n");
        return 2;
    }
    static pair pairs[MAX_CTX];
    USet *set = uset_openEmpty();
    size_t np = read_rules(set, pairs);
    UTransliterator *t = open_tr(CHAIN);
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        perror(tmp);
        return 1;
    }
    UVersionInfo v;
    char vs[U_MAX_VERSION_STRING_LENGTH];
    u_getVersion(v);
    u_versionToString(v, vs);
    fprintf(f, "/* pinyin_table.inc - generated by tools/pinyin-gen from ICU %s's\n"
               " * \"%s\": do not edit. */\n\n",
            vs, CHAIN);
    fprintf(f, "/* A code point of a range that is not in the table. */\n#define TX_PY_NONE %u\n\n",
            (unsigned)NONE);
    syllable("");
    write_ranges(f, t, set);
    write_pairs(f, t, pairs, np);
    fprintf(f, "/* Every reading, indexed by tx_py_idx and tx_py_ctx. */\n"
               "static const char *const tx_py_syl[] = {");
    for (size_t i = 0; i < nsyl; i++)
        fprintf(f, "%s\"%s\",", i % 8 ? " " : "\n    ", syl[i]);
    fprintf(f, "\n};\n");
    if (fclose(f) || rename(tmp, argv[1])) {
        perror(argv[1]);
        return 1;
    }
    utrans_close(t);
    uset_close(set);
    free(syl);
    return 0;
}
