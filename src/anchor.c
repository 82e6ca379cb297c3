/* anchor.c - stage 6a': the sentence where each reference is first heard.
 *
 * Show notes list their links in the order the show talks about them, so
 * the first sentence that names a reference is a strong sign that an item
 * starts at or just before it, whatever the show's style.  Each name of
 * the body is compared with every reference (match.c); every good match
 * is a possible anchor; the anchors kept are the heaviest chain that
 * rises with the list order and spreads over the sentences, so a title or
 * a preview that names every project at once, or a name heard out of
 * order in passing, does not anchor its reference there. */
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

/* The names of sentence s as items with keys (caller frees keys and the
 * array): its candidates, then the names mention rules capture.  -1 on
 * OOM. */
static int sentence_names(const tx_conv *c, const tx_sentence *s, tx_item **out, size_t *n)
{
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
        if (!(p[*n].key = tx_name_key(c->num, c->norm->s + k->start, k->end - k->start))) return -1;
        (*n)++;
    }
    const tx_rule *r;
    tx_match m;
    for (size_t ri = 0; (r = tx_rules_get(c->rules, RK_MENTION, c->lang, ri)); ri++) {
        size_t gs, ge;
        if (tx_rule_match(c->rules, r, c->norm->s + s->start, s->end - s->start, 0, &m) != 1 ||
            !tx_match_group(&m, "name", 1, &gs, &ge) ||
            tx_conv_is_stop(c, s->start + gs, s->start + ge))
            continue;
        tx_item *p = tx_grow(*out, &cap, *n + 1, sizeof *p);
        if (!p) return -1;
        *out = p;
        memset(&p[*n], 0, sizeof *p);
        p[*n].start = s->start + gs;
        p[*n].end = s->start + ge;
        if (!(p[*n].key = tx_name_key(c->num, c->norm->s + p[*n].start, ge - gs))) return -1;
        (*n)++;
    }
    return 0;
}

/* Appends the item norm[a,b) with its key.  -1 on OOM. */
static int push_name(const tx_conv *c, tx_item **out, size_t *n, size_t *cap, size_t a, size_t b)
{
    tx_item *p = tx_grow(*out, cap, *n + 1, sizeof *p);
    if (!p) return -1;
    *out = p;
    memset(&p[*n], 0, sizeof *p);
    p[*n].start = a;
    p[*n].end = b;
    if (!(p[*n].key = tx_name_key(c->num, c->norm->s + a, b - a))) return -1;
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
            if (push_name(c, out, n, &cap, ws[w], we[k])) return -1;
        }
    }
    return 0;
}

/* The best score of each reference over one name it (key set), into
 * best[R] and span[R]; a maker's name counts at most anchor-maker. */
/* The floor under which a name's score for a reference that has best so
 * far changes no anchor: a score below param:anchor-min is never an
 * occurrence, and one not above best replaces nothing.  Just under
 * anchor-min, so a score equal to it still counts. */
static double below_need(const double *k, double best)
{
    double f = nextafter(k[TXP_ANCHOR_MIN], 0.0);
    return best > f ? best : f < 0.0 ? 0.0 : f;
}

