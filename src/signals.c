/* signals.c - stage 6a: the features of every unit of the episode body as
 * a possible entry start, and the weights tables that score them.
 *
 * A feature states a fact, never a decision: which kinds of rule match
 * the unit (and by name, which entry-start and continuation rules), where
 * it sits in the layout (paragraph, line, speaker turn, item number),
 * whether it brings a name not heard before, whether a reference is first
 * heard in or next to it.  What each fact is worth comes from the rule
 * files' `weights` tables, which tools/train fits to the gold corpora. */
#include "signals.h"
#include "cohesion.h"
#include "normalize.h"
#include "segment.h"
#include "references.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const tx_feature_names[TXF_N] = {"bias",           "entry-rule",
                                             "entry-ok",       "announce",
                                             "continuation",   "paragraph",
                                             "line",           "turn",
                                             "item-number",    "new-name",
                                             "new-name-next",  "no-name",
                                             "question",       "prev-question",
                                             "outro",          "headlines",
                                             "organization",   "mention",
                                             "anchor",         "anchor-next",
                                             "anchor-prev",    "recent-names",
                                             "new-name-prev",  "short",
                                             "transition",     "intro",
                                             "first",          "prev-short",
                                             "prev-leadin",    "event",
                                             "prev-event",     "next-leadin",
                                             "org-heard",      "prev-intro",
                                             "cohesion-dip",   "cohesion-low",
                                             "seg-no-anchor",  "seg-multi-anchor",
                                             "seg-intro-unit", "seg-intro-anchor",
                                             "seg-one-unit"};
const char *const tx_param_names[TXP_N] = {"next-name-reach-prose",
                                           "next-name-reach-lines",
                                           "anchor-min",
                                           "anchor-max-refs",
                                           "recent-units",
                                           "short-unit",
                                           "common-rate",
                                           "anchor-occurrences",
                                           "anchor-share",
                                           "link-anchor-bonus",
                                           "anchor-window-words",
                                           "outro-tail",
                                           "link-min",
                                           "link-strong",
                                           "link-primary-bonus",
                                           "link-first-bonus",
                                           "link-floor",
                                           "link-primary-extra",
                                           "match-partial",
                                           "match-prefix",
                                           "match-words",
                                           "match-phonetic",
                                           "match-pinyin-same",
                                           "match-pinyin",
                                           "match-pinyin-sound",
                                           "match-pinyin-tail",
                                           "match-url-host",
                                           "match-url-path",
                                           "match-url-same",
                                           "match-url-sound",
                                           "anchor-url-host",
                                           "anchor-back-margin",
                                           "anchor-maker",
                                           "review-weak",
                                           "pause-clause-min",
                                           "name-min",
                                           "cue-prose-stops",
                                           "cue-prose-open",
                                           "cue-paragraph-gap",
                                           "name-cue-window",
                                           "layout-min-lines",
                                           "layout-short-han",
                                           "layout-short-latin",
                                           "layout-short-share",
                                           "layout-stop-share",
                                           "headline-gap",
                                           "headlines-window",
                                           "mention-lines",
                                           "mention-sentences",
                                           "match-phonetic-length",
                                           "match-prefix-min",
                                           "match-phonetic-min",
                                           "mark-ref-ratio",
                                           "cohesion-share",
                                           "cohesion-window-min",
                                           "cohesion-window-max",
                                           "cohesion-latin-min",
                                           "cohesion-low",
                                           "cohesion-max-words",
                                           "anchor-window-han",
                                           "mention-grow-words",
                                           "mention-grow-joiner",
                                           "match-label-part",
                                           "reflist-stray-lines"};

const char *const tx_name_feature_names[TXN_N] = {
    "bias",       "rule",        "anchor",     "one-word",     "many-words", "digit",
    "inner-cap",  "title-word",  "sent-start", "common-first", "common-all", "org",
    "possessive", "han",         "lower-word", "short",        "punct",      "similar",
    "repeat",     "other-entry", "in-han",     "primary",      "surname"};

#define RULE_PREFIX "rule:"
#define PARAM_PREFIX "param:"
#define NAME_PREFIX "name:"

/* The mention feature named after "name:" in key, or -1. */
static int name_feature(const char *key)
{
    for (int f = 0; f < TXN_N; f++)
        if (!strcmp(key + strlen(NAME_PREFIX), tx_name_feature_names[f])) return f;
    return -1;
}

