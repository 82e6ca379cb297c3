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
static int label_suffixes(refinfo *ri, const char *label)
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
        char *k = tx_name_key(label + starts[w], e - starts[w]);
        if (!k) return -1;
        if (strlen(k) >= 5 && nw > 1)
            ri->word[ri->nword++] = k;
        else
            free(k);
    }
    for (size_t w = 1; w < nw && ri->nsuffix < 8; w++) {
        char *k = tx_name_key(label + starts[w], len - starts[w]);
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
static int word_keys(const char *s, size_t len, char **out, size_t max)
{
    size_t n = 0, i = 0;
    while (i < len && n < max) {
        while (i < len && !isalnum((unsigned char)s[i]) && !((unsigned char)s[i] & 0x80))
            i++;
        size_t a = i;
        while (i < len && (isalnum((unsigned char)s[i]) || ((unsigned char)s[i] & 0x80)))
            i++;
        if (i - a < 4) continue;
        char *k = tx_name_key(s + a, i - a);
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

/* qsort has no context argument; the linker is not re-entrant on one
 * thread anyway (a context is used by one thread at a time). */
static _Thread_local const meninfo *sort_mi;

static int cmp_by_key(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(sort_mi[x].it->key, sort_mi[y].it->key);
    return c ? c : (x > y) - (x < y);
}

tx2json_status tx_link(tx_conv *c)
{
    const tx_ruleset *rs = c->rules;
    tx_pinyin *py = c->pinyin;
    const tx_norm *n = c->norm;
    tx_episode *ep = c->ep;
    tx_reflist *refs = c->refs;
    tx_diags *diags = &c->diags;
    tx2json_error *err = c->err;
    size_t R = refs->nref, E = ep->nentry, M = 0;
    for (size_t e = 0; e < E; e++)
        M += ep->entry[e].nmen;
    refinfo *ri = calloc(R ? R : 1, sizeof *ri);
    meninfo *mi = calloc(M ? M : 1, sizeof *mi);
    /* Scores are kept only for pairs that can link (>= LINK_MIN), plus
     * each mention's best: a full mentions x references table of a 50 MB
     * file would take gigabytes. */
    pair *pr = NULL;
    size_t npr = 0, prcap = 0, *byr = NULL, *rstart = NULL;
    best *bm = calloc(M ? M : 1, sizeof *bm);
    double *es = NULL;
    long *best_m = NULL;
    int *assign = NULL;
    size_t *ord = NULL, *mark = NULL;
    tx2json_status rc = TX2JSON_OK;
    if (!ri || !mi || !bm) goto oom;

    for (size_t r = 0; r < R; r++) {
        tx_ref *rf = &refs->ref[r];
        ri[r].key = tx_name_key(rf->label, strlen(rf->label));
        if (!ri[r].key || !(ri[r].phon = tx_phonetic_key(ri[r].key))) goto oom;
        ri[r].han = tx_has_han(rf->label, strlen(rf->label));
        if (label_suffixes(&ri[r], rf->label)) goto oom;
        int nw = word_keys(rf->label, strlen(rf->label), ri[r].lword, 16);
        if (nw < 0) goto oom;
        ri[r].nlword = (size_t)nw;
        if (ri[r].han) {
            ri[r].pinyin = tx_pinyin_key(py, ri[r].key);
            if (ri[r].pinyin && !(ri[r].pyphon = tx_phonetic_key(ri[r].pinyin))) goto oom;
        }
        ri[r].ntok = tx_url_tokens(rs, rf->url, &ri[r].tok, &ri[r].nhost);
        ri[r].tokphon = calloc(ri[r].ntok ? ri[r].ntok : 1, sizeof(char *));
        if (!ri[r].tokphon) goto oom;
        for (size_t t = 0; t < ri[r].ntok; t++)
            if (!(ri[r].tokphon[t] = tx_phonetic_key(ri[r].tok[t]))) goto oom;
    }
    size_t k = 0;
    for (size_t e = 0; e < E; e++)
        for (size_t j = 0; j < ep->entry[e].nmen; j++, k++) {
            tx_item *it = &ep->entry[e].men[j];
            mi[k].it = it;
            mi[k].entry = (int)e;
            if (!(mi[k].phon = tx_phonetic_key(it->key))) goto oom;
            int nw = word_keys(n->s + it->start, it->end - it->start, mi[k].mword, 8);
            if (nw < 0) goto oom;
            mi[k].nmword = (size_t)nw;
            mi[k].han = tx_has_han(it->key, strlen(it->key));
            /* Pinyin only when there is a reference to compare with: the
             * transliterator costs 100 ms to open. */
            if (mi[k].han && R) {
                mi[k].pinyin = tx_pinyin_key(py, it->key);
                if (mi[k].pinyin && !(mi[k].pyphon = tx_phonetic_key(mi[k].pinyin))) goto oom;
                if (han_suffixes(py, &mi[k])) goto oom;
            }
        }
    /* Mentions grouped by key (sorted, index order kept within a key): the
     * first of each group is the first time the name is heard. */
    ord = malloc((M ? M : 1) * sizeof *ord);
    if (!ord) goto oom;
    for (size_t m = 0; m < M; m++)
        ord[m] = m;
    sort_mi = mi;
    qsort(ord, M, sizeof *ord, cmp_by_key);
    for (size_t q = 0; q < M; q++)
        mi[ord[q]].first = q == 0 || strcmp(mi[ord[q - 1]].it->key, mi[ord[q]].it->key) != 0;
    for (size_t m = 0; m < M; m++) {
        bm[m] = (best){0.0, -1, "none"};
        for (size_t r = 0; r < R; r++) {
            const char *mt;
            double v = similarity(&mi[m], &ri[r], &mt);
            if (v > bm[m].s) bm[m] = (best){v, (int)r, mt};
            if (v < LINK_MIN) continue;
            pair *p = tx_grow(pr, &prcap, npr + 1, sizeof *p);
            if (!p) goto oom;
            pr = p;
            pr[npr++] = (pair){m, r, v, mt};
        }
    }
    /* The same pairs by reference, in mention order within each. */
    byr = malloc((npr ? npr : 1) * sizeof *byr);
    rstart = calloc(R + 1, sizeof *rstart);
    if (!byr || !rstart) goto oom;
    for (size_t i = 0; i < npr; i++)
        rstart[pr[i].r + 1]++;
    for (size_t r = 0; r < R; r++)
        rstart[r + 1] += rstart[r];
    {
        size_t *fill = malloc((R ? R : 1) * sizeof *fill);
        if (!fill) goto oom;
        memcpy(fill, rstart, R * sizeof *fill);
        for (size_t i = 0; i < npr; i++)
            byr[fill[pr[i].r]++] = i;
        free(fill);
    }

    /* Entry x reference matrix: the best mention of the entry, with small
     * bonuses for a mention a rule names as the entry's project and for the
     * first time a name is heard in the episode. */
    double small = (double)(E < R ? E : R), big = (double)(E < R ? R : E);
    int capped = small * small * big > MAX_ASSIGN_OPS;
    if (E && R && !capped) {
        es = calloc(E * R, sizeof *es);
        best_m = malloc(E * R * sizeof *best_m);
        assign = malloc(E * sizeof *assign);
        if (!es || !best_m || !assign) goto oom;
        for (size_t i = 0; i < E * R; i++)
            best_m[i] = -1;
        for (size_t i = 0; i < npr; i++) {
            size_t m = pr[i].m, r = pr[i].r;
            /* Counted above the threshold, so two weak links never
             * outweigh one good one in the total. */
            double v = pr[i].s - LINK_MIN + 0.01 + (mi[m].it->primary ? PRIMARY_BONUS : 0) +
                       (mi[m].first ? 0.05 : 0);
            size_t c = (size_t)mi[m].entry * R + r;
            if (v > es[c]) es[c] = v, best_m[c] = (long)i;
        }
        if (tx_assign(es, E, R, assign)) goto oom;
        for (size_t e = 0; e < E; e++) {
            int r = assign[e];
            if (r < 0 || best_m[e * R + (size_t)r] < 0) continue;
            const pair *pp = &pr[best_m[e * R + (size_t)r]];
            size_t m = pp->m;
            refs->ref[r].entry = (int)e;
            mi[m].it->reference = r;
            mi[m].it->score = pp->s;
            mi[m].it->method = pp->meth;
            tx_entry *en = &ep->entry[e];
            int *p = realloc(en->refs, (en->nrefs + 1) * sizeof *p);
            if (!p) goto oom;
            en->refs = p;
            en->refs[en->nrefs++] = r;
        }
    } else if (capped) {
        tx_diag_add(diags, "warning", "link-cap", -1, -1,
                    "%zu entries x %zu references exceed the assignment cap "
                    "(entries^2 x references <= %.0f); references were not linked",
                    E, R, MAX_ASSIGN_OPS);
    }
    /* References still unowned go to the first unlinked mention that
     * matches them strongly, or fairly well when a rule named it as the
     * entry's project (an entry introducing two projects). */
    for (size_t r = 0; r < R && !capped; r++) {
        if (refs->ref[r].entry >= 0) continue;
        for (size_t i = rstart[r]; i < rstart[r + 1]; i++) {
            const pair *pp = &pr[byr[i]];
            size_t m = pp->m;
            double need = mi[m].it->primary ? LINK_MIN + 0.1 : STRONG;
            if (mi[m].it->reference >= 0 || pp->s < need) continue;
            tx_entry *en = &ep->entry[mi[m].entry];
            int *p = realloc(en->refs, (en->nrefs + 1) * sizeof *p);
            if (!p) goto oom;
            en->refs = p;
            en->refs[en->nrefs++] = (int)r;
            refs->ref[r].entry = mi[m].entry;
            mi[m].it->reference = (int)r;
            mi[m].it->score = pp->s;
            mi[m].it->method = pp->meth;
            break;
        }
    }
    mark = malloc((R ? R : 1) * sizeof *mark);
    if (!mark) goto oom;
    for (size_t r = 0; r < R; r++)
        mark[r] = (size_t)-1;
    /* Remaining mentions: an exact label, or a repeat of a name already
     * linked to its best reference, links too (a later mention of an
     * earlier project); otherwise report the best score, unlinked. */
    for (size_t q0 = 0; q0 < M;) {
        size_t q1 = q0 + 1;
        while (q1 < M && strcmp(mi[ord[q0]].it->key, mi[ord[q1]].it->key) == 0)
            q1++;
        /* mark[r] == q0: some mention of this name links to r. */
        for (size_t q = q0; q < q1; q++)
            if (mi[ord[q]].it->reference >= 0) mark[mi[ord[q]].it->reference] = q0;
        for (size_t q = q0; q < q1; q++) {
            size_t m = ord[q];
            tx_item *it = mi[m].it;
            if (it->reference >= 0) continue;
            double b = bm[m].s;
            int br = bm[m].r;
            it->score = b;
            it->method = bm[m].meth;
            if (br < 0 || refs->ref[br].entry < 0) continue;
            if (b >= 1.0 || mark[br] == q0) it->reference = br, mark[br] = q0;
        }
        q0 = q1;
    }
    for (size_t r = 0; r < R; r++)
        if (refs->ref[r].entry < 0)
            tx_diag_add(diags, "warning", "unlinked-reference", (long)refs->ref[r].start,
                        (long)refs->ref[r].end, "reference [%s] is not introduced by any entry",
                        refs->ref[r].label);
    goto done;
oom:
    tx_seterr(err, TX2JSON_ENOMEM, NULL, 0, 0, (size_t)-1, "out of memory");
    rc = TX2JSON_ENOMEM;
done:
    for (size_t r = 0; ri && r < R; r++) {
        free(ri[r].key);
        for (size_t q = 0; q < ri[r].nsuffix; q++)
            free(ri[r].suffix[q]);
        for (size_t q = 0; q < ri[r].nword; q++)
            free(ri[r].word[q]);
        for (size_t q = 0; q < ri[r].nlword; q++)
            free(ri[r].lword[q]);
        free(ri[r].phon);
        free(ri[r].pyphon);
        for (size_t t = 0; t < ri[r].ntok; t++) {
            free(ri[r].tok[t]);
            if (ri[r].tokphon) free(ri[r].tokphon[t]);
        }
        free(ri[r].tok);
        free(ri[r].tokphon);
    }
    for (size_t m = 0; mi && m < M; m++) {
        free(mi[m].phon);
        free(mi[m].pyphon);
        for (size_t q = 0; q < mi[m].npysuffix; q++)
            free(mi[m].pysuffixphon[q]);
        for (size_t q = 0; q < mi[m].nmword; q++)
            free(mi[m].mword[q]);
    }
    free(ri);
    free(mi);
    free(pr);
    free(byr);
    free(rstart);
    free(bm);
    free(es);
    free(best_m);
    free(assign);
    free(ord);
    free(mark);
    return rc;
}
