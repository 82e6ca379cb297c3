/* names.c - stage 7b: which mentions left unlinked are project names.
 *
 * A capitalised run is a mention candidate, and so is what a mention rule
 * names; many are no names at all: a word capitalised because it opens
 * a sentence ("All", "Because"), an organisation ("Anthropic"), a place
 * or a phrase cut too long.  Linked mentions are kept (the reference says
 * what they are), and so is the entry's primary mention (what a mention
 * rule named: the entry's project, linked or not).  Each other unlinked
 * one gets features (signals.h, TXN_*)
 * stating facts about its form and where else it is heard; the rules'
 * `name:FEATURE` weights, which tools/train fits to the gold corpora's
 * `names`, sum to its score, and below `param:name-min` it is dropped. */
#include "names.h"
#include "normalize.h"
#include "references.h"
#include "segment.h"

#include <stdlib.h>
#include <string.h>

/* The longest word looked up in the lower-case word set; a longer one
 * counts as not heard in lower case. */
#define MAX_WORD 64

static int is_lower(char ch)
{
    return ch >= 'a' && ch <= 'z';
}

static int is_upper(char ch)
{
    return ch >= 'A' && ch <= 'Z';
}

static int is_alpha(char ch)
{
    return is_lower(ch) || is_upper(ch);
}

/* The end of the body: the text before the reference list, whose URLs
 * are written in lower case. */
static size_t body_end(const tx_conv *c)
{
    return c->refs && c->refs->region_start < c->norm->len ? c->refs->region_start : c->norm->len;
}

/* Puts every ASCII word of the body written in lower case into x->lower
 * (keys point into the text).  -1 on OOM. */
static int lower_words(tx_name_ctx *x)
{
    const char *t = x->c->norm->s;
    size_t end = body_end(x->c);
    for (size_t i = 0; i < end;) {
        if (!is_alpha(t[i]) || (i > 0 && is_alpha(t[i - 1]))) {
            i++;
            continue;
        }
        size_t s = i, low = 1;
        while (i < end && is_alpha(t[i]))
            low &= (size_t)is_lower(t[i++]);
        if (low && tx_nmap_put(&x->lower, t + s, i - s, 0)) return -1;
    }
    return 0;
}

/* The last Latin word of s[0,n) in *ws, *we when s has two words or
 * more; 0 when it has fewer. */
static int last_word(const char *s, size_t n, size_t *ws, size_t *we)
{
    size_t e = n, words = 0;
    while (e > 0 && !is_alpha(s[e - 1]))
        e--;
    size_t b = e;
    while (b > 0 && is_alpha(s[b - 1]))
        b--;
    for (size_t i = 0; i < b; i++)
        if (is_alpha(s[i]) && (i == 0 || !is_alpha(s[i - 1]))) words++;
    *ws = b;
    *we = e;
    return b < e && words >= 1;
}

/* Puts the last word of every mention of two words or more into
 * x->tails, with the first start it is heard at.  -1 on OOM. */
static int mention_tails(tx_name_ctx *x)
{
    const tx_episode *ep = x->c->ep;
    const char *t = x->c->norm->s;
    size_t v, ws, we;
    for (size_t e = 0; e < ep->nentry; e++)
        for (size_t j = 0; j < ep->entry[e].nmen; j++) {
            const tx_item *m = &ep->entry[e].men[j];
            if (!last_word(t + m->start, m->end - m->start, &ws, &we)) continue;
            const char *w = t + m->start + ws;
            if (tx_nmap_get(&x->tails, w, we - ws, &v) && v <= m->start) continue;
            if (tx_nmap_put(&x->tails, w, we - ws, m->start)) return -1;
        }
    return 0;
}

