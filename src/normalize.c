/* normalize.c - stage 2: the matching form of the text.
 *
 * Rules and candidate finding run on an NFKC form of the decoded text, so
 * full-width letters, digits and punctuation look like ASCII, and where a
 * Traditional Chinese character has one Simplified counterpart (ICU's
 * Traditional-Simplified, character by character: build/t2s_table.inc,
 * tools/t2s-gen.c) it is that one, so a show in Traditional characters
 * meets the rules written in Simplified ones.  Each
 * normalisation chunk (a starter plus what combines with it) is normalised
 * on its own, and every output byte remembers the code point where its
 * chunk starts, so spans found in the matching form point into the input
 * as given.  Name keys (tx_name_key) also fold case and drop punctuation. */
#include "normalize.h"
#include "container.h"
#include "numeral.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/uscript.h>

/* T2S, {traditional, simplified} pairs by code point, and T2S_BITS, a
 * bit per ideograph that has a pair. */
#include "t2s_table.inc"

/* The Simplified counterpart of the ideograph c, or c. */
static uint32_t simplified(uint32_t c)
{
    size_t lo = 0, hi = sizeof T2S / sizeof *T2S;
    if (c < T2S_FIRST || c > T2S_LAST ||
        !(T2S_BITS[(c - T2S_FIRST) / 8] & (1u << ((c - T2S_FIRST) % 8))))
        return c;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (T2S[mid][0] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < sizeof T2S / sizeof *T2S && T2S[lo][0] == c ? T2S[lo][1] : c;
}

static int identity_cp(const UNormalizer2 *nf, uint32_t c)
{
    if (c < 0x80) return 1;
    UChar tmp[32];
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = unorm2_getDecomposition(nf, (UChar32)c, tmp, 32, &st);
    return n < 0;
}

/* Bytes kept defined after the matching form's end: the widest block
 * PCRE2's JIT reads at once (a 512-bit vector). */
enum { JIT_SLACK = 64 };

/* The matching form being built: bytes, and where they come from
 * (tx_norm_seg). */
typedef struct nform {
    const UNormalizer2 *nf;
    const char *t; /* the decoded text */
    tx_strbuf b;
    tx_norm_seg *seg;
    size_t nseg, segcap;
    size_t chars;      /* characters of b so far */
    long long next_cp; /* the code point the last stretch gives the next character, -1 none */
} nform;

static int push_seg(nform *f, size_t nb, int flat, long long base)
{
    tx_norm_seg *p = tx_grow(f->seg, &f->segcap, f->nseg + 1, sizeof *p);
    if (!p) return -1;
    f->seg = p;
    f->seg[f->nseg++] = (tx_norm_seg){nb, flat, base};
    return 0;
}

/* Records that the one character of b from `from` on comes from code
 * point cp.  -1 on OOM. */
static int map_one(nform *f, size_t from, size_t cp)
{
    int r = 0;
    if ((long long)cp != f->next_cp) r = push_seg(f, from, 0, (long long)cp - (long long)f->chars);
    f->chars++;
    f->next_cp = (long long)cp + 1;
    return r;
}

/* Records that the bytes of b from `from` on come from code point cp.
 * -1 on OOM. */
static int map_to(nform *f, size_t from, size_t cp)
{
    if (f->b.oom) return -1;
    size_t n = 0; /* a chunk is a few bytes: counted here, not by the word */
    for (size_t i = from; i < f->b.len; i++)
        n += ((unsigned char)f->b.s[i] & 0xC0) != 0x80;
    if (n == 1) return map_one(f, from, cp);
    f->chars += n;
    f->next_cp = -1;
    return n > 1 ? push_seg(f, from, 1, (long long)cp) : 0;
}

/* Appends ideograph c, or its Simplified counterpart (both three bytes of
 * UTF-8: the table holds only ideographs of the Basic Multilingual
 * Plane). */
static void add_han(nform *f, const char *at, uint32_t c)
{
    uint32_t d = simplified(c);
    char u8[4];
    if (d == c)
        tx_sb_add(&f->b, at, 3);
    else
        tx_sb_add(&f->b, u8, tx_u8_put(d, u8));
}

/* Fast path: an ASCII character not followed by a combining mark is its
 * own NFKC form.  1 when taken, 0 when not, -1 on OOM. */
static int ascii_char(nform *f, size_t *i, size_t end, size_t *cp)
{
    const char *t = f->t;
    if ((unsigned char)t[*i] >= 0x80 || (*i + 1 < end && (unsigned char)t[*i + 1] >= 0x80))
        return 0;
    if (f->b.len + 2 > f->b.cap) {
        tx_sb_add(&f->b, t + *i, 1);
    } else {
        f->b.s[f->b.len++] = t[*i];
        f->b.s[f->b.len] = 0;
    }
    if (f->b.oom || map_one(f, f->b.len - 1, *cp)) return -1;
    (*i)++;
    (*cp)++;
    return 1;
}

/* Fast path: a common CJK ideograph (its own NFKC form, and never
 * combined with) before ASCII or another such ideograph.  1 when taken,
 * 0 when not, -1 on OOM. */
static int cjk_char(nform *f, size_t *i, size_t end, size_t *cp)
{
    const char *t = f->t;
    if ((unsigned char)t[*i] < 0xE4 || (unsigned char)t[*i] > 0xE9 || *i + 3 > end) return 0;
    size_t j = *i;
    uint32_t c = tx_u8_next(t, &j);
    unsigned char nx = j < end ? (unsigned char)t[j] : 0;
    if (c < 0x4E00 || c > 0x9FFF || j != *i + 3 || !(nx < 0x80 || (nx >= 0xE4 && nx <= 0xE9)))
        return 0;
    if (nx >= 0x80) {
        size_t k = j;
        uint32_t d = tx_u8_next(t, &k);
        if (d < 0x4E00 || d > 0x9FFF) return 0;
    }
    add_han(f, t + *i, c);
    if (f->b.oom || map_one(f, f->b.len - 3, *cp)) return -1;
    *i = j;
    (*cp)++;
    return 1;
}

/* A normalisation chunk (a starter and what combines with it, never
 * past end), normalised on its own.  -1 on OOM. */
static int chunk(nform *f, size_t *i, size_t end, size_t *cp)
{
    const char *t = f->t;
    size_t ci = *i, ccp = *cp;
    uint32_t c = tx_u8_next(t, i);
    (*cp)++;
    int single = 1;
    while (*i < end) {
        size_t j = *i;
        uint32_t d = tx_u8_next(t, &j);
        if (unorm2_hasBoundaryBefore(f->nf, (UChar32)d)) break;
        *i = j;
        (*cp)++;
        single = 0;
    }
    size_t before = f->b.len;
    if (single && *i - ci == 3 && simplified(c) != c) {
        add_han(f, t + ci, c);
    } else if ((single && identity_cp(f->nf, c)) ||
               *i - ci > 60) { /* > 60: absurd combining run, kept */
        tx_sb_add(&f->b, t + ci, *i - ci);
    } else {
        UChar src[64], dst[256];
        int32_t sl = 0;
        UErrorCode s2 = U_ZERO_ERROR;
        u_strFromUTF8(src, 64, &sl, t + ci, (int32_t)(*i - ci), &s2);
        int32_t dl = U_SUCCESS(s2) ? unorm2_normalize(f->nf, src, sl, dst, 256, &s2) : 0;
        char u8[1024];
        int32_t ul = 0;
        if (U_SUCCESS(s2)) u_strToUTF8(u8, sizeof u8, &ul, dst, dl, &s2);
        if (U_SUCCESS(s2) && ul > 0)
            tx_sb_add(&f->b, u8, (size_t)ul);
        else
            tx_sb_add(&f->b, t + ci, *i - ci);
    }
    return map_to(f, before, ccp);
}

/* Appends the matching form of text[i, end), whose byte i is code point
 * cp.  -1 on OOM. */
static int norm_range(nform *f, size_t i, size_t end, size_t cp)
{
    while (i < end) {
        int r = ascii_char(f, &i, end, &cp);
        if (!r) r = cjk_char(f, &i, end, &cp);
        if (!r) r = chunk(f, &i, end, &cp) ? -1 : 1;
        if (r < 0) return -1;
    }
    return 0;
}

/* Appends the matching form of the code point u, which a piece stands
 * for (an escape of the input), as if it were code point cp of the text.
 * -1 on OOM. */
static int norm_subst(nform *f, uint32_t u, size_t cp)
{
    char one[4];
    size_t n = tx_u8_put(u, one);
    const char *t = f->t;
    f->t = one;
    int r = norm_range(f, 0, n, cp);
    f->t = t;
    return r;
}

/* The matching form of a framed text: its pieces, each after its
 * separator byte (twice for a paragraph break), which maps to where the piece before it ends (a
 * line break or a cut tag of the input).  -1 on OOM. */
static int norm_pieces(nform *f, const tx_doc *doc, const tx_container *k)
{
    size_t prev_end = 0;
    for (size_t i = 0; i < k->npiece; i++) {
        const tx_piece *p = &k->piece[i];
        size_t cp = tx_byte_to_cp(doc, p->s);
        for (int n = p->sep ? 1 + (p->para != 0) : 0; n > 0; n--) {
            tx_sb_addc(&f->b, p->sep);
            if (map_to(f, f->b.len - 1, tx_byte_to_cp(doc, prev_end))) return -1;
        }
        if (p->subst) {
            if (norm_subst(f, p->subst, cp)) return -1;
        } else if (norm_range(f, p->s, p->e, cp)) {
            return -1;
        }
        prev_end = p->e;
    }
    return 0;
}

tx2json_status tx_normalize(tx_conv *c)
{
    const tx_doc *doc = c->doc;
    tx_norm *out = c->norm;
    tx2json_error *err = c->err;
    UErrorCode st = U_ZERO_ERROR;
    nform f = {.nf = unorm2_getNFKCInstance(&st), .t = doc->text, .next_cp = -1};
    if (U_FAILURE(st)) {
        tx_seterr(err, TX2JSON_EINTERNAL, doc->name, 0, 0, (size_t)-1, "ICU NFKC: %s",
                  u_errorName(st));
        return TX2JSON_EINTERNAL;
    }
    /* Reserve the input size and the slack up front: NFKC rarely
     * lengthens text. */
    f.b.s = malloc(doc->len + 1 + JIT_SLACK);
    f.b.cap = f.b.s ? doc->len + 1 + JIT_SLACK : 0;
    tx_sb_add(&f.b, "", 0);
    if (f.b.oom) goto oom;
    if (c->cont && c->cont->kind != TX_PLAIN) {
        if (norm_pieces(&f, doc, c->cont)) goto oom;
    } else if (norm_range(&f, 0, doc->len, 0)) {
        goto oom;
    }
    if (f.b.oom) goto oom;
    /* PCRE2's JIT scans ahead in aligned blocks: a block past the end of
     * the text must lie in the buffer and be defined. */
    if (f.b.cap < f.b.len + 1 + JIT_SLACK) {
        char *p = realloc(f.b.s, f.b.len + 1 + JIT_SLACK);
        if (!p) goto oom;
        f.b.s = p;
        f.b.cap = f.b.len + 1 + JIT_SLACK;
    }
    memset(f.b.s + f.b.len, 0, f.b.cap - f.b.len);
    out->lead = malloc((f.b.len / TX_NORM_STRIDE + 1) * sizeof *out->lead);
    if (!out->lead) goto oom;
    for (size_t k = 0, n = 0; k <= f.b.len / TX_NORM_STRIDE; k++) {
        out->lead[k] = (uint32_t)n;
        size_t at = k * TX_NORM_STRIDE, m = f.b.len - at;
        n += tx_u8_count(f.b.s + at, m < TX_NORM_STRIDE ? m : TX_NORM_STRIDE);
    }
    out->s = f.b.s;
    out->len = f.b.len;
    out->end_cp = doc->ncp;
    out->seg = f.seg;
    out->nseg = f.nseg;
    return TX2JSON_OK;
oom:
    tx_sb_free(&f.b);
    free(f.seg);
    tx_seterr(err, TX2JSON_ENOMEM, doc->name, 0, 0, (size_t)-1, "out of memory");
    return TX2JSON_ENOMEM;
}

void tx_norm_free(tx_norm *n)
{
    free(n->s);
    free(n->seg);
    free(n->lead);
    n->s = NULL;
    n->seg = NULL;
    n->lead = NULL;
}

static size_t seg_nb(const void *v, size_t i)
{
    return ((const tx_norm_seg *)v)[i].nb;
}

size_t tx_norm_cp(const tx_norm *n, size_t b)
{
    if (b >= n->len || !n->nseg) return n->end_cp;
    /* The last stretch starting at or before b (the first starts at 0). */
    size_t i = tx_lower_bound(n->seg, n->nseg, b + 1, seg_nb);
    const tx_norm_seg *g = &n->seg[i ? i - 1 : 0];
    if (g->flat) return (size_t)g->base;
    size_t k = b / TX_NORM_STRIDE, at = k * TX_NORM_STRIDE;
    size_t index = n->lead[k] + tx_u8_count(n->s + at, b + 1 - at) - 1; /* b's character */
    return (size_t)(g->base + (long long)index);
}

/* uscript_getScript with the common cases answered directly: ASCII
 * letters are Latin, other ASCII Common, U+4E00..U+9FFF Han. */
static UScriptCode script_of(uint32_t c)
{
    if (c < 0x80) return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ? USCRIPT_LATIN : USCRIPT_COMMON;
    if (c >= 0x4E00 && c <= 0x9FFF) return USCRIPT_HAN;
    UErrorCode st = U_ZERO_ERROR;
    return uscript_getScript((UChar32)c, &st);
}

int tx_has_han(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n)
        if (script_of(tx_u8_next(s, &i)) == USCRIPT_HAN) return 1;
    return 0;
}

