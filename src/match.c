/* match.c - the keys of references and spoken names, and how alike they
 * are: exact match of normalised keys, edit distance, an English phonetic
 * key, pinyin for Han text (either side), the label's words and trailing
 * parts, and the word tokens of the URL. */
#include "match.h"
#include "normalize.h"
#include "signals.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Phonetic keys are lossy: compare them only when the spelled keys are of
 * similar length (the shorter at least match-phonetic-length of the
 * longer), so "mola" never sounds like "handlemodelit". */
static double phon_sim(const double *k, const char *a, const char *b, const char *ka,
                       const char *kb)
{
    if (!a || !b || strlen(a) < 2 || strlen(b) < 2) return 0.0;
    double la = (double)strlen(ka), lb = (double)strlen(kb);
    if ((la < lb ? la / lb : lb / la) < k[TXP_MATCH_PHONETIC_LENGTH]) return 0.0;
    return tx_edit_sim(a, b);
}

int tx_same_start(const char *a, const char *b)
{
    return a && b && a[0] && a[0] == b[0] && (!a[1] || !b[1] || a[1] == b[1]);
}

/* A name heard with more after it than the label word ("kelaode4" for a
 * label's "claude"): the word's phonetic key against as much of the
 * name's, when the word's has at least match-phonetic-min sounds. */
static double sound_prefix(const double *k, const char *name, const char *word)
{
    if (!name || !word || (double)strlen(word) < k[TXP_MATCH_PHONETIC_MIN] ||
        strlen(name) <= strlen(word) || strncmp(name, word, strlen(word)) != 0)
        return 0.0;
    return 1.0;
}

/* Keys of the label's trailing words, for a mention that names only the
 * project part of "Maker Project" labels.  A suffix must hold a digit or
 * at least 4 characters, so "mini" of "o3-mini" alone does not count. */