static void score_name(const tx_meninfo *mi, const tx_refinfo *ri, size_t R, const double *k,
                       double cap, double *best, tx_anchor *span)
{
    for (size_t r = 0; r < R; r++) {
        const char *meth;
        double v = tx_similarity_above(mi, &ri[r], k, below_need(k, best[r]), &meth);
        if (v < 1.0 && v > cap) v = cap;
        if (v > best[r]) best[r] = v, span[r].start = mi->it->start, span[r].end = mi->it->end;
    }
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

/* Is the code point at t[i] a Han character?  *next gets where the next
 * one starts. */
static int han_at(const char *t, size_t i, size_t *next)
{
    size_t j = i;
    tx_u8_next(t, &j);
    *next = j;
    return tx_has_han(t + i, j - i);
}

/* The longest pinyin of one Han character, with room to spare. */
#define PY_MAX 16

/* The pinyin of the Han character t[a, b) into py (PY_MAX bytes): 1, 0
 * when the table has none, -1 on OOM. */
static int char_pinyin(const char *t, size_t a, size_t b, char *py)
{
    char ch[8], *out = NULL;
    memcpy(ch, t + a, b - a);
    ch[b - a] = '\0';
    int got = tx_pinyin_table(ch, &out);
    if (got > 0 && strlen(out) < PY_MAX)
        strcpy(py, out);
    else if (got > 0)
        got = 0;
    free(out);
    return got;
}

/* The name key of window [a, b] of a run (caller frees; NULL on OOM):
 * the matching form is already NFKC and a Han character has no case, so
 * a window without numeral characters is its own key, and only one with
 * them ("万二点二" -> 万2.2) needs tx_name_key. */
static char *window_key(const tx_conv *c, const size_t *at, const size_t *nx, size_t a, size_t b)
{
    const char *t = c->norm->s;
    for (size_t q = a; q <= b; q++) {
        size_t len;
        if (tx_num_char(c->num, t + at[q], nx[q] - at[q], &len) != TX_NUM_NONE)
            return tx_name_key(c->num, t + at[a], nx[b] - at[a]);
    }
    char *k = tx_strndup(t + at[a], nx[b] - at[a]);
#ifdef TX_CHECK_WINDOW_KEY
    char *ref = tx_name_key(c->num, t + at[a], nx[b] - at[a]);
    if (ref && k && strcmp(ref, k)) fprintf(stderr, "WINDOWKEY MISMATCH [%s] [%s]\n", k, ref);
    free(ref);
#endif
    return k;
}

/* Window [a, b] of a run: the phonetic key of its characters' pinyin,
 * and when some reference's keys start like it, the window as a name (its
 * key, spoken numbers folded, "万二点二" -> 万2.2, and that key's pinyin)
 * compared with each such reference through the pinyin alone.  0, or -1
 * on OOM. */
static int score_window(const tx_conv *c, const size_t *at, const size_t *nx, char (*py)[PY_MAX],
                        size_t a, size_t b, const tx_refinfo *ri, const refstart *rs,
                        const allstart *as, size_t R, const double *k, double *best,
                        tx_anchor *spans)
{
    char pin[8 * PY_MAX + 1], ph[8 * PY_MAX + 1];
    pin[0] = '\0';
    for (size_t q = a; q <= b; q++)
        strcat(pin, py[q]);
    tx_phonetic_key_to(pin, ph);
    if (!any_starts_like(as, ph)) return 0;
    size_t r0 = 0;
    while (r0 < R && !starts_like(&rs[r0], &ri[r0], ph))
        r0++;
    if (r0 == R) return 0;
    tx_item it = {.start = at[a], .end = nx[b]};
    tx_meninfo mi = {.it = &it, .han = 1, .sound_only = 1};
    char *kp = NULL;
    int rc = -1;
    if (!(it.key = window_key(c, at, nx, a, b)) || tx_pinyin_table(it.key, &kp) < 0) goto out;
    mi.pinyin = kp ? kp : pin;
    if (!(mi.pyphon = tx_phonetic_key(mi.pinyin))) goto out;
    for (size_t r = r0; r < R; r++) {
        const char *meth;
        if (!starts_like(&rs[r], &ri[r], ph) && !starts_like(&rs[r], &ri[r], mi.pyphon)) continue;
        double v = tx_similarity_above(&mi, &ri[r], k, below_need(k, best[r]), &meth);
        if (v > best[r]) best[r] = v, spans[r].start = it.start, spans[r].end = it.end;
    }
    rc = 0;
out:
    free(it.key), free(kp), free(mi.pyphon);
    return rc;
}

/* Runs of two to `span` (at most 8) Han characters of sentence s, each
 * compared with the references through its pinyin (score_window): a name
 * the recogniser wrote as Chinese syllables (杰米尼, 克劳德四) that no rule
 * offers.  The pinyin comes from the table a character at a time, not the
 * cache, which would grow with every window.  -1 on OOM. */
static int han_windows(const tx_conv *c, const tx_sentence *s, const tx_refinfo *ri,
                       const refstart *rs, const allstart *as, size_t R, const double *k,
                       size_t span, double *best, tx_anchor *spans)
{
    const char *t = c->norm->s;
    size_t at[64], nx[64];
    char py[64][PY_MAX];
    if (span > 8) span = 8;
    for (size_t i = s->start; i < s->end;) {
        size_t n = 0, j = i, e;
        while (j < s->end && n < 64 && han_at(t, j, &e)) {
            int got = char_pinyin(t, j, e, py[n]);
            if (got < 0) return -1;
            if (!got) break; /* no pinyin: the run ends here */
            at[n] = j, nx[n++] = e, j = e;
        }
        if (!n) {
            tx_u8_next(t, &i);
            continue;
        }
        for (size_t a = 0; a + 1 < n; a++)
            for (size_t b = a + 1; b < n && b - a < span; b++)
                if (score_window(c, at, nx, py, a, b, ri, rs, as, R, k, best, spans)) return -1;
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

/* The best score of each reference in sentence s, into best[R].  -1 on
 * OOM. */
static int sentence_scores(const tx_conv *c, const tx_refinfo *ri, const refstart *rs,
                           const allstart *as, size_t R, const double *k, const tx_sentence *s,
                           const unsigned char *firsts, size_t words, size_t hans, double *best,
                           tx_anchor *span)
{
    tx_item *it = NULL;
    size_t n = 0;
    int rc = sentence_names(c, s, &it, &n);
    if (!rc && words) rc = word_windows(c, s, firsts, words, &it, &n);
    for (size_t r = 0; r < R; r++)
        best[r] = 0.0;
    for (size_t i = 0; !rc && i < n; i++) {
        if (!*it[i].key) continue;
        tx_meninfo mi = {0};
        if (tx_meninfo_init(c, &mi, &it[i], 1)) {
            tx_meninfo_free(&mi);
            rc = -1;
            break;
        }
        double cap = is_maker(ri, R, it[i].key) ? k[TXP_ANCHOR_MAKER] : DBL_MAX;
        score_name(&mi, ri, R, k, cap, best, span);
        tx_meninfo_free(&mi);
    }
    if (!rc && hans > 1) rc = han_windows(c, s, ri, rs, as, R, k, hans, best, span);
    for (size_t i = 0; i < n; i++)
        free(it[i].key);
    free(it);
    return rc;
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
    for (size_t i = first; i < last; i++) {
        if (sentence_scores(c, ri, rs, as, R, k, &c->seg->sent[i], firsts, words, hans, best, span))
            goto out;
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
    return rc;
}
