/* link.c - stage 7: link mentions to references.
 *
 * Every (mention, reference) pair gets a similarity from several signals:
 * exact match of normalised keys, edit distance, an English phonetic key,
 * pinyin for Han text (either side), and the word tokens of the URL.  Each
 * entry's best pair per reference feeds one global one-to-one assignment
 * (the Hungarian algorithm), so a reference goes to the entry that
 * introduces it rather than to whichever entry came first.  Pairs below
 * LINK_MIN stay unlinked.  References left over go to an entry only on a
 * strong match; other mentions link only on a strong match too. */
#include "link.h"
#include "normalize.h"
#include "episode.h"
#include "references.h"

#include <ctype.h>
#include <float.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINK_MIN 0.5       /* below this an entry-reference pair is not linked */
#define STRONG 0.85        /* extra links (second reference, repeat mentions) */
#define MAX_ASSIGN_OPS 2e9 /* rows^2 * cols above this skips the assignment */
#define PRIMARY_BONUS                                                                              \
    0.15 /* a mention a rule names as the entry's project */ /* entries or references beyond this  \
                                                                skip assignment */

typedef struct refinfo {
    char *key;
    char *suffix[8]; /* keys of the label's last words ("x2" of FooSeek-X2) */
    size_t nsuffix;
    char *word[8]; /* keys of the label's single words of 5+ letters */
    size_t nword;
    char *lword[16]; /* keys of all the label's words of 4+ characters */
    size_t nlword;
    char *phon;
    const char *pinyin; /* owned by the cache */
    char *pyphon;
    char **tok;
    char **tokphon;
    size_t ntok, nhost;
    int han;
} refinfo;

typedef struct meninfo {
    tx_item *it;
    const char *pysuffix[3]; /* pinyin of the last 2-4 Han characters (+ tail) */
    char *pysuffixphon[3];
    size_t npysuffix;
    int entry;
    char *phon;
    const char *pinyin;
    char *pyphon;
    int han;
    int first;      /* first occurrence of its key in the episode */
    char *mword[8]; /* keys of the mention's words of 4+ characters */
    size_t nmword;
} meninfo;

/* Phonetic keys are lossy: compare them only when the spelled keys are of
 * similar length, so "mola" never sounds like "handlemodelit". */
static double phon_sim(const char *a, const char *b, const char *ka, const char *kb)
{
    if (!a || !b || strlen(a) < 2 || strlen(b) < 2) return 0.0;
    double la = (double)strlen(ka), lb = (double)strlen(kb);
    if ((la < lb ? la / lb : lb / la) < 0.6) return 0.0;
    return tx_edit_sim(a, b);
}

/* Keys of the label's trailing words, for a mention that names only the
 * project part of "Maker Project" labels.  A suffix must hold a digit or
 * at least 4 characters, so "mini" of "o3-mini" alone does not count. */
static int label_suffixes(const tx_numerals *nt, refinfo *ri, const char *label)
{
    size_t starts[16], nw = 0, len = strlen(label);
    int prev = 0;
    for (size_t i = 0; i < len && nw < 16; i++) {
        int an = isalnum((unsigned char)label[i]) || ((unsigned char)label[i] & 0x80);
        if (an && !prev) starts[nw++] = i;
        prev = an;
    }
    for (size_t w = 0; w < nw && ri->nword < 8; w++) {
        size_t e = starts[w];
        while (e < len && (isalnum((unsigned char)label[e]) || ((unsigned char)label[e] & 0x80)))
            e++;
        char *k = tx_name_key(nt, label + starts[w], e - starts[w]);
        if (!k) return -1;
        if (strlen(k) >= 5 && nw > 1)
            ri->word[ri->nword++] = k;
        else
            free(k);
    }
    for (size_t w = 1; w < nw && ri->nsuffix < 8; w++) {
        char *k = tx_name_key(nt, label + starts[w], len - starts[w]);
        if (!k) return -1;
        int digit = 0;
        for (char *x = k; *x; x++)
            if (*x >= '0' && *x <= '9') digit = 1;
        if (strlen(k) >= 2 && (digit || strlen(k) >= 4))
            ri->suffix[ri->nsuffix++] = k;
        else
            free(k);
    }
    return 0;
}

