/* segment.c - stage 3: sentences and name candidates, with ICU.
 *
 * Sentences come from ICU's sentence break iterator run over the matching
 * form (a UTF-8 UText, so boundaries are byte offsets); Chinese and ASCII
 * terminators and line breaks all end a sentence.  Words come from ICU's
 * word break iterator; runs of Latin words and numbers joined by a space,
 * hyphen, dot or plus form one name candidate ("Foo-bar LLM",
 * "GPT-4 Vision"), so a multi-word Latin name inside Han text stays whole. */
#include "segment.h"
#include "normalize.h"
#include "signals.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>

enum { T_OTHER, T_LATIN, T_NUM };

/* Tokens held before they become candidates (a memory bound, no tuning
 * value: any batch size gives the same candidates). */
enum { TOKEN_BATCH = 4096 };

typedef struct tok {
    size_t s, e;
    int type;
    int upper_or_digit;
} tok;

static int is_space_only(const char *s, size_t a, size_t b)
{
    return b == a + 1 && s[a] == ' ';
}

static int is_joiner(const char *s, size_t a, size_t b)
{
    if (b == a) return 1;
    if (b != a + 1) return 0;
    return s[a] == '-' || s[a] == '+' || s[a] == '.' || s[a] == '_' || s[a] == '\'';
}

static tx2json_status add_sentence(tx_seg *out, size_t *cap, const char *s, size_t from, size_t a,
                                   size_t b)
{
    while (a < b && (s[a] == ' ' || s[a] == '\n' || s[a] == '\t'))
        a++;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\n' || s[b - 1] == '\t'))
        b--;
    /* Skip a full-width ideographic space (U+3000, E3 80 80) at either end. */
    while (b >= a + 3 && memcmp(s + a, "\xe3\x80\x80", 3) == 0)
        a += 3;
    if (a >= b) return TX2JSON_OK;
    tx_sentence *p = tx_grow(out->sent, cap, out->nsent + 1, sizeof *p);
    if (!p) return TX2JSON_ENOMEM;
    out->sent = p;
    out->sent[out->nsent].start = a;
    out->sent[out->nsent].end = b;
    out->sent[out->nsent].label = a;
    out->sent[out->nsent].line = a == from || s[a - 1] == '\n';
    out->nsent++;
    return TX2JSON_OK;
}

/* A spoken version number glued to a Latin name ("Foo三", "Foo K一点五",
 * "Foo三十二B"): numeral characters, with points between them, and any
 * Latin that follows at once, not followed by a measure word ("Foo三个版本"
 * is a count, not a version).  Returns the new end of a candidate ending
 * at e (e itself when none), never past end. */
static size_t numeral_tail(const tx_numerals *nt, const char *s, size_t e, size_t end)
{
    size_t i = e, last = e, l;
    while (i < end) {
        int d = tx_num_char(nt, s + i, end - i, &l);
        if (d >= 0) {
            i += l;
            last = i;
        } else if (d == TX_NUM_POINT && last > e && last == i) {
            i += l;
        } else {
            break;
        }
    }
    if (last == e) return e;
    /* The name may go on in Latin after its number ("Foo三十二B"). */
    while (last < end && (isalnum((unsigned char)s[last]) || s[last] == '-' || s[last] == '.') &&
           !(s[last] == '.' && (last + 1 >= end || !isalnum((unsigned char)s[last + 1]))))
        last++;
    if (tx_num_measure(nt, s + last, end - last)) return e;
    return last;
}

/* Ideographs and kana: the scripts ICU breaks with its CJK dictionary. */
static int is_cjk(uint32_t c)
{
    return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0x20000 && c <= 0x3FFFF);
}

/* The next stretch [*ss, *se) of s before end that holds no CJK character
 * and has a letter or digit in it; *at moves past it.  Returns 0 when none
 * is left. */
