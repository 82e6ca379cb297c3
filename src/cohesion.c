/* cohesion.c - stage 6a, lexical cohesion across each unit's start.
 *
 * A show that moves from one item to the next without saying so (a panel
 * that changes topic, a monologue with no "next up") still changes its
 * words: the names, the nouns, the numbers of one story are not the
 * next one's.  As in Hearst's TextTiling, each unit's start is scored by
 * the cosine between the words of a window before it and a window after
 * it; a low point is a likely topic change.  The windows slide along the
 * words once, their counts and the cosine's sums updated a word at a
 * time, so the cost grows linearly with the text.  Reads the matching
 * form, the sentences and the references; writes only the caller's
 * arrays. */
#include "cohesion.h"
#include "normalize.h"
#include "references.h"
#include "segment.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uscript.h>

typedef struct {
    uint32_t df;   /* the units it occurs in */
    uint32_t last; /* the last unit it was seen in, + 1 (wraps harmlessly) */
} seen;

typedef struct {
    uint32_t *id; /* per word: its index among the distinct words */
    size_t nword;
    int counting;    /* the first pass: words are counted only */
    size_t *unit_at; /* per unit: its first word */
    seen *seen;      /* per distinct word */
    size_t nid, seencap;
    double *w2;    /* per distinct word: its weight, squared */
    tx_nmap map;   /* word -> index; keys point into low */
    const char *t; /* where words are read: the matching form, then low */
    char *low;     /* the matching form, ASCII letters in lower case */
} words;

static int is_han(uint32_t c)
{
    UErrorCode st = U_ZERO_ERROR;
    return c >= 0x2E80 && uscript_getScript((UChar32)c, &st) == USCRIPT_HAN;
}

/* Adds the word t[a, b) of unit u.  0, or -1 on OOM. */
static int add_word(words *ws, size_t a, size_t b, size_t u)
{
    size_t id;
    if (ws->counting) {
        ws->nword++;
        return 0;
    }
    if (!tx_nmap_get(&ws->map, ws->t + a, b - a, &id)) {
        id = ws->nid;
        seen *sn = tx_grow(ws->seen, &ws->seencap, id + 1, sizeof *sn);
        if (!sn) return -1;
        ws->seen = sn;
        if (id > UINT32_MAX - 1 || tx_nmap_put(&ws->map, ws->t + a, b - a, id)) return -1;
        ws->seen[id] = (seen){0, 0};
        ws->nid++;
    }
    if (ws->seen[id].last != (uint32_t)(u + 1))
        ws->seen[id].df++, ws->seen[id].last = (uint32_t)(u + 1);
    ws->id[ws->nword++] = (uint32_t)id; /* room counted by the first pass */
    return 0;
}

/* The words of the norm bytes [a, b), unit u.  0, or -1 on OOM. */
static int unit_words(words *ws, size_t a, size_t b, size_t u, size_t latin_min)
{
    const char *t = ws->t;
    size_t prev = SIZE_MAX; /* where the Han character before starts */
    for (size_t i = a; i < b;) {
        unsigned char ch = (unsigned char)t[i];
        if (ch < 0x80 && isalnum(ch)) {
            size_t e = i;
            while (e < b && (unsigned char)t[e] < 0x80 && isalnum((unsigned char)t[e]))
                e++;
            if (e - i >= latin_min && add_word(ws, i, e, u)) return -1;
            i = e;
            prev = SIZE_MAX;
            continue;
        }
        size_t s = i;
        uint32_t cp = tx_u8_next(t, &i);
        if (!is_han(cp)) {
            prev = SIZE_MAX;
            continue;
        }
        if (prev != SIZE_MAX && add_word(ws, prev, i, u)) return -1;
        prev = s;
    }
    return 0;
}

static void words_free(words *ws)
{
    free(ws->id);
    free(ws->unit_at);
    free(ws->seen);
    free(ws->w2);
    free(ws->low);
    tx_nmap_free(&ws->map);
}

/* The words of every unit, and each distinct word's weight: the log of
 * the units over the units it occurs in, squared.  0; 1 when the body
 * has more words than param:cohesion-max-words (the word array is the
 * largest allocation: a 50 MB file is no episode, and gets no cohesion);
 * -1 on OOM. */
static int read_words(const tx_conv *c, size_t first, size_t last, size_t latin_min, words *ws)
{
    size_t nu = last - first;
    ws->t = c->norm->s;
    ws->unit_at = malloc((nu + 1) * sizeof *ws->unit_at);
    if (!ws->unit_at) return -1;
    ws->counting = 1; /* the word array at its exact size: it is the largest */
    for (size_t i = 0; i < nu; i++)
        unit_words(ws, c->seg->sent[first + i].start, c->seg->sent[first + i].end, i, latin_min);
    if ((double)ws->nword > c->weights->param[TXP_COHESION_MAX_WORDS]) return 1;
    size_t n = c->norm->len;
    ws->id = malloc((ws->nword ? ws->nword : 1) * sizeof *ws->id);
    ws->low = malloc(n + 1);
    if (!ws->id || !ws->low) return -1;
    for (size_t i = 0; i < n; i++)
        ws->low[i] = (char)tolower((unsigned char)c->norm->s[i]);
    ws->low[n] = '\0';
    ws->t = ws->low;
    ws->nword = 0;
    ws->counting = 0;
    for (size_t i = 0; i < nu; i++) {
        const tx_sentence *s = &c->seg->sent[first + i];
        ws->unit_at[i] = ws->nword;
        if (unit_words(ws, s->start, s->end, i, latin_min)) return -1;
    }
    ws->unit_at[nu] = ws->nword;
    ws->w2 = malloc((ws->nid ? ws->nid : 1) * sizeof *ws->w2);
    if (!ws->w2) return -1;
    for (size_t v = 0; v < ws->nid; v++) {
        double idf = log((double)nu / (double)ws->seen[v].df);
        ws->w2[v] = idf * idf;
    }
    return 0;
}