/* Keys of the words of s[0,len) with at least 4 characters, at most max,
 * into out; words are split at anything but letters, digits and non-ASCII.
 * Returns the count, or -1 on OOM. */
static int word_keys(const tx_numerals *nt, const char *s, size_t len, char **out, size_t max)
{
    size_t n = 0, i = 0;
    while (i < len && n < max) {
        while (i < len && !isalnum((unsigned char)s[i]) && !((unsigned char)s[i] & 0x80))
            i++;
        size_t a = i;
        while (i < len && (isalnum((unsigned char)s[i]) || ((unsigned char)s[i] & 0x80)))
            i++;
        if (i - a < 4) continue;
        char *k = tx_name_key(nt, s + a, i - a);
        if (!k) {
            while (n > 0)
                free(out[--n]);
            return -1;
        }
        if (strlen(k) >= 4)
            out[n++] = k;
        else
            free(k);
    }
    return (int)n;
}

/* Share of the mention's words that a label word matches, equal or with
 * the same first five letters ("recursion" ~ "recursive"), when at least
 * two do: a descriptive name for a paper titled otherwise.  0 otherwise. */
static double word_overlap(const meninfo *m, const refinfo *r)
{
    if (m->nmword < 2 || r->nlword < 2) return 0.0;
    size_t hit = 0;
    for (size_t i = 0; i < m->nmword; i++)
        for (size_t j = 0; j < r->nlword; j++)
            if (!strcmp(m->mword[i], r->lword[j]) ||
                (strlen(m->mword[i]) >= 5 && strlen(r->lword[j]) >= 5 &&
                 !strncmp(m->mword[i], r->lword[j], 5))) {
                hit++;
                break;
            }
    return hit >= 2 ? (double)hit / (double)m->nmword : 0.0;
}

/* Pinyin keys of the mention's last 2, 3 and 4 Han characters plus what
 * follows them ("甲乙2" of "某某甲乙2").  Returns 0, or -1 on OOM. */
static int han_suffixes(tx_pinyin *py, meninfo *m)
{
    const char *k = m->it->key;
    size_t len = strlen(k), pos[64], np = 0, i = 0;
    while (i < len && np < 64) {
        pos[np++] = i;
        tx_u8_next(k, &i);
    }
    /* Code points from the end: skip the non-Han tail first. */
    size_t tail = np;
    while (tail > 0 && (unsigned char)k[pos[tail - 1]] < 0x80)
        tail--;
    for (size_t n = 2; n <= 4 && m->npysuffix < 3; n++) {
        if (tail < n + 1) break; /* keep at least one Han character before */
        const char *sub = k + pos[tail - n];
        const char *p = tx_pinyin_key(py, sub);
        if (!p) continue;
        char *ph = tx_phonetic_key(p);
        if (!ph) return -1;
        m->pysuffix[m->npysuffix] = p;
        m->pysuffixphon[m->npysuffix++] = ph;
    }
    return 0;
}

/* Similarity of a's first code points to b, where a is cut to b's length
 * in code points (0 when a is not longer). */
static double prefix_sim(const char *a, const char *b)
{
    size_t nb = 0, i = 0, la = strlen(a), lb = strlen(b);
    for (size_t k = 0; k < lb; k++)
        if (((unsigned char)b[k] & 0xC0) != 0x80) nb++;
    size_t cps = 0;
    while (i < la && cps < nb) {
        tx_u8_next(a, &i);
        cps++;
    }
    if (cps < nb || i >= la) return 0.0;
    char buf[256];
    if (i >= sizeof buf) return 0.0;
    memcpy(buf, a, i);
    buf[i] = 0;
    return tx_edit_sim(buf, b);
}

/* Edit similarity, or 0 when it cannot exceed need: the distance is at
 * least the length difference, so 1 - (max-min)/max bounds it. */
