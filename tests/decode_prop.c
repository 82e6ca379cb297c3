/* decode_prop.c - property tests for read.c's decoding (tx_decode).
 *
 * read.c converts ICU input in chunks of 4096 UTF-16 units.  A surrogate
 * pair split between two chunks once came out as two U+FFFD, silently,
 * shifting every later span by one code point.  These tests generate text
 * (ASCII, newlines, BMP CJK and other BMP letters, supplementary-plane
 * characters), encode it in every encoding read.c reads (by BOM, by its
 * UTF-16 guess, by ICU detection, or forced as with --encoding), put a
 * chosen character at every offset around the first two chunk boundaries,
 * and require tx_decode to give back exactly the original UTF-8.
 *
 * Groups (all by default; name some on the command line to run only those):
 *   surrogate-chunk-boundary   a supplementary character at UTF-16 offsets
 *                              4096-8..4096+8 and 8192-8..8192+8, every
 *                              encoding; must round-trip exactly
 *   invalid-offset-chunk-boundary  an invalid sequence at the same offsets
 *                              (also just after a pair that straddles the
 *                              boundary); the error must name its exact
 *                              byte offset
 *   unpaired-surrogate         encodings that can carry a lone surrogate
 *                              (CESU-8, UTF-7) must report it with its byte
 *                              offset, not replace it
 *   random                     random texts of random length and encoding
 *
 * Usage: decode_prop [--seed N] [--random N] [GROUP...]
 * The seed is fixed (DEFAULT_SEED) unless --seed is given; every failure
 * line names the seed, so a failure reproduces with --seed.  Prints one
 * line per group, "ok GROUP: N cases" or "FAIL GROUP: ...", and exits 1
 * when any group failed. */
#include "read.h"

#include <unicode/ucnv.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* tx_decode takes a conversion state (conv.h); this builds one. */
static tx2json_status decode(tx_doc *d, const unsigned char *s, size_t n, const char *enc,
                             tx2json_error *err)
{
    tx2json_options o = {0};
    o.encoding = enc;
    tx_conv c = {0};
    c.name = d->name;
    c.opts = &o;
    c.err = err;
    c.doc = d;
    return tx_decode(&c, s, n);
}

#define CHUNK 4096 /* read.c's chunk, in UTF-16 units */
#define DEFAULT_SEED 20240611u
#define MAX_REPORTS 4 /* failure lines printed per group */

static uint64_t seed, rng;

static uint64_t next64(void) /* splitmix64 */
{
    uint64_t z = (rng += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static uint32_t below(uint32_t n)
{
    return (uint32_t)(next64() % n);
}

static uint32_t in_range(uint32_t lo, uint32_t hi)
{
    return lo + below(hi - lo + 1);
}

/* ---- text ------------------------------------------------------------ */

typedef struct cpbuf {
    uint32_t *cp;
    size_t n, cap;
} cpbuf;

static void push(cpbuf *t, uint32_t c)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 1024;
        t->cp = realloc(t->cp, t->cap * sizeof *t->cp);
        if (!t->cp) {
            perror("decode_prop");
            exit(2);
        }
    }
    t->cp[t->n++] = c;
}

/* Common Han characters: keeps GB18030 detection confident. */
static const char common_han[] =
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就"
    "那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还"
    "发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动"
    "两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己";

static uint32_t common_han_cp(void)
{
    size_t n = (sizeof common_han - 1) / 3, i = below((uint32_t)n) * 3;
    const unsigned char *s = (const unsigned char *)common_han + i;
    return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
}

static uint32_t random_supplementary(void)
{
    switch (below(5)) {
    case 0:
        return in_range(0x1F300, 0x1F64F); /* emoji */
    case 1:
        return in_range(0x20000, 0x2A6DF); /* CJK extension B */
    case 2:
        return in_range(0x1D400, 0x1D7FF); /* mathematical letters */
    case 3:
        return in_range(0x10400, 0x107FF); /* every trail surrogate, lead D801 */
    default:
        return in_range(0x10FC00, 0x10FFFD); /* last plane: lead surrogate DBFF */
    }
}