/* A rule of the set named name (any kind, any language)? */
static int rule_exists(const tx_ruleset *rs, const char *name)
{
    const tx_rule *r;
    for (int k = 0; k < RK_NKINDS; k++)
        for (size_t i = 0; (r = tx_rules_get(rs, (rule_kind)k, NULL, i)); i++)
            if (!strcmp(tx_rule_name(r), name)) return 1;
    return 0;
}

/* The unit feature named s[0,n), or -1. */
static int unit_feature(const char *s, size_t n)
{
    for (int f = 0; f < TXF_NUNIT; f++)
        if (strlen(tx_feature_names[f]) == n && !strncmp(s, tx_feature_names[f], n)) return f;
    return -1;
}

/* "A&B", two different unit features (a conjunction: its weight counts
 * when both fire).  1 with their ids in *a < *b, else 0. */
static int pair_of(const char *key, int *a, int *b)
{
    const char *amp = strchr(key, '&');
    if (!amp) return 0;
    int x = unit_feature(key, (size_t)(amp - key)), y = unit_feature(amp + 1, strlen(amp + 1));
    if (x < 0 || y < 0 || x == y) return 0;
    *a = x < y ? x : y;
    *b = x < y ? y : x;
    return 1;
}

int tx_weights_key_ok(const tx_ruleset *rs, const char *key, char *why, size_t wn)
{
    if (!strncmp(key, RULE_PREFIX, strlen(RULE_PREFIX))) {
        if (rule_exists(rs, key + strlen(RULE_PREFIX))) return 1;
        snprintf(why, wn, "no rule is named '%s'", key + strlen(RULE_PREFIX));
        return 0;
    }
    if (!strncmp(key, PARAM_PREFIX, strlen(PARAM_PREFIX))) {
        for (int p = 0; p < TXP_N; p++)
            if (!strcmp(key + strlen(PARAM_PREFIX), tx_param_names[p])) return 1;
        snprintf(why, wn, "unknown parameter '%s'", key + strlen(PARAM_PREFIX));
        return 0;
    }
    if (!strncmp(key, NAME_PREFIX, strlen(NAME_PREFIX))) {
        if (name_feature(key) >= 0) return 1;
        snprintf(why, wn, "unknown mention feature '%s'", key + strlen(NAME_PREFIX));
        return 0;
    }
    int a, b;
    if (strchr(key, '&')) {
        if (pair_of(key, &a, &b)) return 1;
        snprintf(why, wn, "'%s' is not two unit features joined by '&'", key);
        return 0;
    }
    for (int f = 0; f < TXF_N; f++)
        if (!strcmp(key, tx_feature_names[f])) return 1;
    snprintf(why, wn, "unknown feature '%s'", key);
    return 0;
}

/* Must the rules give parameter p?  The linker's and the layout's are
 * read without a fallback; the rest are optional (no row: the feature or
 * filter they tune is off). */
static int param_required(const tx_weights *w, int p)
{
    return (p >= TXP_LINK_MIN && p <= TXP_MATCH_URL_SOUND) ||
           (p >= TXP_LAYOUT_MIN_LINES && p <= TXP_MATCH_PHONETIC_MIN) ||
           (p > TXP_COHESION_SHARE && p <= TXP_COHESION_MAX_WORDS &&
            w->has_param[TXP_COHESION_SHARE]);
}

