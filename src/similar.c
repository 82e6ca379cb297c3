/* similar.c - string similarity signals used by the linker: edit distance
 * over code points, an English phonetic key, and pinyin keys for Han text.
 * Pinyin comes from a table generated at build time from ICU's Han-Latin
 * rules (tools/pinyin-gen.c, build/pinyin_table.inc), which gives what
 * the transliterator gives; a key with a character the table does not
 * hold goes to the transliterator itself, which is expensive to open
 * (over 100 ms), so it is opened on first such key.  Every result is
 * cached by input string. */
#include "similar.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "pinyin_table.inc"

/* Code points of a key that count (longer keys are cut), and the most
 * the bit-parallel distance takes in one machine word. */
enum { MAX_CPS = TX_SIM_MAX_CPS, WORD_BITS = 64 };

/* A key as code points (at most MAX_CPS): ASCII bytes are copied,
 * anything else decoded. */
static size_t to_cps(const char *s, uint32_t *out)
{
    size_t i = 0, n = 0, len = strlen(s);
    while (i < len && n < MAX_CPS) {
        if ((unsigned char)s[i] < 0x80)
            out[n++] = (unsigned char)s[i++];
        else
            out[n++] = tx_u8_next(s, &i);
    }
    return n;
}

/* Levenshtein distance with one row. */
static size_t lev(const uint32_t *a, size_t n, const uint32_t *b, size_t m)
{
    size_t row[MAX_CPS + 1];
    for (size_t j = 0; j <= m; j++)
        row[j] = j;
    for (size_t i = 1; i <= n; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[m];
}

/* A key ready for the bit-parallel distance: its code points and, when
 * it has 1 to 64, for each code point the positions that hold it (ASCII
 * through a table that is zero elsewhere, others in a short list). */
typedef struct pattern {
    uint32_t cp[MAX_CPS];
    size_t n;
    int masked; /* ascii, ocp and other hold cp's positions */
    uint64_t ascii[128];
    uint32_t ocp[WORD_BITS];
    uint64_t other[WORD_BITS];
    size_t nother;
} pattern;

/* Zeroes what pat_masks set, so the table is clean for the next key. */
static void pat_unmask(pattern *p)
{
    if (!p->masked) return;
    for (size_t i = 0; i < p->n; i++)
        if (p->cp[i] < 128) p->ascii[p->cp[i]] = 0;
    p->masked = 0;
    p->nother = 0;
}

static void pat_masks(pattern *p)
{
    for (size_t i = 0; i < p->n; i++) {
        if (p->cp[i] < 128) {
            p->ascii[p->cp[i]] |= 1ULL << i;
            continue;
        }
        size_t k = 0;
        while (k < p->nother && p->ocp[k] != p->cp[i])
            k++;
        if (k == p->nother) p->ocp[p->nother] = p->cp[i], p->other[p->nother++] = 0;
        p->other[k] |= 1ULL << i;
    }
    p->masked = 1;
}

/* The key s into p (its masks when it has 1 to 64 code points). */
static void pat_set(pattern *p, const char *s)
{
    pat_unmask(p);
    p->n = to_cps(s, p->cp);
    if (p->n >= 1 && p->n <= WORD_BITS) pat_masks(p);
}

/* The distance of p's key (1 to 64 code points, masked) to b,
 * bit-parallel (Myers 1999, in Hyyro's form for the global distance):
 * one machine word holds a column of the table, so a pair costs m steps
 * instead of n * m. */
static size_t pat_distance(const pattern *p, const uint32_t *b, size_t m)
{
    uint64_t pv = ~0ULL, mv = 0, last = 1ULL << (p->n - 1);
    size_t score = p->n;
    for (size_t j = 0; j < m; j++) {
        uint64_t eq = 0;
        if (b[j] < 128) {
            eq = p->ascii[b[j]];
        } else {
            for (size_t k = 0; k < p->nother; k++)
                if (p->ocp[k] == b[j]) eq = p->other[k];
        }
        uint64_t xv = eq | mv;
        uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
        uint64_t ph = mv | ~(xh | pv);
        uint64_t mh = pv & xh;
        if (ph & last)
            score++;
        else if (mh & last)
            score--;
        ph = (ph << 1) | 1;
        mh <<= 1;
        pv = mh | ~(xv | ph);
        mv = ph & xv;
    }
    return score;
}

/* The first keys of the last comparisons on this thread, kept decoded
 * and masked: the linker compares one mention's key (and its phonetic
 * key, its prefixes) with every reference in turn, so most calls find
 * theirs here.  Replaced in turn; a key too long to keep is decoded each
 * time. */
enum { KEPT_KEYS = 4 };
#define KEPT_KEY_BYTES (MAX_CPS * 4)
typedef struct kept {
    char key[KEPT_KEY_BYTES + 1];
    size_t len; /* 0: nothing kept */
    pattern p;
} kept;
static _Thread_local kept keys[KEPT_KEYS];
static _Thread_local unsigned next_kept;
static _Thread_local pattern second; /* the other key, when it is the pattern */

static const kept *find_kept(const char *a, size_t len)
{
    for (size_t i = 0; len && i < KEPT_KEYS; i++)
        if (keys[i].len == len && memcmp(a, keys[i].key, len) == 0) return &keys[i];
    return NULL;
}

static const pattern *first_key(const char *a)
{
    size_t len = strlen(a);
    const kept *k = find_kept(a, len);
    if (k) return &k->p;
    kept *w = &keys[next_kept++ % KEPT_KEYS];
    pat_set(&w->p, a);
    w->len = len <= KEPT_KEY_BYTES ? len : 0;
    if (w->len) memcpy(w->key, a, len + 1);
    return &w->p;
}

/* Edit distance in code points of keys a and b, by whichever routine
 * fits; *mx is the longer length. */
static size_t key_distance(const char *a, const char *b, size_t *mx)
{
    const pattern *A = first_key(a);
    const kept *kb = find_kept(b, strlen(b));
    uint32_t own[MAX_CPS];
    const uint32_t *B = kb ? kb->p.cp : own;
    size_t n = A->n, m = kb ? kb->p.n : to_cps(b, own);
    *mx = n > m ? n : m;
    if (n == 0) return m;
    if (m == 0) return n;
    if (n <= WORD_BITS) return pat_distance(A, B, m);
    if (m > WORD_BITS) return lev(A->cp, n, B, m);
    pat_unmask(&second);
    memcpy(second.cp, B, m * sizeof *B);
    second.n = m;
    pat_masks(&second);
    return pat_distance(&second, A->cp, n);
}

size_t tx_levenshtein(const char *a, const char *b)
{
    size_t mx;
    return key_distance(a, b, &mx);
}

size_t tx_levenshtein_table(const char *a, const char *b)
{
    uint32_t A[MAX_CPS], B[MAX_CPS];
    size_t n = to_cps(a, A), m = to_cps(b, B);
    return lev(A, n, B, m);
}

double tx_edit_sim(const char *a, const char *b)
{
    size_t mx, d = key_distance(a, b, &mx);
    if (mx == 0) return 0.0;
    return 1.0 - (double)d / (double)mx;
}

static int vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

/* A consonant skeleton in the spirit of Metaphone: letters that sound alike
 * share a code, vowels after the first letter drop, repeats collapse. */
char *tx_phonetic_key(const char *k)
{
    char *out = malloc(strlen(k) + 1);
    if (out) tx_phonetic_key_to(k, out);
    return out;
}

void tx_phonetic_key_to(const char *k, char *out)
{
    size_t n = strlen(k);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = k[i], nx = i + 1 < n ? k[i + 1] : 0, code = 0;
        if (c >= '0' && c <= '9') {
            code = c;
        } else if (c < 'a' || c > 'z') {
            continue;
        } else if (vowel(c)) {
            code = i == 0 ? 'A' : 0;
        } else {
            switch (c) {
            case 'b':
            case 'p':
                code = 'P';
                break;
            case 'f':
            case 'v':
                code = 'F';
                break;
            case 'd':
            case 't':
                code = 'T';
                break;
            case 'g':
            case 'k':
            case 'q':
                code = 'K';
                break;
            case 'c':
                code = (nx == 'h') ? 'X' : (nx == 'e' || nx == 'i') ? 'S' : 'K';
                break;
            case 's':
                code = (nx == 'h') ? 'X' : 'S';
                break;
            case 'z':
                code = 'S';
                break;
            case 'j':
                code = 'J';
                break;
            case 'x':
                code = 'S';
                break;
            case 'h':
                code = 0;
                break;
            case 'w':
                code = vowel(nx) ? 'W' : 0;
                break;
            case 'l':
                code = 'L';
                break;
            case 'r':
                code = 'R';
                break;
            case 'm':
            case 'n':
                code = 'N';
                break;
            default:
                code = (char)(c - 'a' + 'A');
            }
            if (c == 'p' && nx == 'h') code = 'F';
        }
        if (!code) continue;
        if (o && out[o - 1] == code) continue;
        out[o++] = code;
    }
    out[o] = 0;
}