static int label_suffixes(const tx_numerals *nt, tx_refinfo *ri, const char *label)
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
        if (strlen(k) >= 5 && nw > 1) {
            ri->word[ri->nword] = k;
            if (!(ri->wphon[ri->nword++] = tx_phonetic_key(k))) return -1;
        } else {
            free(k);
        }
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
static double word_overlap(const tx_meninfo *m, const tx_refinfo *r)
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
static int han_suffixes(tx_pinyin *py, tx_meninfo *m)
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
    for (size_t n = 2; n <= 4 && (!m->py || m->py->n < TX_PY_SUFFIXES); n++) {
        if (tail < n + 1) break; /* keep at least one Han character before */
        const char *sub = k + pos[tail - n];
        const char *p = tx_pinyin_key(py, sub);
        if (!p) continue;
        if (!m->py && !(m->py = calloc(1, sizeof *m->py))) return -1;
        char *ph = tx_phonetic_key(p);
        if (!ph) return -1;
        m->py->key[m->py->n] = p;
        m->py->phon[m->py->n++] = ph;
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
 * least the length difference, so 1 - (max-min)/max bounds it, the
 * lengths counted as tx_edit_sim sees them (cut at TX_SIM_MAX_CPS code
 * points), so the bound never drops a comparison that could win. */
static double sim_above(const char *a, const char *b, double need)
{
    size_t la = 0, lb = 0;
    for (const char *x = a; *x && la < TX_SIM_MAX_CPS; x++)
        la += ((unsigned char)*x & 0xC0) != 0x80;
    for (const char *x = b; *x && lb < TX_SIM_MAX_CPS; x++)
        lb += ((unsigned char)*x & 0xC0) != 0x80;
    size_t mx = la > lb ? la : lb, mn = la > lb ? lb : la;
    if (!mx || (double)mn / (double)mx <= need) return 0.0;
    return tx_edit_sim(a, b);
}

double tx_similarity(const tx_meninfo *m, const tx_refinfo *r, const double *k, const char **method)
{
    return tx_similarity_above(m, r, k, 0.0, method);
}

/* Similarity of mention m to reference r, and the signal that decided;
 * each signal is computed only as far as it can still beat the best so
 * far, which starts at floor. */
double tx_similarity_above(const tx_meninfo *m, const tx_refinfo *r, const double *k, double floor,
                           const char **method)
{
    const char *mk = m->it->key;
    double best = floor;
    *method = "none";
#define TRY(v, name)                                                                               \
    do {                                                                                           \
        double v_ = (v);                                                                           \
        if (v_ > best) {                                                                           \
            best = v_;                                                                             \
            *method = name;                                                                        \
        }                                                                                          \
    } while (0)
    /* w times a similarity (at most 1): not computed when w cannot beat
     * the best so far */
#define TRYW(w, sim, name)                                                                         \
    do {                                                                                           \
        double w_ = (w);                                                                           \
        if (w_ > best) TRY(w_ *(sim), name);                                                       \
    } while (0)
    if (!*mk || !*r->key) return 0.0;
    if (strcmp(mk, r->key) == 0) {
        *method = "exact";
        return 1.0;
    }
    if (!m->han && !r->han) {
        TRY(sim_above(mk, r->key, best), "edit");
        for (size_t q = 0; q < r->nsuffix; q++)
            TRYW(k[TXP_MATCH_PARTIAL], sim_above(mk, r->suffix[q], best / k[TXP_MATCH_PARTIAL]),
                 "partial");
        /* The label says more than was spoken ("X and computer use"), or
         * the mention runs on past a label word ("ministroll 8b"). */
        if ((double)strlen(mk) >= k[TXP_MATCH_PREFIX_MIN])
            TRYW(k[TXP_MATCH_PREFIX], prefix_sim(r->key, mk), "partial");
        for (size_t q = 0; q < r->nword; q++)
            TRYW(k[TXP_MATCH_PREFIX], prefix_sim(mk, r->word[q]), "partial");
        TRYW(k[TXP_MATCH_WORDS], word_overlap(m, r), "words");
        if ((double)strlen(mk) >= k[TXP_MATCH_PHONETIC_MIN] &&
            (double)strlen(r->key) >= k[TXP_MATCH_PHONETIC_MIN])
            TRYW(k[TXP_MATCH_PHONETIC], phon_sim(k, m->phon, r->phon, mk, r->key), "phonetic");
    } else if (m->han && r->han) {
        if (m->pinyin && r->pinyin && *m->pinyin && !m->sound_only)
            TRY(strcmp(m->pinyin, r->pinyin) == 0
                    ? k[TXP_MATCH_PINYIN_SAME]
                    : k[TXP_MATCH_PINYIN] * tx_edit_sim(m->pinyin, r->pinyin),
                "pinyin");
        if (!m->sound_only) TRY(sim_above(mk, r->key, best), "edit");
        /* The label says more than was spoken ("某某" of "某某智能"). */
        if (!m->sound_only && (double)strlen(mk) >= k[TXP_MATCH_PREFIX_MIN])
            TRYW(k[TXP_MATCH_PREFIX], prefix_sim(r->key, mk), "partial");
        /* A label that mixes Han and Latin ("Foo 4 发布"): the mention's
         * pinyin against its Latin words, as against a Latin label. */
        for (size_t q = 0; m->pinyin && *m->pinyin && q < r->nword; q++) {
            if (tx_has_han(r->word[q], strlen(r->word[q])) ||
                (double)strlen(r->wphon[q]) < k[TXP_MATCH_PHONETIC_MIN] ||
                (m->sound_only && !tx_same_start(r->wphon[q], m->pyphon)))
                continue; /* a two-sound key ("KN") matches too much */
            TRYW(k[TXP_MATCH_PINYIN], sim_above(m->pinyin, r->word[q], best / k[TXP_MATCH_PINYIN]),
                 "pinyin");
            TRYW(k[TXP_MATCH_PINYIN_SOUND],
                 phon_sim(k, m->pyphon, r->wphon[q], m->pinyin, r->word[q]), "pinyin");
            TRYW(k[TXP_MATCH_PINYIN_SOUND], sound_prefix(k, m->pyphon, r->wphon[q]), "pinyin");
        }
    } else if (r->han && r->pinyin && *r->pinyin) {
        TRYW(k[TXP_MATCH_PINYIN], sim_above(mk, r->pinyin, best / k[TXP_MATCH_PINYIN]), "pinyin");
        TRYW(k[TXP_MATCH_PINYIN_SOUND], phon_sim(k, m->phon, r->pyphon, mk, r->pinyin), "pinyin");
    } else if (m->han && m->pinyin && *m->pinyin &&
               (!m->sound_only || tx_same_start(r->phon, m->pyphon))) {
        TRYW(k[TXP_MATCH_PINYIN], sim_above(m->pinyin, r->key, best / k[TXP_MATCH_PINYIN]),
             "pinyin");
        TRYW(k[TXP_MATCH_PINYIN_SOUND], phon_sim(k, m->pyphon, r->phon, m->pinyin, r->key),
             "pinyin");
        /* Brand names often keep only the tail: 某某千问 -> qianwen -> a short brand. */
        for (size_t q = 0; m->py && q < m->py->n; q++) {
            TRYW(k[TXP_MATCH_PINYIN_TAIL],
                 sim_above(m->py->key[q], r->key, best / k[TXP_MATCH_PINYIN_TAIL]), "pinyin");
            TRYW(k[TXP_MATCH_PINYIN_TAIL],
                 phon_sim(k, m->py->phon[q], r->phon, m->py->key[q], r->key), "pinyin");
        }
    }
    const char *ak = m->han ? (m->pinyin ? m->pinyin : "") : mk;
    const char *ap = m->han ? m->pyphon : m->phon;
    /* Host words usually name the maker, path words the project. */
    for (size_t t = 0; t < r->ntok && *ak; t++) {
        double w = t < r->nhost ? k[TXP_MATCH_URL_HOST] : k[TXP_MATCH_URL_PATH];
        if (w <= 0.0 || (m->sound_only && !tx_same_start(r->tokphon[t], ap))) continue;
        if (strcmp(ak, r->tok[t]) == 0) TRY(w + k[TXP_MATCH_URL_SAME], "url");
        TRYW(w, sim_above(ak, r->tok[t], best / w), "url");
        /* Sounds-alike on a URL word is the weakest evidence there is. */
        if (strlen(r->tok[t]) >= 4)
            TRYW((w - k[TXP_MATCH_URL_SOUND]), phon_sim(k, ap, r->tokphon[t], ak, r->tok[t]),
                 "url");
    }
    /* A label of parts ("Foo 某某助手"): the name may be one of them. */
    for (size_t q = 0; q < r->npart && k[TXP_MATCH_LABEL_PART] > best; q++) {
        const char *pm;
        double need = best / k[TXP_MATCH_LABEL_PART];
        TRYW(k[TXP_MATCH_LABEL_PART], tx_similarity_above(m, &r->part[q], k, need, &pm), "partial");
    }
#undef TRYW
#undef TRY
    return best > floor ? best : 0.0;
}

/* Does the aside s[0,n) (a label's parenthesised text) name the maker or
 * the host: its first word an organisation of the org-aliases tables
 * ("Google Research blog", "Tencent"), or one of its words URL noise
 * ("arXiv", "blog", "paper")?  Else it may be the project's own short
 * name ("CycleGAN"). */
static int aside_is_maker(const tx_conv *c, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == ',' || s[i] == '.'))
            i++;
        size_t a = i;
        while (i < n && s[i] != ' ' && s[i] != ',' && s[i] != '.')
            i++;
        if (i == a) break;
        if ((a == 0 && tx_org_canonical(c->rules, s, i)) || tx_url_noise(c->rules, s + a, i - a))
            return 1;
    }
    return 0;
}