static int next_stretch(const char *s, size_t end, size_t *at, size_t *ss, size_t *se)
{
    size_t i = *at;
    while (i < end) {
        size_t a = i;
        int alnum = 0;
        while (i < end) {
            size_t k = i;
            uint32_t c = (unsigned char)s[i] < 0x80 ? (unsigned char)s[i++] : tx_u8_next(s, &i);
            if (c >= 0x80 && is_cjk(c)) {
                i = k;
                break;
            }
            if (c < 0x80 ? ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9')
                         : u_isalnum((UChar32)c))
                alnum = 1;
        }
        size_t b = i;
        while (i < end) { /* skip the CJK run */
            size_t k = i;
            uint32_t c = (unsigned char)s[i] < 0x80 ? (unsigned char)s[i++] : tx_u8_next(s, &i);
            if (c < 0x80 || !is_cjk(c)) {
                i = k;
                break;
            }
        }
        if (alnum) {
            *ss = a, *se = b, *at = i;
            return 1;
        }
    }
    *at = i;
    return 0;
}

#define LONE ((size_t)1 << (sizeof(size_t) * 8 - 1)) /* flag in an index */
static _Thread_local const char *sort_text;
static _Thread_local const size_t *sort_lab;

/* Orders label indices by the label's text without spaces and colon. */
static int cmp_label(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    size_t ai = sort_lab[2 * i], ae = sort_lab[2 * i + 1];
    size_t bi = sort_lab[2 * j], be = sort_lab[2 * j + 1];
    while (ae > ai &&
           (sort_text[ae - 1] == ' ' || sort_text[ae - 1] == ':' || sort_text[ae - 1] == '\t'))
        ae--;
    while (be > bi &&
           (sort_text[be - 1] == ' ' || sort_text[be - 1] == ':' || sort_text[be - 1] == '\t'))
        be--;
    size_t la = ae - ai, lb = be - bi;
    int c = memcmp(sort_text + ai, sort_text + bi, la < lb ? la : lb);
    if (c) return c;
    return la < lb ? -1 : la > lb;
}

/* Keeps the labels of lab[0, 2 cnt) whose speaker (key's span of the same
 * index) starts two or more lines, in order.  Returns how many, or -1 on
 * OOM. */
static long keep_repeated(const char *t, size_t *lab, const size_t *key, size_t cnt)
{
    size_t *ord = malloc((cnt ? cnt : 1) * sizeof *ord);
    if (!ord) return -1;
    for (size_t i = 0; i < cnt; i++)
        ord[i] = i;
    sort_text = t;
    sort_lab = key;
    qsort(ord, cnt, sizeof *ord, cmp_label);
    /* Equal texts are neighbours in ord; mark the lone ones first and
     * drop them after, so no comparison sees a dropped label. */
    size_t keep = 0;
    int prev_eq = 0;
    for (size_t i = 0; i < cnt; i++) {
        int next_eq = i + 1 < cnt && cmp_label(&ord[i], &ord[i + 1]) == 0;
        if (!prev_eq && !next_eq) ord[i] |= LONE;
        prev_eq = next_eq;
    }
    for (size_t i = 0; i < cnt; i++)
        if (ord[i] & LONE) lab[2 * (ord[i] & ~LONE)] = (size_t)-1; /* dropped */
    for (size_t i = 0; i < cnt; i++)
        if (lab[2 * i] != (size_t)-1) {
            lab[2 * keep] = lab[2 * i];
            lab[2 * keep + 1] = lab[2 * i + 1];
            keep++;
        }
    free(ord);
    return (long)keep;
}

static size_t past_stamp(const tx_conv *c, size_t a, size_t b);

/* Does a speaker rule match at norm byte q of a line ending at e, with
 * words after the label?  1 with *m, else 0. */
static int speaker_at(const tx_conv *c, size_t q, size_t e, tx_match *m)
{
    const tx_rule *r;
    for (size_t k = 0; (r = tx_rules_get(c->rules, RK_SPEAKER, c->lang, k)); k++)
        if (tx_rule_match(c->rules, r, c->norm->s + q, e - q, 0, m) == 1 && m->start == 0 &&
            m->end > 0 && m->end < e - q)
            return 1;
    return 0;
}

