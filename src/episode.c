/* episode.c - stages 5 and 6: episode structure, entries, organisations and
 * mentions.
 *
 * Works sentence by sentence on the matching form.  The layout comes
 * first: numbered items and a headline block of a subtitle layout, then
 * the outro (the first sentence an `outro` rule matches in the text's
 * tail).  The entry starts between them are chosen all at once by the
 * scored segmenter (signals.c's features, boundaries.c's decoder), and
 * what comes before the first of them is the intro (`intro` rules, whose
 * named groups title, year, month, day and number fill the episode
 * fields).  Organisations come from `organization` rules and from the
 * `org` group of the entry-start rule at the entry's start; mentions are
 * the Latin name candidates of the segmenter plus names captured by
 * `mention` rules, minus stop-names and organisations, plus the name at
 * each reference's anchor. */
#include "episode.h"
#include "anchor.h"
#include "references.h"
#include "boundaries.h"
#include "signals.h"
#include "normalize.h"
#include "segment.h"
#include "span.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ctx {
    const tx_conv *cv;
    const tx_ruleset *rs;
    const tx_doc *doc;
    const tx_norm *n;
    const tx_seg *seg;
    const char *lang;
    tx_off *ckey; /* name key of every candidate, computed once: its offset in ckeys */
    int lines_layout;
    char *ckeys; /* the keys of the candidates, one after another, each ending in NUL */
    /* The current entry's mention keys by the bytes they were made from (a
     * key is a function of them), so a name said again is keyed once; the
     * keys are the items' own. */
    tx_nmap key_by_text;
    const char **keys;
    size_t nkeys, keyscap;
} ctx;

/* The name key of candidate i. */
static const char *cand_key(const ctx *c, size_t i)
{
    return c->ckeys + c->ckey[i];
}

static size_t cand_start(const void *v, size_t i)
{
    return ((const tx_cand *)v)[i].start;
}

static size_t sent_start(const void *v, size_t i)
{
    return ((const tx_sentence *)v)[i].start;
}

/* First candidate starting at or after norm byte pos (candidates are in
 * text order). */
static size_t cand_lower(const tx_seg *seg, size_t pos)
{
    return tx_lower_bound(seg->cand, seg->ncand, pos, cand_start);
}

/* First sentence starting at or after norm byte pos. */
static size_t sent_lower(const tx_seg *seg, size_t pos)
{
    return tx_lower_bound(seg->sent, seg->nsent, pos, sent_start);
}

/* Does rule kind k match sentence [a,b)?  Fills m with sentence-relative
 * offsets and returns the rule, or NULL. */
static const tx_rule *first_match(const ctx *c, rule_kind k, size_t a, size_t b, tx_match *m)
{
    const tx_rule *r;
    for (size_t i = 0; (r = tx_rules_get(c->rs, k, c->lang, i)); i++)
        if (tx_rule_match(c->rs, r, c->n->s + a, b - a, 0, m) == 1) return r;
    return NULL;
}

static int is_stop(const ctx *c, size_t s, size_t e)
{
    return tx_rules_any_full(c->rs, RK_STOPNAME, c->lang, c->n->s + s, e - s);
}

static char *copy_digits(const char *s, size_t n)
{
    return tx_strndup(s, n);
}

/* Fills the episode fields still unset from an intro rule's groups. */
static void episode_meta(ctx *c, tx_episode *ep, const tx_match *m, size_t base)
{
    size_t s, e;
    const char *t = c->n->s + base;
    if (!ep->title && tx_match_group(m, "title", 1, &s, &e)) {
        /* Trim spaces and connecting punctuation around the title. */
        while (s < e && strchr(" ,", t[s]))
            s++;
        while (e > s && strchr(" ,", t[e - 1]))
            e--;
        if (e > s) ep->title = tx_span_copy(c->cv, base + s, base + e);
    }
    size_t ys, ye, ms, me, ds, de;
    if (!ep->date && tx_match_group(m, "year", 1, &ys, &ye)) {
        char buf[32];
        int mon = tx_match_group(m, "month", 1, &ms, &me) ? atoi(t + ms) : 0;
        int day = tx_match_group(m, "day", 1, &ds, &de) ? atoi(t + ds) : 0;
        int year = atoi(t + ys);
        if (mon >= 1 && mon <= 12 && day >= 1 && day <= 31)
            snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, mon, day);
        else if (mon >= 1 && mon <= 12)
            snprintf(buf, sizeof buf, "%04d-%02d", year, mon);
        else
            snprintf(buf, sizeof buf, "%04d", year);
        ep->date = copy_digits(buf, strlen(buf));
    }
    if (!ep->number && tx_match_group(m, "number", 1, &s, &e))
        ep->number = tx_span_copy(c->cv, base + s, base + e);
}

/* Appends an item unless one with the same span is there (a linear
 * check, used only for items rules add; candidates are unique already
 * and go in with dedup 0).  Returns 0, or -1 on OOM. */
static int add_item(tx_item **v, size_t *n, size_t *cap, size_t s, size_t e, const char *rule,
                    int dedup)
{
    for (size_t i = 0; dedup && i < *n; i++)
        if ((*v)[i].start == s && (*v)[i].end == e) return 0;
    tx_item *p = tx_grow(*v, cap, *n + 1, sizeof *p);
    if (!p) return -1;
    *v = p;
    memset(&p[*n], 0, sizeof **v);
    p[*n].start = s;
    p[*n].end = e;
    p[*n].rule = rule;
    p[*n].reference = -1;
    (*n)++;
    return 0;
}