/* Counts each mention key: how often, and in how many entries. */
static int heard_keys(tx_name_ctx *x)
{
    const tx_episode *ep = x->c->ep;
    size_t cap = 0, v;
    for (size_t e = 0; e < ep->nentry; e++)
        for (size_t j = 0; j < ep->entry[e].nmen; j++) {
            const char *k = ep->entry[e].men[j].key;
            size_t kl = k ? strlen(k) : 0;
            if (!kl) continue;
            if (tx_nmap_get(&x->keys, k, kl, &v)) {
                x->heard[v].count++;
                if (x->heard[v].entry != e) x->heard[v].entries = 1;
                continue;
            }
            struct tx_heard *p = tx_grow(x->heard, &cap, x->nheard + 1, sizeof *p);
            if (!p) return -1;
            x->heard = p;
            x->heard[x->nheard] = (struct tx_heard){1, e, 0};
            if (tx_nmap_put(&x->keys, k, kl, x->nheard++)) return -1;
        }
    return 0;
}

int tx_name_ctx_init(tx_name_ctx *x, const tx_conv *c)
{
    memset(x, 0, sizeof *x);
    x->c = c;
    if (lower_words(x) || heard_keys(x) || mention_tails(x)) {
        tx_name_ctx_free(x);
        return -1;
    }
    return 0;
}

void tx_name_ctx_free(tx_name_ctx *x)
{
    tx_nmap_free(&x->lower);
    tx_nmap_free(&x->keys);
    tx_nmap_free(&x->tails);
    free(x->heard);
    memset(x, 0, sizeof *x);
}

/* Is the word s[0,n) heard in lower case in the body? */
static int heard_lower(const tx_name_ctx *x, const char *s, size_t n)
{
    char w[MAX_WORD];
    size_t v;
    if (n > MAX_WORD) return 0;
    for (size_t i = 0; i < n; i++)
        w[i] = is_upper(s[i]) ? (char)(s[i] - 'A' + 'a') : s[i];
    return tx_nmap_get(&x->lower, w, n, &v);
}

/* The features of the form of the mention's Latin words. */
static void word_features(const tx_name_ctx *x, const char *s, size_t n, double *f)
{
    size_t words = 0, common = 0;
    int inner = 0, title = 1, lower = 0;
    for (size_t i = 0; i < n;) {
        if (!is_alpha(s[i])) {
            i++;
            continue;
        }
        size_t a = i;
        while (i < n && is_alpha(s[i])) {
            if (i > a && is_upper(s[i])) inner = 1;
            if (i > a && !is_lower(s[i])) title = 0;
            i++;
        }
        if (is_lower(s[a])) lower = 1, title = 0;
        if (heard_lower(x, s + a, i - a)) {
            if (!words) f[TXN_COMMON_FIRST] = 1;
            common++;
        }
        words++;
    }
    f[TXN_ONE_WORD] = words == 1;
    f[TXN_MANY_WORDS] = words >= 3;
    f[TXN_INNER_CAP] = inner;
    f[TXN_TITLE_WORD] = words == 1 && title && !tx_has_han(s, n);
    f[TXN_COMMON_ALL] = words && common == words;
    f[TXN_LOWER_WORD] = lower;
}

/* Does the mention open its sentence (nothing but punctuation and spaces
 * before it there)? */
static int opens_sentence(const tx_conv *c, size_t start)
{
    size_t si = tx_conv_sent_lower(c, start + 1);
    if (si == 0) return 0;
    const tx_sentence *st = &c->seg->sent[si - 1];
    for (size_t i = start; i > st->start; i--) { /* back to the nearest word character */
        unsigned char ch = (unsigned char)c->norm->s[i - 1];
        if (is_alpha((char)ch) || ch >= 0x80 || (ch >= '0' && ch <= '9')) return 0;
    }
    return 1;
}

/* Does s[0,n) end in 's (or ’s)? */
static int possessive(const char *s, size_t n)
{
    return (n > 2 && s[n - 1] == 's' && s[n - 2] == '\'') ||
           (n > 4 && s[n - 1] == 's' && !memcmp(s + n - 4, "\xE2\x80\x99", 3));
}