/* Where the parenthesised aside opening at label[i] ends (past its
 * closing bracket, ASCII or full-width), and its text in [*a, *b); 0
 * when none opens there or it does not close. */
static size_t aside_at(const char *label, size_t i, size_t *a, size_t *b)
{
    static const char *const open[2] = {"(", "\xef\xbc\x88"}, *const close[2] = {")",
                                                                                 "\xef\xbc\x89"};
    for (int k = 0; k < 2; k++) {
        size_t lo = strlen(open[k]), lc = strlen(close[k]);
        if (strncmp(label + i, open[k], lo)) continue;
        const char *e = strstr(label + i + lo, close[k]);
        if (!e) return 0;
        *a = i + lo;
        *b = (size_t)(e - label);
        return *b + lc;
    }
    return 0;
}

/* The label without the parenthesised asides that name its maker or host
 * ("Seedream 4.0 (ByteDance Seed)" -> "Seedream 4.0 "): they are not the
 * project's name, and a maker heard in another item would match them.
 * The label itself when nothing else is left.  A new string; NULL on
 * OOM. */
static char *label_core(const tx_conv *c, const char *label)
{
    size_t n = strlen(label), o = 0, kept = 0, a, b, e;
    char *out = malloc(n + 1);
    if (!out) return NULL;
    for (size_t i = 0; i < n;) {
        if ((e = aside_at(label, i, &a, &b)) && aside_is_maker(c, label + a, b - a)) {
            i = e;
            continue;
        }
        out[o++] = label[i];
        kept += isalnum((unsigned char)label[i]) || ((unsigned char)label[i] & 0x80);
        i++;
    }
    out[o] = 0;
    if (!kept) memcpy(out, label, n + 1);
    return out;
}