typedef struct pentry {
    char *in, *out;
} pentry;

struct tx_pinyin {
    UTransliterator *tr;
    int failed;
    pentry *tab; /* every key transliterated so far */
    size_t cap, n;
    tx_nmap index; /* input -> its entry in tab */
};

tx_pinyin *tx_pinyin_new(void)
{
    return calloc(1, sizeof(tx_pinyin));
}

void tx_pinyin_free(tx_pinyin *p)
{
    if (!p) return;
    if (p->tr) utrans_close(p->tr);
    for (size_t i = 0; i < p->n; i++) {
        free(p->tab[i].in);
        free(p->tab[i].out);
    }
    free(p->tab);
    tx_nmap_free(&p->index);
    free(p);
}

/* Serialises the opening of the transliterator.  ICU builds the rules of
 * Han-Latin (some 90 ms) outside its registry lock and caches them only
 * once built, so N threads opening it at once all build it: -j 200 on
 * 200 Chinese files spent seconds there.  One at a time, the first
 * builds and the others open the cached rules (0.2 ms each). */
static pthread_mutex_t open_mu = PTHREAD_MUTEX_INITIALIZER;

char *tx_pinyin_icu(tx_pinyin *p, const char *s)
{
    if (!p->tr && !p->failed) {
        UErrorCode st = U_ZERO_ERROR;
        UChar id[64];
        u_uastrcpy(id, "Han-Latin; Latin-ASCII; Lower");
        pthread_mutex_lock(&open_mu);
        p->tr = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
        pthread_mutex_unlock(&open_mu);
        if (U_FAILURE(st)) {
            p->tr = NULL;
            p->failed = 1;
        }
    }
    if (!p->tr) return NULL;
    UErrorCode st = U_ZERO_ERROR;
    int32_t ul = 0;
    u_strFromUTF8(NULL, 0, &ul, s, -1, &st);
    st = U_ZERO_ERROR;
    int32_t cap = ul * 8 + 16;
    UChar *u = malloc(sizeof(UChar) * (size_t)cap);
    if (!u) return NULL;
    u_strFromUTF8(u, cap, NULL, s, -1, &st);
    int32_t len = ul, lim = ul;
    utrans_transUChars(p->tr, u, &len, cap, 0, &lim, &st);
    char *out = NULL;
    if (U_SUCCESS(st)) {
        int32_t ol = 0;
        UErrorCode s2 = U_ZERO_ERROR;
        u_strToUTF8(NULL, 0, &ol, u, len, &s2);
        out = malloc((size_t)ol + 1);
        s2 = U_ZERO_ERROR;
        if (out) u_strToUTF8(out, ol + 1, NULL, u, len, &s2);
        if (out) { /* letters and digits only */
            size_t w = 0;
            for (size_t i = 0; out[i]; i++)
                if ((out[i] >= 'a' && out[i] <= 'z') || (out[i] >= '0' && out[i] <= '9'))
                    out[w++] = out[i];
            out[w] = 0;
        }
    }
    free(u);
    return out;
}