/* Speaker labels ("HOST: ", "主持人:") that open a line in [from,to), or
 * follow the time stamp that opens it ("[00:01:02] 发言人1："), as
 * [start,end) pairs in *lab; a label is kept only when the same speaker
 * starts another line too, so a lone "Note: ..." stays text.  The speaker
 * is the rule's "speaker" group when it has one (a label that holds the
 * turn's time, "发言人1<TAB>00:01:11<TAB>"), else the whole label.  Returns
 * the count, or -1 on OOM. */
static long speaker_labels(const tx_conv *c, size_t from, size_t to, size_t **lab)
{
    const tx_norm *n = c->norm;
    const tx_ruleset *rs = c->rules;
    const char *lang = c->lang;
    size_t cnt = 0, cap = 0, kcap = 0, *key = NULL;
    *lab = NULL;
    if (!rs || !tx_rules_get(rs, RK_SPEAKER, lang, 0)) return 0;
    for (size_t p = from; p < to;) {
        const char *nl = memchr(n->s + p, '\n', to - p);
        size_t e = nl ? (size_t)(nl - n->s) : to;
        tx_match m;
        size_t q = p;
        int found = 0;
        if (e > p && (unsigned char)n->s[p] < 0x80 && !isalpha((unsigned char)n->s[p]))
            q = past_stamp(c, p, e); /* a stamp opens with a digit or a bracket */
        /* After the stamp first; else from the line's start, where a label
         * may hold the stamp ("**Alex** [00:02:22] : so"). */
        for (int pass = 0; !found && pass < 2; pass++) {
            if (pass && q == p) break;
            if (pass) q = p;
            found = speaker_at(c, q, e, &m);
            if (!found) continue;
            size_t *l = tx_grow(*lab, &cap, 2 * cnt + 2, sizeof *l);
            if (l) *lab = l;
            size_t *kk = l ? tx_grow(key, &kcap, 2 * cnt + 2, sizeof *kk) : NULL;
            if (!kk) goto oom;
            key = kk;
            size_t gs = 0, ge = m.end;
            if (!tx_match_group(&m, "speaker", 1, &gs, &ge)) gs = 0, ge = m.end;
            l[2 * cnt] = q;
            l[2 * cnt + 1] = q + m.end;
            key[2 * cnt] = q + gs;
            key[2 * cnt + 1] = q + ge;
            cnt++;
        }
        p = e + 1;
    }
    long keep = keep_repeated(n->s, *lab, key, cnt);
    free(key);
    if (keep >= 0) return keep;
oom:
    free(*lab);
    *lab = NULL;
    free(key);
    return -1;
}

/* The state of one segmentation, shared by its phases. */
typedef struct segger {
    const char *t; /* the matching form */
    const tx_numerals *nt;
    const tx_conv *c; /* for the stop-name rules */
    size_t from, to;  /* the span segmented */
    size_t front;     /* the end of a front matter block opening it (from: none) */
    size_t *lab;      /* speaker labels: [start, end) pairs */
    long nlab;
    tok *toks; /* Latin words and numbers, a batch of stretches at a time */
    size_t ntok, tcap;
    size_t csi; /* the sentence group_candidates has reached */
    tx_seg *out;
    size_t scap, ccap;
    UText *ut;
    UErrorCode st; /* the ICU error, when a phase returns EINTERNAL */
} segger;

/* Sentences by ICU's sentence break (it breaks at every line feed too).  A
 * sentence that opens with a speaker label starts after it; the label's
 * start is kept for where an entry or the outro begins.  A line holding
 * only its label is no sentence. */
/* Is the break at byte i inside a Latin token, an ASCII stop between two
 * letters or digits ("watch?v=", "v2.5"), not a Han sentence's end before
 * a Latin one ("好!Next")?  ICU ends a sentence at
 * "?" and "!" whatever follows; in speech such a break is a URL's query
 * or a version number, and the sentence goes on. */
static int inside_token(const char *t, size_t i, size_t end)
{
    if (i >= end || i < 2) return 0;
    unsigned char o = (unsigned char)t[i - 2], p = (unsigned char)t[i - 1], q = (unsigned char)t[i];
    return (p == '?' || p == '!' || p == '.') && o < 0x80 &&
           (isalnum(o) || (o && strchr("/=&_-", o))) && q < 0x80 && isalnum(q);
}