/* The share of Han and of Latin in the words of s[0..n). */
static void script_shares(const char *s, size_t n, double *han_share, double *latin_share)
{
    size_t i = 0, han = 0, lat = 0;
    while (i < n) {
        UScriptCode sc = script_of(tx_u8_next(s, &i));
        if (sc == USCRIPT_HAN)
            han++;
        else if (sc == USCRIPT_LATIN)
            lat++;
    }
    /* A Han character carries about a word; a Latin word about 5 letters. */
    double words = (double)han + (double)lat / 5.0;
    *han_share = words > 0 ? (double)han / words : 0.0;
    *latin_share = words > 0 ? (double)lat / 5.0 / words : 0.0;
}

double tx_han_share(const char *s, size_t n)
{
    double h, l;
    script_shares(s, n, &h, &l);
    return h;
}

const char *tx_detect_language(const tx_ruleset *rs, const char *s, size_t n)
{
    double han, lat;
    script_shares(s, n, &han, &lat);
    size_t nt;
    const tx_table *t = tx_rules_tables(rs, &nt);
    for (size_t i = 0; i < nt; i++) {
        if (t[i].kind != TK_SCRIPT || !strcmp(t[i].lang, "any")) continue;
        int all = 1;
        for (size_t r = 0; r < t[i].nrow && all; r++)
            all = (!strcmp(t[i].row[r].key, "Han") ? han : lat) >= atof(t[i].row[r].value);
        if (all) return t[i].lang;
    }
    const char *first = tx_rules_language(rs, 0);
    return first ? first : "";
}