static int overlaps(size_t a, size_t b, size_t c, size_t d)
{
    return a < d && c < b;
}

/* Organisations of one sentence [a,b) into entry en. */
#define MAX_ORGS 1000 /* organisations kept per entry (a memory bound, not a tuning value) */

/* Parameter p of the rules' weights tables (tx_weights_load requires the
 * ones read here). */
static double param(const tx_conv *cv, int p)
{
    return cv->weights->param[p];
}

static int sentence_orgs(ctx *c, tx_entry *en, size_t a, size_t b)
{
    if (en->norg >= MAX_ORGS) return 0;
    const tx_rule *r;
    tx_match m;
    for (size_t i = 0; (r = tx_rules_get(c->rs, RK_ORG, c->lang, i)); i++) {
        size_t from = 0;
        while (from < b - a) {
            int rc = tx_rule_match(c->rs, r, c->n->s + a, b - a, from, &m);
            if (rc != 1) break;
            size_t s, e;
            int g = 1;
            while ((g = tx_match_group(&m, "org", g, &s, &e))) {
                int dup = 0;
                for (size_t k = 0; k < en->norg; k++)
                    if (overlaps(en->org[k].start, en->org[k].end, a + s, a + e)) dup = 1;
                if (!dup &&
                    add_item(&en->org, &en->norg, &en->orgcap, a + s, a + e, tx_rule_name(r), 1))
                    return -1;
                g++;
            }
            from = m.end > m.start ? m.end : m.start + 1;
            while (from < b - a && ((unsigned char)c->n->s[a + from] & 0xC0) == 0x80)
                from++;
        }
    }
    return 0;
}

/* A lower-case Latin name with two or more letters ("foo nemotron"), the
 * kind apply_mentions adds as a mention of its own. */
static int lower_name(const char *s, size_t n)
{
    size_t letters = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= 'A' && s[i] <= 'Z') return 0;
        letters += s[i] >= 'a' && s[i] <= 'z';
    }
    return letters >= 2;
}

/* Does norm[a,b) name something outside the org span [os,oe): a Latin
 * candidate that is no stop-name, or a Han or lower-case name a mention
 * rule captures? */
static int names_beyond(const ctx *c, size_t a, size_t b, size_t os, size_t oe)
{
    for (size_t i = cand_lower(c->seg, a); i < c->seg->ncand && c->seg->cand[i].end <= b; i++) {
        const tx_cand *k = &c->seg->cand[i];
        if (oe > os && overlaps(k->start, k->end, os, oe)) continue;
        if (!is_stop(c, k->start, k->end)) return 1;
    }
    const tx_rule *r;
    tx_match m;
    for (size_t ri = 0; (r = tx_rules_get(c->rs, RK_MENTION, c->lang, ri)); ri++) {
        size_t gs, ge;
        if (tx_rule_match(c->rs, r, c->n->s + a, b - a, 0, &m) != 1 ||
            !tx_match_group(&m, "name", 1, &gs, &ge) ||
            !(tx_has_han(c->n->s + a + gs, ge - gs) || lower_name(c->n->s + a + gs, ge - gs)) ||
            is_stop(c, a + gs, a + ge))
            continue;
        if (!(oe > os && overlaps(a + gs, a + ge, os, oe))) return 1;
    }
    return 0;
}

/* Applies the names the mention rules capture in a span starting at norm
 * byte sa (nm, nn of them: tx_conv_names) inside entry en: a captured
 * name marks the candidate it overlaps as the entry's primary mention; a
 * Han name, or a lower-case one where the segmenter found no capitalised
 * candidate, becomes a mention of its own.  Returns 0, or -1 on OOM. */
static int apply_mentions(const ctx *c, tx_entry *en, size_t sa, const tx_named *nm, size_t nn)
{
    const tx_norm *n = c->n;
    for (size_t q = 0; q < nn; q++) {
        const tx_rule *r = nm[q].r;
        size_t a = sa + nm[q].gs, b = sa + nm[q].ge;
        if (is_stop(c, a, b)) continue;
        int found = 0, han = tx_has_han(n->s + a, b - a), lower = 1, letters = 0;
        for (size_t i = a; i < b; i++) {
            if (n->s[i] >= 'A' && n->s[i] <= 'Z') lower = 0;
            if (n->s[i] >= 'a' && n->s[i] <= 'z') letters++;
        }
        lower = lower && letters >= 2;
        for (size_t mi = 0; mi < en->nmen; mi++)
            if (overlaps(en->men[mi].start, en->men[mi].end, a, b)) {
                if (!en->men[mi].primary) {
                    en->men[mi].primary = 1;
                    en->men[mi].rule = tx_rule_name(r);
                }
                /* A Han name that wraps a Latin candidate ("某元DIT")
                 * replaces it. */
                if (han && a <= en->men[mi].start && b >= en->men[mi].end) {
                    en->men[mi].start = a;
                    en->men[mi].end = b;
                    en->men[mi].rule = tx_rule_name(r);
                }
                found = 1;
            }
        int org = 0;
        for (size_t o = 0; o < en->norg; o++)
            if (overlaps(en->org[o].start, en->org[o].end, a, b)) org = 1;
        if (!found && !org && (han || lower)) {
            if (add_item(&en->men, &en->nmen, &en->mencap, a, b, tx_rule_name(r), 1)) return -1;
            en->men[en->nmen - 1].primary = 1;
        }
    }
    return 0;
}