static double sim_above(const char *a, const char *b, double need)
{
    size_t la = 0, lb = 0;
    for (const char *x = a; *x; x++)
        la += ((unsigned char)*x & 0xC0) != 0x80;
    for (const char *x = b; *x; x++)
        lb += ((unsigned char)*x & 0xC0) != 0x80;
    size_t mx = la > lb ? la : lb, mn = la > lb ? lb : la;
    if (!mx || (double)mn / (double)mx <= need) return 0.0;
    return tx_edit_sim(a, b);
}

/* Similarity of mention m to reference r, and the signal that decided. */
static double similarity(const meninfo *m, const refinfo *r, const char **method)
{
    const char *mk = m->it->key;
    double best = 0.0;
    *method = "none";
#define TRY(v, name)                                                                               \
    do {                                                                                           \
        double v_ = (v);                                                                           \
        if (v_ > best) {                                                                           \
            best = v_;                                                                             \
            *method = name;                                                                        \
        }                                                                                          \
    } while (0)
    if (!*mk || !*r->key) return 0.0;
    if (strcmp(mk, r->key) == 0) {
        *method = "exact";
        return 1.0;
    }
    if (!m->han && !r->han) {
        TRY(sim_above(mk, r->key, best), "edit");
        for (size_t q = 0; q < r->nsuffix; q++)
            TRY(0.85 * sim_above(mk, r->suffix[q], best / 0.85), "partial");
        /* The label says more than was spoken ("X and computer use"), or
         * the mention runs on past a label word ("ministroll 8b"). */
        if (strlen(mk) >= 5) TRY(0.8 * prefix_sim(r->key, mk), "partial");
        for (size_t q = 0; q < r->nword; q++)
            TRY(0.8 * prefix_sim(mk, r->word[q]), "partial");
        TRY(0.8 * word_overlap(m, r), "words");
        if (strlen(mk) >= 3 && strlen(r->key) >= 3)
            TRY(0.9 * phon_sim(m->phon, r->phon, mk, r->key), "phonetic");
    } else if (m->han && r->han) {
        if (m->pinyin && r->pinyin && *m->pinyin)
            TRY(strcmp(m->pinyin, r->pinyin) == 0 ? 0.95 : 0.9 * tx_edit_sim(m->pinyin, r->pinyin),
                "pinyin");
        TRY(sim_above(mk, r->key, best), "edit");
    } else if (r->han && r->pinyin && *r->pinyin) {
        TRY(0.9 * sim_above(mk, r->pinyin, best / 0.9), "pinyin");
        TRY(0.85 * phon_sim(m->phon, r->pyphon, mk, r->pinyin), "pinyin");
    } else if (m->han && m->pinyin && *m->pinyin) {
        TRY(0.9 * sim_above(m->pinyin, r->key, best / 0.9), "pinyin");
        TRY(0.85 * phon_sim(m->pyphon, r->phon, m->pinyin, r->key), "pinyin");
        /* Brand names often keep only the tail: 某某千问 -> qianwen -> a short brand. */
        for (size_t q = 0; q < m->npysuffix; q++) {
            TRY(0.8 * sim_above(m->pysuffix[q], r->key, best / 0.8), "pinyin");
            TRY(0.8 * phon_sim(m->pysuffixphon[q], r->phon, m->pysuffix[q], r->key), "pinyin");
        }
    }
    const char *ak = m->han ? (m->pinyin ? m->pinyin : "") : mk;
    const char *ap = m->han ? m->pyphon : m->phon;
    /* Host words usually name the maker, path words the project. */
    for (size_t t = 0; t < r->ntok && *ak; t++) {
        double w = t < r->nhost ? 0.8 : 0.9;
        if (strcmp(ak, r->tok[t]) == 0) TRY(w + 0.05, "url");
        TRY(w * sim_above(ak, r->tok[t], best / w), "url");
        /* Sounds-alike on a URL word is the weakest evidence there is. */
        if (strlen(r->tok[t]) >= 4)
            TRY((w - 0.15) * phon_sim(ap, r->tokphon[t], ak, r->tok[t]), "url");
    }
#undef TRY
    return best;
}

typedef struct pair {
    size_t m, r;
    double s;
    const char *meth;
} pair;

typedef struct best {
    double s;
    int r;
    const char *meth;
} best;

