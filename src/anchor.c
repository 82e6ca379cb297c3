/* anchor.c - stage 6a': the sentence where each reference is first heard.
 *
 * Show notes list their links in the order the show talks about them, so
 * the first sentence that names a reference is a strong sign that an item
 * starts at or just before it, whatever the show's style.  Each name of
 * the body is compared with every reference (match.c); every good match
 * is a possible anchor; the anchors kept are the heaviest chain that
 * rises with the list order and spreads over the sentences, so a title or
 * a preview that names every project at once, or a name heard out of
 * order in passing, does not anchor its reference there.  A name, or a
 * run of Han text, is compared with the references once per document:
 * what it scored is kept by its bytes (memo) for the next time it is
 * heard. */
#include "anchor.h"
#include "signals.h"
#include "match.h"
#include "normalize.h"
#include "segment.h"
#include "numeral.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The names of sentence si as items, their keys not yet set (the caller
 * frees the array and any key it sets): its candidates, then the names
 * mention rules capture.  -1 on OOM. */
static int sentence_names(const tx_conv *c, size_t si, tx_item **out, size_t *n)
{
    const tx_sentence *s = &c->seg->sent[si];
    size_t cap = *n;
    *out = NULL;
    *n = 0;
    for (size_t i = tx_conv_cand_lower(c, s->start);
         i < c->seg->ncand && c->seg->cand[i].end <= s->end; i++) {
        const tx_cand *k = &c->seg->cand[i];
        if (tx_conv_is_stop(c, k->start, k->end)) continue;
        tx_item *p = tx_grow(*out, &cap, *n + 1, sizeof *p);
        if (!p) return -1;
        *out = p;
        memset(&p[*n], 0, sizeof *p);
        p[*n].start = k->start;
        p[*n].end = k->end;
        (*n)++;
    }
    const tx_named *nm;
    size_t nn;
    if (tx_conv_sentence_names(c, si, &nm, &nn)) return -1;
    for (size_t q = 0; q < nn; q++) {
        size_t gs = nm[q].gs, ge = nm[q].ge;
        if (tx_conv_is_stop(c, s->start + gs, s->start + ge)) continue;
        tx_item *p = tx_grow(*out, &cap, *n + 1, sizeof *p);
        if (!p) return -1;
        *out = p;
        memset(&p[*n], 0, sizeof *p);
        p[*n].start = s->start + gs;
        p[*n].end = s->start + ge;
        (*n)++;
    }
    return 0;
}

/* Appends the item norm[a,b), its key not yet set.  -1 on OOM. */
static int push_name(tx_item **out, size_t *n, size_t *cap, size_t a, size_t b)
{
    tx_item *p = tx_grow(*out, cap, *n + 1, sizeof *p);
    if (!p) return -1;
    *out = p;
    memset(&p[*n], 0, sizeof *p);
    p[*n].start = a;
    p[*n].end = b;
    (*n)++;
    return 0;
}

static int latin_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* Where the sentence's text begins: past spaces, quotes and brackets. */
static size_t first_letter(const char *t, const tx_sentence *s)
{
    size_t i = s->start;
    while (i < s->end && !latin_char(t[i]) && (unsigned char)t[i] < 0x80)
        i++;
    return i;
}

/* Runs of one to `span` Latin words of sentence s, whatever their case
 * ("llama for", "cloud four"), that start with a letter some reference's
 * key starts with (firsts): names the segmenter, which wants capitals,
 * does not offer.  -1 on OOM. */