static void flush_num(tx_strbuf *b, long *num)
{
    if (*num < 0) return;
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", *num);
    tx_sb_add(b, buf, strlen(buf));
    *num = -1;
}

char *tx_name_key(const tx_numerals *nt, const char *s, size_t n)
{
    /* NFKC + case fold through UTF-16, then keep letters and digits. */
    int32_t ulen = 0, fl = 0;
    UErrorCode st = U_ZERO_ERROR;
    UChar *u = NULL, *f = NULL;
    tx_strbuf b = {0}, word = {0};
    size_t k = 0;
    while (k < n && (unsigned char)s[k] < 0x80)
        k++;
    if (k == n) { /* ASCII: NFKC with case folding is just lower case */
        f = malloc(sizeof(UChar) * (n + 1));
        if (!f) goto fail;
        for (k = 0; k < n; k++)
            f[k] = (UChar)(s[k] >= 'A' && s[k] <= 'Z' ? s[k] + 32 : s[k]);
        fl = (int32_t)n;
    } else {
        u_strFromUTF8(NULL, 0, &ulen, s, (int32_t)n, &st);
        st = U_ZERO_ERROR;
        u = malloc(sizeof(UChar) * ((size_t)ulen + 1));
        f = malloc(sizeof(UChar) * ((size_t)ulen * 3 + 8));
        if (!u || !f) goto fail;
        u_strFromUTF8(u, ulen + 1, NULL, s, (int32_t)n, &st);
        const UNormalizer2 *nf = unorm2_getNFKCCasefoldInstance(&st);
        fl = U_SUCCESS(st) ? unorm2_normalize(nf, u, ulen, f, ulen * 3 + 8, &st) : 0;
        if (U_FAILURE(st)) goto fail;
    }
    tx_sb_add(&b, "", 0);
    long num = -1; /* spoken number being read, -1 when none */
    int after_point = 0;
    for (int32_t i = 0; i <= fl;) {
        UChar32 c = 0;
        if (i < fl)
            U16_NEXT(f, i, fl, c);
        else
            i++;
        int alnum = c && u_isalnum(c);
        int latin = alnum && c < 0x80 && !u_isdigit(c);
        if (latin) {
            tx_sb_addcp(&word, (uint32_t)c);
            continue;
        }
        if (word.len) { /* flush a Latin word, reading spoken numbers */
            long v = -1, wv = 0;
            int role = tx_num_word(nt, word.s, word.len, &wv);
            if (role == TX_WORD_VALUE) v = wv;
            int lastdigit = b.len && b.s[b.len - 1] >= '0' && b.s[b.len - 1] <= '9';
            /* A name that opens with "one" is a word ("One Foo"), not 1. */
            if (v == 1 && b.len == 0 && num < 0) v = -1;
            if (v >= 0) {
                if (after_point)
                    flush_num(&b, &v), v = -1; /* digits after a point are read singly */
                else if (num >= 20 && num % 10 == 0 && num % 100 != 0 && v < 10)
                    num += v; /* twenty two */
                else if (num >= 100 && num % 100 == 0 && v < 100)
                    num += v; /* three hundred forty */
                else {
                    flush_num(&b, &num);
                    num = v;
                }
            } else if (role == TX_WORD_MULT && num >= 0) {
                num *= wv; /* three hundred */
            } else if (role == TX_WORD_POINT && num >= 0) {
                flush_num(&b, &num);
                after_point = 1;
            } else if (role == TX_WORD_DIM && (num >= 0 || lastdigit)) {
                flush_num(&b, &num);
                after_point = 0;
                tx_sb_addc(&b, (char)wv); /* eight by twenty two: 8x22 */
            } else {
                flush_num(&b, &num);
                after_point = 0;
                tx_sb_add(&b, word.s, word.len);
            }
            word.len = 0;
        } else if (alnum) {
            flush_num(&b, &num);
            after_point = 0;
        }
        if (alnum) tx_sb_addcp(&b, (uint32_t)c);
    }
    flush_num(&b, &num);
    /* Spoken version numbers key as their digits, as the written label
     * does: a run of Han numerals at the end of the name ("某尼三",
     * "Foo K一点五" -> "fook15", the label "Foo k1.5" dropping its point),
     * or between Latin letters and digits ("QWQ三十二B" -> "qwq32b"). */
    if (b.s && !b.oom) {
        tx_strbuf k2 = {0};
        tx_sb_add(&k2, "", 0); /* an empty key is "", not NULL (which means OOM) */
        size_t p = 0;
        while (p < b.len) {
            size_t q = p, l;
            int firstv = TX_NUM_NONE, lastv = TX_NUM_NONE, d;
            while (q < b.len && (d = tx_num_char(nt, b.s + q, b.len - q, &l)) >= TX_NUM_POINT) {
                if (q == p) firstv = d;
                lastv = d;
                q += l;
            }
            int asc_before = p == 0 || (unsigned char)b.s[p - 1] < 0x80;
            int at_end = q == b.len;
            int asc_after = at_end || (unsigned char)b.s[q] < 0x80;
            if (q > p && p > 0 && (at_end || (asc_before && asc_after)) && firstv >= 0 &&
                lastv >= 0) {
                char dig[64];
                size_t o = tx_num_digits(nt, b.s + p, q - p, dig, sizeof dig);
                tx_sb_add(&k2, dig, o);
                p = q;
                continue;
            }
            size_t e = q > p ? q : p + 1;
            while (e < b.len && ((unsigned char)b.s[e] & 0xC0) == 0x80)
                e++;
            tx_sb_add(&k2, b.s + p, e - p);
            p = e;
        }
        if (k2.oom) {
            tx_sb_free(&k2);
            goto fail;
        }
        tx_sb_free(&b);
        b = k2;
    }
    if (b.oom || word.oom) goto fail;
    free(u);
    free(f);
    tx_sb_free(&word);
    return b.s;
fail:
    free(u);
    free(f);
    tx_sb_free(&b);
    tx_sb_free(&word);
    return NULL;
}