static tx2json_status split_sentences(segger *g, UBreakIterator *sb)
{
    tx_seg *out = g->out;
    ubrk_setUText(sb, g->ut, &g->st);
    if (U_FAILURE(g->st)) return TX2JSON_EINTERNAL;
    int32_t prev = 0;
    tx2json_status rc;
    for (int32_t b = ubrk_next(sb); b != UBRK_DONE; b = ubrk_next(sb)) {
        if (inside_token(g->t, g->from + (size_t)b, g->to)) continue;
        if ((rc = add_sentence(out, &g->scap, g->t, g->from, g->from + (size_t)prev,
                               g->from + (size_t)b)))
            return rc;
        prev = b;
    }
    size_t keep = 0;
    for (size_t i = 0, li = 0; i < out->nsent; i++) {
        tx_sentence st = out->sent[i];
        while (li < (size_t)g->nlab && g->lab[2 * li] < st.start)
            li++;
        size_t at = li < (size_t)g->nlab ? g->lab[2 * li] : SIZE_MAX;
        if (at != st.start && at < st.end && st.line && past_stamp(g->c, st.start, st.end) == at)
            st.label = at; /* the label after the line's time stamp */
        if (at == st.start || at == st.label) {
            st.start = g->lab[2 * li + 1];
            while (st.start < st.end && (g->t[st.start] == ' ' || g->t[st.start] == '\t'))
                st.start++;
        }
        if (st.start < st.end) out->sent[keep++] = st;
    }
    out->nsent = keep;
    return TX2JSON_OK;
}

/* Is t[0, n) a line of YAML front matter: "key: value", an indented or
 * listed continuation, or blank? */
static int front_matter_line(const char *t, size_t n)
{
    if (!n || t[0] == ' ' || t[0] == '\t' || t[0] == '-') return 1;
    size_t k = 0;
    while (k < n && (isalnum((unsigned char)t[k]) || t[k] == '_' || t[k] == '-'))
        k++;
    return k > 0 && k < n && t[k] == ':' && (k + 1 == n || t[k + 1] == ' ');
}

/* The end of the YAML front matter that opens the text (a "---" line,
 * front_matter_line lines, a closing "---" or "..." line), as Markdown
 * transcripts written by notes tools and site generators carry:
 * metadata, no speech.  from when the span does not open the text or no
 * such block opens it. */
static size_t front_matter_end(const char *t, size_t from, size_t to)
{
    if (from != 0 || to < 4 || memcmp(t, "---\n", 4) != 0) return from;
    for (size_t p = 4; p < to;) {
        const char *nl = memchr(t + p, '\n', to - p);
        size_t e = nl ? (size_t)(nl - t) : to;
        if (e - p == 3 && (!memcmp(t + p, "---", 3) || !memcmp(t + p, "...", 3)))
            return nl ? e + 1 : e;
        if (!front_matter_line(t + p, e - p)) return from;
        p = e + 1;
    }
    return from;
}

/* Does a framing rule match the whole of the sentence [a, b) (an
 * export's "End time: 12.5" or "Speaker: Name" line), so it is no speech? */
static int is_framing(const tx_conv *c, size_t a, size_t b)
{
    const tx_rule *r;
    tx_match m;
    while (b > a && (c->norm->s[b - 1] == '\n' || c->norm->s[b - 1] == ' '))
        b--;
    for (size_t i = 0; c->rules && (r = tx_rules_get(c->rules, RK_FRAMING, c->lang, i)); i++)
        if (tx_rule_match(c->rules, r, c->norm->s + a, b - a, 0, &m) == 1 && m.start == 0 &&
            m.end == b - a)
            return 1;
    return 0;
}

/* Past a time-hint match ("(00:02:10) ", "说话人1 00:12") at norm byte a
 * of a sentence ending at b, and the spaces after it; a when none. */
