/* anchor.c - stage 6a': the sentence where each reference is first heard.
 *
 * Show notes list their links in the order the show talks about them, so
 * the first sentence that names a reference is a strong sign that an item
 * starts at or just before it, whatever the show's style.  Each name of
 * the body is compared with every reference (match.c); a reference's first
 * good match is its candidate anchor; the anchors kept are the heaviest
 * subsequence that rises with the list order (a weighted longest
 * increasing subsequence), so a name heard out of order early on (a
 * preview, a passing remark) does not anchor its reference there. */
#include "anchor.h"
#include "signals.h"
#include "match.h"
#include "normalize.h"
#include "segment.h"

#include <stdlib.h>
#include <string.h>

/* The names of sentence s as items with keys (caller frees keys and the
 * array): its candidates, then the names mention rules capture.  -1 on
 * OOM. */
static int sentence_names(const tx_conv *c, const tx_sentence *s, tx_item **out, size_t *n)
{
    size_t cap = 0;
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

/* The best score of each reference in sentence s, into best[R].  -1 on
 * OOM. */
static int sentence_scores(const tx_conv *c, const tx_refinfo *ri, size_t R, const tx_sentence *s,
                           double *best)
{
    tx_item *it = NULL;
    size_t n = 0;
    int rc = sentence_names(c, s, &it, &n);
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
        for (size_t r = 0; r < R; r++) {
            const char *meth;
            double v = tx_similarity(&mi, &ri[r], &meth);
            if (v > best[r]) best[r] = v;
        }
        tx_meninfo_free(&mi);
    }
    for (size_t i = 0; i < n; i++)
        free(it[i].key);
    free(it);
    return rc;
}

/* Keeps the heaviest set of anchors whose sentences rise with the
 * reference order: at[r] is reference r's sentence (SIZE_MAX when never
 * heard), w[r] its score; dropped anchors become SIZE_MAX.  O(R^2).  -1 on
 * OOM. */
static int rising_anchors(size_t *at, const double *w, size_t R)
{
    double *best = malloc((R ? R : 1) * sizeof *best);
    size_t *prev = malloc((R ? R : 1) * sizeof *prev);
    if (!best || !prev) {
        free(best), free(prev);
        return -1;
    }
    size_t top = SIZE_MAX;
    for (size_t r = 0; r < R; r++) {
        best[r] = 0, prev[r] = SIZE_MAX;
        if (at[r] == SIZE_MAX) continue;
        best[r] = w[r];
        for (size_t q = 0; q < r; q++)
            if (at[q] != SIZE_MAX && at[q] <= at[r] && best[q] + w[r] > best[r])
                best[r] = best[q] + w[r], prev[r] = q;
        if (top == SIZE_MAX || best[r] > best[top]) top = r;
    }
    unsigned char *keep = calloc(R ? R : 1, 1);
    if (!keep) {
        free(best), free(prev);
        return -1;
    }
    for (size_t r = top; r != SIZE_MAX; r = prev[r])
        keep[r] = 1;
    for (size_t r = 0; r < R; r++)
        if (!keep[r]) at[r] = SIZE_MAX;
    free(keep), free(best), free(prev);
    return 0;
}

int tx_anchors(const tx_conv *c, size_t first, size_t last, int *anchors)
{
    const tx_weights *w = c->weights;
    size_t R = c->refs->nref;
    if (!w || !w->has_param[TXP_ANCHOR_MIN] || !R || first >= last ||
        (w->has_param[TXP_ANCHOR_MAX_REFS] && (double)R > w->param[TXP_ANCHOR_MAX_REFS]))
        return 0;
    double need = w->param[TXP_ANCHOR_MIN];
    tx_refinfo *ri = calloc(R, sizeof *ri);
    double *best = malloc(R * sizeof *best), *score = calloc(R, sizeof *score);
    size_t *at = malloc(R * sizeof *at);
    int rc = -1;
    if (!ri || !best || !score || !at) goto out;
    for (size_t r = 0; r < R; r++) {
        at[r] = SIZE_MAX;
        if (tx_refinfo_init(c, &ri[r], &c->refs->ref[r])) goto out;
    }
    for (size_t i = first; i < last; i++) {
        if (sentence_scores(c, ri, R, &c->seg->sent[i], best)) goto out;
        for (size_t r = 0; r < R; r++)
            if (at[r] == SIZE_MAX && best[r] >= need) at[r] = i, score[r] = best[r];
    }
    if (rising_anchors(at, score, R)) goto out;
    for (size_t r = 0; r < R; r++)
        if (at[r] != SIZE_MAX) anchors[at[r]]++;
    rc = 0;
out:
    for (size_t r = 0; ri && r < R; r++)
        tx_refinfo_free(&ri[r]);
    free(ri), free(best), free(score), free(at);
    return rc;
}