/* Hungarian algorithm (Kuhn-Munkres) maximising the total score of a
 * rows x cols matrix; pairs with score <= 0 are left unassigned.  Runs on
 * the smaller side as rows, O(rows^2 * cols), so one entry against 5,000
 * references costs 5,000 steps, not 5,000^3. */
int tx_assign(const double *score, size_t rows, size_t cols, int *assign)
{
    int tr = rows > cols;
    size_t n = tr ? cols : rows, m = tr ? rows : cols;
    double *u = calloc(n + 1, sizeof *u), *v = calloc(m + 1, sizeof *v);
    double *minv = malloc((m + 1) * sizeof *minv);
    size_t *p = calloc(m + 1, sizeof *p), *way = calloc(m + 1, sizeof *way);
    char *used = malloc(m + 1);
    if (!u || !v || !minv || !p || !way || !used) {
        free(u), free(v), free(minv), free(p), free(way), free(used);
        return -1;
    }
#define SCORE(i, j) (tr ? score[((j)-1) * cols + ((i)-1)] : score[((i)-1) * cols + ((j)-1)])
    for (size_t i = 1; i <= n; i++) {
        p[0] = i;
        size_t j0 = 0;
        for (size_t j = 0; j <= m; j++)
            minv[j] = DBL_MAX, used[j] = 0;
        do {
            used[j0] = 1;
            size_t i0 = p[j0], j1 = 0;
            double delta = DBL_MAX;
            for (size_t j = 1; j <= m; j++) {
                if (used[j]) continue;
                double cur = -SCORE(i0, j) - u[i0] - v[j];
                if (cur < minv[j]) minv[j] = cur, way[j] = j0;
                if (minv[j] < delta) delta = minv[j], j1 = j;
            }
            for (size_t j = 0; j <= m; j++) {
                if (used[j])
                    u[p[j]] += delta, v[j] -= delta;
                else
                    minv[j] -= delta;
            }
            j0 = j1;
        } while (p[j0] != 0);
        do {
            size_t j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
        } while (j0);
    }
    for (size_t i = 0; i < rows; i++)
        assign[i] = -1;
    for (size_t j = 1; j <= m; j++) {
        if (!p[j] || SCORE(p[j], j) <= 0) continue;
        if (tr)
            assign[j - 1] = (int)(p[j] - 1);
        else
            assign[p[j] - 1] = (int)(j - 1);
    }
#undef SCORE
    free(u), free(v), free(minv), free(p), free(way), free(used);
    return 0;
}

/* The state of one linking run, shared by its phases. */
typedef struct linker {
    tx_conv *c;
    size_t R, E, M; /* references, entries, mentions */
    refinfo *ri;    /* per reference */
    meninfo *mi;    /* per mention, entry by entry */
    best *bm;       /* each mention's best reference */
    pair *pr;       /* pairs that can link (>= LINK_MIN), by mention */
    size_t npr, prcap;
    size_t *byr, *rstart; /* the pairs by reference: byr[rstart[r] ..] */
    size_t *ord;          /* mentions sorted by key, index order kept within a key */
    int capped;           /* too many entries x references to assign */
} linker;

/* Keys, phonetic keys, pinyin and URL tokens of every reference.
 * -1 on OOM. */
static int ref_infos(linker *l)
{
    for (size_t r = 0; r < l->R; r++) {
        const tx_ref *rf = &l->c->refs->ref[r];
        refinfo *ri = &l->ri[r];
        ri->key = tx_name_key(l->c->num, rf->label, strlen(rf->label));
        if (!ri->key || !(ri->phon = tx_phonetic_key(ri->key))) return -1;
        ri->han = tx_has_han(rf->label, strlen(rf->label));
        if (label_suffixes(l->c->num, ri, rf->label)) return -1;
        int nw = word_keys(l->c->num, rf->label, strlen(rf->label), ri->lword, 16);
        if (nw < 0) return -1;
        ri->nlword = (size_t)nw;
        if (ri->han) {
            ri->pinyin = tx_pinyin_key(l->c->pinyin, ri->key);
            if (ri->pinyin && !(ri->pyphon = tx_phonetic_key(ri->pinyin))) return -1;
        }
        ri->ntok = tx_url_tokens(l->c->rules, rf->url, &ri->tok, &ri->nhost);
        ri->tokphon = calloc(ri->ntok ? ri->ntok : 1, sizeof(char *));
        if (!ri->tokphon) return -1;
        for (size_t t = 0; t < ri->ntok; t++)
            if (!(ri->tokphon[t] = tx_phonetic_key(ri->tok[t]))) return -1;
    }
    return 0;
}