static int word_windows(const tx_conv *c, const tx_sentence *s, const unsigned char *firsts,
                        size_t span, tx_item **out, size_t *n)
{
    const char *t = c->norm->s;
    size_t ws[64], we[64], nw = 0, cap = *n, i = s->start;
    while (i < s->end && nw < 64) {
        while (i < s->end && !latin_char(t[i]))
            i++;
        size_t a = i;
        while (i < s->end && (latin_char(t[i]) ||
                              (t[i] == '.' && i + 1 < s->end && latin_char(t[i + 1]) && i > a)))
            i++;
        if (i > a) ws[nw] = a, we[nw++] = i;
    }
    /* A sentence that opens with a capital is cased: its lower-case words
     * are ordinary words, its names already candidates. */
    int cased = nw > 0 && ws[0] == first_letter(t, s) && t[ws[0]] >= 'A' && t[ws[0]] <= 'Z';
    for (size_t w = 0; w < nw; w++) {
        unsigned char f = (unsigned char)(t[ws[w]] | 0x20);
        if (!firsts[f] || (cased && t[ws[w]] >= 'a' && t[ws[w]] <= 'z')) continue;
        for (size_t k = w; k < nw && k < w + span; k++) {
            /* only words joined by spaces or hyphens: "foo bar", "foo-bar" */
            if (k > w && (ws[k] - we[k - 1] != 1 || (t[we[k - 1]] != ' ' && t[we[k - 1]] != '-')))
                break;
            if (push_name(out, n, &cap, ws[w], we[k])) return -1;
        }
    }
    return 0;
}

/* What each distinct name scored against the references, so a name heard
 * again (in another sentence) is not compared again: by the name's bytes
 * in the matching form, its scores above the search's floor, sparse. */
typedef struct memo_score {
    size_t r;
    double v;
} memo_score;
enum { MEMO_EMPTY = 1, MEMO_MAKER = 2 }; /* an empty key; a maker's name */
typedef struct memo_entry {
    size_t from, to; /* its scores are sc[from, to) */
    int flags;       /* MEMO_ */
} memo_entry;
typedef struct memo {
    tx_nmap map; /* bytes -> entry */
    memo_entry *ent;
    size_t nent, capent;
    memo_score *sc;
    size_t nsc, capsc;
} memo;

static void memo_free(memo *m)
{
    tx_nmap_free(&m->map);
    free(m->ent), free(m->sc);
}

/* The anchor search's state over one document. */
typedef struct asearch {
    const tx_conv *c;
    const tx_refinfo *ri;
    const struct refstart *rs;
    const struct allstart *as;
    size_t R;
    const double *k; /* the linker's weights, the maker's word weighed down */
    double floor;    /* no score at or under it is an occurrence */
    double *best;    /* each reference's best score in the sentence */
    tx_anchor *span; /* and the name that gave it */
    memo names, windows;
} asearch;

/* The floor under which a name's score changes no anchor: a score below
 * param:anchor-min is never an occurrence.  Just under anchor-min, so a
 * score equal to it still counts.  A score not above a reference's best
 * so far replaces nothing either, so each comparison starts at the
 * higher of the two (tx_similarity_above skips what cannot beat it);
 * a score above both is the same whichever floor it started from. */
static double search_floor(const double *k)
{
    double f = nextafter(k[TXP_ANCHOR_MIN], 0.0);
    return f < 0.0 ? 0.0 : f;
}

/* Starts entry key[0, len) of m, with no scores; 0, or -1 on OOM. */
static int memo_begin(memo *m, const char *key, size_t len)
{
    memo_entry *p = tx_grow(m->ent, &m->capent, m->nent + 1, sizeof *p);
    if (!p) return -1;
    m->ent = p;
    if (tx_nmap_put(&m->map, key, len, m->nent)) return -1;
    m->ent[m->nent++] = (memo_entry){m->nsc, m->nsc, 0};
    return 0;
}

/* Adds score v of reference r to the entry begun last; -1 on OOM. */
static int memo_add(memo *m, size_t r, double v)
{
    memo_score *p = tx_grow(m->sc, &m->capsc, m->nsc + 1, sizeof *p);
    if (!p) return -1;
    m->sc = p;
    m->sc[m->nsc++] = (memo_score){r, v};
    m->ent[m->nent - 1].to = m->nsc;
    return 0;
}

/* Takes entry e's scores into the sentence's best, each capped at cap
 * (a maker's name), as the name norm[start, end). */