tx2json_status tx_weights_load(const tx_ruleset *rs, tx_weights *w, tx2json_error *err)
{
    memset(w, 0, sizeof *w);
    size_t nt;
    const tx_table *t = tx_rules_tables(rs, &nt);
    char why[256];
    for (size_t i = 0; i < nt; i++) {
        if (t[i].kind != TK_WEIGHTS) continue;
        for (size_t r = 0; r < t[i].nrow; r++) {
            const tx_table_row *row = &t[i].row[r];
            if (!tx_weights_key_ok(rs, row->key, why, sizeof why)) {
                tx_seterr(err, TX2JSON_ERULES, t[i].file, row->line, row->col, (size_t)-1,
                          "table '%s': %s", t[i].name, why);
                return TX2JSON_ERULES;
            }
            double v = atof(row->value);
            if (!strncmp(row->key, RULE_PREFIX, strlen(RULE_PREFIX))) {
                const char *nm = row->key + strlen(RULE_PREFIX);
                size_t idx, cap = w->nrw;
                if (tx_nmap_get(&w->rule, nm, strlen(nm), &idx)) {
                    w->rw[idx] = v;
                    continue;
                }
                double *p = realloc(w->rw, (cap + 1) * sizeof *p);
                if (!p) goto oom;
                w->rw = p;
                w->rw[w->nrw] = v;
                if (tx_nmap_put(&w->rule, nm, strlen(nm), w->nrw)) goto oom;
                w->nrw++;
            } else if (!strncmp(row->key, PARAM_PREFIX, strlen(PARAM_PREFIX))) {
                for (int p = 0; p < TXP_N; p++)
                    if (!strcmp(row->key + strlen(PARAM_PREFIX), tx_param_names[p]))
                        w->param[p] = v, w->has_param[p] = 1;
            } else if (!strncmp(row->key, NAME_PREFIX, strlen(NAME_PREFIX))) {
                w->name[name_feature(row->key)] = v;
                w->has_name = 1;
            } else if (strchr(row->key, '&')) {
                int a, b;
                if (pair_of(row->key, &a, &b)) w->pair[a][b] = v;
            } else {
                for (int f = 0; f < TXF_N; f++)
                    if (!strcmp(row->key, tx_feature_names[f])) w->w[f] = v;
            }
        }
    }
    for (int p = 0; p < TXP_N; p++)
        if (param_required(w, p) && !w->has_param[p]) {
            tx_seterr(err, TX2JSON_ERULES, nt ? t[0].file : "rules", 0, 0, (size_t)-1,
                      "the rules give no 'param:%s' (a row of a weights table; the shipped "
                      "rules/00-common.rules has every parameter)",
                      tx_param_names[p]);
            tx_weights_free(w);
            return TX2JSON_ERULES;
        }
    return TX2JSON_OK;
oom:
    tx_weights_free(w);
    tx_seterr(err, TX2JSON_ENOMEM, NULL, 0, 0, (size_t)-1, "out of memory");
    return TX2JSON_ENOMEM;
}

void tx_weights_free(tx_weights *w)
{
    tx_nmap_free(&w->rule);
    free(w->rw);
    memset(w, 0, sizeof *w);
}

double tx_weights_rule(const tx_weights *w, const tx_rule *r)
{
    size_t idx;
    const char *nm = tx_rule_name(r);
    return tx_nmap_get(&w->rule, nm, strlen(nm), &idx) ? w->rw[idx] : 0.0;
}

/* The state of one feature pass. */
typedef struct fstate {
    const tx_conv *c;
    const tx_marks *mk;
    tx_unit *u;
    size_t n;
    char **ckey;    /* name key of each candidate */
    tx_nmap heard;  /* keys heard so far in the body */
    int *named;     /* per unit: 1 some name, 2 a new one */
    char **hankeys; /* owned keys of mention-rule names put in heard */
    size_t nhan, hancap;
} fstate;

/* How a unit's names were heard before it. */
typedef struct heardness {
    int names, fresh, recent; /* names; never heard; heard in the last few units */
} heardness;

/* Hears key (kept alive by the caller) in unit ui.  -1 on OOM. */
static int hear(fstate *st, size_t ui, const char *key, heardness *h)
{
    size_t v, kl = strlen(key);
    if (!kl) return 0;
    const tx_weights *w = st->c->weights;
    size_t recent = w && w->has_param[TXP_RECENT_UNITS] ? (size_t)w->param[TXP_RECENT_UNITS] : 0;
    h->names++;
    if (!tx_nmap_get(&st->heard, key, kl, &v))
        h->fresh++;
    else if (v < ui && ui - v <= recent)
        h->recent++;
    return tx_nmap_put(&st->heard, key, kl, ui);
}

/* Names of unit u: candidates (not stop-names) and the names mention rules
 * capture, each heard (body-level novelty).  Sets named[u] (0 none, 1
 * heard before, 2 a new one) and the recent-names feature.  -1 on OOM. */