/* Phonetic keys, words and pinyin of every mention.  -1 on OOM. */
static int mention_infos(linker *l)
{
    const tx_episode *ep = l->c->ep;
    const char *t = l->c->norm->s;
    size_t k = 0;
    for (size_t e = 0; e < l->E; e++)
        for (size_t j = 0; j < ep->entry[e].nmen; j++, k++) {
            meninfo *mi = &l->mi[k];
            tx_item *it = &ep->entry[e].men[j];
            mi->it = it;
            mi->entry = (int)e;
            if (!(mi->phon = tx_phonetic_key(it->key))) return -1;
            int nw = word_keys(l->c->num, t + it->start, it->end - it->start, mi->mword, 8);
            if (nw < 0) return -1;
            mi->nmword = (size_t)nw;
            mi->han = tx_has_han(it->key, strlen(it->key));
            /* Pinyin only when there is a reference to compare with: the
             * transliterator costs 100 ms to open. */
            if (mi->han && l->R) {
                mi->pinyin = tx_pinyin_key(l->c->pinyin, it->key);
                if (mi->pinyin && !(mi->pyphon = tx_phonetic_key(mi->pinyin))) return -1;
                if (han_suffixes(l->c->pinyin, mi)) return -1;
            }
        }
    return 0;
}

/* Is mention *a before mention *b: by key, then by index? */
static int key_before(const void *a, const void *b, const void *ctx)
{
    const meninfo *mi = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(mi[x].it->key, mi[y].it->key);
    return c ? c < 0 : x < y;
}

/* Mentions grouped by key: the first of each group is the first time the
 * name is heard.  -1 on OOM. */
static int group_by_key(linker *l)
{
    size_t M = l->M, *v = l->ord;
    for (size_t m = 0; m < M; m++)
        v[m] = m;
    if (tx_sort(v, M, sizeof *v, key_before, l->mi)) return -1;
    for (size_t q = 0; q < M; q++)
        l->mi[v[q]].first = q == 0 || strcmp(l->mi[v[q - 1]].it->key, l->mi[v[q]].it->key) != 0;
    return 0;
}

/* Every mention against every reference: its best, and the pairs that
 * can link.  -1 on OOM. */
static int score_pairs(linker *l)
{
    for (size_t m = 0; m < l->M; m++) {
        l->bm[m] = (best){0.0, -1, "none"};
        for (size_t r = 0; r < l->R; r++) {
            const char *mt;
            double v = similarity(&l->mi[m], &l->ri[r], &mt);
            if (v > l->bm[m].s) l->bm[m] = (best){v, (int)r, mt};
            if (v < LINK_MIN) continue;
            pair *p = tx_grow(l->pr, &l->prcap, l->npr + 1, sizeof *p);
            if (!p) return -1;
            l->pr = p;
            l->pr[l->npr++] = (pair){m, r, v, mt};
        }
    }
    return 0;
}

/* The same pairs by reference, in mention order within each.  -1 on OOM. */
static int pairs_by_reference(linker *l)
{
    size_t R = l->R;
    l->byr = malloc((l->npr ? l->npr : 1) * sizeof *l->byr);
    l->rstart = calloc(R + 1, sizeof *l->rstart);
    size_t *fill = malloc((R ? R : 1) * sizeof *fill);
    if (!l->byr || !l->rstart || !fill) {
        free(fill);
        return -1;
    }
    for (size_t i = 0; i < l->npr; i++)
        l->rstart[l->pr[i].r + 1]++;
    for (size_t r = 0; r < R; r++)
        l->rstart[r + 1] += l->rstart[r];
    memcpy(fill, l->rstart, R * sizeof *fill);
    for (size_t i = 0; i < l->npr; i++)
        l->byr[fill[l->pr[i].r]++] = i;
    free(fill);
    return 0;
}