/* One random code point; BMP only when bmp_only.  Never NUL, CR, a BOM, a
 * surrogate or a noncharacter: read.c rejects or folds those on purpose. */
static uint32_t random_cp(int bmp_only)
{
    uint32_t r = below(100);
    if (r < 35) return in_range(0x20, 0x7E);
    if (r < 40) return '\n';
    if (r < 55) return common_han_cp();
    if (r < 70) return in_range(0x4E00, 0x9FA5);
    if (r < 85 || bmp_only) {
        switch (below(6)) {
        case 0:
            return in_range(0xC0, 0xFF); /* Latin-1 letters */
        case 1:
            return in_range(0x391, 0x3A1); /* Greek */
        case 2:
            return in_range(0x410, 0x44F); /* Cyrillic */
        case 3:
            return in_range(0x3041, 0x3093); /* Hiragana */
        case 4:
            return in_range(0xAC00, 0xD7A3); /* Hangul */
        default:
            return in_range(0xFF01, 0xFF5E); /* full-width forms */
        }
    }
    return random_supplementary();
}

/* An encoder for the BMP-only charsets, to keep to what they can hold. */
static UConverter *legacy;

static int encodable(uint32_t c)
{
    if (!legacy) return 1;
    UChar u[2];
    int32_t nu = 0;
    if (c > 0xFFFF) return 0;
    u[nu++] = (UChar)c;
    char out[16];
    UErrorCode st = U_ZERO_ERROR;
    ucnv_fromUChars(legacy, out, sizeof out, u, nu, &st);
    return U_SUCCESS(st);
}

static uint32_t random_cp_for(int bmp_only)
{
    for (;;) {
        uint32_t c = random_cp(bmp_only);
        if (encodable(c)) return c;
    }
}

/* Appends random text worth exactly `units` UTF-16 code units. */
static void gen(cpbuf *t, size_t units, int bmp_only)
{
    while (units > 0) {
        uint32_t c = random_cp_for(bmp_only || units < 2);
        push(t, c);
        units -= c > 0xFFFF ? 2 : 1;
    }
}

/* ---- encoders --------------------------------------------------------
 * UTF-8/16/32 by hand; everything else through ICU with a STOP callback,
 * so that nothing is ever substituted on the way in. */

static void put(tx_strbuf *b, uint32_t v, int width, int be)
{
    char x[4];
    for (int i = 0; i < width; i++)
        x[be ? width - 1 - i : i] = (char)(v >> (8 * i));
    tx_sb_add(b, x, (size_t)width);
}

static void utf8(tx_strbuf *b, uint32_t c)
{
    tx_sb_addcp(b, c);
}

enum form { F_UTF8, F_UTF16LE, F_UTF16BE, F_UTF32LE, F_UTF32BE, F_ICU };

/* Encodes code point c (which may be a lone surrogate for UTF-16/32, so
 * that invalid input can be made). */
static void encode_cp(tx_strbuf *b, enum form f, uint32_t c)
{
    switch (f) {
    case F_UTF8:
        utf8(b, c);
        break;
    case F_UTF16LE:
    case F_UTF16BE:
        if (c > 0xFFFF) {
            put(b, 0xD800 + ((c - 0x10000) >> 10), 2, f == F_UTF16BE);
            put(b, 0xDC00 + ((c - 0x10000) & 0x3FF), 2, f == F_UTF16BE);
        } else {
            put(b, c, 2, f == F_UTF16BE);
        }
        break;
    case F_UTF32LE:
    case F_UTF32BE:
        put(b, c, 4, f == F_UTF32BE);
        break;
    case F_ICU:
        break;
    }
}