static void memo_apply(asearch *S, const memo *m, size_t e, double cap, size_t start, size_t end)
{
    for (size_t q = m->ent[e].from; q < m->ent[e].to; q++) {
        size_t r = m->sc[q].r;
        double v = m->sc[q].v;
        if (v <= S->best[r]) continue; /* as a comparison from the best would find */
        if (v < 1.0 && v > cap) v = cap;
        if (v > S->best[r]) S->best[r] = v, S->span[r].start = start, S->span[r].end = end;
    }
}

/* The scores of one name (its keys mi) against every reference, into
 * the entry of S->names begun last.  -1 on OOM. */
static int score_name(asearch *S, const tx_meninfo *mi)
{
    memo *m = &S->names;
    for (size_t r = 0; r < S->R; r++) {
        const char *meth;
        double v = tx_similarity_above(mi, &S->ri[r], S->k, S->floor, &meth);
        if (v > 0.0 && memo_add(m, r, v)) return -1;
    }
    return 0;
}

/* How a reference's phonetic keys (its label's, its Latin words', its URL
 * words', its parts') start, for starts_like: the first sounds of all, of those of
 * one sound, and the first two of the others. */
typedef struct refstart {
    unsigned char first[32], one[32]; /* bit sets over the first byte */
    unsigned short pair[1 + 8 + 64];  /* first two bytes */
    size_t npair;
    int more; /* keys beyond pair[]: starts_like asks tx_same_start */
} refstart;

static void bit_set(unsigned char *set, unsigned char b)
{
    set[b >> 3] |= (unsigned char)(1u << (b & 7));
}

static int bit_has(const unsigned char *set, unsigned char b)
{
    return (set[b >> 3] >> (b & 7)) & 1;
}

static void start_add(refstart *st, const char *key)
{
    if (!key || !key[0]) return;
    bit_set(st->first, (unsigned char)key[0]);
    if (!key[1])
        bit_set(st->one, (unsigned char)key[0]);
    else if (st->npair < sizeof st->pair / sizeof st->pair[0])
        st->pair[st->npair++] =
            (unsigned short)((unsigned char)key[0] << 8 | (unsigned char)key[1]);
    else
        st->more = 1;
}

/* The starts of every reference's keys at once: no window whose key
 * starts like none of them needs a look at each reference. */
typedef struct allstart {
    unsigned char first[32], one[32];
    unsigned char pair[65536 / 8];
} allstart;

static void all_add(allstart *as, const char *key)
{
    if (!key || !key[0]) return;
    bit_set(as->first, (unsigned char)key[0]);
    if (!key[1])
        bit_set(as->one, (unsigned char)key[0]);
    else {
        unsigned v = (unsigned)(unsigned char)key[0] << 8 | (unsigned char)key[1];
        as->pair[v >> 3] |= (unsigned char)(1u << (v & 7));
    }
}

static void allstart_init(allstart *as, const tx_refinfo *ri, size_t R)
{
    memset(as, 0, sizeof *as);
    for (size_t r = 0; r < R; r++) {
        all_add(as, ri[r].phon);
        for (size_t q = 0; q < ri[r].nword; q++)
            all_add(as, ri[r].wphon[q]);
        for (size_t q = 0; q < ri[r].ntok; q++)
            all_add(as, ri[r].tokphon[q]);
        for (size_t q = 0; q < ri[r].npart; q++)
            all_add(as, ri[r].part[q].phon), all_add(as, ri[r].part[q].pyphon);
    }
}

/* Does some reference have a key that starts like ph (tx_same_start)? */
static int any_starts_like(const allstart *as, const char *ph)
{
    if (!ph || !ph[0]) return 0;
    unsigned char c0 = (unsigned char)ph[0];
    if (!bit_has(as->first, c0)) return 0;
    if (!ph[1] || bit_has(as->one, c0)) return 1;
    unsigned v = (unsigned)c0 << 8 | (unsigned char)ph[1];
    return (as->pair[v >> 3] >> (v & 7)) & 1;
}