/* Sorts items by start, stably (equal starts keep their order), in
 * O(n log n): a huge entry can hold many thousands.  Returns 0, or -1 on
 * OOM. */
static int item_before(const void *a, const void *b, const void *ctx)
{
    (void)ctx;
    return ((const tx_item *)a)->start < ((const tx_item *)b)->start;
}

static int sort_items(tx_item *v, size_t n)
{
    return tx_sort(v, n, sizeof *v, item_before, NULL);
}

/* Adds the org groups of an entry-start match at norm offset base to en,
 * skipping parts the org rules already found.  Returns 0, or -1 on OOM. */
static int subject_orgs(tx_entry *en, size_t base, const tx_match *sm, const char *why)
{
    int g = 1;
    size_t gs, ge;
    while ((g = tx_match_group(sm, "org", g, &gs, &ge))) {
        size_t a = base + gs, b = base + ge;
        int dup = 0;
        for (size_t k = 0; k < en->norg; k++)
            if (overlaps(en->org[k].start, en->org[k].end, a, b)) dup = 1;
        if (!dup && add_item(&en->org, &en->norg, &en->orgcap, a, b, why, 1)) return -1;
        g++;
    }
    return 0;
}

/* Appends an entry starting at norm byte start; NULL on OOM. */
static tx_entry *push_entry(tx_episode *ep, size_t *cap, size_t start, const char *rule)
{
    tx_entry *p = tx_grow(ep->entry, cap, ep->nentry + 1, sizeof *p);
    if (!p) return NULL;
    ep->entry = p;
    tx_entry *en = &p[ep->nentry++];
    memset(en, 0, sizeof *en);
    en->start = start;
    en->rule = rule;
    return en;
}

/* Fills title, date and number from every intro rule that matches norm[a,b),
 * keeping fields already set. */
static void intro_meta(ctx *c, tx_episode *ep, size_t a, size_t b)
{
    const tx_rule *r;
    tx_match m;
    for (size_t i = 0; (r = tx_rules_get(c->rs, RK_INTRO, c->lang, i)); i++)
        if (tx_rule_match(c->rs, r, c->n->s + a, b - a, 0, &m) == 1) episode_meta(c, ep, &m, a);
}

int tx_is_lines_layout(const tx_conv *cv, size_t end)
{
    const tx_norm *n = cv->norm;
    double han_max = param(cv, TXP_LAYOUT_SHORT_HAN), latin_max = param(cv, TXP_LAYOUT_SHORT_LATIN);
    size_t lines = 0, shortl = 0, term = 0, i = 0;
    while (i < end) {
        size_t j = i;
        while (j < end && n->s[j] != '\n')
            j++;
        size_t a = i, b = j;
        while (a < b && (n->s[a] == ' ' || n->s[a] == '\t'))
            a++;
        while (b > a && (n->s[b - 1] == ' ' || n->s[b - 1] == '\t'))
            b--;
        if (b > a) {
            size_t cps = 0;
            for (size_t k = a; k < b; k++)
                if (((unsigned char)n->s[k] & 0xC0) != 0x80) cps++;
            lines++;
            /* Short: a subtitle line holds about 20 Han characters or a
             * dozen English words. */
            if ((double)cps <= han_max ||
                ((double)cps <= latin_max && !tx_has_han(n->s + a, b - a)))
                shortl++;
            const char *e = n->s + b;
            if (e[-1] == '.' || e[-1] == '!' || e[-1] == '?' ||
                (b - a >= 3 && memcmp(e - 3, "\xe3\x80\x82", 3) == 0))
                term++;
        }
        i = j + 1;
    }
    return (double)lines >= param(cv, TXP_LAYOUT_MIN_LINES) &&
           (double)shortl >= param(cv, TXP_LAYOUT_SHORT_SHARE) * (double)lines &&
           (double)term < param(cv, TXP_LAYOUT_STOP_SHARE) * (double)lines;
}

/* Numbered items of a subtitle layout: "1" on its own line (or glued,
 * "1.10秒…", when it is the number expected next). */
typedef struct itemnum {
    size_t sent;  /* sentence index of the number */
    size_t start; /* where the item's text starts (norm bytes) */
    long n;
    const tx_rule *rule; /* the item-number rule that found it */
    int alone;           /* the number is a line of its own */
} itemnum;

/* The value of an item number: ASCII digits, or a spoken number made of
 * the numeral characters of the rules' tables (三, 十二, 二十, 二十一);
 * -1 when it is neither. */
static long item_value(const ctx *c, const char *s, size_t n)
{
    if (n && s[0] >= '0' && s[0] <= '9') return atol(s);
    return tx_num_value(c->cv->num, s, n);
}