static void to_utf16(const uint32_t *cp, size_t n, UChar **u, int32_t *nu)
{
    *u = malloc((2 * n + 1) * sizeof **u);
    if (!*u) exit(2);
    int32_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (cp[i] > 0xFFFF) {
            (*u)[k++] = (UChar)(0xD800 + ((cp[i] - 0x10000) >> 10));
            (*u)[k++] = (UChar)(0xDC00 + ((cp[i] - 0x10000) & 0x3FF));
        } else {
            (*u)[k++] = (UChar)cp[i];
        }
    }
    *nu = k;
}

/* Appends cp[0..n) in the given form; 0, or -1 when ICU cannot encode it. */
static int encode(tx_strbuf *b, enum form f, const char *icu, const uint32_t *cp, size_t n)
{
    if (f != F_ICU) {
        for (size_t i = 0; i < n; i++)
            encode_cp(b, f, cp[i]);
        return 0;
    }
    UChar *u;
    int32_t nu;
    to_utf16(cp, n, &u, &nu);
    UErrorCode st = U_ZERO_ERROR;
    UConverter *cv = ucnv_open(icu, &st);
    ucnv_setFromUCallBack(cv, UCNV_FROM_U_CALLBACK_STOP, NULL, NULL, NULL, &st);
    int32_t cap = 8 * nu + 16;
    char *out = malloc((size_t)cap);
    if (!out) exit(2);
    int32_t len = U_SUCCESS(st) ? ucnv_fromUChars(cv, out, cap, u, nu, &st) : 0;
    int rc = U_SUCCESS(st) ? 0 : -1;
    if (rc == 0) tx_sb_add(b, out, (size_t)len);
    ucnv_close(cv);
    free(out);
    free(u);
    return rc;
}

/* ---- encodings read.c takes ----------------------------------------- */

typedef struct variant {
    const char *label;
    enum form form;
    const char *icu;      /* ICU encoder for F_ICU */
    const char *bom;      /* bytes written before the text */
    size_t bomlen;        /* (and counted in error offsets) */
    const char *forced;   /* --encoding, or NULL for detection */
    const char *expected; /* tx_doc.encoding afterwards */
    int bmp_only;         /* the charset has no supplementary planes */
    int guessed;          /* found by a statistical guess: needs some text */
} variant;

static const variant variants[] = {
    {"UTF-8", F_UTF8, NULL, "", 0, NULL, "UTF-8", 0, 0},
    {"UTF-8 with BOM", F_UTF8, NULL, "\xEF\xBB\xBF", 3, NULL, "UTF-8", 0, 0},
    {"UTF-16LE with BOM", F_UTF16LE, NULL, "\xFF\xFE", 2, NULL, "UTF-16LE", 0, 0},
    {"UTF-16BE with BOM", F_UTF16BE, NULL, "\xFE\xFF", 2, NULL, "UTF-16BE", 0, 0},
    {"UTF-16LE guessed", F_UTF16LE, NULL, "", 0, NULL, "UTF-16LE", 0, 1},
    {"UTF-16BE guessed", F_UTF16BE, NULL, "", 0, NULL, "UTF-16BE", 0, 1},
    {"UTF-32LE with BOM", F_UTF32LE, NULL, "\xFF\xFE\0\0", 4, NULL, "UTF-32LE", 0, 0},
    {"UTF-32BE with BOM, detected", F_UTF32BE, NULL, "\0\0\xFE\xFF", 4, NULL, "UTF-32BE", 0, 1},
    {"GB18030 detected", F_ICU, "GB18030", "", 0, NULL, "GB18030", 0, 1},
    {"forced UTF-8", F_UTF8, NULL, "", 0, "UTF-8", "UTF-8", 0, 0},
    {"forced UTF-16LE", F_UTF16LE, NULL, "", 0, "UTF-16LE", "UTF-16LE", 0, 0},
    {"forced UTF-16BE", F_UTF16BE, NULL, "", 0, "UTF-16BE", "UTF-16BE", 0, 0},
    {"forced UTF-32LE", F_UTF32LE, NULL, "", 0, "UTF-32LE", "UTF-32LE", 0, 0},
    {"forced UTF-32BE", F_UTF32BE, NULL, "", 0, "UTF-32BE", "UTF-32BE", 0, 0},
    {"forced UTF-16 (BOM)", F_ICU, "UTF-16", "", 0, "UTF-16", "UTF-16", 0, 0},
    {"forced UTF-32 (BOM)", F_ICU, "UTF-32", "", 0, "UTF-32", "UTF-32", 0, 0},
    {"forced GB18030", F_ICU, "GB18030", "", 0, "GB18030", "GB18030", 0, 0},
    {"forced CESU-8", F_ICU, "CESU-8", "", 0, "CESU-8", "CESU-8", 0, 0},
    {"forced UTF-7", F_ICU, "UTF-7", "", 0, "UTF-7", "UTF-7", 0, 0},
    {"forced SCSU", F_ICU, "SCSU", "", 0, "SCSU", "SCSU", 0, 0},
    {"forced BOCU-1", F_ICU, "BOCU-1", "", 0, "BOCU-1", "BOCU-1", 0, 0},
    {"forced Big5", F_ICU, "Big5", "", 0, "Big5", "Big5", 1, 0},
    {"forced Shift_JIS", F_ICU, "Shift_JIS", "", 0, "Shift_JIS", "Shift_JIS", 1, 0},
    {"forced EUC-JP", F_ICU, "EUC-JP", "", 0, "EUC-JP", "EUC-JP", 1, 0},
    {"forced EUC-KR", F_ICU, "EUC-KR", "", 0, "EUC-KR", "EUC-KR", 1, 0},
};
#define NVARIANTS (sizeof variants / sizeof variants[0])