static size_t past_stamp(const tx_conv *c, size_t a, size_t b)
{
    const tx_rule *r;
    tx_match m;
    for (size_t i = 0; c->rules && (r = tx_rules_get(c->rules, RK_TIMEHINT, c->lang, i)); i++) {
        if (tx_rule_match(c->rules, r, c->norm->s + a, b - a, 0, &m) != 1 || m.start != 0 || !m.end)
            continue;
        size_t e = a + m.end;
        while (e < b && (c->norm->s[e] == ' ' || c->norm->s[e] == '\t'))
            e++;
        return e;
    }
    return a;
}

/* Is the code point that ends at t[i) (before a space) or starts at t[i]
 * a CJK character? */
static int cjk_before(const char *t, size_t from, size_t i)
{
    size_t k = i;
    while (k > from && ((unsigned char)t[k - 1] & 0xC0) == 0x80)
        k--;
    if (k == from || k == i) return 0;
    k--;
    return is_cjk(tx_u8_next(t, &k));
}

static int cjk_at(const char *t, size_t i, size_t end)
{
    return i < end && is_cjk(tx_u8_next(t, &i));
}

/* A space next to a CJK character: where a recogniser that writes no
 * punctuation marks a pause. */
static int is_pause(const char *t, size_t from, size_t i, size_t end)
{
    return t[i] == ' ' && (cjk_before(t, from, i) || cjk_at(t, i + 1, end));
}

/* Does the text [from, to) mark its pauses with spaces rather than with
 * CJK punctuation (more pauses than full stops, commas and the like)? */
static int pauses_are_spaces(const char *t, size_t from, size_t to)
{
    static const char *const punct[] = {"\xe3\x80\x82", "\xef\xbc\x8c", "\xef\xbc\x81",
                                        "\xef\xbc\x9f", "\xef\xbc\x9b", "\xe3\x80\x81"};
    size_t pauses = 0, marks = 0;
    for (size_t i = from; i < to; i++) {
        if (is_pause(t, from, i, to)) pauses++;
        for (size_t k = 0; k < sizeof punct / sizeof *punct; k++)
            if (i + 3 <= to && !memcmp(t + i, punct[k], 3)) marks++;
    }
    return pauses > marks;
}

/* Is the break between sentences ending at e and starting at n (a
 * speaker label on the second counts as a start) a line break inside one
 * sentence: the first ends in a Latin letter, digit or comma, no sentence
 * end, and the second goes on in lower case ("…a b\n\nrief summary", an
 * export cut into fixed-size chunks)? */
static int broken_sentence(const char *t, size_t e, size_t n)
{
    if (!e) return 0;
    unsigned char last = (unsigned char)t[e - 1], next = (unsigned char)t[n];
    int nl = 0;
    for (size_t i = e; i < n; i++)
        nl |= t[i] == '\n';
    return nl && (isalnum(last) || last == ',') && next >= 'a' && next <= 'z';
}

/* Joins the sentences a line break cut in two (broken_sentence), in
 * prose: such a break is neither a sentence end nor a paragraph. */
static void join_broken(const tx_conv *c, segger *g)
{
    tx_seg *out = g->out;
    if (c->lines_layout || !out->nsent) return;
    size_t keep = 1;
    for (size_t i = 1; i < out->nsent; i++) {
        tx_sentence *p = &out->sent[keep - 1], st = out->sent[i];
        if (st.label == st.start && broken_sentence(g->t, p->end, st.start))
            p->end = st.end;
        else
            out->sent[keep++] = st;
    }
    out->nsent = keep;
}

/* An entry can only start where a sentence does.  So a time stamp or turn
 * header that opens a line (a time-hint rule) is left out of the sentence:
 * framing, not speech, the item starts at its words, and a line a framing
 * rule matches whole is no sentence at all.  And as the sentences are the
 * segmenter's units, in prose whose pauses are spaces a pause ends a
 * sentence (an unpunctuated recogniser's clause)
 * once the clause has the pause-clause-min parameter's code points ("好了
 * 以上就是" stays whole: a lone particle belongs to what follows). */