static size_t find_item_numbers(const ctx *c, itemnum *out, size_t max)
{
    size_t k = 0;
    long prev = 0;
    for (size_t i = 0; i < c->seg->nsent && k < max; i++) {
        const tx_sentence *s = &c->seg->sent[i];
        tx_match m;
        const tx_rule *r;
        for (size_t ri = 0; (r = tx_rules_get(c->rs, RK_ITEMNUM, c->lang, ri)); ri++) {
            size_t gs, ge;
            if (tx_rule_match(c->rs, r, c->n->s + s->start, s->end - s->start, 0, &m) != 1 ||
                m.start != 0 || !tx_match_group(&m, "n", 1, &gs, &ge))
                continue;
            long v = item_value(c, c->n->s + s->start + gs, ge - gs);
            if (v < 0) continue;
            int alone = m.end == s->end - s->start;
            if (!alone && v != prev + 1 && v != 1) continue;
            size_t start, ks, ke;
            if (alone)
                start = i + 1 < c->seg->nsent ? c->seg->sent[i + 1].start : s->end;
            else if (tx_match_group(&m, "start", 1, &ks, &ke)) /* the number is spoken text */
                start = s->start + ks;
            else
                start = s->start + m.end;
            out[k++] = (itemnum){i, start, v, r, alone};
            prev = v;
            break;
        }
    }
    return k;
}

/* The state of one episode build, shared by its phases. */
typedef struct build {
    ctx c;
    tx_episode *ep;
    size_t ecap;    /* capacity of ep->entry */
    itemnum *items; /* numbered items (subtitle layout) */
    size_t nitems;
    size_t items_from;  /* the first item that starts an entry (after a headline block) */
    int use_items;      /* the numbers define the entries */
    size_t head_sent;   /* the first sentence of a headline block */
    size_t first, last; /* content sentences [first, last) */
    tx_marks mk;        /* layout markers for the features */
    size_t *item_of;    /* per sentence: the item (index in items) starting there, or SIZE_MAX */
    tx_nmap orgkeys;    /* keys of every organisation of the episode */
    char **orgk;        /* ... owned here */
    size_t norgk, orgkcap;
} build;

/* Notes that key is the name key of norm bytes [s, e).  -1 on OOM. */
static int remember_key(ctx *c, size_t s, size_t e, const char *key)
{
    const char **v = tx_grow(c->keys, &c->keyscap, c->nkeys + 1, sizeof *v);
    if (!v) return -1;
    c->keys = v;
    v[c->nkeys] = key;
    return tx_nmap_put(&c->key_by_text, c->n->s + s, e - s, c->nkeys++);
}

/* The name key of norm bytes [s, e), the mention of the current entry:
 * an earlier mention's with the same bytes, a candidate's with the same
 * span, else made (caller frees).  NULL on OOM. */
static char *name_key(ctx *c, size_t s, size_t e)
{
    size_t k = cand_lower(c->seg, s);
    if (tx_nmap_get(&c->key_by_text, c->n->s + s, e - s, &k)) return tx_strdup(c->keys[k]);
    char *key = k < c->seg->ncand && c->seg->cand[k].start == s && c->seg->cand[k].end == e
                    ? tx_strdup(cand_key(c, k))
                    : tx_name_key(c->cv->num, c->n->s + s, e - s);
    if (key && remember_key(c, s, e, key)) {
        free(key);
        return NULL;
    }
    return key;
}

/* Appends the name key of candidate i to keys (with its NUL) and its
 * offset there to c->ckey[i].  -1 on OOM, or when the keys outgrow a
 * tx_off. */
static int add_candidate_key(ctx *c, tx_strbuf *keys, size_t i)
{
    const tx_cand *k = &c->seg->cand[i];
    char *key = tx_name_key(c->cv->num, c->n->s + k->start, k->end - k->start);
    if (!key) return -1;
    c->ckey[i] = (tx_off)keys->len;
    tx_sb_add(keys, key, strlen(key) + 1);
    free(key);
    return keys->oom || keys->len > TX_OFF_MAX ? -1 : 0;
}

/* The name key of every candidate, computed once, all in one buffer (a
 * key apiece would cost more in allocator overhead than in bytes).  -1 on
 * OOM. */
static int candidate_keys(ctx *c)
{
    const tx_seg *seg = c->seg;
    tx_strbuf keys = {0};
    c->ckey = malloc((seg->ncand ? seg->ncand : 1) * sizeof *c->ckey);
    int rc = c->ckey ? 0 : -1;
    for (size_t i = 0; !rc && i < seg->ncand; i++)
        rc = add_candidate_key(c, &keys, i);
    char *fitted = rc || !keys.len ? NULL : realloc(keys.s, keys.len);
    c->ckeys = fitted ? fitted : keys.s;
    return rc;
}

/* Subtitle layout with numbered items: a first run of numbers that
 * restarts at 1 is the headline block; the numbers after it start the
 * entries.  -1 on OOM. */