static void refstart_init(refstart *st, const tx_refinfo *ri)
{
    memset(st, 0, sizeof *st);
    start_add(st, ri->phon);
    for (size_t q = 0; q < ri->nword; q++)
        start_add(st, ri->wphon[q]);
    for (size_t q = 0; q < ri->ntok; q++)
        start_add(st, ri->tokphon[q]);
    for (size_t q = 0; q < ri->npart; q++)
        start_add(st, ri->part[q].phon), start_add(st, ri->part[q].pyphon);
}

/* Does one of reference ri's phonetic keys (its label's, a Latin word's,
 * a URL word's) start like the name's, ph (tx_same_start)?  st holds
 * their starts. */
static int starts_like(const refstart *st, const tx_refinfo *ri, const char *ph)
{
    if (!ph || !ph[0]) return 0;
    unsigned char c0 = (unsigned char)ph[0];
    if (!bit_has(st->first, c0)) return 0;
    if (!ph[1] || bit_has(st->one, c0)) return 1;
    unsigned short want = (unsigned short)(c0 << 8 | (unsigned char)ph[1]);
    for (size_t q = 0; q < st->npair; q++)
        if (st->pair[q] == want) return 1;
    if (!st->more) return 0;
    if (tx_same_start(ri->phon, ph)) return 1;
    for (size_t q = 0; q < ri->nword; q++)
        if (tx_same_start(ri->wphon[q], ph)) return 1;
    for (size_t q = 0; q < ri->ntok; q++)
        if (tx_same_start(ri->tokphon[q], ph)) return 1;
    for (size_t q = 0; q < ri->npart; q++)
        if (tx_same_start(ri->part[q].phon, ph) ||
            (ri->part[q].pyphon && tx_same_start(ri->part[q].pyphon, ph)))
            return 1;
    return 0;
}

/* The longest pinyin of one Han character, with room to spare. */
#define PY_MAX 16
/* The most characters in one run of Han text the search takes at once. */
#define RUN_MAX 64

/* One run of Han characters of a sentence, each with its pinyin: alone
 * (py), and as the table reads it before the next character of the run
 * (pyc; the same string unless a context rule applies); num[q] says
 * whether character q is a numeral (万, 二, 点): NUM_UNKNOWN until a
 * window that holds it is first looked at. */
enum { NUM_NO, NUM_YES, NUM_UNKNOWN };
typedef struct hrun {
    size_t at[RUN_MAX], nx[RUN_MAX], n;
    uint32_t cp[RUN_MAX];
    const char *py[RUN_MAX], *pyc[RUN_MAX];
    unsigned char num[RUN_MAX];
} hrun;

/* Reads the run of Han characters at norm[i, end) into h (h->n is 0 when
 * the character at i is not one, or has no pinyin); returns where the
 * run stops. */
static size_t read_run(const tx_conv *c, size_t i, size_t end, hrun *h)
{
    const char *t = c->norm->s;
    size_t j = i;
    h->n = 0;
    while (j < end && h->n < RUN_MAX) {
        size_t e = j;
        uint32_t cp = tx_u8_next(t, &e);
        if (!tx_has_han(t + j, e - j)) break;
        const char *py = tx_pinyin_syl(cp, 0);
        if (!py || strlen(py) >= PY_MAX) break; /* no pinyin: the run ends here */
        size_t q = h->n++;
        h->at[q] = j, h->nx[q] = e, h->cp[q] = cp, h->py[q] = py, h->num[q] = NUM_UNKNOWN;
        j = e;
    }
    for (size_t q = 0; q < h->n; q++)
        h->pyc[q] = q + 1 < h->n ? tx_pinyin_syl(h->cp[q], h->cp[q + 1]) : h->py[q];
    return j;
}