static tx2json_status unit_sentences(tx_conv *c, segger *g)
{
    tx_seg *out = g->out;
    const char *t = g->t;
    join_broken(c, g);
    const tx_weights *w = c->weights;
    int split = !c->lines_layout && w && w->has_param[TXP_PAUSE_CLAUSE_MIN] &&
                pauses_are_spaces(t, g->from, g->to);
    double least = split ? w->param[TXP_PAUSE_CLAUSE_MIN] : 0.0;
    tx_sentence *v = NULL;
    size_t nv = 0, cap = 0;
    for (size_t i = 0; i < out->nsent; i++) {
        tx_sentence st = out->sent[i];
        if (st.label < g->front) continue; /* front matter: no sentence */
        if ((st.label == g->from || t[st.label - 1] == '\n') && is_framing(c, st.label, st.end))
            continue; /* a line of framing: no sentence */
        if (st.label == st.start && (st.start == g->from || t[st.start - 1] == '\n'))
            st.start = past_stamp(c, st.start, st.end);
        st.label = st.label == out->sent[i].start ? st.start : st.label;
        while (st.start < st.end) {
            size_t e = st.start, cps = 0;
            while (e < st.end && !(split && (double)cps >= least && is_pause(t, g->from, e, g->to)))
                cps += ((unsigned char)t[e++] & 0xC0) != 0x80;
            tx_sentence *p = tx_grow(v, &cap, nv + 1, sizeof *p);
            if (!p) {
                free(v);
                return TX2JSON_ENOMEM;
            }
            v = p;
            v[nv++] = (tx_sentence){st.start, e, st.label, st.line};
            while (e < st.end && t[e] == ' ')
                e++;
            st.start = st.label = e;
            st.line = 0;
        }
    }
    free(out->sent);
    out->sent = v;
    out->nsent = nv;
    g->scap = cap;
    return TX2JSON_OK;
}

/* The type of word t[s,e) with ICU rule status: a word with a Latin letter
 * in it is a Latin word ("Foo0", "4o"), a word of digits a number; Han and
 * the rest are neither. */
static int word_type(const char *t, size_t s, size_t e, int32_t status)
{
    if (status < UBRK_WORD_NUMBER || status >= UBRK_WORD_LETTER_LIMIT) return T_OTHER;
    int latin = 0, digit = 0;
    for (size_t i = s; i < e && !latin;) {
        UErrorCode s2 = U_ZERO_ERROR;
        uint32_t c = tx_u8_next(t, &i);
        if (c >= '0' && c <= '9')
            digit = 1;
        else if (c < 0x80 ? ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
                          : uscript_getScript((UChar32)c, &s2) == USCRIPT_LATIN)
            latin = 1;
    }
    return latin ? T_LATIN : digit ? T_NUM : T_OTHER;
}

static tx2json_status group_candidates(segger *g);

/* Adds token k; with TOKEN_BATCH tokens or more held and a gap before k
 * that no run crosses (more than a joiner or one space: run_continues
 * never looks past it), the tokens held become candidates first, so
 * memory stays in proportion to a batch, not to the text. */
static tx2json_status add_token(segger *g, tok k)
{
    if (g->ntok >= TOKEN_BATCH && !is_joiner(g->t, g->toks[g->ntok - 1].e, k.s) &&
        !is_space_only(g->t, g->toks[g->ntok - 1].e, k.s)) {
        tx2json_status rc = group_candidates(g);
        if (rc) return rc;
        g->ntok = 0;
    }
    tok *p = tx_grow(g->toks, &g->tcap, g->ntok + 1, sizeof *p);
    if (!p) return TX2JSON_ENOMEM;
    g->toks = p;
    g->toks[g->ntok++] = k;
    return TX2JSON_OK;
}

/* Only Latin words and numbers become tokens, so the word iterator runs
 * over the stretches between ideographs and kana, never over Han text: ICU
 * always breaks where a Han character meets anything else, and its
 * dictionary break of Han text is the costliest step there is.  The
 * tokens become name candidates as they go (add_token). */