/* Is s[0,n) (without any 's) an organisation of the org-aliases table? */
static int is_org(const tx_conv *c, const char *s, size_t n)
{
    if (tx_org_canonical(c->rules, s, n)) return 1;
    if (possessive(s, n))
        return tx_org_canonical(c->rules, s, n - (s[n - 2] == '\'' ? 2 : 4)) != NULL;
    return 0;
}

/* Does s[0,n) end in a punctuation mark (ASCII or CJK)? */
static int ends_in_punct(const char *s, size_t n)
{
    if (!n) return 0;
    unsigned char l = (unsigned char)s[n - 1];
    if (l < 0x80) return l == '.' || l == ',' || l == '!' || l == '?' || l == ';' || l == ':';
    return n >= 3 && (!memcmp(s + n - 3, "\xE3\x80\x82", 3) || /* 。 */
                      !memcmp(s + n - 3, "\xEF\xBC\x8C", 3) || /* ， */
                      !memcmp(s + n - 3, "\xE3\x80\x81", 3));  /* 、 */
}

/* Is the code point just before m, or just after it (spaces skipped),
 * a Han character? */
static int next_to_han(const tx_conv *c, const tx_item *m)
{
    const char *t = c->norm->s;
    size_t a = m->start, b = m->end, len = c->norm->len;
    while (a > 0 && t[a - 1] == ' ')
        a--;
    while (b < len && t[b] == ' ')
        b++;
    size_t s = a;
    while (s > 0 && ((unsigned char)t[--s] & 0xC0) == 0x80)
        ;
    size_t e = b;
    if (e < len) tx_u8_next(t, &e);
    return tx_has_han(t + s, a - s) || tx_has_han(t + b, e - b);
}

/* The name-before rules that match the words of m's sentence before it,
 * the name-after rules that match those after it (at most
 * param:name-cue-window code points on each side) and the name-form
 * rules that match all of m's own text, into cues. */
static void cue_rules(const tx_conv *c, const tx_item *m, const tx_rule *cues[TX_NAME_CUES],
                      size_t *n)
{
    size_t si = tx_conv_sent_lower(c, m->start + 1), s0 = m->start, s1 = m->end;
    if (si > 0 && c->seg->sent[si - 1].end >= m->end) {
        s0 = c->seg->sent[si - 1].start;
        s1 = c->seg->sent[si - 1].end;
    }
    /* Only the nearest words: bounded work in a sentence of any length. */
    const tx_weights *w = c->weights;
    size_t win = w->has_param[TXP_NAME_CUE_WINDOW] ? (size_t)w->param[TXP_NAME_CUE_WINDOW] : 0;
    const char *t = c->norm->s;
    size_t a = m->start, k = 0;
    while (a > s0 && k < win)
        if (((unsigned char)t[--a] & 0xC0) != 0x80) k++;
    s0 = a;
    s1 = m->end + tx_u8_skip(t + m->end, s1 - m->end, win);
    const tx_rule *r;
    tx_match mt;
    *n = 0;
    for (size_t i = 0; *n < TX_NAME_CUES && (r = tx_rules_get(c->rules, RK_NAMEBEFORE, c->lang, i));
         i++)
        if (tx_rule_match(c->rules, r, c->norm->s + s0, m->start - s0, 0, &mt) == 1)
            cues[(*n)++] = r;
    for (size_t i = 0; *n < TX_NAME_CUES && (r = tx_rules_get(c->rules, RK_NAMEAFTER, c->lang, i));
         i++)
        if (tx_rule_match(c->rules, r, c->norm->s + m->end, s1 - m->end, 0, &mt) == 1)
            cues[(*n)++] = r;
    for (size_t i = 0; *n < TX_NAME_CUES && (r = tx_rules_get(c->rules, RK_NAMEFORM, c->lang, i));
         i++)
        if (tx_rule_match(c->rules, r, t + m->start, m->end - m->start, 0, &mt) == 1 &&
            mt.start == 0 && mt.end == m->end - m->start)
            cues[(*n)++] = r;
}