static int unit_names(fstate *st, size_t ui)
{
    const tx_conv *c = st->c;
    const tx_sentence *s = &c->seg->sent[st->u[ui].sent];
    heardness h = {0};
    for (size_t i = tx_conv_cand_lower(c, s->start);
         i < c->seg->ncand && c->seg->cand[i].end <= s->end; i++) {
        const tx_cand *k = &c->seg->cand[i];
        if (tx_conv_is_stop(c, k->start, k->end)) continue;
        if (hear(st, ui, st->ckey[i], &h)) return -1;
    }
    /* the names mention rules capture, found once per conversion */
    const tx_named *nm;
    size_t nn;
    if (tx_conv_sentence_names(c, st->u[ui].sent, &nm, &nn)) return -1;
    for (size_t q = 0; q < nn; q++) {
        size_t gs = nm[q].gs, ge = nm[q].ge;
        if (tx_conv_is_stop(c, s->start + gs, s->start + ge)) continue;
        st->u[ui].f[TXF_MENTION] = 1;
        char *k = tx_name_key(c->num, c->norm->s + s->start + gs, ge - gs);
        char **p = k ? tx_grow(st->hankeys, &st->hancap, st->nhan + 1, sizeof *p) : NULL;
        if (!p) {
            free(k);
            return -1;
        }
        st->hankeys = p;
        st->hankeys[st->nhan++] = k; /* the heard map points into it */
        if (hear(st, ui, k, &h)) return -1;
    }
    st->named[ui] = h.fresh ? 2 : h.names ? 1 : 0;
    if (h.names && h.recent == h.names) st->u[ui].f[TXF_RECENT_NAMES] = 1;
    return 0;
}

/* Does the text of norm[a,b) end with a question mark? */
static int ends_question(const char *t, size_t a, size_t b)
{
    while (b > a && (t[b - 1] == ' ' || t[b - 1] == '\n'))
        b--;
    if (b > a && t[b - 1] == '?') return 1;
    return b >= a + 3 && !memcmp(t + b - 3, "\xef\xbc\x9f", 3); /* FULLWIDTH QUESTION MARK */
}

/* Do the requirements of entry-start rule r hold at unit ui?  Name
 * requirements look at the body-level new names (named[] == 2). */
static int requirements_hold(const fstate *st, const tx_rule *r, size_t ui)
{
    const tx_conv *c = st->c;
    const tx_unit *u = &st->u[ui];
    const tx_sentence *s = &c->seg->sent[u->sent];
    int req = tx_rule_requires(r);
    if ((req & REQ_LINESTART) && !s->line && s->label > 0 && c->norm->s[s->label - 1] != '\n')
        return 0;
    if ((req & REQ_PARASTART) &&
        (c->lines_layout || (s->label > 0 && !tx_conv_para_start(c, s->label))))
        return 0;
    if ((req & REQ_NEWNAME) && st->named[ui] != 2) return 0;
    if (req & REQ_NEXTNAME) {
        const tx_weights *w = c->weights;
        int p = c->lines_layout ? TXP_REACH_LINES : TXP_REACH_PROSE;
        size_t reach = w && w->has_param[p] && w->param[p] > 0 ? (size_t)w->param[p] : 1;
        int found = 0;
        for (size_t k = ui + 1; k < st->n && k <= ui + reach && !found; k++)
            found = st->named[k] == 2;
        if (!found) return 0;
    }
    return 1;
}

/* End of the head of a subject norm[s,e): its first Latin word, or its
 * first two other code points ("谷歌" of "谷歌同月"), so a subject with
 * trailing words still counts as heard. */
size_t tx_subject_head(const char *t, size_t s, size_t e)
{
    size_t i = s;
    if (i < e && ((t[i] | 0x20) >= 'a' && (t[i] | 0x20) <= 'z')) {
        while (i < e && (unsigned char)t[i] < 0x80 && t[i] != ' ')
            i++;
        return i;
    }
    for (int k = 0; k < 2 && i < e; k++)
        tx_u8_next(t, &i);
    return i;
}

/* Is norm[a,b) (an organisation's name) in the text of the last few
 * units before unit ui (param recent-units)? */