/* Links mention pair pp: its reference to its entry.  -1 on OOM. */
static int link_pair(linker *l, const pair *pp, size_t r)
{
    meninfo *mi = &l->mi[pp->m];
    tx_entry *en = &l->c->ep->entry[mi->entry];
    int *p = realloc(en->refs, (en->nrefs + 1) * sizeof *p);
    if (!p) return -1;
    en->refs = p;
    en->refs[en->nrefs++] = (int)r;
    l->c->refs->ref[r].entry = mi->entry;
    mi->it->reference = (int)r;
    mi->it->score = pp->s;
    mi->it->method = pp->meth;
    return 0;
}

/* Entry x reference matrix: the best mention of the entry, with small
 * bonuses for a mention a rule names as the entry's project and for the
 * first time a name is heard in the episode; one global one-to-one
 * assignment.  -1 on OOM. */
static int assign_entries(linker *l)
{
    size_t E = l->E, R = l->R;
    double small = (double)(E < R ? E : R), big = (double)(E < R ? R : E);
    l->capped = small * small * big > MAX_ASSIGN_OPS;
    if (l->capped) {
        tx_diag_add(&l->c->diags, "warning", "link-cap", -1, -1,
                    "%zu entries x %zu references exceed the assignment cap "
                    "(entries^2 x references <= %.0f); references were not linked",
                    E, R, MAX_ASSIGN_OPS);
        return 0;
    }
    if (!E || !R) return 0;
    double *es = calloc(E * R, sizeof *es);
    long *best_m = malloc(E * R * sizeof *best_m);
    int *assign = malloc(E * sizeof *assign), rc = -1;
    if (!es || !best_m || !assign) goto out;
    for (size_t i = 0; i < E * R; i++)
        best_m[i] = -1;
    for (size_t i = 0; i < l->npr; i++) {
        const meninfo *mi = &l->mi[l->pr[i].m];
        /* Counted above the threshold, so two weak links never outweigh
         * one good one in the total. */
        double v = l->pr[i].s - LINK_MIN + 0.01 + (mi->it->primary ? PRIMARY_BONUS : 0) +
                   (mi->first ? 0.05 : 0);
        size_t cell = (size_t)mi->entry * R + l->pr[i].r;
        if (v > es[cell]) es[cell] = v, best_m[cell] = (long)i;
    }
    if (tx_assign(es, E, R, assign)) goto out;
    for (size_t e = 0; e < E; e++) {
        int r = assign[e];
        if (r < 0 || best_m[e * R + (size_t)r] < 0) continue;
        if (link_pair(l, &l->pr[best_m[e * R + (size_t)r]], (size_t)r)) goto out;
    }
    rc = 0;
out:
    free(es);
    free(best_m);
    free(assign);
    return rc;
}

/* References still unowned go to the first unlinked mention that matches
 * them strongly, or fairly well when a rule named it as the entry's
 * project (an entry introducing two projects).  -1 on OOM. */
static int extra_references(linker *l)
{
    for (size_t r = 0; r < l->R && !l->capped; r++) {
        if (l->c->refs->ref[r].entry >= 0) continue;
        for (size_t i = l->rstart[r]; i < l->rstart[r + 1]; i++) {
            const pair *pp = &l->pr[l->byr[i]];
            const meninfo *mi = &l->mi[pp->m];
            double need = mi->it->primary ? LINK_MIN + 0.1 : STRONG;
            if (mi->it->reference >= 0 || pp->s < need) continue;
            if (link_pair(l, pp, r)) return -1;
            break;
        }
    }
    return 0;
}

/* Remaining mentions: an exact label, or a repeat of a name already
 * linked to its best reference, links too (a later mention of an earlier
 * project); otherwise report the best score, unlinked.  -1 on OOM. */