static int numbered_items(build *b)
{
    const tx_seg *seg = b->c.seg;
    tx_episode *ep = b->ep;
    if (!b->c.lines_layout || !seg->nsent) return 0;
    b->items = malloc(seg->nsent * sizeof *b->items);
    if (!b->items) return -1;
    b->nitems = find_item_numbers(&b->c, b->items, seg->nsent);
    itemnum *fitted = b->nitems ? realloc(b->items, b->nitems * sizeof *fitted) : NULL;
    if (fitted) b->items = fitted; /* a failed shrink keeps the array */
    itemnum *items = b->items;
    size_t restart = 0;
    for (size_t j = 1; j < b->nitems && !restart; j++)
        if (items[j].n <= items[j - 1].n) restart = j;
    int short_heads = restart > 0 && items[0].n == 1;
    for (size_t j = 0; short_heads && j + 1 < restart; j++)
        if ((double)(items[j + 1].sent - items[j].sent) > param(b->c.cv, TXP_HEADLINE_GAP))
            short_heads = 0;
    if (short_heads) {
        ep->has_headlines = 1;
        ep->headlines_start = seg->sent[items[0].sent].start;
        ep->headlines_end = seg->sent[items[restart].sent - 1].end;
        b->items_from = restart;
    }
    b->use_items = b->nitems - b->items_from >= 2;
    return 0;
}

/* An unnumbered headline block before numbered items: a headlines rule
 * marks its first line, and it runs to the first numbered item. */
static void unnumbered_headlines(build *b)
{
    const tx_seg *seg = b->c.seg;
    tx_episode *ep = b->ep;
    tx_match m;
    b->head_sent = ep->has_headlines ? b->items[0].sent : 0;
    size_t item1 = b->use_items ? b->items[b->items_from].sent : 0;
    double window = param(b->c.cv, TXP_HEADLINES_WINDOW);
    for (size_t i = 1; b->use_items && !ep->has_headlines && i < item1 && (double)i < window; i++)
        if (first_match(&b->c, RK_HEADLINES, seg->sent[i].start, seg->sent[i].end, &m)) {
            ep->has_headlines = 1;
            ep->headlines_start = seg->sent[i].start;
            ep->headlines_end = seg->sent[item1 - 1].end;
            b->head_sent = i;
        }
}

/* The intro before a numbered headline block: everything above it.  Any
 * other intro is what comes before the first entry the scored segmenter
 * chooses (scored_entries). */
static void find_intro(build *b)
{
    ctx *c = &b->c;
    const tx_seg *seg = c->seg;
    tx_episode *ep = b->ep;
    if (ep->has_headlines && b->head_sent > 0) {
        ep->has_intro = 1;
        ep->intro_start = seg->sent[0].label;
        ep->intro_end = seg->sent[b->head_sent - 1].end;
        for (size_t i = 0; i < b->head_sent; i++)
            intro_meta(c, ep, seg->sent[i].start, seg->sent[i].end);
        b->first = b->items[b->items_from].sent;
    }
    if (ep->has_headlines && !ep->has_intro) b->first = b->items[b->items_from].sent;
}

/* Outro: the first sentence after the intro (after the last numbered
 * item, in that layout) that an outro rule matches, within the last
 * outro-tail share of the text (a "that's the big news of the week" early
 * on is a summary, not the end). */
static void find_outro(build *b)
{
    const tx_seg *seg = b->c.seg;
    const tx_weights *w = b->c.cv->weights;
    tx_match m;
    size_t from = b->use_items ? b->items[b->nitems - 1].sent + 1 : b->first;
    size_t tail = 0;
    if (w && w->has_param[TXP_OUTRO_TAIL] && seg->nsent) {
        size_t a = seg->sent[0].start, z = seg->sent[seg->nsent - 1].end;
        tail = z - (size_t)((double)(z - a) * w->param[TXP_OUTRO_TAIL]);
    }
    for (size_t i = from; i < seg->nsent; i++) {
        const tx_sentence *s = &seg->sent[i];
        if (s->start < tail) continue;
        if (first_match(&b->c, RK_OUTRO, s->start, s->end, &m)) {
            b->ep->has_outro = 1;
            b->ep->outro_start = s->label;
            b->ep->outro_end = seg->sent[seg->nsent - 1].end;
            b->last = i;
            return;
        }
    }
}

/* No rule fired: the whole body is one entry rather than none.  -1 on OOM. */
static int fallback_entry(build *b)
{
    const tx_seg *seg = b->c.seg;
    if (b->ep->nentry || b->first >= b->last) return 0;
    tx_entry *p = push_entry(b->ep, &b->ecap, seg->sent[b->first].label, "fallback");
    if (!p) return -1;
    for (size_t i = b->first; i < b->last; i++)
        if (sentence_orgs(&b->c, p, seg->sent[i].start, seg->sent[i].end)) return -1;
    return 0;
}

/* Layout markers for the features: where numbered items start, and the
 * lines that hold only a number.  -1 on OOM. */
static int layout_marks(build *b)
{
    const tx_seg *seg = b->c.seg;
    size_t n = seg->nsent ? seg->nsent : 1;
    b->mk.item_start = malloc(n * sizeof *b->mk.item_start);
    b->mk.number_line = calloc(n, 1);
    b->mk.anchors = calloc(n, sizeof *b->mk.anchors);
    b->item_of = malloc(n * sizeof *b->item_of);
    if (!b->mk.item_start || !b->mk.number_line || !b->mk.anchors || !b->item_of) return -1;
    size_t R = b->c.cv->refs->nref;
    if (!(b->ep->anchor = calloc(R ? R : 1, sizeof *b->ep->anchor))) return -1;
    if (tx_anchors(b->c.cv, b->first, b->last, b->mk.anchors, b->ep->anchor)) return -1;
    for (size_t i = 0; i < n; i++)
        b->mk.item_start[i] = SIZE_MAX, b->item_of[i] = SIZE_MAX;
    for (size_t j = b->items_from; j < b->nitems; j++) {
        const itemnum *it = &b->items[j];
        size_t at = it->alone ? it->sent + 1 : it->sent;
        if (it->alone) b->mk.number_line[it->sent] = 1;
        if (at >= seg->nsent) continue;
        b->mk.item_start[at] = it->start;
        b->item_of[at] = j;
    }
    return 0;
}