static int heard_recently(const fstate *st, size_t ui, size_t a, size_t b)
{
    const tx_conv *c = st->c;
    const tx_weights *w = c->weights;
    size_t recent = w && w->has_param[TXP_RECENT_UNITS] ? (size_t)w->param[TXP_RECENT_UNITS] : 0;
    if (!recent || !ui || b <= a) return 0;
    size_t from = ui > recent ? ui - recent : 0;
    size_t lo = c->seg->sent[st->u[from].sent].start, hi = c->seg->sent[st->u[ui - 1].sent].end;
    size_t l = b - a;
    for (size_t i = lo; i + l <= hi; i++)
        if (!memcmp(c->norm->s + i, c->norm->s + a, l)) return 1;
    return 0;
}

/* Was the head of the first org group of match m (of a rule over unit
 * ui's sentence) heard in the last few units?  0 when m has no org group. */
static int subject_heard(const fstate *st, size_t ui, const tx_match *m)
{
    const tx_sentence *s = &st->c->seg->sent[st->u[ui].sent];
    size_t gs, ge;
    if (!tx_match_group(m, "org", 1, &gs, &ge)) return 0;
    size_t a = s->start + gs, b = tx_subject_head(st->c->norm->s, a, s->start + ge);
    return heard_recently(st, ui, a, b);
}

/* The org-heard feature of unit ui, from match m of a rule over it. */
static void org_heard(fstate *st, size_t ui, const tx_match *m)
{
    if (!st->u[ui].f[TXF_ORG_HEARD] && subject_heard(st, ui, m)) st->u[ui].f[TXF_ORG_HEARD] = 1;
}

/* Rule features of unit ui: which entry-start and continuation rules
 * match. */
static void rule_features(fstate *st, size_t ui)
{
    const tx_conv *c = st->c;
    tx_unit *u = &st->u[ui];
    const tx_sentence *s = &c->seg->sent[u->sent];
    const tx_rule *r;
    tx_match m;
    static const rule_kind kinds[3] = {RK_ENTRY, RK_CONTINUATION, RK_TRANSITION};
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; (r = tx_rules_get(c->rules, kinds[k], c->lang, i)); i++) {
            if (tx_rule_match(c->rules, r, c->norm->s + s->start, s->end - s->start, 0, &m) != 1)
                continue;
            /* A continuation whose subject must have been heard, and was
             * not in the last units, is a new subject's item ("B则发布了…"
             * after an item about A): it does not count. */
            if (kinds[k] == RK_CONTINUATION && (tx_rule_requires(r) & REQ_HEARD) &&
                !subject_heard(st, ui, &m))
                continue;
            if (u->nrules < TX_UNIT_RULES) u->rules[u->nrules++] = r;
            if (kinds[k] == RK_CONTINUATION) {
                u->f[TXF_CONTINUATION] = 1;
                continue;
            }
            if (kinds[k] == RK_TRANSITION) {
                u->f[TXF_TRANSITION] = 1;
                continue;
            }
            u->f[TXF_ENTRY_RULE] = 1;
            org_heard(st, ui, &m);
            if (!u->entry_rule) u->entry_rule = r;
            if (requirements_hold(st, r, ui)) {
                u->f[TXF_ENTRY_OK] = 1;
                if (tx_rule_requires(r) & (REQ_NEXTNAME | REQ_ANNOUNCE)) u->f[TXF_ANNOUNCE] = 1;
            }
        }
}