/* The key of window [a, b] of run h into it->key and its pinyin into
 * *py: a window without numeral characters is its own key (the matching
 * form is NFKC, a Han character has no case) and its pinyin is its
 * characters' in context, which is pin (theirs alone) unless a context
 * rule applies; one with numerals ("万二点二" -> 万2.2) goes through
 * tx_name_key and the table as a name does.  *own gets what the caller
 * frees besides it->key.  0, or -1 on OOM. */
static int window_keys(const tx_conv *c, hrun *h, size_t a, size_t b, const char *pin, char *buf,
                       tx_item *it, const char **py, char **own)
{
    const char *t = c->norm->s;
    size_t from = h->at[a], len = h->nx[b] - from, l;
    int num = 0, ctx = 0;
    for (size_t q = a; q <= b; q++) {
        if (h->num[q] == NUM_UNKNOWN)
            h->num[q] = tx_num_char(c->num, t + h->at[q], h->nx[q] - h->at[q], &l) != TX_NUM_NONE
                            ? NUM_YES
                            : NUM_NO;
        num |= h->num[q] == NUM_YES, ctx |= q < b && h->pyc[q] != h->py[q];
    }
    *own = NULL;
    *py = pin;
    if (num) {
        if (!(it->key = tx_name_key(c->num, t + from, len))) return -1;
        if (tx_pinyin_table(it->key, own) < 0) return -1;
        if (*own) *py = *own;
        return 0;
    }
    if (!(it->key = tx_strndup(t + from, len))) return -1;
    if (ctx) {
        buf[0] = '\0';
        for (size_t q = a; q <= b; q++)
            strcat(buf, q < b ? h->pyc[q] : h->py[q]);
        *py = buf;
    }
    return 0;
}

/* Window [a, b] of run h, whose characters' pinyin is pin and its
 * phonetic key ph: when some reference's keys start like ph, the window
 * as a name (its key, spoken numbers folded, and that key's pinyin)
 * compared with each such reference through the pinyin alone, once per
 * distinct window (S->windows).  0, or -1 on OOM. */
static int score_window(asearch *S, hrun *h, size_t a, size_t b, const char *pin, char *ph)
{
    const tx_refinfo *ri = S->ri;
    const refstart *rs = S->rs;
    if (!any_starts_like(S->as, ph)) return 0;
    size_t r0 = 0, R = S->R, e;
    while (r0 < R && !starts_like(&rs[r0], &ri[r0], ph))
        r0++;
    if (r0 == R) return 0;
    const char *t = S->c->norm->s;
    tx_item it = {.start = h->at[a], .end = h->nx[b]};
    if (tx_nmap_get(&S->windows.map, t + it.start, it.end - it.start, &e)) {
        memo_apply(S, &S->windows, e, DBL_MAX, it.start, it.end);
        return 0;
    }
    char buf[RUN_MAX * PY_MAX + 1], kph[RUN_MAX * PY_MAX + 1], *own = NULL;
    tx_meninfo mi = {.it = &it, .han = 1, .sound_only = 1};
    int rc = -1;
    if (window_keys(S->c, h, a, b, pin, buf, &it, &mi.pinyin, &own)) goto out;
    if (mi.pinyin == pin) {
        mi.pyphon = ph;
    } else {
        tx_phonetic_key_to(mi.pinyin, kph);
        mi.pyphon = kph;
    }
    if (memo_begin(&S->windows, t + it.start, it.end - it.start)) goto out;
    e = S->windows.nent - 1;
    for (size_t r = r0; r < R; r++) {
        const char *meth;
        if (!starts_like(&rs[r], &ri[r], ph) && !starts_like(&rs[r], &ri[r], mi.pyphon)) continue;
        double v = tx_similarity_above(&mi, &ri[r], S->k, S->floor, &meth);
        if (v > 0.0 && memo_add(&S->windows, r, v)) goto out;
    }
    memo_apply(S, &S->windows, e, DBL_MAX, it.start, it.end);
    rc = 0;
out:
    free(it.key), free(own);
    return rc;
}