/* The first entry-start rule that matches norm[a,b) whose org group is a
 * subject: a rule that requires a new name needs one outside its org
 * group (else the "organisation" it caught is the name itself).  Fills sm
 * with offsets relative to a; NULL when none. */
static const tx_rule *subject_rule(const ctx *c, size_t a, size_t b, tx_match *sm)
{
    const tx_rule *r;
    for (size_t i = 0; (r = tx_rules_get(c->rs, RK_ENTRY, c->lang, i)); i++) {
        if (tx_rule_match(c->rs, r, c->n->s + a, b - a, 0, sm) != 1) continue;
        size_t gs, ge;
        if ((tx_rule_requires(r) & REQ_NEWNAME) && tx_match_group(sm, "org", 1, &gs, &ge) &&
            !names_beyond(c, a, b, a + gs, a + ge))
            continue;
        return r;
    }
    return NULL;
}

/* Organisations an entry-start rule's org groups name at the entry's
 * start: in prose its first unit, and the next one too when the first
 * only announces the item; in the subtitle layout its first line joined
 * with the next, as a line often breaks between subject and verb.  -1 on
 * OOM. */
static int entry_subject_orgs(build *b, tx_entry *en, const tx_unit *u, size_t n)
{
    ctx *c = &b->c;
    const tx_seg *seg = c->seg;
    size_t upto = !c->lines_layout && u[0].f[TXF_ANNOUNCE] ? 2 : 1;
    for (size_t k = 0; k < n && k < upto; k++) {
        const tx_sentence *s = &seg->sent[u[k].sent];
        size_t wend = c->lines_layout && k + 1 < n ? seg->sent[u[k + 1].sent].end : s->end;
        tx_match sm;
        const tx_rule *r = subject_rule(c, s->start, wend, &sm);
        if (r && subject_orgs(en, s->start, &sm, tx_rule_name(r))) return -1;
    }
    return 0;
}

/* What an entry starting at unit u is credited to: its item-number rule,
 * else its entry-start rule (the first whose org group is a subject, else
 * the first that matches), else the score. */
static const char *start_reason(const build *b, const tx_unit *u)
{
    if (b->item_of[u->sent] != SIZE_MAX) return tx_rule_name(b->items[b->item_of[u->sent]].rule);
    const tx_sentence *s = &b->c.seg->sent[u->sent];
    tx_match sm;
    const tx_rule *r = u->entry_rule ? subject_rule(&b->c, s->start, s->end, &sm) : NULL;
    if (r) return tx_rule_name(r);
    if (u->entry_rule) return tx_rule_name(u->entry_rule);
    return "score";
}

/* Entries of the body [first, last): the starts boundaries.c chooses over
 * the units' features, then each entry's organisations.  -1 on OOM. */
static int scored_entries(build *b)
{
    ctx *c = &b->c;
    tx_episode *ep = b->ep;
    if (b->first >= b->last) return 0;
    if (layout_marks(b)) return -1;
    while (b->first < b->last && b->mk.number_line[b->first]) /* "1" starts nothing */
        b->first++;
    if (b->first >= b->last) return 0;
    tx_unit *u = NULL;
    size_t n = 0;
    if (tx_features(b->c.cv, &b->mk, b->first, b->last, &u, &n)) return -1;
    unsigned char *st = malloc(n ? n : 1);
    int rc = -1, intro = !ep->has_intro && !ep->has_headlines;
    ep->unit_intro = intro;
    if (!st || tx_choose_starts(c->cv->weights, u, n, intro, st)) goto out;
    size_t f = 0;
    while (f < n && !st[f])
        f++;
    if (intro && f > 0 && f < n) { /* the units before the first entry are the intro */
        const tx_seg *seg = c->seg;
        ep->has_intro = 1;
        ep->intro_start = seg->sent[u[0].sent].label;
        ep->intro_end = seg->sent[u[f - 1].sent].end;
        for (size_t k = 0; k < f; k++)
            intro_meta(c, ep, seg->sent[u[k].sent].start, seg->sent[u[k].sent].end);
    }
    for (size_t i = f; i < n;) {
        size_t j = i + 1;
        while (j < n && !st[j])
            j++;
        tx_entry *en = push_entry(ep, &b->ecap, u[i].start, start_reason(b, &u[i]));
        if (!en) goto out;
        /* The org rules first: their spans are the more exact, and a
         * subject overlapping one adds nothing. */
        for (size_t k = i; k < j; k++)
            if (sentence_orgs(c, en, c->seg->sent[u[k].sent].start, c->seg->sent[u[k].sent].end))
                goto out;
        if (entry_subject_orgs(b, en, u + i, j - i)) goto out;
        i = j;
    }
    rc = 0;
out:
    free(st);
    if (!c->cv->opts->features) { /* only --features prints them: freed as soon as used */
        free(u);
        u = NULL, n = 0;
    }
    ep->unit = u;
    ep->nunit = n;
    return rc;
}