static const variant *by_label(const char *label)
{
    for (size_t i = 0; i < NVARIANTS; i++)
        if (strcmp(variants[i].label, label) == 0) return &variants[i];
    fprintf(stderr, "decode_prop: no variant '%s'\n", label);
    exit(2);
}

static void use_variant(const variant *v)
{
    if (legacy) ucnv_close(legacy);
    legacy = NULL;
    if (v->bmp_only) {
        UErrorCode st = U_ZERO_ERROR;
        legacy = ucnv_open(v->icu, &st);
        ucnv_setFromUCallBack(legacy, UCNV_FROM_U_CALLBACK_STOP, NULL, NULL, NULL, &st);
        if (U_FAILURE(st)) {
            fprintf(stderr, "decode_prop: ICU cannot open %s\n", v->icu);
            exit(2);
        }
    }
}

/* ---- checks ---------------------------------------------------------- */

static int group_failed, group_cases, reports;

static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void report(const char *fmt, ...)
{
    group_failed++;
    if (reports++ >= MAX_REPORTS) return;
    va_list ap;
    va_start(ap, fmt);
    printf("    seed %" PRIu64 ": ", seed);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

/* Up to 12 bytes of s from i, escaped. */
static const char *show(const char *s, size_t len, size_t i)
{
    static char buf[4][64];
    static int k;
    char *o = buf[k++ % 4];
    size_t w = 0;
    for (size_t j = i; j < len && j < i + 12; j++)
        w += (size_t)snprintf(o + w, 64 - w, "%02X", (unsigned char)s[j]);
    o[w] = 0;
    return o;
}

/* Decodes enc and compares with the text t; where names the case. */
static void roundtrip(const variant *v, const cpbuf *t, const char *where)
{
    tx_strbuf enc = {0}, want = {0};
    tx_sb_add(&enc, v->bom, v->bomlen);
    if (encode(&enc, v->form, v->icu, t->cp, t->n) != 0) {
        report("%s, %s: the test could not encode its own text", v->label, where);
        goto out;
    }
    for (size_t i = 0; i < t->n; i++)
        utf8(&want, t->cp[i]);
    group_cases++;
    tx2json_error err = {0};
    tx_doc d = {.name = "prop"};
    tx2json_status rc =
        decode(&d, (const unsigned char *)(enc.s ? enc.s : ""), enc.len, v->forced, &err);
    if (rc != TX2JSON_OK) {
        report("%s, %s: decode failed: %s", v->label, where, err.message);
    } else if (strcmp(d.encoding, v->expected) != 0) {
        report("%s, %s: read as %s", v->label, where, d.encoding);
    } else if (d.len != want.len || memcmp(d.text, want.s, want.len) != 0 || d.ncp != t->n) {
        size_t i = 0;
        while (i < d.len && i < want.len && d.text[i] == want.s[i])
            i++;
        report("%s, %s: text differs at byte %zu of %zu: got %s, want %s (%zu/%zu code points)",
               v->label, where, i, want.len, show(d.text, d.len, i), show(want.s, want.len, i),
               d.ncp, t->n);
    }
    tx_doc_free(&d);
out:
    tx_sb_free(&enc);
    tx_sb_free(&want);
}

/* Offsets around the first two chunk boundaries, in UTF-16 units. */
static const size_t bases[] = {CHUNK, 2 * CHUNK};
#define SPREAD 8

static void group_surrogate_boundary(void)
{
    char where[96];
    for (size_t vi = 0; vi < NVARIANTS; vi++) {
        const variant *v = &variants[vi];
        use_variant(v);
        for (size_t b = 0; b < 2; b++) {
            for (size_t at = bases[b] - SPREAD; at <= bases[b] + SPREAD; at++) {
                for (int last = 0; last < 2; last++) {
                    /* Random text of exactly `at` units, the character,
                     * then more text or (last) the end of the input.  For
                     * the BMP-only charsets a multi-byte character stands
                     * in for the supplementary one. */
                    cpbuf t = {0};
                    gen(&t, at, v->bmp_only);
                    uint32_t c = v->bmp_only ? random_cp_for(1) : random_supplementary();
                    while (v->bmp_only && c < 0x80)
                        c = random_cp_for(1);
                    push(&t, c);
                    if (!last) gen(&t, in_range(1, 600), v->bmp_only);
                    snprintf(where, sizeof where, "U+%04X at UTF-16 offset %zu%s", (unsigned)c, at,
                             last ? ", last in the input" : "");
                    roundtrip(v, &t, where);
                    free(t.cp);
                }
            }
        }
    }
}

static size_t nrandom = 60;

static void group_random(void)
{
    char where[96];
    for (size_t k = 0; k < nrandom; k++) {
        const variant *v = &variants[below(NVARIANTS)];
        use_variant(v);
        cpbuf t = {0};
        /* Long enough to cross a few chunk boundaries, with runs of
         * supplementary characters now and then. */
        size_t units = in_range(v->guessed ? CHUNK / 2 : 1, 5 * CHUNK);
        while (units > 0) {
            if (!v->bmp_only && units >= 8 && below(50) == 0) {
                for (int r = 0; r < 4; r++)
                    push(&t, random_supplementary());
                units -= 8;
                continue;
            }
            gen(&t, 1, v->bmp_only);
            units--;
        }
        snprintf(where, sizeof where, "random text %zu (%zu code points)", k, t.n);
        roundtrip(v, &t, where);
        free(t.cp);
    }
}

/* An invalid sequence after `at` units of text (optionally right after a
 * supplementary character that straddles the boundary); the error must
 * name the byte offset where the sequence starts. */
static void expect_error(const variant *v, const tx_strbuf *enc, size_t off, const char *where)
{
    group_cases++;
    tx2json_error err = {0};
    tx_doc d = {.name = "prop"};
    tx2json_status rc = decode(&d, (const unsigned char *)enc->s, enc->len, v->forced, &err);
    char frag[64];
    snprintf(frag, sizeof frag, "byte offset %zu", off);
    if (rc != TX2JSON_EDECODE)
        report("%s, %s: status %d, expected a decoding error", v->label, where, (int)rc);
    else if (err.offset != off || !strstr(err.message, frag))
        report("%s, %s: error at offset %zu (\"%s\"), expected %zu", v->label, where, err.offset,
               err.message, off);
    tx_doc_free(&d);
}

static void group_invalid_offset(void)
{
    static const struct {
        const char *variant;
        const char *bad;
        size_t badlen;
        uint32_t badcp;
        const char *what;
    } cases[] = {
        {"UTF-8", "\xFF", 1, 0, "byte FF"},
        {"UTF-16LE with BOM", NULL, 0, 0xDC00, "lone trail surrogate"},
        {"UTF-16LE with BOM", NULL, 0, 0xD800, "lone lead surrogate"},
        {"UTF-16BE with BOM", NULL, 0, 0xDFFF, "lone trail surrogate"},
        {"UTF-16BE with BOM", NULL, 0, 0xDBFF, "lone lead surrogate"},
        {"UTF-16LE guessed", NULL, 0, 0xDC00, "lone trail surrogate"},
        {"UTF-16BE guessed", NULL, 0, 0xD800, "lone lead surrogate"},
        {"UTF-32LE with BOM", NULL, 0, 0x110000, "code point 110000"},
        {"UTF-32LE with BOM", NULL, 0, 0xD800, "surrogate code point"},
        {"forced UTF-32LE", NULL, 0, 0xDC00, "surrogate code point"},
        {"forced UTF-32BE", NULL, 0, 0x110000, "code point 110000"},
        {"forced GB18030", "\xFF", 1, 0, "byte FF"},
        {"forced GB18030", "\x81\x7F", 2, 0, "lead byte 81 before 7F"},
        {"forced GB18030", "\x81\x30\xFF\x30", 4, 0, "broken four-byte sequence"},
        {"forced UTF-16LE", NULL, 0, 0xDC00, "lone trail surrogate"},
    };
    char where[128];
    for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
        const variant *v = by_label(cases[ci].variant);
        use_variant(v);
        for (size_t b = 0; b < 2; b++) {
            for (size_t at = bases[b] - SPREAD; at <= bases[b] + SPREAD; at++) {
                for (int straddle = 0; straddle < 2; straddle++) {
                    /* straddle: a supplementary character ends at `at`
                     * and starts one unit before the boundary. */
                    if (straddle && at != bases[b] + 1) continue;
                    cpbuf t = {0};
                    gen(&t, straddle ? at - 2 : at, 0);
                    if (straddle) push(&t, random_supplementary());
                    tx_strbuf enc = {0};
                    tx_sb_add(&enc, v->bom, v->bomlen);
                    if (encode(&enc, v->form, v->icu, t.cp, t.n) != 0)
                        report("%s: the test could not encode its own text", v->label);
                    size_t off = enc.len;
                    if (cases[ci].bad)
                        tx_sb_add(&enc, cases[ci].bad, cases[ci].badlen);
                    else
                        encode_cp(&enc, v->form, cases[ci].badcp);
                    cpbuf tail = {0};
                    push(&tail, 'x'); /* a lone lead needs a follower */
                    gen(&tail, in_range(1, 300), 0);
                    encode(&enc, v->form, v->icu, tail.cp, tail.n);
                    snprintf(where, sizeof where, "%s after %zu UTF-16 units%s", cases[ci].what, at,
                             straddle ? " (pair straddling the boundary before it)" : "");
                    expect_error(v, &enc, off, where);
                    tx_sb_free(&enc);
                    free(t.cp);
                    free(tail.cp);
                }
            }
        }
    }
    /* A sequence cut short at the very end, after a boundary. */
    static const char *const utf16[] = {"UTF-16LE with BOM", "UTF-16BE with BOM"};
    for (size_t vi = 0; vi < 2; vi++) {
        const variant *v = by_label(utf16[vi]);
        use_variant(v);
        cpbuf t = {0};
        gen(&t, CHUNK + 3, 0);
        tx_strbuf enc = {0};
        tx_sb_add(&enc, v->bom, v->bomlen);
        encode(&enc, v->form, NULL, t.cp, t.n);
        size_t off = enc.len;
        tx_strbuf half = {0};
        tx_sb_add(&half, enc.s, enc.len);
        encode_cp(&enc, v->form, 0xD83D); /* lead surrogate, then end of input */
        expect_error(v, &enc, off, "lead surrogate at end of input");
        tx_sb_add(&half, "x", 1); /* odd byte count: half a code unit */
        expect_error(v, &half, off, "half a code unit at end of input");
        tx_sb_free(&enc);
        tx_sb_free(&half);
        free(t.cp);
    }
}