/* Runs of two to `span` (at most 8) Han characters of sentence s, each
 * compared with the references through its pinyin (score_window): a name
 * the recogniser wrote as Chinese syllables (杰米尼, 克劳德四) that no rule
 * offers.  The pinyin comes from the table a character at a time, not the
 * cache, which would grow with every window.  -1 on OOM. */
static int han_windows(asearch *S, const tx_sentence *s, size_t span)
{
    const char *t = S->c->norm->s;
    hrun h;
    char pin[8 * PY_MAX + 1], ph[8 * PY_MAX + 1];
    if (span > 8) span = 8;
    for (size_t i = s->start; i < s->end;) {
        size_t j = read_run(S->c, i, s->end, &h);
        if (!h.n) {
            tx_u8_next(t, &i);
            continue;
        }
        for (size_t a = 0; a + 1 < h.n; a++) {
            size_t len = strlen(h.py[a]);
            memcpy(pin, h.py[a], len + 1);
            for (size_t b = a + 1; b < h.n && b - a < span; b++) {
                size_t l = strlen(h.py[b]);
                memcpy(pin + len, h.py[b], l + 1);
                len += l;
                tx_phonetic_key_to(pin, ph);
                if (score_window(S, &h, a, b, pin, ph)) return -1;
            }
        }
        i = j;
    }
    return 0;
}

/* Is key a maker's name: a word of some reference's URL host ("foolab" of
 * foolab.ai)?  A maker is named in many items, so its name says little
 * about which reference an item is. */
static int is_maker(const tx_refinfo *ri, size_t R, const char *key)
{
    for (size_t r = 0; r < R; r++)
        for (size_t t = 0; t < ri[r].nhost; t++)
            if (!strcmp(key, ri[r].tok[t])) return 1;
    return 0;
}

/* The entry of S->names for the name it (its key not yet set), made
 * when the document has not met its bytes before: its key, whether it
 * is empty or a maker's name, and its scores against every reference.
 * -1 on OOM. */
static int name_entry(asearch *S, tx_item *it, size_t *e)
{
    const tx_conv *c = S->c;
    const char *b = c->norm->s + it->start;
    size_t len = it->end - it->start;
    if (tx_nmap_get(&S->names.map, b, len, e)) return 0;
    if (!(it->key = tx_name_key(c->num, b, len)) || memo_begin(&S->names, b, len)) return -1;
    *e = S->names.nent - 1;
    if (!*it->key) {
        S->names.ent[*e].flags = MEMO_EMPTY;
        return 0;
    }
    if (is_maker(S->ri, S->R, it->key)) S->names.ent[*e].flags = MEMO_MAKER;
    tx_meninfo mi = {0};
    int rc = tx_meninfo_init(c, &mi, it, 1) || score_name(S, &mi) ? -1 : 0;
    tx_meninfo_free(&mi);
    return rc;
}

/* The names of sentence si (its candidates, the names mention rules
 * capture, runs of Latin words), each scored against the references once
 * per document (S->names).  -1 on OOM. */
static int name_scores(asearch *S, size_t si, const unsigned char *firsts, size_t words)
{
    const tx_conv *c = S->c;
    const tx_sentence *s = &c->seg->sent[si];
    tx_item *it = NULL;
    size_t n = 0;
    int rc = sentence_names(c, si, &it, &n);
    if (!rc && words) rc = word_windows(c, s, firsts, words, &it, &n);
    for (size_t i = 0; !rc && i < n; i++) {
        size_t e;
        if (name_entry(S, &it[i], &e)) {
            rc = -1;
            break;
        }
        int fl = S->names.ent[e].flags;
        if (fl & MEMO_EMPTY) continue;
        double cap = fl & MEMO_MAKER ? S->k[TXP_ANCHOR_MAKER] : DBL_MAX;
        memo_apply(S, &S->names, e, cap, it[i].start, it[i].end);
    }
    for (size_t i = 0; i < n; i++)
        free(it[i].key);
    free(it);
    return rc;
}