/* Layout and other rule-kind features of unit ui. */
static void layout_features(fstate *st, size_t ui)
{
    const tx_conv *c = st->c;
    tx_unit *u = &st->u[ui];
    const tx_sentence *s = &c->seg->sent[u->sent];
    const char *t = c->norm->s;
    tx_match m;
    u->f[TXF_BIAS] = 1;
    if (!c->lines_layout && s->label > 0 && tx_conv_para_start(c, s->label)) u->f[TXF_PARA] = 1;
    if (!c->lines_layout && (s->line || s->label == 0 || t[s->label - 1] == '\n'))
        u->f[TXF_LINE] = 1;
    if (s->label < s->start) u->f[TXF_TURN] = 1;
    if (st->mk->item_start[u->sent] != SIZE_MAX) {
        u->f[TXF_ITEM] = 1;
        u->start = st->mk->item_start[u->sent];
    }
    if (u->sent > 0 && st->mk->number_line[u->sent - 1] && u->sent >= 1 &&
        st->mk->item_start[u->sent - 1] != SIZE_MAX)
        u->f[TXF_ITEM] = 1;
    if (ends_question(t, s->start, s->end)) u->f[TXF_QUESTION] = 1;
    const tx_weights *w = c->weights;
    if (w && w->has_param[TXP_SHORT_UNIT]) {
        size_t cps = 0;
        for (size_t k = s->start; k < s->end; k++)
            cps += ((unsigned char)t[k] & 0xC0) != 0x80;
        if ((double)cps <= w->param[TXP_SHORT_UNIT]) u->f[TXF_SHORT] = 1;
    }
    if (u->sent > 0 &&
        ends_question(t, c->seg->sent[u->sent - 1].start, c->seg->sent[u->sent - 1].end))
        u->f[TXF_PREV_QUESTION] = 1;
    if (tx_conv_first_match(c, RK_OUTRO, s->start, s->end, &m)) u->f[TXF_OUTRO] = 1;
    if (tx_conv_first_match(c, RK_INTRO, s->start, s->end, &m)) u->f[TXF_INTRO] = 1;
    if (tx_conv_first_match(c, RK_EVENT, s->start, s->end, &m)) u->f[TXF_EVENT] = 1;
    if (u->sent == 0) u->f[TXF_FIRST] = 1;
    if (tx_conv_first_match(c, RK_HEADLINES, s->start, s->end, &m)) u->f[TXF_HEADLINES] = 1;
    if (tx_conv_first_match(c, RK_ORG, s->start, s->end, &m)) {
        u->f[TXF_ORG] = 1;
        org_heard(st, ui, &m);
    }
    if (st->mk->anchors) {
        if (st->mk->anchors[u->sent]) u->f[TXF_ANCHOR] = 1;
        if (u->sent + 1 < c->seg->nsent && st->mk->anchors[u->sent + 1]) u->f[TXF_ANCHOR_NEXT] = 1;
        if (u->sent > 0 && st->mk->anchors[u->sent - 1]) u->f[TXF_ANCHOR_PREV] = 1;
        u->anchors = st->mk->anchors[u->sent];
    }
}

/* A layout mark found on most units (a speaker label or a timestamp on
 * every line, one sentence per line) tells no unit from another: it is
 * cleared on all of them when it fires on more than the common-rate
 * parameter's share of the units.  So is one that fires far more often
 * than the show notes have references (more than the mark-ref-ratio
 * parameter times as often): the items are about as many as the
 * references, and a panel's speaker turns are many more. */
static void drop_common_layout(fstate *st)
{
    const tx_weights *w = st->c->weights;
    if (!w || !w->has_param[TXP_COMMON_RATE] || !st->n) return;
    size_t nref = st->c->refs ? st->c->refs->nref : 0;
    double most = nref && w->has_param[TXP_MARK_REF_RATIO]
                      ? w->param[TXP_MARK_REF_RATIO] * (double)nref
                      : (double)st->n;
    static const int layout[] = {TXF_PARA, TXF_LINE, TXF_TURN};
    for (size_t k = 0; k < sizeof layout / sizeof *layout; k++) {
        size_t on = 0;
        for (size_t i = 0; i < st->n; i++)
            on += st->u[i].f[layout[k]] != 0;
        if ((double)on > w->param[TXP_COMMON_RATE] * (double)st->n || (double)on > most)
            for (size_t i = 0; i < st->n; i++)
                st->u[i].f[layout[k]] = 0;
    }
}

/* The cohesion features (cohesion.c): a dip, and a dip below the
 * cohesion-low parameter times the mean over the units.  0, or -1 on OOM. */
static int cohesion_features(fstate *st, size_t first, size_t last)
{
    const tx_weights *w = st->c->weights;
    if (!st->n || !w || !w->has_param[TXP_COHESION_SHARE]) return 0;
    double *sim = malloc(st->n * sizeof *sim);
    unsigned char *dip = malloc(st->n);
    int rc = -1;
    if (!sim || !dip || tx_cohesion(st->c, first, last, sim, dip)) goto out;
    double sum = 0;
    size_t on = 0;
    for (size_t i = 0; i < st->n; i++)
        if (sim[i] >= 0) sum += sim[i], on++;
    double low = on ? w->param[TXP_COHESION_LOW] * sum / (double)on : 0;
    for (size_t i = 0; i < st->n; i++) {
        st->u[i].f[TXF_COHESION_DIP] = dip[i];
        st->u[i].f[TXF_COHESION_LOW] = dip[i] && sim[i] < low;
    }
    rc = 0;
out:
    free(sim);
    free(dip);
    return rc;
}

