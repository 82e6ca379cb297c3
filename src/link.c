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
#include "match.h"
#include "segment.h"
#include "signals.h"
#include "normalize.h"
#include "episode.h"
#include "references.h"

#include <ctype.h>
#include <float.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A cost limit, not a tuning constant: rows^2 * cols above this skips the
 * assignment (with a link-cap warning). */
#define MAX_ASSIGN_OPS 2e9

/* The linker's thresholds and bonuses are parameters of the rules' weights
 * tables (rules/00-common.rules documents each; tx_weights_load requires
 * them): */
#define LINK_MIN (l->c->weights->param[TXP_LINK_MIN])          /* a pair below is not linked */
#define STRONG (l->c->weights->param[TXP_LINK_STRONG])         /* extra links need this */
#define PRIMARY_BONUS (l->c->weights->param[TXP_LINK_PRIMARY]) /* a rule named it the project */
#define FIRST_BONUS (l->c->weights->param[TXP_LINK_FIRST])     /* first time the name is heard */
#define FLOOR (l->c->weights->param[TXP_LINK_FLOOR])           /* counted above LINK_MIN by */
#define PRIMARY_EXTRA (l->c->weights->param[TXP_LINK_PRIMARY_EXTRA]) /* a project's second ref */

/* A mention of the linker: its entry, whether it is the first time its
 * key is heard, and where its pairs start in linker.pr.  Its keys
 * (tx_meninfo) live only while its pairs are scored. */
typedef struct meninfo {
    tx_item *it;
    size_t pfirst;
    int entry;
    int first;
} meninfo;

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
    tx_refinfo *ri; /* per reference */
    meninfo *mi;    /* per mention, entry by entry */
    best *bm;       /* each mention's best reference */
    pair *pr;       /* pairs that can link (>= LINK_MIN), by mention */
    size_t npr, prcap;
    size_t *byr, *rstart; /* the pairs by reference: byr[rstart[r] ..] */
    size_t *ord;          /* mentions sorted by key, index order kept within a key */
    int capped;           /* too many entries x references to assign */
} linker;

/* Keys of every reference and mention.  -1 on OOM. */
static int ref_infos(linker *l)
{
    for (size_t r = 0; r < l->R; r++)
        if (tx_refinfo_init(l->c, &l->ri[r], &l->c->refs->ref[r])) return -1;
    return 0;
}

static void mention_infos(linker *l)
{
    const tx_episode *ep = l->c->ep;
    size_t k = 0;
    for (size_t e = 0; e < l->E; e++)
        for (size_t j = 0; j < ep->entry[e].nmen; j++, k++) {
            l->mi[k].entry = (int)e;
            l->mi[k].it = &ep->entry[e].men[j];
        }
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

static int add_pair(linker *l, pair p)
{
    pair *v = tx_grow(l->pr, &l->prcap, l->npr + 1, sizeof *v);
    if (!v) return -1;
    l->pr = v;
    l->pr[l->npr++] = p;
    return 0;
}

/* Mention m against every reference: its best, and the pairs that can
 * link.  -1 on OOM. */
static int score_mention(linker *l, size_t m)
{
    tx_meninfo k = {0};
    int rc = tx_meninfo_init(l->c, &k, l->mi[m].it, 1);
    for (size_t r = 0; !rc && r < l->R; r++) {
        const char *mt;
        double v = tx_similarity(&k, &l->ri[r], l->c->weights->param, &mt);
        if (v > l->bm[m].s) l->bm[m] = (best){v, (int)r, mt};
        if (v >= LINK_MIN) rc = add_pair(l, (pair){m, r, v, mt});
    }
    tx_meninfo_free(&k);
    return rc;
}

/* Mention m heard with the very bytes of earlier mention f: its keys, so
 * its scores, are f's (a key is a function of the name's bytes). */
static int copy_scores(linker *l, size_t m, size_t f)
{
    l->bm[m] = l->bm[f];
    for (size_t i = l->mi[f].pfirst; i < l->npr && l->pr[i].m == f; i++)
        if (add_pair(l, (pair){m, l->pr[i].r, l->pr[i].s, l->pr[i].meth})) return -1;
    return 0;
}

/* Every mention against every reference: its best, and the pairs that
 * can link; a name heard again takes the scores of its first hearing.
 * -1 on OOM. */
static int score_pairs(linker *l)
{
    tx_nmap seen = {0};
    const char *t = l->c->norm->s;
    int rc = 0;
    for (size_t m = 0; m < l->M && !rc; m++) {
        const tx_item *it = l->mi[m].it;
        size_t f;
        l->bm[m] = (best){0.0, -1, "none"};
        l->mi[m].pfirst = l->npr;
        if (!l->R) continue;
        if (tx_nmap_get(&seen, t + it->start, it->end - it->start, &f))
            rc = copy_scores(l, m, f);
        else
            rc = tx_nmap_put(&seen, t + it->start, it->end - it->start, m) || score_mention(l, m);
    }
    tx_nmap_free(&seen);
    return rc;
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

/* Does reference r's anchor (scored segmenter) lie in entry e? */
static int anchored_in(const linker *l, int e, size_t r)
{
    const tx_episode *ep = l->c->ep;
    if (!ep->anchor || ep->anchor[r].sent == SIZE_MAX) return 0;
    size_t at = l->c->seg->sent[ep->anchor[r].sent].start;
    return at >= ep->entry[e].start && at < ep->entry[e].end;
}

/* What an anchor in the entry adds to a pair (the link-anchor-bonus
 * parameter; 0 without one). */
static double anchor_bonus(const linker *l, int e, size_t r)
{
    const tx_weights *w = l->c->weights;
    if (!w || !w->has_param[TXP_LINK_ANCHOR_BONUS] || !anchored_in(l, e, r)) return 0.0;
    return w->param[TXP_LINK_ANCHOR_BONUS];
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
        double v = l->pr[i].s - LINK_MIN + FLOOR + (mi->it->primary ? PRIMARY_BONUS : 0) +
                   (mi->first ? FIRST_BONUS : 0) + anchor_bonus(l, mi->entry, l->pr[i].r);
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
            double need = mi->it->primary ? LINK_MIN + PRIMARY_EXTRA : STRONG;
            if (mi->it->reference >= 0 || pp->s < need) continue;
            if (link_pair(l, pp, r)) return -1;
            break;
        }
    }
    return 0;
}

