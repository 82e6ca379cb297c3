/* boundaries.c - stage 6b: entry starts by dynamic programming.
 *
 * A Viterbi pass over the units with three states, the number of
 * references first heard in the current entry so far (0, 1, 2 or more),
 * each split in two (the entry is one unit so far, or more: an entry of
 * one unit earns seg-one-unit when it closes), and, when the caller
 * allows an intro, one more: before the first entry.
 * At each unit the path either continues the current entry (or the
 * intro, at seg-intro-unit a unit and seg-intro-anchor a reference first
 * heard there: an intro that runs over the items is costly) or starts a new one, which earns the
 * unit's start score and closes the entry before it with its segment
 * weight.  Ties go to continuing, so a zero-weight model starts one entry
 * only. */
#include "boundaries.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>

#define NSTATE 3 /* references first heard in the entry: 0, 1, 2 or more */
/* Each of those twice: the entry so far is its first unit only, or longer;
 * then the intro, before the first entry. */
#define FRESH(s) ((s) + NSTATE)
#define INTRO (2 * NSTATE)
#define NALL (2 * NSTATE + 1)

static int cap_state(int a)
{
    return a >= NSTATE - 1 ? NSTATE - 1 : a;
}

/* The weight an entry closing in state x earns: by the references first
 * heard in it (when the episode has any), and seg-one-unit for an entry
 * of one unit. */
static double close_weight(const tx_weights *w, int x, int anchored)
{
    if (!w || x == INTRO) return 0.0;
    int s = x % NSTATE;
    double v = x >= NSTATE ? w->w[TXF_SEG_ONE_UNIT] : 0.0;
    if (!anchored) return v;
    if (s == 0) return v + w->w[TXF_SEG_NO_ANCHOR];
    if (s == NSTATE - 1) return v + w->w[TXF_SEG_MULTI_ANCHOR];
    return v;
}

/* One unit of the pass: cur holds the best value of each state before
 * unit i, nxt receives them after it, back[s] how each was reached. */
static void step(const tx_weights *w, const tx_unit *ui, int anchored, double wi, double wa,
                 const double *cur, double *nxt, signed char (*back)[2])
{
    for (int s = 0; s < NALL; s++)
        nxt[s] = -DBL_MAX, back[s][0] = -1, back[s][1] = 0;
    int a = ui->anchors;
    for (int s = 0; s < NALL; s++) { /* continue the entry, or the intro */
        if (cur[s] == -DBL_MAX) continue;
        int t = s == INTRO ? INTRO : cap_state(s % NSTATE + a);
        double v = cur[s] + (s == INTRO ? wi + (double)a * wa : 0.0);
        if (v > nxt[t]) nxt[t] = v, back[t][0] = (signed char)s, back[t][1] = 0;
    }
    for (int s = 0; s < NALL && !ui->no_start; s++) { /* start an entry */
        if (cur[s] == -DBL_MAX) continue;
        int t = FRESH(cap_state(a));
        double v = cur[s] + close_weight(w, s, anchored) + ui->score;
        if (v > nxt[t]) nxt[t] = v, back[t][0] = (signed char)s, back[t][1] = 1;
    }
}

tx2json_status tx_choose_starts(const tx_weights *w, const tx_unit *u, size_t n, int intro,
                                unsigned char *start)
{
    if (!n) return TX2JSON_OK;
    memset(start, 0, n);
    int anchored = 0;
    for (size_t i = 0; i < n; i++)
        if (u[i].anchors) anchored = 1;
    double wi = w ? w->w[TXF_SEG_INTRO_UNIT] : 0.0, wa = w ? w->w[TXF_SEG_INTRO_ANCHOR] : 0.0;
    /* back[i][s]: the state before unit i and whether unit i started. */
    signed char(*back)[NALL][2] = malloc(n * sizeof *back);
    if (!back) return TX2JSON_ENOMEM;
    double cur[NALL], nxt[NALL];
    for (int s = 0; s < NALL; s++)
        cur[s] = -DBL_MAX, back[0][s][0] = -1, back[0][s][1] = 0;
    cur[FRESH(cap_state(u[0].anchors))] = u[0].score;
    back[0][FRESH(cap_state(u[0].anchors))][1] = 1;
    if (intro) cur[INTRO] = wi + (double)u[0].anchors * wa;
    for (size_t i = 1; i < n; i++) {
        step(w, &u[i], anchored, wi, wa, cur, nxt, back[i]);
        memcpy(cur, nxt, sizeof cur);
    }
    int best = -1;
    double bv = -DBL_MAX;
    for (int s = 0; s < INTRO; s++) { /* the text ends inside an entry */
        if (cur[s] == -DBL_MAX) continue;
        double v = cur[s] + close_weight(w, s, anchored);
        if (best < 0 || v > bv) bv = v, best = s;
    }
    for (size_t i = n; best >= 0 && i-- > 0;) {
        start[i] = (unsigned char)back[i][best][1];
        best = back[i][best][0];
    }
    size_t first = 0;
    while (first < n && !start[first])
        first++;
    if (first == n) start[0] = 1; /* no entry at all: the body is one */
    free(back);
    return TX2JSON_OK;
}