/* The start score of every unit. */
static void scores(fstate *st)
{
    const tx_weights *w = st->c->weights;
    for (size_t i = 0; i < st->n; i++) {
        tx_unit *u = &st->u[i];
        double v = 0;
        for (int f = 0; w && f < TXF_NUNIT; f++) {
            if (u->f[f] == 0) continue;
            v += w->w[f] * u->f[f];
            for (int g = f + 1; g < TXF_NUNIT; g++)
                v += w->pair[f][g] * u->f[f] * u->f[g];
        }
        for (size_t k = 0; w && k < u->nrules; k++)
            v += tx_weights_rule(w, u->rules[k]);
        u->score = v;
    }
}

static void fstate_free(fstate *st)
{
    for (size_t i = 0; st->ckey && i < st->c->seg->ncand; i++)
        free(st->ckey[i]);
    free(st->ckey);
    for (size_t i = 0; i < st->nhan; i++)
        free(st->hankeys[i]);
    free(st->hankeys);
    free(st->named);
    tx_nmap_free(&st->heard);
}

tx2json_status tx_features(const tx_conv *c, const tx_marks *mk, size_t first, size_t last,
                           tx_unit **out, size_t *n)
{
    fstate st = {0};
    st.c = c;
    st.mk = mk;
    *out = NULL;
    *n = 0;
    size_t nu = last > first ? last - first : 0;
    st.u = calloc(nu ? nu : 1, sizeof *st.u);
    st.named = calloc(nu ? nu : 1, sizeof *st.named);
    st.ckey = calloc(c->seg->ncand ? c->seg->ncand : 1, sizeof *st.ckey);
    st.n = nu;
    int bad = !st.u || !st.named || !st.ckey;
    for (size_t i = 0; !bad && i < c->seg->ncand; i++)
        bad = !(st.ckey[i] = tx_name_key(c->num, c->norm->s + c->seg->cand[i].start,
                                         c->seg->cand[i].end - c->seg->cand[i].start));
    for (size_t i = 0; !bad && i < nu; i++) {
        st.u[i].sent = first + i;
        st.u[i].start = c->seg->sent[first + i].label;
        st.u[i].no_start = mk->number_line[first + i];
        bad = unit_names(&st, i) != 0;
    }
    for (size_t i = 0; !bad && i < nu; i++) {
        st.u[i].f[TXF_NEW_NAME] = st.named[i] == 2;
        st.u[i].f[TXF_NO_NAME] = st.named[i] == 0;
        st.u[i].f[TXF_NEW_NAME_NEXT] = i + 1 < nu && st.named[i + 1] == 2;
        st.u[i].f[TXF_NEW_NAME_PREV] = i > 0 && st.named[i - 1] == 2;
        layout_features(&st, i);
        rule_features(&st, i);
    }
    for (size_t i = 1; !bad && i < nu; i++) {
        const float *p = st.u[i - 1].f;
        st.u[i].f[TXF_PREV_SHORT] = p[TXF_SHORT];
        st.u[i].f[TXF_PREV_EVENT] = p[TXF_EVENT];
        st.u[i].f[TXF_PREV_INTRO] = p[TXF_INTRO];
        st.u[i].f[TXF_PREV_LEADIN] =
            p[TXF_SHORT] != 0 && (p[TXF_TRANSITION] != 0 || p[TXF_ENTRY_OK] != 0);
        const float *q = st.u[i].f;
        st.u[i - 1].f[TXF_NEXT_LEADIN] =
            p[TXF_SHORT] != 0 && (q[TXF_TRANSITION] != 0 || q[TXF_ENTRY_OK] != 0);
    }
    if (!bad) bad = cohesion_features(&st, first, last) != 0;
    if (!bad) {
        drop_common_layout(&st);
        scores(&st);
    }
    fstate_free(&st);
    if (bad) {
        free(st.u);
        tx_seterr(c->err, TX2JSON_ENOMEM, c->name, 0, 0, (size_t)-1, "out of memory");
        return TX2JSON_ENOMEM;
    }
    *out = st.u;
    *n = nu;
    return TX2JSON_OK;
}