/* The most parts a label is split into. */
enum { LABEL_PARTS = 6 };

/* Is the code point at s[i] (ending at *next) a Han one? */
static int han_cp(const char *s, size_t i, size_t *next)
{
    size_t j = i;
    tx_u8_next(s, &j);
    *next = j;
    return tx_has_han(s + i, j - i);
}

/* Can the ASCII byte ch be inside a Latin part ("Kimi K2", "GPT-4.5")? */
static int latin_part_char(unsigned char ch)
{
    return isalnum(ch) || ch == ' ' || ch == '-' || ch == '.' || ch == '_' || ch == '+' ||
           ch == '\'';
}

/* One part [a, b) of a label into ri->part: its key, pinyin and keys, as
 * a label of its own without URL.  A Latin part needs three key bytes
 * and a letter, a Han one two characters; others are left out.  -1 on
 * OOM. */
static int add_part(const tx_conv *c, tx_refinfo *ri, const char *s, size_t a, size_t b)
{
    while (a < b && s[a] == ' ')
        a++;
    while (b > a && strchr(" -._", s[b - 1]))
        b--;
    if (a >= b) return 0;
    char *key = tx_name_key(c->num, s + a, b - a);
    if (!key) return -1;
    int han = tx_has_han(key, strlen(key)), letter = 0;
    size_t cps = 0;
    for (const char *x = key; *x; x++) {
        cps += ((unsigned char)*x & 0xC0) != 0x80;
        letter |= isalpha((unsigned char)*x) || ((unsigned char)*x & 0x80);
    }
    if (!letter || (han ? cps < 2 : strlen(key) < 3)) {
        free(key);
        return 0;
    }
    tx_refinfo *p = &ri->part[ri->npart++];
    memset(p, 0, sizeof *p);
    p->key = key;
    p->han = han;
    if (!(p->phon = tx_phonetic_key(key)) || label_suffixes(c->num, p, key)) return -1;
    if (han) {
        p->pinyin = tx_pinyin_key(c->pinyin, key);
        if (p->pinyin && !(p->pyphon = tx_phonetic_key(p->pinyin))) return -1;
    }
    return 0;
}

/* The parts of a label that holds Han text and more than one run: its
 * Latin runs ("Foo K2") and its Han words (split at spaces too: "某某
 * 智能 某助手"), each a name the show may say alone.  A Han run right
 * after a Latin one describes it ("Foo 2 发布页", "Foo 模型"): no part.
 * -1 on OOM. */
static int label_parts(const tx_conv *c, tx_refinfo *ri, const char *core)
{
    size_t n = strlen(core), run[LABEL_PARTS + 1][2], nrun = 0;
    int han_run[LABEL_PARTS + 1];
    if (!ri->han) return 0;
    for (size_t i = 0; i < n && nrun <= LABEL_PARTS;) {
        size_t e, a = i;
        if ((unsigned char)core[i] < 0x80 && latin_part_char((unsigned char)core[i])) {
            if (core[i] == ' ') {
                i++;
                continue;
            }
            while (i < n && (unsigned char)core[i] < 0x80 &&
                   latin_part_char((unsigned char)core[i]))
                i++;
            han_run[nrun] = 0;
        } else if (han_cp(core, i, &e)) {
            i = e;
            while (i < n && han_cp(core, i, &e))
                i = e;
            han_run[nrun] = 1;
        } else { /* a separator: "·", "（", "/" */
            tx_u8_next(core, &i);
            continue;
        }
        run[nrun][0] = a, run[nrun][1] = i, nrun++;
    }
    if (nrun < 2) return 0;
    if (!(ri->part = calloc(nrun, sizeof *ri->part))) return -1;
    for (size_t q = 0; q < nrun; q++) {
        if (han_run[q] && q > 0 && !han_run[q - 1]) continue;
        if (add_part(c, ri, core, run[q][0], run[q][1])) return -1;
    }
    if (!ri->npart) free(ri->part), ri->part = NULL;
    return 0;
}