/* Entry ends: the next start, or the end of the last content sentence;
 * an entry stops before a line that holds only the next item's number. */
static void entry_ends(build *b)
{
    const tx_seg *seg = b->c.seg;
    const char *t = b->c.n->s;
    tx_episode *ep = b->ep;
    for (size_t k = 0; k < ep->nentry; k++) {
        size_t end = k + 1 < ep->nentry ? ep->entry[k + 1].start
                                        : (b->last > b->first ? seg->sent[b->last - 1].end : 0);
        size_t si = sent_lower(seg, end);
        while (b->mk.number_line && si > 0 && b->mk.number_line[si - 1] &&
               seg->sent[si - 1].start >= ep->entry[k].start && seg->sent[si - 1].label < end)
            end = seg->sent[--si].label;
        while (end > ep->entry[k].start &&
               (t[end - 1] == ' ' || t[end - 1] == '\n' || t[end - 1] == '\t'))
            end--;
        ep->entry[k].end = end < ep->entry[k].start ? ep->entry[k].start : end;
    }
}

/* Does an org-stop rule match the whole of norm[s,e)?  Such words ("the
 * company", 该公司) point at an organisation without naming it. */
static int is_org_stop(const ctx *c, size_t s, size_t e)
{
    return tx_rules_any_full(c->rs, RK_ORGSTOP, c->lang, c->n->s + s, e - s);
}

/* Drops the organisations an org-stop rule matches. */
static void drop_stop_orgs(build *b)
{
    for (size_t k = 0; k < b->ep->nentry; k++) {
        tx_entry *en = &b->ep->entry[k];
        size_t w = 0;
        for (size_t o = 0; o < en->norg; o++)
            if (!is_org_stop(&b->c, en->org[o].start, en->org[o].end)) en->org[w++] = en->org[o];
        en->norg = w;
    }
}

/* Names heard as organisations anywhere in the episode are not project
 * mentions elsewhere either ("Foolab also said…").  -1 on OOM. */
static int org_keys(build *b)
{
    const tx_episode *ep = b->ep;
    for (size_t k = 0; k < ep->nentry; k++)
        for (size_t o = 0; o < ep->entry[k].norg; o++) {
            const tx_item *it = &ep->entry[k].org[o];
            char *key = tx_name_key(b->c.cv->num, b->c.n->s + it->start, it->end - it->start), **p;
            size_t v, kl = key ? strlen(key) : 0;
            if (!key) return -1;
            if (!kl || tx_nmap_get(&b->orgkeys, key, kl, &v)) {
                free(key);
                continue;
            }
            if (!(p = tx_grow(b->orgk, &b->orgkcap, b->norgk + 1, sizeof *p))) {
                free(key);
                return -1;
            }
            b->orgk = p;
            b->orgk[b->norgk++] = key;
            if (tx_nmap_put(&b->orgkeys, key, kl, 0)) return -1;
        }
    return 0;
}

/* The name at each reference anchor inside entry en (scored segmenter) is
 * a mention too, when no mention covers it: the anchor matched it to a
 * reference, whatever the segmenter and mention rules made of it (a
 * lower-case or Han transliteration).  -1 on OOM. */
static int anchor_mentions(build *b, tx_entry *en)
{
    const tx_episode *ep = b->ep;
    for (size_t r = 0; ep->anchor && r < b->c.cv->refs->nref; r++) {
        const tx_anchor *a = &ep->anchor[r];
        if (a->sent == SIZE_MAX || a->start < en->start || a->end > en->end) continue;
        int covered = 0;
        for (size_t i = 0; i < en->nmen && !covered; i++)
            covered = overlaps(en->men[i].start, en->men[i].end, a->start, a->end);
        for (size_t i = 0; i < en->norg && !covered; i++)
            covered = overlaps(en->org[i].start, en->org[i].end, a->start, a->end);
        if (!covered && add_item(&en->men, &en->nmen, &en->mencap, a->start, a->end, "anchor", 1))
            return -1;
    }
    return 0;
}

/* Mentions of entry en: its candidates minus stop-names and organisations,
 * then the mention rules, sentence by sentence; in the subtitle layout
 * also over the item's first lines together, as a name often follows its
 * verb on the next line.  -1 on OOM. */