void tx_name_features(const tx_name_ctx *x, const tx_item *m, double f[TXN_N],
                      const tx_rule *cues[TX_NAME_CUES], size_t *ncues)
{
    const tx_conv *c = x->c;
    const char *s = c->norm->s + m->start;
    size_t n = m->end - m->start, v;
    memset(f, 0, TXN_N * sizeof *f);
    f[TXN_BIAS] = 1;
    f[TXN_ANCHOR] = !strcmp(m->rule, "anchor");
    f[TXN_RULE] = !f[TXN_ANCHOR] && strcmp(m->rule, "latin-name") != 0;
    word_features(x, s, n, f);
    for (size_t i = 0; i < n && !f[TXN_DIGIT]; i++)
        f[TXN_DIGIT] = s[i] >= '0' && s[i] <= '9';
    f[TXN_SENT_START] = opens_sentence(c, m->start);
    f[TXN_ORG] = is_org(c, s, n);
    f[TXN_POSSESSIVE] = possessive(s, n);
    f[TXN_HAN] = tx_has_han(s, n);
    f[TXN_SHORT] = tx_u8_count(s, n) <= 2;
    f[TXN_PUNCT] = ends_in_punct(s, n);
    f[TXN_SIMILAR] = m->score;
    if (m->key && *m->key && tx_nmap_get(&x->keys, m->key, strlen(m->key), &v)) {
        f[TXN_REPEAT] = x->heard[v].count > 1;
        f[TXN_OTHER_ENTRY] = x->heard[v].entries;
    }
    f[TXN_IN_HAN] = next_to_han(c, m);
    f[TXN_PRIMARY] = m->primary != 0;
    f[TXN_SURNAME] = f[TXN_ONE_WORD] && tx_nmap_get(&x->tails, s, n, &v) && v < m->start;
    cue_rules(c, m, cues, ncues);
}

/* The name score of m: the weights over its features. */
static double name_score(const tx_name_ctx *x, const tx_item *m)
{
    double f[TXN_N];
    const tx_rule *cues[TX_NAME_CUES];
    size_t nc;
    tx_name_features(x, m, f, cues, &nc);
    double s = 0;
    for (int k = 0; k < TXN_N; k++)
        s += x->c->weights->name[k] * f[k];
    for (size_t k = 0; k < nc; k++)
        s += tx_weights_rule(x->c->weights, cues[k]);
    return s;
}

/* Moves the unlinked mentions of entry e scoring below name-min to
 * ep->dropped.  -1 on OOM. */
static int filter_entry(const tx_name_ctx *x, tx_episode *ep, size_t e, size_t *cap)
{
    tx_entry *en = &ep->entry[e];
    double min = x->c->weights->param[TXP_NAME_MIN];
    size_t w = 0;
    for (size_t j = 0; j < en->nmen; j++) {
        tx_item *m = &en->men[j];
        if (m->reference >= 0 || m->primary || name_score(x, m) >= min) {
            en->men[w++] = *m;
            continue;
        }
        tx_dropped *p = tx_grow(ep->dropped, cap, ep->ndropped + 1, sizeof *p);
        if (!p) {
            free(m->key); /* the entry's array no longer holds it */
            for (size_t k = j + 1; k < en->nmen; k++)
                en->men[w++] = en->men[k];
            en->nmen = w;
            return -1;
        }
        ep->dropped = p;
        ep->dropped[ep->ndropped++] = (tx_dropped){e, *m};
    }
    en->nmen = w;
    return 0;
}

tx2json_status tx_filter_names(tx_conv *c)
{
    if (!c->weights->has_name) return TX2JSON_OK;
    tx_name_ctx x;
    size_t cap = 0;
    int bad = tx_name_ctx_init(&x, c);
    for (size_t e = 0; !bad && e < c->ep->nentry; e++)
        bad = filter_entry(&x, c->ep, e, &cap);
    if (!bad) tx_name_ctx_free(&x);
    if (!bad) return TX2JSON_OK;
    tx_name_ctx_free(&x);
    tx_seterr(c->err, TX2JSON_ENOMEM, NULL, 0, 0, (size_t)-1, "out of memory");
    return TX2JSON_ENOMEM;
}