/* The best score of each reference in sentence si, into S->best.  -1 on
 * OOM. */
static int sentence_scores(asearch *S, size_t si, const unsigned char *firsts, size_t words,
                           size_t hans)
{
    for (size_t r = 0; r < S->R; r++)
        S->best[r] = 0.0;
    if (name_scores(S, si, firsts, words)) return -1;
    return hans > 1 ? han_windows(S, &S->c->seg->sent[si], hans) : 0;
}

/* One sentence where a reference is heard well enough, and the name. */
typedef struct occ {
    size_t r, sent;
    double score;
    size_t start, end;
} occ;

static int occ_before(const void *a, const void *b, const void *ctx)
{
    const occ *x = a, *y = b;
    (void)ctx;
    return x->r != y->r ? x->r < y->r : x->sent < y->sent;
}

/* The anchors: the heaviest chain of occurrences, at most one per
 * reference, whose references and sentences both rise (show notes follow
 * the talk); two anchors in one sentence cost `share` (a preview or a
 * title names many projects at once, the items name one each).  Then each
 * chosen anchor moves back to the reference's first occurrence after the
 * anchor before it: where the item first names it, if it names it there
 * almost as well (within `margin`).  at[r] gets the
 * sentence or SIZE_MAX.  O(n^2) in the occurrences.  -1 on OOM. */
static int chain_anchors(const occ *o, size_t n, double share, double margin, size_t *at,
                         tx_anchor *out, size_t R)
{
    double *best = malloc((n ? n : 1) * sizeof *best);
    size_t *prev = malloc((n ? n : 1) * sizeof *prev);
    if (!best || !prev) {
        free(best), free(prev);
        return -1;
    }
    size_t top = SIZE_MAX;
    for (size_t p = 0; p < n; p++) { /* o is sorted by reference, then sentence */
        best[p] = o[p].score, prev[p] = SIZE_MAX;
        for (size_t q = 0; q < p; q++) {
            if (o[q].r >= o[p].r || o[q].sent > o[p].sent) continue;
            double v = best[q] + o[p].score - (o[q].sent == o[p].sent ? share : 0.0);
            if (v > best[p]) best[p] = v, prev[p] = q;
        }
        if (top == SIZE_MAX || best[p] > best[top]) top = p;
    }
    for (size_t r = 0; r < R; r++)
        at[r] = SIZE_MAX;
    size_t *chain = malloc((n ? n : 1) * sizeof *chain), len = 0;
    if (!chain) {
        free(best), free(prev);
        return -1;
    }
    for (size_t p = top; p != SIZE_MAX; p = prev[p])
        chain[len++] = p;
    size_t floor = 0; /* sentences after the previous anchor */
    int have = 0;
    for (size_t k = len; k-- > 0;) {
        const occ *c = &o[chain[k]], *f = c;
        for (size_t p = 0; p < n; p++) /* the reference's first occurrence past the floor */
            if (o[p].r == c->r && (!have || o[p].sent > floor) && o[p].sent < f->sent &&
                o[p].score >= c->score - margin)
                f = &o[p];
        size_t s = f->sent;
        at[c->r] = s;
        out[c->r] = (tx_anchor){s, f->start, f->end, f->score};
        floor = s;
        have = 1;
    }
    free(chain), free(best), free(prev);
    return 0;
}