/* CESU-8 and UTF-7 can spell a lone surrogate; ICU passes it through, so
 * read.c must catch it when it builds UTF-8 (once it became U+FFFD). */
static void group_unpaired_surrogate(void)
{
    static const struct {
        const char *variant;
        const char *bad;
        size_t badlen;
        size_t skip; /* bytes before the unit's own: UTF-7's '+' */
        const char *what;
    } cases[] = {
        {"forced CESU-8", "\xED\xA0\xBD", 3, 0, "CESU-8 lone lead D83D"},
        {"forced CESU-8", "\xED\xB8\x80", 3, 0, "CESU-8 lone trail DE00"},
        {"forced UTF-7", "+2D0-", 5, 1, "UTF-7 lone lead D83D (bits start after the '+')"},
    };
    char where[128];
    for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
        const variant *v = by_label(cases[ci].variant);
        use_variant(v);
        for (size_t b = 0; b < 2; b++) {
            for (size_t at = bases[b] - SPREAD; at <= bases[b] + SPREAD; at++) {
                cpbuf t = {0};
                gen(&t, at, 0);
                tx_strbuf enc = {0};
                encode(&enc, v->form, v->icu, t.cp, t.n);
                size_t off = enc.len + cases[ci].skip;
                tx_sb_add(&enc, cases[ci].bad, cases[ci].badlen);
                tx_sb_add(&enc, "x", 1);
                snprintf(where, sizeof where, "%s after %zu UTF-16 units", cases[ci].what, at);
                expect_error(v, &enc, off, where);
                tx_sb_free(&enc);
                free(t.cp);
            }
        }
    }
}