/* The two windows, [l0, l1) before the boundary and [l1, r1) after it,
 * as counts per word and the cosine's three sums. */
typedef struct {
    uint32_t *cl, *cr;
    size_t l0, l1, r1;
    double dot, nl, nr;
} windows;

static void slide(windows *wn, const words *ws, size_t b, size_t k)
{
    size_t hi = b + k < ws->nword ? b + k : ws->nword, lo = b > k ? b - k : 0;
    for (; wn->r1 < hi; wn->r1++) { /* into the window after */
        size_t v = ws->id[wn->r1];
        wn->dot += ws->w2[v] * (double)wn->cl[v];
        wn->nr += ws->w2[v] * (double)(2 * wn->cr[v] + 1);
        wn->cr[v]++;
    }
    for (; wn->l1 < b; wn->l1++) { /* from the window after to the one before */
        size_t v = ws->id[wn->l1];
        wn->dot += ws->w2[v] * ((double)wn->cr[v] - (double)wn->cl[v] - 1.0);
        wn->nl += ws->w2[v] * (double)(2 * wn->cl[v] + 1);
        wn->nr -= ws->w2[v] * (double)(2 * wn->cr[v] - 1);
        wn->cl[v]++;
        wn->cr[v]--;
    }
    for (; wn->l0 < lo; wn->l0++) { /* out of the window before */
        size_t v = ws->id[wn->l0];
        wn->dot -= ws->w2[v] * (double)wn->cr[v];
        wn->nl -= ws->w2[v] * (double)(2 * wn->cl[v] - 1);
        wn->cl[v]--;
    }
}

static double cosine(const windows *wn)
{
    if (wn->l0 == wn->l1 || wn->l1 == wn->r1 || wn->nl <= 0 || wn->nr <= 0) return -1.0;
    double v = wn->dot / sqrt(wn->nl * wn->nr);
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

/* Words per window: cohesion-share of the mean item's, within the
 * window-min and window-max parameters. */
static size_t window_size(const tx_conv *c, const tx_weights *w, size_t nword)
{
    size_t nref = c->refs && c->refs->nref ? c->refs->nref : 1;
    double k = w->param[TXP_COHESION_SHARE] * (double)nword / (double)nref;
    if (k < w->param[TXP_COHESION_WINDOW_MIN]) k = w->param[TXP_COHESION_WINDOW_MIN];
    if (k > w->param[TXP_COHESION_WINDOW_MAX]) k = w->param[TXP_COHESION_WINDOW_MAX];
    return k < 1 ? 1 : (size_t)k;
}

/* dip[i] = 1 where sim[i] is the lowest of the units whose first word is
 * within k words of unit i's, and not as high as the highest: a sliding
 * minimum and maximum (two queues of unit indices, q of 2n). */
static void dips(const double *sim, const size_t *pos, size_t n, size_t k, size_t *q,
                 unsigned char *dip)
{
    size_t *mn = q, *mx = q + n, mh = 0, mt = 0, xh = 0, xt = 0, hi = 0;
    for (size_t i = 0; i < n; i++) {
        for (; hi < n && pos[hi] <= pos[i] + k; hi++) {
            if (sim[hi] < 0) continue;
            while (mt > mh && sim[mn[mt - 1]] >= sim[hi])
                mt--;
            mn[mt++] = hi;
            while (xt > xh && sim[mx[xt - 1]] <= sim[hi])
                xt--;
            mx[xt++] = hi;
        }
        while (mh < mt && pos[mn[mh]] + k < pos[i])
            mh++;
        while (xh < xt && pos[mx[xh]] + k < pos[i])
            xh++;
        dip[i] = sim[i] >= 0 && mh < mt && sim[i] <= sim[mn[mh]] && sim[i] < sim[mx[xh]];
    }
}

tx2json_status tx_cohesion(const tx_conv *c, size_t first, size_t last, double *sim,
                           unsigned char *dip)
{
    size_t nu = last > first ? last - first : 0;
    const tx_weights *w = c->weights;
    for (size_t i = 0; i < nu; i++)
        sim[i] = -1.0, dip[i] = 0;
    if (!nu || !w || !w->has_param[TXP_COHESION_SHARE]) return TX2JSON_OK;
    words ws = {0};
    windows wn = {0};
    size_t *q = NULL;
    tx2json_status rc = TX2JSON_ENOMEM;
    int got = read_words(c, first, last, (size_t)w->param[TXP_COHESION_LATIN_MIN], &ws);
    if (got > 0) rc = TX2JSON_OK;
    if (got) goto out;
    wn.cl = calloc(ws.nid ? ws.nid : 1, sizeof *wn.cl);
    wn.cr = calloc(ws.nid ? ws.nid : 1, sizeof *wn.cr);
    q = malloc(2 * nu * sizeof *q);
    if (!wn.cl || !wn.cr || !q) goto out;
    size_t k = window_size(c, w, ws.nword);
    for (size_t i = 0; i < nu; i++) {
        slide(&wn, &ws, ws.unit_at[i], k);
        sim[i] = cosine(&wn);
    }
    dips(sim, ws.unit_at, nu, k, q, dip);
    rc = TX2JSON_OK;
out:
    free(q);
    free(wn.cl);
    free(wn.cr);
    words_free(&ws);
    if (rc) tx_seterr(c->err, rc, c->name, 0, 0, (size_t)-1, "out of memory");
    return rc;
}