static tx2json_status word_tokens(segger *g, UBreakIterator *wb)
{
    const char *t = g->t;
    size_t li = 0; /* speaker labels passed */
    for (size_t at = g->from; at < g->to;) {
        size_t ss, se;
        if (!next_stretch(t, g->to, &at, &ss, &se)) break;
        utext_openUTF8(g->ut, t + ss, (int64_t)(se - ss), &g->st);
        ubrk_setUText(wb, g->ut, &g->st);
        if (U_FAILURE(g->st)) return TX2JSON_EINTERNAL;
        int32_t prev = 0;
        for (int32_t b = ubrk_next(wb); b != UBRK_DONE; b = ubrk_next(wb)) {
            size_t s = ss + (size_t)prev, e = ss + (size_t)b;
            prev = b;
            int type = word_type(t, s, e, ubrk_getRuleStatus(wb));
            if (type == T_OTHER) continue;
            while (li < (size_t)g->nlab && g->lab[2 * li + 1] <= s)
                li++;
            if (li < (size_t)g->nlab && g->lab[2 * li] <= s) continue; /* in a speaker label */
            int ud = type == T_NUM;
            for (size_t i = s; i < e; i++)
                if ((t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= '0' && t[i] <= '9')) ud = 1;
            tx2json_status rc = add_token(g, (tok){s, e, type, ud});
            if (rc) return rc;
        }
    }
    return group_candidates(g);
}

/* Does token j + 1 continue the run that token j is in: joined by a
 * hyphen or the like, or after a space when it is upper-case, a digit or a
 * number word ("eight by twenty two B": "by" between numbers too)? */
static int run_continues(const segger *g, size_t j)
{
    const char *t = g->t;
    const tok *k = g->toks;
    size_t a = k[j].e, b = k[j + 1].s;
    const tok *nx = &k[j + 1];
    int numnext = nx->upper_or_digit || tx_is_number_word(g->nt, t + nx->s, nx->e - nx->s);
    int by = is_space_only(t, a, b) && nx->e - nx->s == 2 && memcmp(t + nx->s, "by", 2) == 0 &&
             tx_is_number_word(g->nt, t + k[j].s, k[j].e - k[j].s) && j + 2 < g->ntok &&
             is_space_only(t, nx->e, k[j + 2].s) &&
             tx_is_number_word(g->nt, t + k[j + 2].s, k[j + 2].e - k[j + 2].s);
    return is_joiner(t, a, b) || (is_space_only(t, a, b) && (numnext || by));
}

/* Is token i a capitalised word (an upper-case letter, then lower-case
 * ones) that opens sentence si ("So", "At")? */
static int opens_sentence(const segger *g, size_t i, size_t si)
{
    const tok *k = &g->toks[i];
    const char *t = g->t;
    if (k->e - k->s < 2 || !(t[k->s] >= 'A' && t[k->s] <= 'Z')) return 0;
    for (size_t x = k->s + 1; x < k->e; x++)
        if (!(t[x] >= 'a' && t[x] <= 'z')) return 0;
    size_t from = si < g->out->nsent ? g->out->sent[si].start : g->from;
    for (size_t x = from; x < k->s; x++)
        if (isalnum((unsigned char)t[x]) || (unsigned char)t[x] >= 0x80) return 0;
    return 1;
}

/* Is token i, the first of run [i, j], a stop-name that opens its
 * sentence, followed by a space ("So Google Finance", "At WWDC")?  It is
 * capitalised because the sentence starts there: no part of the name. */
static int stop_opens_run(const segger *g, size_t i, size_t j, size_t si)
{
    const tok *k = g->toks;
    return i < j && is_space_only(g->t, k[i].e, k[i + 1].s) && opens_sentence(g, i, si) &&
           tx_conv_is_stop(g->c, k[i].s, k[i].e);
}

/* Groups tokens into runs, never across a sentence end; a run with a
 * capital or a digit and a letter is a name candidate, without the
 * stop-names that open it. */