int tx_anchors(const tx_conv *c, size_t first, size_t last, int *anchors, tx_anchor *ref)
{
    for (size_t r = 0; r < c->refs->nref; r++)
        ref[r] = (tx_anchor){SIZE_MAX, 0, 0, 0.0};
    const tx_weights *w = c->weights;
    size_t R = c->refs->nref;
    if (!w || !w->has_param[TXP_ANCHOR_MIN] || !R || first >= last ||
        (w->has_param[TXP_ANCHOR_MAX_REFS] && (double)R > w->param[TXP_ANCHOR_MAX_REFS]))
        return 0;
    double need = w->param[TXP_ANCHOR_MIN];
    size_t per =
        w->has_param[TXP_ANCHOR_OCCURRENCES] ? (size_t)w->param[TXP_ANCHOR_OCCURRENCES] : 1;
    double share = w->has_param[TXP_ANCHOR_SHARE] ? w->param[TXP_ANCHOR_SHARE] : 0.0;
    double margin =
        w->has_param[TXP_ANCHOR_BACK_MARGIN] ? w->param[TXP_ANCHOR_BACK_MARGIN] : DBL_MAX;
    double k[TXP_N]; /* the linker's match weights, but a host word (the maker) counts less */
    memcpy(k, w->param, sizeof k);
    if (w->has_param[TXP_ANCHOR_URL_HOST]) k[TXP_MATCH_URL_HOST] = w->param[TXP_ANCHOR_URL_HOST];
    if (!w->has_param[TXP_ANCHOR_MAKER]) k[TXP_ANCHOR_MAKER] = DBL_MAX;
    tx_refinfo *ri = calloc(R, sizeof *ri);
    refstart *rs = malloc(R * sizeof *rs);
    allstart *as = malloc(sizeof *as);
    double *best = malloc(R * sizeof *best);
    tx_anchor *span = calloc(R, sizeof *span);
    size_t *at = malloc(R * sizeof *at), *count = calloc(R, sizeof *count), n = 0, cap = 0;
    occ *o = NULL;
    asearch S = {0};
    int rc = -1;
    if (!ri || !rs || !as || !best || !span || !at || !count) goto out;
    unsigned char firsts[256] = {0}; /* first letters of the references' keys */
    for (size_t r = 0; r < R; r++) {
        if (tx_refinfo_init(c, &ri[r], &c->refs->ref[r])) goto out;
        refstart_init(&rs[r], &ri[r]);
        firsts[(unsigned char)ri[r].key[0]] = 1;
        for (size_t q = 0; q < ri[r].nsuffix; q++)
            firsts[(unsigned char)ri[r].suffix[q][0]] = 1;
        for (size_t q = 0; q < ri[r].ntok; q++)
            firsts[(unsigned char)ri[r].tok[q][0]] = 1;
    }
    firsts[0] = 0;
    allstart_init(as, ri, R);
    size_t words =
        w->has_param[TXP_ANCHOR_WINDOW_WORDS] ? (size_t)w->param[TXP_ANCHOR_WINDOW_WORDS] : 0;
    size_t hans = w->has_param[TXP_ANCHOR_WINDOW_HAN] ? (size_t)w->param[TXP_ANCHOR_WINDOW_HAN] : 0;
    S = (asearch){.c = c,
                  .ri = ri,
                  .rs = rs,
                  .as = as,
                  .R = R,
                  .k = k,
                  .floor = search_floor(k),
                  .best = best,
                  .span = span};
    for (size_t i = first; i < last; i++) {
        if (sentence_scores(&S, i, firsts, words, hans)) goto out;
        for (size_t r = 0; r < R; r++) {
            if (best[r] < need || count[r] >= per) continue;
            occ *p = tx_grow(o, &cap, n + 1, sizeof *p);
            if (!p) goto out;
            o = p;
            o[n++] = (occ){r, i, best[r], span[r].start, span[r].end};
            count[r]++;
        }
    }
    if (tx_sort(o, n, sizeof *o, occ_before, NULL) ||
        chain_anchors(o, n, share, margin, at, ref, R))
        goto out;
    for (size_t r = 0; r < R; r++)
        if (at[r] != SIZE_MAX) anchors[at[r]]++;
    rc = 0;
out:
    for (size_t r = 0; ri && r < R; r++)
        tx_refinfo_free(&ri[r]);
    free(ri), free(rs), free(as), free(best), free(span), free(at), free(count), free(o);
    memo_free(&S.names), memo_free(&S.windows);
    return rc;
}