int tx_refinfo_init(const tx_conv *c, tx_refinfo *ri, const tx_ref *rf)
{
    char *core = label_core(c, rf->label);
    if (!core) return -1;
    ri->key = tx_name_key(c->num, core, strlen(core));
    ri->han = tx_has_han(core, strlen(core));
    int bad =
        !ri->key || !(ri->phon = tx_phonetic_key(ri->key)) || label_suffixes(c->num, ri, core) ||
        (c->weights && c->weights->param[TXP_MATCH_LABEL_PART] > 0.0 && label_parts(c, ri, core));
    free(core);
    if (bad) return -1;
    int nw = word_keys(c->num, rf->label, strlen(rf->label), ri->lword, 16);
    if (nw < 0) return -1;
    ri->nlword = (size_t)nw;
    if (ri->han) {
        ri->pinyin = tx_pinyin_key(c->pinyin, ri->key);
        if (ri->pinyin && !(ri->pyphon = tx_phonetic_key(ri->pinyin))) return -1;
    }
    ri->ntok = tx_url_tokens(c->rules, rf->url, &ri->tok, &ri->nhost);
    ri->tokphon = calloc(ri->ntok ? ri->ntok : 1, sizeof(char *));
    if (!ri->tokphon) return -1;
    for (size_t t = 0; t < ri->ntok; t++)
        if (!(ri->tokphon[t] = tx_phonetic_key(ri->tok[t]))) return -1;
    return 0;
}

void tx_refinfo_free(tx_refinfo *ri)
{
    free(ri->key);
    for (size_t q = 0; q < ri->nsuffix; q++)
        free(ri->suffix[q]);
    for (size_t q = 0; q < ri->nword; q++)
        free(ri->word[q]), free(ri->wphon[q]);
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
    for (size_t q = 0; q < ri->npart; q++)
        tx_refinfo_free(&ri->part[q]);
    free(ri->part);
    memset(ri, 0, sizeof *ri);
}

/* The most word keys a mention keeps. */
enum { MENTION_WORDS = 8 };

int tx_meninfo_init(const tx_conv *c, tx_meninfo *mi, tx_item *it, int want_pinyin)
{
    mi->it = it;
    if (!(mi->phon = tx_phonetic_key(it->key))) return -1;
    char *w[MENTION_WORDS];
    int nw = word_keys(c->num, c->norm->s + it->start, it->end - it->start, w, MENTION_WORDS);
    if (nw < 0) return -1;
    if (nw > 0 && !(mi->mword = malloc((size_t)nw * sizeof *mi->mword))) {
        while (nw > 0)
            free(w[--nw]);
        return -1;
    }
    if (nw > 0) memcpy(mi->mword, w, (size_t)nw * sizeof *w);
    mi->nmword = (size_t)nw;
    mi->han = tx_has_han(it->key, strlen(it->key));
    if (mi->han && want_pinyin) {
        mi->pinyin = tx_pinyin_key(c->pinyin, it->key);
        if (mi->pinyin && !(mi->pyphon = tx_phonetic_key(mi->pinyin))) return -1;
        if (han_suffixes(c->pinyin, mi)) return -1;
    }
    return 0;
}

void tx_meninfo_free(tx_meninfo *mi)
{
    free(mi->phon);
    free(mi->pyphon);
    for (size_t q = 0; mi->py && q < mi->py->n; q++)
        free(mi->py->phon[q]);
    free(mi->py);
    for (size_t q = 0; q < mi->nmword; q++)
        free(mi->mword[q]);
    free(mi->mword);
    memset(mi, 0, sizeof *mi);
}