static tx2json_status group_candidates(segger *g)
{
    const char *t = g->t;
    tx_seg *out = g->out;
    size_t si = g->csi;
    for (size_t i = 0; i < g->ntok;) {
        if (g->toks[i].type != T_LATIN || !g->toks[i].upper_or_digit) {
            i++;
            continue;
        }
        while (si < out->nsent && out->sent[si].end <= g->toks[i].s)
            si++;
        size_t send = si < out->nsent ? out->sent[si].end : g->to;
        size_t j = i, ud = 0;
        while (j + 1 < g->ntok && g->toks[j + 1].e <= send && run_continues(g, j))
            j++;
        size_t f = i + (size_t)stop_opens_run(g, i, j, si);
        for (size_t k = f; k <= j; k++)
            ud |= g->toks[k].upper_or_digit;
        size_t cs = g->toks[f].s, ce = g->toks[j].e;
        int letters = 0;
        for (size_t k = cs; k < ce; k++)
            if ((unsigned char)t[k] >= 'A' && !(t[k] >= '0' && t[k] <= '9')) letters++;
        ce = numeral_tail(g->nt, t, ce, send);
        if (ud && letters >= 1 && ce - cs >= 2) {
            tx_cand *p = tx_grow(out->cand, &g->ccap, out->ncand + 1, sizeof *p);
            if (!p) return TX2JSON_ENOMEM;
            out->cand = p;
            out->cand[out->ncand++] = (tx_cand){cs, ce, CAND_LATIN, (int)si};
        }
        i = j + 1;
    }
    g->csi = si;
    return TX2JSON_OK;
}

static void fit(tx_seg *s);

tx2json_status tx_segment(tx_conv *c, size_t from, size_t to)
{
    segger g = {0};
    g.t = c->norm->s;
    g.nt = c->num;
    g.c = c;
    g.from = from;
    g.to = to;
    g.front = front_matter_end(g.t, from, to);
    g.out = c->seg;
    memset(g.out, 0, sizeof *g.out);
    g.nlab = speaker_labels(c, from, to, &g.lab);
    if (g.nlab < 0) {
        tx_seterr(c->err, TX2JSON_ENOMEM, NULL, 0, 0, (size_t)-1, "out of memory");
        return TX2JSON_ENOMEM;
    }
    UBreakIterator *sb = c->sbrk, *wb = c->wbrk;
    g.ut = utext_openUTF8(NULL, g.t + from, (int64_t)(to - from), &g.st);
    tx2json_status rc = U_FAILURE(g.st) ? TX2JSON_EINTERNAL : split_sentences(&g, sb);
    if (!rc) rc = unit_sentences(c, &g);
    if (!rc) rc = word_tokens(&g, wb);
    if (rc == TX2JSON_EINTERNAL)
        tx_seterr(c->err, rc, NULL, 0, 0, (size_t)-1, "ICU break iterator: %s", u_errorName(g.st));
    else if (rc)
        tx_seterr(c->err, TX2JSON_ENOMEM, NULL, 0, 0, (size_t)-1, "out of memory");
    free(g.toks);
    free(g.lab);
    /* Detach the iterators from this document's text before it goes. */
    UErrorCode s3 = U_ZERO_ERROR;
    UText *empty = utext_openUTF8(NULL, "", 0, &s3);
    if (U_SUCCESS(s3)) {
        ubrk_setUText(sb, empty, &s3);
        ubrk_setUText(wb, empty, &s3);
    }
    utext_close(empty);
    utext_close(g.ut);
    if (rc) tx_seg_free(g.out);
    if (!rc) fit(g.out);
    return rc;
}

/* Gives the arrays back the room their doubling left over: they live
 * until the document is written (a failed shrink keeps the array). */
static void fit(tx_seg *s)
{
    tx_sentence *v = s->nsent ? realloc(s->sent, s->nsent * sizeof *v) : NULL;
    if (v) s->sent = v;
    tx_cand *k = s->ncand ? realloc(s->cand, s->ncand * sizeof *k) : NULL;
    if (k) s->cand = k;
}

void tx_seg_free_cands(tx_seg *s)
{
    free(s->cand);
    s->cand = NULL;
    s->ncand = 0;
}

void tx_seg_free(tx_seg *s)
{
    free(s->sent);
    free(s->cand);
    s->sent = NULL;
    s->cand = NULL;
    s->nsent = s->ncand = 0;
}