/* References still unowned whose anchor lies in an entry go to that
 * entry: through the mention at the anchor when the entry has one there,
 * else as a reference the entry owns without a mention (a second project
 * of a long item, a name the mention rules missed).  -1 on OOM. */
static int anchored_references(linker *l)
{
    tx_episode *ep = l->c->ep;
    for (size_t r = 0; ep->anchor && r < l->R && !l->capped; r++) {
        if (l->c->refs->ref[r].entry >= 0 || ep->anchor[r].sent == SIZE_MAX) continue;
        for (size_t e = 0; e < l->E; e++) {
            if (!anchored_in(l, (int)e, r)) continue;
            int done = 0;
            for (size_t i = l->rstart[r]; i < l->rstart[r + 1] && !done; i++) {
                const pair *pp = &l->pr[l->byr[i]];
                const meninfo *mi = &l->mi[pp->m];
                if (mi->entry != (int)e || mi->it->reference >= 0 ||
                    mi->it->start >= ep->anchor[r].end || mi->it->end <= ep->anchor[r].start)
                    continue;
                if (link_pair(l, pp, r)) return -1;
                done = 1;
            }
            if (!done) {
                tx_entry *en = &ep->entry[e];
                int *p = realloc(en->refs, (en->nrefs + 1) * sizeof *p);
                if (!p) return -1;
                en->refs = p;
                en->refs[en->nrefs++] = (int)r;
                l->c->refs->ref[r].entry = (int)e;
            }
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
    for (size_t r = 0; l->ri && r < l->R; r++)
        tx_refinfo_free(&l->ri[r]);
    free(l->ri);
    free(l->mi);
    free(l->pr);
    free(l->byr);
    free(l->rstart);
    free(l->bm);
    free(l->ord);
}

/* Where entry en first hears reference r: the start of its first mention
 * linked to r, or SIZE_MAX when none is (a reference given to the entry
 * by its anchor alone). */
static size_t first_heard(const tx_entry *en, int r)
{
    size_t at = SIZE_MAX;
    for (size_t i = 0; i < en->nmen; i++)
        if (en->men[i].reference == r && en->men[i].start < at) at = en->men[i].start;
    return at;
}

/* Puts each entry's references in the order the entry first names them,
 * so the primary one (first) is the item's own name, not whichever
 * later word matched a label best ("max" of a second label).  A stable
 * insertion sort: an entry owns a handful. */
static void order_references(tx_episode *ep)
{
    for (size_t e = 0; e < ep->nentry; e++) {
        tx_entry *en = &ep->entry[e];
        for (size_t i = 1; i < en->nrefs; i++) {
            int r = en->refs[i];
            size_t at = first_heard(en, r), j = i;
            for (; j > 0 && first_heard(en, en->refs[j - 1]) > at; j--)
                en->refs[j] = en->refs[j - 1];
            en->refs[j] = r;
        }
    }
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
    if (l.mi) mention_infos(&l);
    int bad = !l.ri || !l.mi || !l.bm || !l.ord || ref_infos(&l) || group_by_key(&l) ||
              score_pairs(&l) || pairs_by_reference(&l) || assign_entries(&l) ||
              extra_references(&l) || anchored_references(&l) || repeat_mentions(&l);
    if (!bad) order_references(c->ep);
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