static int entry_mentions(build *b, tx_entry *en)
{
    ctx *c = &b->c;
    const tx_seg *seg = c->seg;
    size_t v;
    for (size_t i = cand_lower(seg, en->start); i < seg->ncand && seg->cand[i].start < en->end;
         i++) {
        const tx_cand *cd = &seg->cand[i];
        if (cd->end > en->end || is_stop(c, cd->start, cd->end) ||
            is_org_stop(c, cd->start, cd->end)) /* nor a mention ("The Startup") */
            continue;
        int org = 0;
        for (size_t o = 0; o < en->norg; o++)
            if (overlaps(en->org[o].start, en->org[o].end, cd->start, cd->end)) org = 1;
        const char *ck = cand_key(c, i);
        if (!org && *ck && tx_nmap_get(&b->orgkeys, ck, strlen(ck), &v)) org = 1;
        if (org) continue;
        if (add_item(&en->men, &en->nmen, &en->mencap, cd->start, cd->end, "latin-name", 0))
            return -1;
    }
    double most = param(c->cv, TXP_MENTION_SENTENCES);
    for (size_t si = sent_lower(seg, en->start), done = 0; si < b->last && (double)done < most;
         si++) {
        const tx_sentence *s = &seg->sent[si];
        if (s->start >= en->end) break; /* sentences are in order */
        if (s->start < en->start || s->end > en->end) continue;
        const tx_named *nm;
        size_t nn;
        if (tx_conv_sentence_names(c->cv, si, &nm, &nn) || apply_mentions(c, en, s->start, nm, nn))
            return -1;
        done++;
    }
    if (c->lines_layout) {
        size_t wend = en->start, nl = 0, nn;
        while (wend < en->end && (double)nl < param(c->cv, TXP_MENTION_LINES))
            if (c->n->s[wend++] == '\n') nl++;
        tx_named *nm;
        if (tx_conv_names(c->cv, en->start, wend, &nm, &nn)) return -1;
        int rc = apply_mentions(c, en, en->start, nm, nn);
        free(nm);
        if (rc) return -1;
    }
    if (anchor_mentions(b, en)) return -1;
    /* Keep mentions and organisations in text order. */
    if (sort_items(en->men, en->nmen) || sort_items(en->org, en->norg)) return -1;
    tx_nmap_clear(&c->key_by_text);
    c->nkeys = 0;
    for (size_t i = 0; i < en->nmen; i++) {
        en->men[i].key = name_key(c, en->men[i].start, en->men[i].end);
        if (!en->men[i].key) return -1;
    }
    return 0;
}

/* Gives an item array back the room its doubling left over: the
 * entries live until the document is written (a failed shrink keeps the
 * array as it was). */
static void fit_items(tx_item **v, size_t n, size_t *cap)
{
    tx_item *p = n && n < *cap ? realloc(*v, n * sizeof *p) : NULL;
    if (!p) return;
    *v = p;
    *cap = n;
}

/* The same for the entries themselves (no one appends to them after the
 * phases). */
static void fit_entries(build *b)
{
    tx_episode *ep = b->ep;
    tx_entry *p =
        ep->nentry && ep->nentry < b->ecap ? realloc(ep->entry, ep->nentry * sizeof *p) : NULL;
    if (!p) return;
    ep->entry = p;
    b->ecap = ep->nentry;
}

/* The phases, in order.  -1 on OOM. */
static int build_phases(build *b)
{
    if (candidate_keys(&b->c) || numbered_items(b)) return -1;
    unnumbered_headlines(b);
    /* An intro before a headline block is found here; any other is what
     * comes before the first entry (scored_entries). */
    find_intro(b);
    find_outro(b);
    if (scored_entries(b)) return -1;
    if (fallback_entry(b)) return -1;
    entry_ends(b);
    drop_stop_orgs(b);
    if (org_keys(b)) return -1;
    for (size_t k = 0; k < b->ep->nentry; k++) {
        tx_entry *en = &b->ep->entry[k];
        if (entry_mentions(b, en)) return -1;
        fit_items(&en->men, en->nmen, &en->mencap);
        fit_items(&en->org, en->norg, &en->orgcap);
    }
    fit_entries(b);
    return 0;
}

tx2json_status tx_build_episode(tx_conv *cv)
{
    build b = {0};
    b.c = (ctx){cv,   cv->rules, cv->doc, cv->norm, cv->seg, cv->lang, NULL, cv->lines_layout,
                NULL, {0},       NULL,    0,        0};
    b.ep = cv->ep;
    memset(b.ep, 0, sizeof *b.ep);
    b.ep->lines_layout = cv->lines_layout;
    b.last = cv->seg->nsent;
    tx2json_status rc = TX2JSON_OK;
    if (build_phases(&b)) {
        rc = TX2JSON_ENOMEM;
        tx_episode_free(b.ep);
        tx_seterr(cv->err, TX2JSON_ENOMEM, cv->name, 0, 0, (size_t)-1, "out of memory");
    }
    for (size_t i = 0; i < b.norgk; i++)
        free(b.orgk[i]);
    free(b.orgk);
    tx_nmap_free(&b.orgkeys);
    free(b.items);
    free(b.mk.item_start);
    free(b.mk.number_line);
    free(b.mk.anchors);
    free(b.item_of);
    free(b.c.ckey);
    free(b.c.ckeys);
    tx_nmap_free(&b.c.key_by_text);
    free(b.c.keys);
    return rc;
}

void tx_episode_free(tx_episode *ep)
{
    for (size_t k = 0; k < ep->nentry; k++) {
        for (size_t i = 0; i < ep->entry[k].nmen; i++)
            free(ep->entry[k].men[i].key);
        free(ep->entry[k].men);
        free(ep->entry[k].org);
        free(ep->entry[k].refs);
    }
    free(ep->entry);
    for (size_t i = 0; i < ep->ndropped; i++)
        free(ep->dropped[i].it.key);
    free(ep->dropped);
    free(ep->unit);
    free(ep->anchor);
    free(ep->title);
    free(ep->date);
    free(ep->number);
    memset(ep, 0, sizeof *ep);
}
