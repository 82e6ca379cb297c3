/* segment.c - stage 3: sentences and name candidates, with ICU.
 *
 * Sentences come from ICU's sentence break iterator run over the matching
 * form (a UTF-8 UText, so boundaries are byte offsets); Chinese and ASCII
 * terminators and line breaks all end a sentence.  Words come from ICU's
 * word break iterator; runs of Latin words and numbers joined by a space,
 * hyphen, dot or plus form one name candidate ("Foo-bar LLM",
 * "GPT-4 Vision"), so a multi-word Latin name inside Han text stays whole. */
#include "segment.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>

enum { T_OTHER, T_LATIN, T_NUM };

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

static tx2json_status add_sentence(tx_seg *out, size_t *cap, const char *s, size_t a, size_t b)
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
    out->nsent++;
    return TX2JSON_OK;
}

/* A spoken version number glued to a Latin name ("Foo三", "Foo K一点五",
 * "Foo三十二B"): Han numerals, with 点 between them, and any Latin that
 * follows at once, not followed by a measure word.  Returns the new end of a candidate ending
 * at e (e itself when none), never past end. */
static size_t numeral_tail(const char *s, size_t e, size_t end)
{
    static const char *const num = "零一二三四五六七八九十两";
    size_t i = e, last = e;
    while (i + 3 <= end) {
        int isnum = 0;
        for (const char *q = num; *q && !isnum; q += 3)
            isnum = memcmp(s + i, q, 3) == 0;
        if (isnum) {
            i += 3;
            last = i;
        } else if (last > e && last == i && memcmp(s + i, "点", 3) == 0) {
            i += 3;
        } else {
            break;
        }
    }
    if (last == e) return e;
    /* The name may go on in Latin after its number ("Foo三十二B"). */
    while (last < end && (isalnum((unsigned char)s[last]) || s[last] == '-' || s[last] == '.') &&
           !(s[last] == '.' && (last + 1 >= end || !isalnum((unsigned char)s[last + 1]))))
        last++;
    if (last + 3 <= end) { /* a measure word after it: "Foo三个版本" is no version */
        static const char *const measure =
            "个款种位代次年月日号万亿千百倍条家名项篇张部期季集分秒元岁台";
        for (const char *q = measure; *q; q += 3)
            if (memcmp(s + last, q, 3) == 0) return e;
    }
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

/* Speaker labels ("HOST: ", "主持人:") at line starts in [from,to), as
 * [start,end) pairs in *lab; a label is kept only when the same speaker
 * starts another line too, so a lone "Note: ..." stays text.  Returns
 * the count, or -1 on OOM. */
static long speaker_labels(const tx_norm *n, size_t from, size_t to, const tx_ruleset *rs,
                           const char *lang, size_t **lab)
{
    size_t cnt = 0, cap = 0;
    *lab = NULL;
    if (!rs || !tx_rules_get(rs, RK_SPEAKER, lang, 0)) return 0;
    for (size_t p = from; p < to;) {
        const char *nl = memchr(n->s + p, '\n', to - p);
        size_t e = nl ? (size_t)(nl - n->s) : to;
        const tx_rule *r;
        tx_match m;
        for (size_t k = 0; (r = tx_rules_get(rs, RK_SPEAKER, lang, k)); k++)
            if (tx_rule_match(rs, r, n->s + p, e - p, 0, &m) == 1 && m.start == 0 && m.end > 0 &&
                m.end < e - p) {
                size_t *q = tx_grow(*lab, &cap, 2 * cnt + 2, sizeof *q);
                if (!q) {
                    free(*lab);
                    *lab = NULL;
                    return -1;
                }
                *lab = q;
                q[2 * cnt] = p;
                q[2 * cnt + 1] = p + m.end;
                cnt++;
                break;
            }
        p = e + 1;
    }
    /* Keep the labels whose text (the speaker) starts two or more lines. */
    size_t *ord = malloc((cnt ? cnt : 1) * sizeof *ord);
    if (!ord) {
        free(*lab);
        *lab = NULL;
        return -1;
    }
    for (size_t i = 0; i < cnt; i++)
        ord[i] = i;
    sort_text = n->s;
    sort_lab = *lab;
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
        if (ord[i] & LONE) (*lab)[2 * (ord[i] & ~LONE)] = (size_t)-1; /* dropped */
    for (size_t i = 0; i < cnt; i++)
        if ((*lab)[2 * i] != (size_t)-1) {
            (*lab)[2 * keep] = (*lab)[2 * i];
            (*lab)[2 * keep + 1] = (*lab)[2 * i + 1];
            keep++;
        }
    free(ord);
    return (long)keep;
}

tx2json_status tx_segment(tx_conv *c, size_t from, size_t to)
{
    const tx_norm *n = c->norm;
    const tx_ruleset *rs = c->rules;
    const char *lang = c->lang;
    void *sbrk = c->sbrk, *wbrk = c->wbrk;
    tx_seg *out = c->seg;
    tx2json_error *err = c->err;
    memset(out, 0, sizeof *out);
    size_t *lab = NULL;
    long nlab = speaker_labels(n, from, to, rs, lang, &lab);
    if (nlab < 0) {
        tx_seterr(err, TX2JSON_ENOMEM, NULL, 0, 0, (size_t)-1, "out of memory");
        return TX2JSON_ENOMEM;
    }
    memset(out, 0, sizeof *out);
    UErrorCode st = U_ZERO_ERROR;
    UText *ut = utext_openUTF8(NULL, n->s + from, (int64_t)(to - from), &st);
    UBreakIterator *sb = sbrk, *wb = wbrk;
    tok *toks = NULL;
    size_t ntok = 0, tcap = 0, scap = 0, ccap = 0;
    tx2json_status rc = TX2JSON_OK;
    if (U_FAILURE(st)) goto icu;
    ubrk_setUText(sb, ut, &st);
    if (U_FAILURE(st)) goto icu;

    int32_t prev = 0;
    for (int32_t b = ubrk_next(sb); b != UBRK_DONE; b = ubrk_next(sb)) {
        if ((rc = add_sentence(out, &scap, n->s, from + (size_t)prev, from + (size_t)b))) goto oom;
        prev = b;
    }
    /* A sentence that opens with a speaker label starts after it; the
     * label's start is kept for where an entry or the outro begins.  A
     * line holding only its label is no sentence. */
    size_t keep = 0;
    for (size_t i = 0, li = 0; i < out->nsent; i++) {
        tx_sentence st = out->sent[i];
        while (li < (size_t)nlab && lab[2 * li] < st.start)
            li++;
        if (li < (size_t)nlab && lab[2 * li] == st.start) {
            st.start = lab[2 * li + 1];
            while (st.start < st.end && (n->s[st.start] == ' ' || n->s[st.start] == '\t'))
                st.start++;
        }
        if (st.start < st.end) out->sent[keep++] = st;
    }
    out->nsent = keep;

    /* Only Latin words and numbers become tokens, so the word iterator
     * runs over the stretches between ideographs and kana, never over Han
     * text: ICU always breaks where a Han character meets anything else,
     * and its dictionary break of Han text is the costliest step there is. */
    size_t li = 0; /* speaker labels passed */
    for (size_t at = from; at < to;) {
        size_t ss, se;
        if (!next_stretch(n->s, to, &at, &ss, &se)) break;
        utext_openUTF8(ut, n->s + ss, (int64_t)(se - ss), &st);
        ubrk_setUText(wb, ut, &st);
        if (U_FAILURE(st)) goto icu;
        prev = 0;
        for (int32_t b = ubrk_next(wb); b != UBRK_DONE; b = ubrk_next(wb)) {
            int32_t status = ubrk_getRuleStatus(wb);
            size_t s = ss + (size_t)prev, e = ss + (size_t)b;
            prev = b;
            /* A word with a Latin letter in it is a Latin word ("Foo0", "4o"),
             * a word of digits a number; Han and the rest are neither. */
            int type = T_OTHER;
            if (status >= UBRK_WORD_NUMBER && status < UBRK_WORD_LETTER_LIMIT) {
                int latin = 0, digit = 0;
                for (size_t i = s; i < e && !latin;) {
                    UErrorCode s2 = U_ZERO_ERROR;
                    uint32_t c = tx_u8_next(n->s, &i);
                    if (c >= '0' && c <= '9')
                        digit = 1;
                    else if (c < 0x80 ? ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
                                      : uscript_getScript((UChar32)c, &s2) == USCRIPT_LATIN)
                        latin = 1;
                }
                type = latin ? T_LATIN : digit ? T_NUM : T_OTHER;
            }
            if (type == T_OTHER) continue;
            while (li < (size_t)nlab && lab[2 * li + 1] <= s)
                li++;
            if (li < (size_t)nlab && lab[2 * li] <= s) continue; /* in a speaker label */
            tok *p = tx_grow(toks, &tcap, ntok + 1, sizeof *p);
            if (!p) goto oom;
            toks = p;
            int ud = type == T_NUM;
            for (size_t i = s; i < e; i++)
                if ((n->s[i] >= 'A' && n->s[i] <= 'Z') || (n->s[i] >= '0' && n->s[i] <= '9'))
                    ud = 1;
            toks[ntok++] = (tok){s, e, type, ud};
        }
    }

    /* Group tokens into runs, never across a sentence end. */
    size_t si = 0;
    for (size_t i = 0; i < ntok;) {
        if (toks[i].type != T_LATIN || !toks[i].upper_or_digit) {
            i++;
            continue;
        }
        while (si < out->nsent && out->sent[si].end <= toks[i].s)
            si++;
        size_t send = si < out->nsent ? out->sent[si].end : to;
        size_t j = i, ud = toks[i].upper_or_digit;
        while (j + 1 < ntok && toks[j + 1].e <= send) {
            size_t a = toks[j].e, b = toks[j + 1].s;
            const tok *nx = &toks[j + 1];
            int numnext = nx->upper_or_digit || tx_is_number_word(n->s + nx->s, nx->e - nx->s);
            /* "eight by twenty two B": "by" between numbers. */
            int by = is_space_only(n->s, a, b) && nx->e - nx->s == 2 &&
                     memcmp(n->s + nx->s, "by", 2) == 0 &&
                     tx_is_number_word(n->s + toks[j].s, toks[j].e - toks[j].s) && j + 2 < ntok &&
                     is_space_only(n->s, nx->e, toks[j + 2].s) &&
                     tx_is_number_word(n->s + toks[j + 2].s, toks[j + 2].e - toks[j + 2].s);
            if (is_joiner(n->s, a, b) || (is_space_only(n->s, a, b) && (numnext || by))) {
                j++;
                ud |= toks[j].upper_or_digit;
            } else {
                break;
            }
        }
        size_t cs = toks[i].s, ce = toks[j].e;
        int letters = 0;
        for (size_t k = cs; k < ce; k++)
            if ((unsigned char)n->s[k] >= 'A' && !(n->s[k] >= '0' && n->s[k] <= '9')) letters++;
        ce = numeral_tail(n->s, ce, send);
        if (ud && letters >= 1 && ce - cs >= 2) {
            tx_cand *p = tx_grow(out->cand, &ccap, out->ncand + 1, sizeof *p);
            if (!p) goto oom;
            out->cand = p;
            out->cand[out->ncand++] = (tx_cand){cs, ce, CAND_LATIN, (int)si};
        }
        i = j + 1;
    }
    goto done;
icu:
    tx_seterr(err, TX2JSON_EINTERNAL, NULL, 0, 0, (size_t)-1, "ICU break iterator: %s",
              u_errorName(st));
    rc = TX2JSON_EINTERNAL;
    goto done;
oom:
    tx_seterr(err, TX2JSON_ENOMEM, NULL, 0, 0, (size_t)-1, "out of memory");
    rc = TX2JSON_ENOMEM;
done:
    free(toks);
    free(lab);
    /* Detach the iterators from this document's text before it goes. */
    UErrorCode s3 = U_ZERO_ERROR;
    UText *empty = utext_openUTF8(NULL, "", 0, &s3);
    if (U_SUCCESS(s3)) {
        ubrk_setUText(sb, empty, &s3);
        ubrk_setUText(wb, empty, &s3);
    }
    utext_close(empty);
    utext_close(ut);
    if (rc) tx_seg_free(out);
    return rc;
}

void tx_seg_free(tx_seg *s)
{
    free(s->sent);
    free(s->cand);
    s->sent = NULL;
    s->cand = NULL;
    s->nsent = s->ncand = 0;
}