/* The reading of code point c in the generated table (an index of
 * tx_py_syl), or -1 when the table does not hold c. */
static int table_syl(uint32_t c)
{
    size_t lo = 0, hi = sizeof tx_py_range / sizeof *tx_py_range;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct tx_py_range *r = &tx_py_range[mid];
        if (c < r->lo) {
            hi = mid;
        } else if (c > r->hi) {
            lo = mid + 1;
        } else {
            uint16_t v = tx_py_idx[r->at + (c - r->lo)];
            return v == TX_PY_NONE ? -1 : v;
        }
    }
    return -1;
}

/* The reading of a before b when a context rule gives one, else -1. */
static int context_syl(uint32_t a, uint32_t b)
{
    for (size_t i = 0; i < sizeof tx_py_ctx / sizeof *tx_py_ctx; i++)
        if (tx_py_ctx[i].a == a && tx_py_ctx[i].b == b) return tx_py_ctx[i].syl;
    return -1;
}

const char *tx_pinyin_syl(uint32_t c, uint32_t next)
{
    int k = table_syl(c);
    if (k < 0) return NULL;
    if (next) {
        int kc = context_syl(c, next);
        if (kc >= 0) k = kc;
    }
    return tx_py_syl[k];
}

int tx_pinyin_table(const char *s, char **out)
{
    tx_strbuf b = {0};
    size_t i = 0, len = strlen(s);
    *out = NULL;
    tx_sb_add(&b, "", 0);
    while (i < len) {
        uint32_t c = tx_u8_next(s, &i);
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            tx_sb_addc(&b, (char)c);
            continue;
        }
        int k = table_syl(c);
        if (k < 0) {
            tx_sb_free(&b);
            return 0;
        }
        if (i < len) {
            size_t j = i;
            int kc = context_syl(c, tx_u8_next(s, &j));
            if (kc >= 0) k = kc;
        }
        tx_sb_add(&b, tx_py_syl[k], strlen(tx_py_syl[k]));
    }
    if (b.oom) {
        tx_sb_free(&b);
        return -1;
    }
    *out = b.s;
    return 1;
}

const char *tx_pinyin_key(tx_pinyin *p, const char *s)
{
    size_t len = strlen(s), i;
    if (tx_nmap_get(&p->index, s, len, &i)) return p->tab[i].out;
    pentry *t = tx_grow(p->tab, &p->cap, p->n + 1, sizeof *t);
    if (!t) return NULL;
    p->tab = t;
    char *out = NULL;
    int got = tx_pinyin_table(s, &out);
    if (got == 0) out = tx_pinyin_icu(p, s);
    char *in = tx_strndup(s, len);
    if (!out || !in || tx_nmap_put(&p->index, in, len, p->n)) {
        free(out);
        free(in);
        return NULL;
    }
    p->tab[p->n++] = (pentry){in, out};
    return out;
}