static const struct {
    const char *name;
    void (*run)(void);
} groups[] = {
    {"surrogate-chunk-boundary", group_surrogate_boundary},
    {"invalid-offset-chunk-boundary", group_invalid_offset},
    {"unpaired-surrogate", group_unpaired_surrogate},
    {"random", group_random},
};
#define NGROUPS (sizeof groups / sizeof groups[0])

int main(int argc, char **argv)
{
    seed = DEFAULT_SEED;
    const char *only[NGROUPS + 1];
    size_t nonly = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            seed = strtoull(argv[++i], NULL, 0);
        } else if (strcmp(argv[i], "--random") == 0 && i + 1 < argc) {
            nrandom = strtoul(argv[++i], NULL, 0);
        } else {
            size_t g = 0;
            while (g < NGROUPS && strcmp(argv[i], groups[g].name) != 0)
                g++;
            if (g == NGROUPS || nonly == NGROUPS) {
                fprintf(stderr, "usage: decode_prop [--seed N] [--random N] [GROUP...]\n");
                return 2;
            }
            only[nonly++] = argv[i];
        }
    }
    int any = 0;
    for (size_t g = 0; g < NGROUPS; g++) {
        int wanted = nonly == 0;
        for (size_t k = 0; k < nonly; k++)
            wanted |= strcmp(only[k], groups[g].name) == 0;
        if (!wanted) continue;
        /* Each group draws from its own stream of the seed, so running
         * one group alone sees the same texts as the full run. */
        rng = seed ^ (0x5851F42D4C957F2Du * (g + 1));
        group_failed = group_cases = reports = 0;
        groups[g].run();
        if (group_failed) {
            printf("FAIL %s: %d of %d cases failed (seed %" PRIu64 ")\n", groups[g].name,
                   group_failed, group_cases, seed);
            any = 1;
        } else {
            printf("ok %s: %d cases (seed %" PRIu64 ")\n", groups[g].name, group_cases, seed);
        }
    }
    if (legacy) ucnv_close(legacy);
    return any;
}