static int repeat_mentions(linker *l)
{
    size_t M = l->M, *ord = l->ord, *mark = malloc((l->R ? l->R : 1) * sizeof *mark);
    if (!mark) return -1;
    for (size_t r = 0; r < l->R; r++)
        mark[r] = (size_t)-1;
    for (size_t q0 = 0; q0 < M;) {
        size_t q1 = q0 + 1;
        while (q1 < M && strcmp(l->mi[ord[q0]].it->key, l->mi[ord[q1]].it->key) == 0)
            q1++;
        /* mark[r] == q0: some mention of this name links to r. */
        for (size_t q = q0; q < q1; q++)
            if (l->mi[ord[q]].it->reference >= 0) mark[l->mi[ord[q]].it->reference] = q0;
        for (size_t q = q0; q < q1; q++) {
            size_t m = ord[q];
            tx_item *it = l->mi[m].it;
            if (it->reference >= 0) continue;
            double b = l->bm[m].s;
            int br = l->bm[m].r;
            it->score = b;
            it->method = l->bm[m].meth;
            if (br < 0 || l->c->refs->ref[br].entry < 0) continue;
            if (b >= 1.0 || mark[br] == q0) it->reference = br, mark[br] = q0;
        }
        q0 = q1;
    }
    free(mark);
    return 0;
}

static void linker_free(linker *l)
{
    for (size_t r = 0; l->ri && r < l->R; r++) {
        refinfo *ri = &l->ri[r];
        free(ri->key);
        for (size_t q = 0; q < ri->nsuffix; q++)
            free(ri->suffix[q]);
        for (size_t q = 0; q < ri->nword; q++)
            free(ri->word[q]);
        for (size_t q = 0; q < ri->nlword; q++)
            free(ri->lword[q]);
        free(ri->phon);
        free(ri->pyphon);
        for (size_t t = 0; t < ri->ntok; t++) {
            free(ri->tok[t]);
            if (ri->tokphon) free(ri->tokphon[t]);
        }
        free(ri->tok);
        free(ri->tokphon);
    }
    for (size_t m = 0; l->mi && m < l->M; m++) {
        free(l->mi[m].phon);
        free(l->mi[m].pyphon);
        for (size_t q = 0; q < l->mi[m].npysuffix; q++)
            free(l->mi[m].pysuffixphon[q]);
        for (size_t q = 0; q < l->mi[m].nmword; q++)
            free(l->mi[m].mword[q]);
    }
    free(l->ri);
    free(l->mi);
    free(l->pr);
    free(l->byr);
    free(l->rstart);
    free(l->bm);
    free(l->ord);
}

tx2json_status tx_link(tx_conv *c)
{
    linker l = {0};
    l.c = c;
    l.R = c->refs->nref;
    l.E = c->ep->nentry;
    for (size_t e = 0; e < l.E; e++)
        l.M += c->ep->entry[e].nmen;
    l.ri = calloc(l.R ? l.R : 1, sizeof *l.ri);
    l.mi = calloc(l.M ? l.M : 1, sizeof *l.mi);
    l.bm = calloc(l.M ? l.M : 1, sizeof *l.bm);
    l.ord = malloc((l.M ? l.M : 1) * sizeof *l.ord);
    int bad = !l.ri || !l.mi || !l.bm || !l.ord || ref_infos(&l) || mention_infos(&l) ||
              group_by_key(&l) || score_pairs(&l) || pairs_by_reference(&l) || assign_entries(&l) ||
              extra_references(&l) || repeat_mentions(&l);
    for (size_t r = 0; !bad && r < l.R; r++)
        if (c->refs->ref[r].entry < 0)
            tx_diag_add_at(&c->diags, c->refs->ref[r].notes ? TX_AT_NOTES : TX_AT_NORM, "warning",
                           "unlinked-reference", (long)c->refs->ref[r].start,
                           (long)c->refs->ref[r].end,
                           "reference [%s] is not introduced by any entry", c->refs->ref[r].label);
    linker_free(&l);
    if (!bad) return TX2JSON_OK;
    tx_seterr(c->err, TX2JSON_ENOMEM, NULL, 0, 0, (size_t)-1, "out of memory");
    return TX2JSON_ENOMEM;
}
