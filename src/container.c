/* container.c - stage 1b: SRT, WebVTT, SBV and speech-recognition JSON
 * framing (see container.h).
 *
 * The text is read line by line once.  A timing line ("00:00:02,600 -->
 * 00:00:05,100", or WebVTT's "02.600 --> 05.100 align:start") opens a
 * cue; the line just before it is the cue's number (SRT: digits alone) or
 * identifier (WebVTT: the first line of its block) and is framing; the
 * lines after it up to a blank line are the cue's text.  The last line
 * seen is held back until the next line is known, as it may turn out to
 * be the next cue's number when a blank line is missing.  Lines outside
 * every cue are kept as text with a warning, except after the last cue,
 * where a reference list is expected.  Nothing is ever dropped without a
 * warning but framing. */
#include "container.h"
#include "normalize.h"
#include "read.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Units of a timestamp, and how many digits each field may have (the
 * formats' own widths; an hour count is bounded so it cannot overflow). */
#define SECONDS_PER_MINUTE 60
#define MINUTES_PER_HOUR 60
#define MAX_HOUR_DIGITS 6
#define MAX_FIELD_DIGITS 2
#define MAX_FRACTION_DIGITS 3
#define MAX_TIME_FIELDS 3

enum timing { T_NONE, T_VALID, T_MALFORMED };

typedef struct line {
    size_t s, e, no; /* bytes [s, e) without the line break; 1-based number */
} line;

typedef struct parser {
    tx_conv *c;
    tx_container *k;
    const char *t;
    size_t len, max_line;
    enum { P_HEADER, P_SKIP, P_GAP, P_CUE } state;
    int block_start; /* the next line starts a block (after a blank line) */
    int has_pend;    /* a line is held back */
    line pend;
    int pend_in_cue, pend_block_start;
    size_t stray_no, stray_s, stray_e; /* first line outside the cues since the last cue */
    tx2json_status rc;                 /* why parsing stopped, when not for memory */
    int warned_before;                 /* text before the first cue was reported */
    size_t cue_bytes;                  /* matching-form bytes of the current cue */
} parser;

static int is_ws(char ch)
{
    return ch == ' ' || ch == '\t';
}

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_ws(s[i])) return 0;
    return 1;
}

static int is_digits(const char *s, size_t n)
{
    while (n && is_ws(s[n - 1]))
        n--;
    size_t i = 0;
    while (i < n && is_ws(s[i]))
        i++;
    if (i == n) return 0;
    for (; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

/* Reads at most max digits at s[*i..n) into *v; the count read. */
static size_t read_digits(const char *s, size_t n, size_t *i, size_t max, long long *v)
{
    size_t k = 0;
    *v = 0;
    while (*i < n && k < max && s[*i] >= '0' && s[*i] <= '9') {
        *v = *v * 10 + (s[*i] - '0');
        (*i)++;
        k++;
    }
    return k;
}

/* A timestamp at s[*i..n): [hours:]minutes:seconds, then ',' or '.' and
 * a fraction of 1-3 digits.  1 and *ms on success. */
static int read_time(const char *s, size_t n, size_t *i, long long *ms)
{
    long long f[MAX_TIME_FIELDS];
    size_t nf = 0;
    for (;;) {
        size_t max = nf == 0 ? MAX_HOUR_DIGITS : MAX_FIELD_DIGITS;
        if (!read_digits(s, n, i, max, &f[nf])) return 0;
        nf++;
        if (nf == MAX_TIME_FIELDS || *i >= n || s[*i] != ':') break;
        (*i)++;
    }
    if (nf < 2 || *i >= n || (s[*i] != ',' && s[*i] != '.')) return 0;
    (*i)++;
    long long frac;
    size_t nd = read_digits(s, n, i, MAX_FRACTION_DIGITS, &frac);
    if (!nd || (*i < n && s[*i] >= '0' && s[*i] <= '9')) return 0;
    for (size_t d = nd; d < MAX_FRACTION_DIGITS; d++)
        frac *= 10;
    long long h = nf == MAX_TIME_FIELDS ? f[0] : 0, m = f[nf - 2], sec = f[nf - 1];
    if ((nf == MAX_TIME_FIELDS && m >= MINUTES_PER_HOUR) || sec >= SECONDS_PER_MINUTE) return 0;
    *ms = ((h * MINUTES_PER_HOUR + m) * SECONDS_PER_MINUTE + sec) * MS_PER_SECOND + frac;
    return 1;
}

/* The first "-->" in s[0..n), or NULL. */
static const char *find_arrow(const char *s, size_t n)
{
    for (const char *a = s, *end = s + n; (a = memchr(a, '-', (size_t)(end - a))); a++)
        if (end - a >= 3 && a[1] == '-' && a[2] == '>') return a;
    return NULL;
}

/* Is s[0..n) SBV's timing line, "A,B" (A's fraction after a '.'), and
 * nothing else but blanks? */
static int sbv_timing(const char *s, size_t n, long long *a, long long *b)
{
    size_t i = 0;
    while (i < n && is_ws(s[i]))
        i++;
    if (!read_time(s, n, &i, a) || s[i - 4] != '.' || i >= n || s[i] != ',') return 0;
    i++;
    if (!read_time(s, n, &i, b)) return 0;
    while (i < n && is_ws(s[i]))
        i++;
    return i == n;
}

/* Is s[0..n) a timing line ("A --> B", anything after B past a space:
 * cue settings, SRT coordinates; in SBV, "A,B")?  A line that holds "-->"
 * or opens with a timestamp but is no timing line is malformed. */
static enum timing timing_line(const char *s, size_t n, int sbv, long long *a, long long *b)
{
    size_t i = 0;
    if (sbv && sbv_timing(s, n, a, b)) return T_VALID;
    while (i < n && is_ws(s[i]))
        i++;
    int first = read_time(s, n, &i, a);
    if (first) {
        while (i < n && is_ws(s[i]))
            i++;
        if (i + 3 <= n && memcmp(s + i, "-->", 3) == 0) {
            i += 3;
            while (i < n && is_ws(s[i]))
                i++;
            if (read_time(s, n, &i, b) && (i == n || is_ws(s[i]))) return T_VALID;
        }
    }
    if (first || (n >= 3 && find_arrow(s, n))) return T_MALFORMED;
    return T_NONE;
}

int tx_is_cjk(uint32_t c)
{
    return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x3000 && c <= 0x303F) ||
           (c >= 0x20000 && c <= 0x3FFFF);
}

uint32_t tx_last_cp(const char *t, size_t e)
{
    size_t i = e - 1;
    while (i > 0 && ((unsigned char)t[i] & 0xC0) == 0x80)
        i--;
    return tx_u8_next(t, &i);
}

/* Appends the piece t[s, e) (or the byte subst standing for it). */
static int add_piece(parser *p, size_t s, size_t e, long cue, int newline, uint32_t subst)
{
    tx_container *k = p->k;
    char sep = 0;
    if (k->npiece) {
        const tx_piece *q = &k->piece[k->npiece - 1];
        if (q->cue != cue || cue < 0)
            sep = '\n';
        else if (newline) {
            size_t i = s;
            uint32_t before = q->subst ? q->subst : tx_last_cp(p->t, q->e);
            uint32_t after = subst ? subst : tx_u8_next(p->t, &i);
            sep = tx_is_cjk(before) && tx_is_cjk(after) ? 0 : ' ';
        }
    }
    tx_piece *v = tx_grow(k->piece, &k->piececap, k->npiece + 1, sizeof *v);
    if (!v) return -1;
    k->piece = v;
    v[k->npiece++] = (tx_piece){s, e, cue, sep, subst, newline, 0};
    char u8[4];
    if (cue >= 0) p->cue_bytes += (sep != 0) + (subst ? tx_u8_put(subst, u8) : e - s);
    return 0;
}

/* WebVTT's character references in cue text. */
static const struct {
    const char *name;
    uint32_t subst; /* 0: dropped (a direction mark) */
} entities[] = {{"&amp;", '&'},  {"&lt;", '<'},    {"&gt;", '>'}, {"&nbsp;", ' '},
                {"&quot;", '"'}, {"&apos;", '\''}, {"&lrm;", 0},  {"&rlm;", 0}};

/* Where the next closing byte of markup is, found once per stretch, so a
 * line full of '<' with no '>' costs one scan, not one per '<'. */
typedef struct closers {
    size_t gt, brace; /* next '>' and '}' at or after the last look, or the line's end */
} closers;

static size_t next_at(const char *t, size_t i, size_t e, char ch, size_t *cached)
{
    if (*cached < i || *cached == (size_t)-1) {
        const char *c = memchr(t + i, ch, e - i);
        *cached = c ? (size_t)(c - t) : e;
    }
    return *cached;
}

/* Length of the markup at t[i..e) (a tag, or an SRT {\...} override), 0
 * when t[i] does not open one.  WebVTT: every '<' opens a tag; SRT: only a
 * letter or '/' after it does.  Markup ends at '>' ('}') on the same line. */
static size_t markup_len(const char *t, size_t i, size_t e, int vtt, closers *cl)
{
    size_t end = e;
    if (t[i] == '<' && i + 1 < e &&
        (vtt || t[i + 1] == '/' || ((t[i + 1] | 0x20) >= 'a' && (t[i + 1] | 0x20) <= 'z')))
        end = next_at(t, i, e, '>', &cl->gt);
    else if (!vtt && t[i] == '{' && i + 1 < e && t[i + 1] == '\\')
        end = next_at(t, i, e, '}', &cl->brace);
    return end < e ? end - i + 1 : 0;
}

/* The pieces of one line of cue text, edges trimmed: markup cut out,
 * entities replaced by their byte (or dropped: direction marks). */
static int add_cue_line(parser *p, const line *l)
{
    const char *t = p->t;
    size_t s = l->s, e = l->e, run;
    long cue = (long)p->k->ncue - 1;
    int vtt = p->k->kind == TX_VTT, newline = 1;
    closers cl = {(size_t)-1, (size_t)-1};
    while (s < e && is_ws(t[s]))
        s++;
    while (e > s && is_ws(t[e - 1]))
        e--;
    run = s;
    for (size_t i = s; i < e;) {
        size_t cut = markup_len(t, i, e, vtt, &cl);
        uint32_t subst = 0;
        for (size_t k = 0; vtt && !cut && t[i] == '&' && k < sizeof entities / sizeof *entities;
             k++) {
            size_t el = strlen(entities[k].name);
            if (e - i >= el && memcmp(t + i, entities[k].name, el) == 0)
                cut = el, subst = entities[k].subst;
        }
        if (!cut) {
            i++;
            continue;
        }
        if (i > run && add_piece(p, run, i, cue, newline, 0)) return -1;
        if (i > run) newline = 0;
        if (subst && add_piece(p, i, i + cut, cue, newline, subst)) return -1;
        if (subst) newline = 0;
        i += cut;
        run = i;
    }
    return e > run ? add_piece(p, run, e, cue, newline, 0) : 0;
}

/* A line outside every cue: kept as text, and merged with the text
 * outside the cues just before it when only blank lines lie between. */
static int add_stray_line(parser *p, const line *l)
{
    tx_container *k = p->k;
    const tx_doc *doc = p->c->doc;
    if (!k->ncue && !p->warned_before) {
        p->warned_before = 1;
        tx_diag_add_at(&p->c->diags, TX_AT_TEXT, "warning", "text-before-cue",
                       (long)tx_byte_to_cp(doc, l->s), (long)tx_byte_to_cp(doc, l->e),
                       "text before the first cue (kept as text without a time)");
    }
    if (k->ncue && !p->stray_no) {
        p->stray_no = l->no;
        p->stray_s = l->s;
        p->stray_e = l->e;
    }
    if (k->npiece && k->piece[k->npiece - 1].cue < 0) {
        tx_piece *q = &k->piece[k->npiece - 1];
        size_t i = q->e;
        while (i < l->s && (is_ws(p->t[i]) || p->t[i] == '\n'))
            i++;
        if (i == l->s) {
            q->e = l->e;
            return 0;
        }
    }
    return add_piece(p, l->s, l->e, -1, 1, 0);
}

/* The matching form of one cue is one line: over --max-line is an error. */
static int check_cue_size(parser *p)
{
    if (p->cue_bytes <= p->max_line) return 0;
    const tx_cue *q = &p->k->cue[p->k->ncue - 1];
    tx_seterr(p->c->err, TX2JSON_ELIMIT, p->c->name, q->line, 0, (size_t)-1,
              "the cue's text is more than %zu bytes, the longest line allowed (--max-line; a "
              "cue's text becomes one line)",
              p->max_line);
    p->rc = TX2JSON_ELIMIT;
    return -1;
}

/* Commits the held-back line as cue text or as text outside the cues. */
static int flush_pend(parser *p)
{
    if (!p->has_pend) return 0;
    p->has_pend = 0;
    if (!p->pend_in_cue) return add_stray_line(p, &p->pend);
    return add_cue_line(p, &p->pend) ? -1 : check_cue_size(p);
}

/* Is the held-back line, just before a timing line, the cue's number
 * (SRT: digits alone) or identifier (WebVTT: the first line of a block)? */
static int pend_is_label(const parser *p)
{
    const line *l = &p->pend;
    if (!p->has_pend) return 0;
    if (p->k->kind == TX_SRT) return is_digits(p->t + l->s, l->e - l->s);
    if (p->k->kind == TX_SBV) return 0; /* no numbers or identifiers */
    return !p->pend_in_cue && p->pend_block_start;
}

static void format_time(long long ms, char *buf, size_t size)
{
    long long s = ms / MS_PER_SECOND;
    snprintf(buf, size, "%lld:%02lld:%02lld.%03lld", s / SECONDS_PER_MINUTE / MINUTES_PER_HOUR,
             s / SECONDS_PER_MINUTE % MINUTES_PER_HOUR, s % SECONDS_PER_MINUTE, ms % MS_PER_SECOND);
}

/* Appends a cue whose framing (timing line, segment) is the code points
 * [cs, ce) on line no: times a and b in ms, or -1 when there were none
 * to read (the caller has warned); an end before the start is a warning
 * and taken as the start. */
static int push_cue(parser *p, long long a, long long b, size_t no, long cs, long ce)
{
    tx_container *k = p->k;
    if (a >= 0 && b < a) {
        char ta[32], tb[32];
        format_time(a, ta, sizeof ta);
        format_time(b, tb, sizeof tb);
        tx_diag_add_at(&p->c->diags, TX_AT_TEXT, "warning", "malformed-timing", cs, ce,
                       "the cue ends (%s) before it starts (%s); its end is taken as its start", tb,
                       ta);
        b = a;
    }
    tx_cue *v = tx_grow(k->cue, &k->cuecap, k->ncue + 1, sizeof *v);
    if (!v) return -1;
    k->cue = v;
    v[k->ncue++] = (tx_cue){a, b, no, (size_t)cs};
    p->cue_bytes = 0;
    return 0;
}

/* A timing line: the held-back line is the cue's label or the last text
 * before it; text outside the cues since the last cue is reported. */
static int open_cue(parser *p, const line *l, enum timing tm, long long a, long long b)
{
    const tx_doc *doc = p->c->doc;
    if (pend_is_label(p))
        p->has_pend = 0;
    else if (flush_pend(p))
        return -1;
    if (p->stray_no)
        tx_diag_add_at(&p->c->diags, TX_AT_TEXT, "warning", "text-outside-cue",
                       (long)tx_byte_to_cp(doc, p->stray_s), (long)tx_byte_to_cp(doc, p->stray_e),
                       "text between cues, in no cue (kept as text without a time)");
    p->stray_no = 0;
    long cs = (long)tx_byte_to_cp(doc, l->s), ce = (long)tx_byte_to_cp(doc, l->e);
    if (tm == T_MALFORMED) {
        tx_diag_add_at(&p->c->diags, TX_AT_TEXT, "warning", "malformed-timing", cs, ce,
                       "malformed timing line (the cue's text is kept without a time)");
        a = b = -1;
    }
    if (push_cue(p, a, b, l->no, cs, ce)) return -1;
    p->state = P_CUE;
    p->block_start = 0;
    return 0;
}

/* A WebVTT block that holds no cue: a comment, a style sheet, a region. */
static int vtt_block(const char *s, size_t n)
{
    static const char *const kw[] = {"NOTE", "STYLE", "REGION"};
    for (size_t i = 0; i < sizeof kw / sizeof *kw; i++) {
        size_t l = strlen(kw[i]);
        if (n >= l && memcmp(s, kw[i], l) == 0 && (n == l || is_ws(s[l]))) return 1;
    }
    return 0;
}

static int on_line(parser *p, const line *l)
{
    const char *s = p->t + l->s;
    size_t n = l->e - l->s;
    /* WebVTT ends a cue at an empty line only: a line of spaces inside a
     * cue is (empty) cue text, as YouTube writes before a line. */
    int blank = is_blank(s, n) && !(p->k->kind == TX_VTT && p->state == P_CUE && n > 0);
    if (p->state == P_HEADER || p->state == P_SKIP) {
        if (blank) p->state = P_GAP, p->block_start = 1;
        return 0;
    }
    if (blank) {
        if (p->state == P_CUE) p->state = P_GAP;
        p->block_start = 1;
        return flush_pend(p);
    }
    long long a = -1, b = -1;
    enum timing tm = timing_line(s, n, p->k->kind == TX_SBV, &a, &b);
    if (tm != T_NONE) return open_cue(p, l, tm, a, b);
    if (flush_pend(p)) return -1;
    if (p->k->kind == TX_VTT && p->state == P_GAP && p->block_start && vtt_block(s, n)) {
        p->state = P_SKIP;
        return 0;
    }
    p->pend = *l;
    p->has_pend = 1;
    p->pend_in_cue = p->state == P_CUE;
    p->pend_block_start = p->block_start;
    p->block_start = 0;
    return 0;
}

static int parse_lines(parser *p)
{
    size_t no = 0;
    for (size_t s = 0;;) {
        const char *nl = memchr(p->t + s, '\n', p->len - s);
        size_t e = nl ? (size_t)(nl - p->t) : p->len;
        line l = {s, e, ++no};
        if (on_line(p, &l)) return -1;
        if (!nl) break;
        s = e + 1;
    }
    return flush_pend(p);
}

/* Speech-recognition JSON.  The whole value is checked as JSON (RFC 8259);
 * the segments are the top-level list, or the list under the top-level
 * object's "segments" key (Whisper's verbose_json: its own "text" is the
 * whole transcript again and is not read).  Each segment is an object;
 * its "start" and "end" (seconds, or a timestamp string) make a cue, and
 * its "text" string is the cue's text: the runs between escapes are
 * pieces, an escape a piece standing for its code point, and a \n or \r
 * escape starts a line of the cue.  Every other key ("id", "speaker",
 * "tokens", "words", ...) is framing. */

/* Nesting deeper than this is refused, as the checker recurses. */
#define MAX_JSON_DEPTH 256
/* A segment time past this many seconds (some 30,000 years) is no time;
 * it also keeps the milliseconds far inside a long long. */
#define MAX_JSON_SECONDS 1e12
/* Digits of a \u escape. */
#define U_ESCAPE_DIGITS 4
/* UTF-16 surrogates, which a pair of \u escapes combines. */
#define HIGH_SURROGATE 0xD800
#define LOW_SURROGATE 0xDC00
#define SURROGATE_END 0xE000
#define SURROGATE_BITS 10
#define SUPPLEMENTARY_BASE 0x10000
#define REPLACEMENT_CHAR 0xFFFD
/* A control character written as an escape is read as a space. */
#define FIRST_PRINTABLE 0x20
#define DECIMAL_BASE 10

typedef struct jparser {
    parser *p;
    const char *t;
    size_t len, i;
    const char *msg;         /* why the JSON is refused (NULL: out of memory) */
    size_t at;               /* the byte the message is about */
    size_t line_at, line_no; /* the start of the line last asked for, and its number */
    size_t scan_at;          /* newlines before this byte are counted */
} jparser;

static int jfail(jparser *j, size_t at, const char *msg)
{
    if (!j->msg) {
        j->msg = msg;
        j->at = at;
    }
    return -1;
}

static void jws(jparser *j)
{
    while (j->i < j->len && (is_ws(j->t[j->i]) || j->t[j->i] == '\n'))
        j->i++;
}

/* The 1-based line of byte b, counted on from the last byte asked for
 * (each byte is looked at once while b goes forward, as it does). */
static size_t jline(jparser *j, size_t b)
{
    if (b < j->scan_at) j->scan_at = j->line_at = 0, j->line_no = 1;
    for (const char *nl; (nl = memchr(j->t + j->scan_at, '\n', b - j->scan_at));) {
        j->scan_at = j->line_at = (size_t)(nl - j->t) + 1;
        j->line_no++;
    }
    j->scan_at = b;
    return j->line_no;
}

static int hex_digit(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f') return (ch | 0x20) - 'a' + DECIMAL_BASE;
    return -1;
}

/* The value of the \u escape at t[i] (i at the backslash), or -1. */
static long u_escape(const char *t, size_t len, size_t i)
{
    if (len - i < 2 + U_ESCAPE_DIGITS || t[i + 1] != 'u') return -1;
    long v = 0;
    for (size_t k = 0; k < U_ESCAPE_DIGITS; k++) {
        int d = hex_digit(t[i + 2 + k]);
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

/* The escape at t[i] (a backslash of a checked string): its length and
 * the code point it writes (surrogate pairs combined, a lone surrogate
 * read as U+FFFD). */
static size_t escape_at(const char *t, size_t len, size_t i, uint32_t *cp)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *k = strchr(from, t[i + 1]);
    if (t[i + 1] != 'u') {
        *cp = (uint32_t)(unsigned char)to[k - from];
        return 2;
    }
    long hi = u_escape(t, len, i);
    size_t n = 2 + U_ESCAPE_DIGITS;
    if (hi >= HIGH_SURROGATE && hi < LOW_SURROGATE) {
        long lo = i + n < len && t[i + n] == '\\' ? u_escape(t, len, i + n) : -1;
        if (lo >= LOW_SURROGATE && lo < SURROGATE_END) {
            *cp = (uint32_t)(SUPPLEMENTARY_BASE + ((hi - HIGH_SURROGATE) << SURROGATE_BITS) +
                             (lo - LOW_SURROGATE));
            return 2 * n;
        }
    }
    *cp = hi >= HIGH_SURROGATE && hi < SURROGATE_END ? REPLACEMENT_CHAR : (uint32_t)hi;
    return n;
}

/* A string at j->i: checked, and its content's bytes in [*s, *e). */
static int jstring(jparser *j, size_t *s, size_t *e)
{
    const char *t = j->t;
    size_t open = j->i++;
    *s = j->i;
    while (j->i < j->len && t[j->i] != '"') {
        unsigned char ch = (unsigned char)t[j->i];
        if (ch < FIRST_PRINTABLE) return jfail(j, j->i, "control character in a string");
        if (ch != '\\') {
            j->i++;
            continue;
        }
        if (j->i + 1 >= j->len || !strchr("\"\\/bfnrtu", t[j->i + 1]))
            return jfail(j, j->i, "invalid escape in a string");
        if (t[j->i + 1] == 'u' && u_escape(t, j->len, j->i) < 0)
            return jfail(j, j->i, "a \\u escape needs four hexadecimal digits");
        j->i += t[j->i + 1] == 'u' ? 2 + U_ESCAPE_DIGITS : 2;
    }
    if (j->i >= j->len) return jfail(j, open, "unterminated string");
    *e = j->i++;
    return 0;
}

static size_t jdigits(jparser *j)
{
    size_t n = 0;
    while (j->i < j->len && j->t[j->i] >= '0' && j->t[j->i] <= '9')
        j->i++, n++;
    return n;
}

/* A number at j->i, checked; *ms is it read as seconds, in milliseconds
 * rounded (-1 when negative or too large for a time). */
static int jnumber(jparser *j, long long *ms)
{
    const char *t = j->t;
    size_t s = j->i;
    if (t[j->i] == '-') j->i++;
    size_t is = j->i, ni = jdigits(j);
    if (!ni || (ni > 1 && t[is] == '0')) return jfail(j, s, "malformed number");
    if (j->i < j->len && t[j->i] == '.') {
        j->i++;
        if (!jdigits(j)) return jfail(j, s, "malformed number");
    }
    long exp = 0;
    size_t es = j->i;
    if (j->i < j->len && (t[j->i] | 0x20) == 'e') {
        j->i++;
        if (j->i < j->len && (t[j->i] == '+' || t[j->i] == '-')) j->i++;
        if (!jdigits(j)) return jfail(j, s, "malformed number");
    }
    /* The value: its digits, then the exponent (clamped: a time either
     * way is out of range past a few dozen). */
    double v = 0, scale = 1;
    int frac = 0;
    for (size_t k = is; k < es; k++) {
        if (t[k] == '.') {
            frac = 1;
            continue;
        }
        v = v * DECIMAL_BASE + (t[k] - '0');
        if (frac) scale *= DECIMAL_BASE;
    }
    if (es < j->i) {
        size_t k = es + 1;
        int neg = t[k] == '-';
        if (t[k] == '-' || t[k] == '+') k++;
        for (; k < j->i && exp <= DBL_MAX_10_EXP; k++)
            exp = exp * DECIMAL_BASE + (t[k] - '0');
        if (neg) exp = -exp;
    }
    v /= scale;
    for (; exp > 0 && v < DBL_MAX / DECIMAL_BASE; exp--)
        v *= DECIMAL_BASE;
    for (; exp < 0 && v > 0; exp++)
        v /= DECIMAL_BASE;
    *ms = t[s] == '-' || exp > 0 || v >= MAX_JSON_SECONDS ? -1 : llround(v * MS_PER_SECOND);
    return 0;
}

static int jvalue(jparser *j, int depth);

/* An object or array at j->i, checked; each member's value is read by
 * member(j, key_s, key_e, depth) (key_s == key_e for an array item). */
static int jcontainer(jparser *j, int depth,
                      int (*member)(jparser *j, size_t ks, size_t ke, int depth, void *u), void *u)
{
    char close = j->t[j->i] == '{' ? '}' : ']';
    size_t open = j->i++;
    if (depth >= MAX_JSON_DEPTH) return jfail(j, open, "JSON nested too deep");
    jws(j);
    if (j->i < j->len && j->t[j->i] == close) {
        j->i++;
        return 0;
    }
    for (;;) {
        size_t ks = 0, ke = 0;
        jws(j);
        if (close == '}') {
            if (j->i >= j->len || j->t[j->i] != '"')
                return jfail(j, j->i, "expected a string key in the object");
            if (jstring(j, &ks, &ke)) return -1;
            jws(j);
            if (j->i >= j->len || j->t[j->i] != ':')
                return jfail(j, j->i, "expected ':' after the key");
            j->i++;
            jws(j);
        }
        if (member ? member(j, ks, ke, depth + 1, u) : jvalue(j, depth + 1)) return -1;
        jws(j);
        if (j->i < j->len && j->t[j->i] == ',') {
            j->i++;
            continue;
        }
        if (j->i < j->len && j->t[j->i] == close) {
            j->i++;
            return 0;
        }
        return jfail(j, j->i >= j->len ? open : j->i,
                     close == '}' ? "expected ',' or '}' in the object"
                                  : "expected ',' or ']' in the list");
    }
}

/* Any value at j->i, checked and skipped. */
static int jvalue(jparser *j, int depth)
{
    static const char *const lit[] = {"true", "false", "null"};
    size_t s, e;
    long long ms;
    if (j->i >= j->len) return jfail(j, j->len, "expected a value, found the end of the input");
    char ch = j->t[j->i];
    if (ch == '{' || ch == '[') return jcontainer(j, depth, NULL, NULL);
    if (ch == '"') return jstring(j, &s, &e);
    if (ch == '-' || (ch >= '0' && ch <= '9')) return jnumber(j, &ms);
    for (size_t k = 0; k < sizeof lit / sizeof *lit; k++) {
        size_t n = strlen(lit[k]);
        if (j->len - j->i >= n && memcmp(j->t + j->i, lit[k], n) == 0) {
            j->i += n;
            return 0;
        }
    }
    return jfail(j, j->i, "expected a value");
}

static int key_is(const jparser *j, size_t ks, size_t ke, const char *name)
{
    return ke - ks == strlen(name) && memcmp(j->t + ks, name, ke - ks) == 0;
}

/* The pieces of a segment's text t[s, e) (a checked string's content):
 * raw runs, escapes standing for their code point; a \n or \r escape
 * starts a line, and each line is trimmed of white space at its edges. */
static int add_json_text(parser *p, size_t s, size_t e, long cue)
{
    const char *t = p->t;
    int newline = 1;
    size_t run = s;
    for (size_t i = s; i <= e;) {
        if (i < e && t[i] != '\\') {
            i++;
            continue;
        }
        uint32_t cp = 0;
        size_t n = i < e ? escape_at(t, e, i, &cp) : 0;
        int brk = i == e || cp == '\n' || cp == '\r';
        size_t rs = run, re = i;
        if (newline)
            while (rs < re && is_ws(t[rs]))
                rs++;
        if (brk)
            while (re > rs && is_ws(t[re - 1]))
                re--;
        if (re > rs) {
            if (add_piece(p, rs, re, cue, newline, 0)) return -1;
            newline = 0;
        }
        if (i == e) break;
        if (brk) {
            newline = 1;
        } else if (!(newline && (cp == ' ' || cp < FIRST_PRINTABLE))) {
            if (add_piece(p, i, i + n, cue, newline, cp < FIRST_PRINTABLE ? ' ' : cp)) return -1;
            newline = 0;
        }
        i += n;
        run = i;
    }
    return 0;
}

/* What one segment object holds. */
typedef struct jseg {
    long long start, end; /* ms, -1 when absent or not a time */
    size_t text_s, text_e;
    int has_text;
} jseg;

/* A "start" or "end": seconds, or a timestamp string ("00:01:02,500"). */
static int jtime(jparser *j, long long *ms, int depth)
{
    char ch = j->t[j->i];
    if (ch == '-' || (ch >= '0' && ch <= '9')) return jnumber(j, ms);
    if (ch == '"') {
        size_t s, e, k = 0;
        if (jstring(j, &s, &e)) return -1;
        k = s;
        if (!read_time(j->t, e, &k, ms) || k != e) *ms = -1;
        return 0;
    }
    *ms = -1;
    return jvalue(j, depth);
}

static int seg_member(jparser *j, size_t ks, size_t ke, int depth, void *u)
{
    jseg *g = u;
    if (key_is(j, ks, ke, "start")) return jtime(j, &g->start, depth);
    if (key_is(j, ks, ke, "end")) return jtime(j, &g->end, depth);
    if (key_is(j, ks, ke, "text") && j->i < j->len && j->t[j->i] == '"') {
        g->has_text = 1;
        return jstring(j, &g->text_s, &g->text_e);
    }
    return jvalue(j, depth);
}

/* One item of the segment list: an object, which becomes a cue. */
static int segment_item(jparser *j, size_t ks, size_t ke, int depth, void *u)
{
    (void)ks, (void)ke, (void)u;
    parser *p = j->p;
    const tx_doc *doc = p->c->doc;
    size_t at = j->i;
    if (j->i >= j->len || j->t[j->i] != '{')
        return jfail(j, at, "a segment must be an object with \"start\", \"end\" and \"text\"");
    jseg g = {-1, -1, 0, 0, 0};
    if (jcontainer(j, depth, seg_member, &g)) return -1;
    long cs = (long)tx_byte_to_cp(doc, at), ce = cs + 1;
    if (!g.has_text) {
        tx_diag_add_at(&p->c->diags, TX_AT_TEXT, "warning", "segment-without-text", cs, ce,
                       "segment without a \"text\" string (skipped)");
        return 0;
    }
    if (g.start < 0 || g.end < 0) {
        tx_diag_add_at(&p->c->diags, TX_AT_TEXT, "warning", "malformed-timing", cs, ce,
                       "segment without a valid \"start\" and \"end\" (its text is kept without "
                       "a time)");
        g.start = g.end = -1;
    }
    if (push_cue(p, g.start, g.end, jline(j, at), cs, ce)) return -1;
    if (add_json_text(p, g.text_s, g.text_e, (long)p->k->ncue - 1)) return -1;
    return check_cue_size(p);
}

/* A member of the top-level object: "segments" is read, the rest checked. */
static int top_member(jparser *j, size_t ks, size_t ke, int depth, void *u)
{
    int *found = u;
    if (key_is(j, ks, ke, "segments") && j->i < j->len && j->t[j->i] == '[') {
        *found = 1;
        return jcontainer(j, depth, segment_item, NULL);
    }
    return jvalue(j, depth);
}

/* The whole text as JSON: the segments become cues.  0, or -1 with
 * j->msg set (malformed, p->rc ELIMIT, or out of memory: neither). */
static int parse_json(jparser *j)
{
    int found = 0;
    jws(j);
    size_t open = j->i;
    if (j->t[j->i] == '[') {
        if (jcontainer(j, 0, segment_item, NULL)) return -1;
    } else {
        if (jcontainer(j, 0, top_member, &found)) return -1;
        if (!found)
            return jfail(j, open,
                         "a JSON transcript is a list of segments or an object with a "
                         "\"segments\" list (Whisper's verbose_json)");
    }
    jws(j);
    if (j->i < j->len) return jfail(j, j->i, "text after the JSON value");
    return 0;
}

/* The first byte at or after i that is not white space, or len. */
static size_t skip_json_ws(const char *t, size_t len, size_t i)
{
    while (i < len && (is_ws(t[i]) || t[i] == '\n'))
        i++;
    return i;
}

int tx_container_is_json(const char *t, size_t len)
{
    size_t i = skip_json_ws(t, len, 0);
    if (i < len && t[i] == '[') { /* a list: of objects, or empty */
        i = skip_json_ws(t, len, i + 1);
        if (i < len && t[i] == ']') return 1;
    }
    if (i == len || t[i] != '{') return 0;
    i = skip_json_ws(t, len, i + 1); /* an object opens with a key or closes */
    return i < len && (t[i] == '"' || t[i] == '}');
}

/* Reads c->doc as JSON into c->cont; the status (a malformed document is
 * EDECODE with its line and column). */
static tx2json_status json_parse(tx_conv *c, parser *p)
{
    jparser j = {.p = p, .t = p->t, .len = p->len, .line_no = 1};
    if (!parse_json(&j)) return TX2JSON_OK;
    if (p->rc) return p->rc;
    if (!j.msg) {
        tx_seterr(c->err, TX2JSON_ENOMEM, c->name, 0, 0, (size_t)-1, "out of memory");
        return TX2JSON_ENOMEM;
    }
    size_t line = jline(&j, j.at),
           col = tx_byte_to_cp(c->doc, j.at) - tx_byte_to_cp(c->doc, j.line_at) + 1;
    tx_seterr(c->err, TX2JSON_EDECODE, c->name, line, col, (size_t)-1, "malformed JSON: %s", j.msg);
    return TX2JSON_EDECODE;
}

/* SRT when a valid timing line is the first line with text or follows a
 * cue number; WebVTT when the text opens with its signature; SBV when the
 * first line with text is SBV's timing line. */
static tx_container_kind detect(const char *t, size_t len)
{
    if (len >= 6 && memcmp(t, "WEBVTT", 6) == 0 && (len == 6 || is_ws(t[6]) || t[6] == '\n'))
        return TX_VTT;
    size_t first = 0; /* the first byte that is not white space */
    while (first < len && (is_ws(t[first]) || t[first] == '\n'))
        first++;
    const char *fe = memchr(t + first, '\n', len - first);
    long long x, y;
    if (sbv_timing(t + first, fe ? (size_t)(fe - t) - first : len - first, &x, &y)) return TX_SBV;
    for (const char *a = t, *end = t + len; (a = find_arrow(a, (size_t)(end - a)));) {
        size_t ls = (size_t)(a - t), le = ls;
        while (ls > 0 && t[ls - 1] != '\n')
            ls--;
        while (le < len && t[le] != '\n')
            le++;
        a = t + le;
        if (timing_line(t + ls, le - ls, 0, &x, &y) != T_VALID) continue;
        if (ls <= first) return TX_SRT;
        size_t ps = ls - 1;
        while (ps > 0 && t[ps - 1] != '\n')
            ps--;
        if (is_digits(t + ps, ls - 1 - ps)) return TX_SRT;
    }
    return TX_PLAIN;
}

/* One warning for cues out of order and one for overlapping cues, each
 * naming the first such cue's line and counting them all. */
static void order_warnings(tx_conv *c)
{
    const tx_container *k = c->cont;
    size_t nback = 0, nover = 0, back = 0, over = 0, prev = (size_t)-1;
    for (size_t i = 0; i < k->ncue; i++) {
        if (k->cue[i].start_ms < 0) continue;
        if (prev != (size_t)-1 && k->cue[i].start_ms < k->cue[prev].start_ms) {
            if (!nback++) back = i;
        } else if (prev != (size_t)-1 && k->cue[i].start_ms < k->cue[prev].end_ms) {
            if (!nover++) over = i;
        }
        prev = i;
    }
    char ta[32];
    if (nback) {
        const tx_cue *q = &k->cue[back];
        format_time(q->start_ms, ta, sizeof ta);
        tx_diag_add_at(&c->diags, TX_AT_TEXT, "warning", "cue-order", (long)q->cp, (long)q->cp,
                       "cue out of order: it starts (%s) before the cue before it (%zu such cue%s)",
                       ta, nback, nback == 1 ? "" : "s");
    }
    if (nover) {
        const tx_cue *q = &k->cue[over];
        format_time(q->start_ms, ta, sizeof ta);
        tx_diag_add_at(&c->diags, TX_AT_TEXT, "warning", "cue-overlap", (long)q->cp, (long)q->cp,
                       "cues overlap: this one starts (%s) before the cue before it ends (%zu such "
                       "cue%s)",
                       ta, nover, nover == 1 ? "" : "s");
    }
}

/* Rolling captions (YouTube's automatic WebVTT): each cue shows the
 * line before it again, and a line first appears with a time stamp per
 * word ("the<00:00:00.320><c> next</c>") and then once more plain, in a
 * cue of a few milliseconds.  The repeats are display, not speech: a line
 * with word time stamps whose plain text one of the next few lines
 * repeats is dropped, and then, once that has happened in a file, a line
 * equal to the last line kept.  Lines outside the cues are never
 * dropped. */
typedef struct cline {
    size_t p0, p1; /* its pieces [p0, p1) */
    size_t k0, k1; /* its text in the key buffer */
    int stamped;   /* it held word time stamps */
    int drop;
} cline;

enum { ROLLING_LOOKAHEAD = 3 }; /* a format fact: the plain copy comes within two cues */

static int same_line(const tx_strbuf *b, const cline *x, const cline *y)
{
    return x->k1 - x->k0 == y->k1 - y->k0 && !memcmp(b->s + x->k0, b->s + y->k0, x->k1 - x->k0);
}

/* Does the input between the line's pieces hold a time-stamp tag? */
static int has_stamp(const char *t, size_t s, size_t e)
{
    for (const char *q = memchr(t + s, '<', e - s); q && q + 1 < t + e;
         q = memchr(q + 1, '<', (size_t)(t + e - q - 1)))
        if (q[1] >= '0' && q[1] <= '9') return 1;
    return 0;
}

/* The cue lines of the pieces, with their text, into *out.  -1 on OOM. */
static int cue_lines(tx_container *k, const char *t, tx_strbuf *b, cline **out, size_t *n)
{
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    for (size_t i = 0; i < k->npiece; i++) {
        const tx_piece *q = &k->piece[i];
        int starts = !i || q->newline || q->cue != k->piece[i - 1].cue;
        if (starts) {
            cline *v = tx_grow(*out, &cap, *n + 1, sizeof *v);
            if (!v) return -1;
            *out = v;
            v[(*n)++] = (cline){i, i, b->len, b->len, 0, 0};
        }
        cline *l = &(*out)[*n - 1];
        char u8[4];
        if (q->subst)
            tx_sb_add(b, u8, tx_u8_put(q->subst, u8));
        else
            tx_sb_add(b, t + q->s, q->e - q->s);
        if (i > l->p0 && has_stamp(t, k->piece[i - 1].e, q->s)) l->stamped = 1;
        l->p1 = i + 1;
        l->k1 = b->len;
    }
    return b->oom ? -1 : 0;
}

/* Marks the repeats of rolling captions; 1 when there are any. */
static int mark_rolling(const tx_strbuf *b, cline *l, size_t n, const tx_container *k)
{
    int rolling = 0;
    for (size_t a = 0; a < n; a++) {
        if (!l[a].stamped || k->piece[l[a].p0].cue < 0) continue;
        for (size_t j = a + 1; j < n && j <= a + ROLLING_LOOKAHEAD && !l[a].drop; j++)
            if (!l[j].stamped && same_line(b, &l[a], &l[j])) l[a].drop = rolling = 1;
    }
    const cline *last = NULL;
    for (size_t a = 0; rolling && a < n; a++) {
        if (l[a].drop) continue;
        if (last && k->piece[l[a].p0].cue >= 0 && same_line(b, last, &l[a]))
            l[a].drop = 1;
        else
            last = &l[a];
    }
    return rolling;
}

/* Drops the marked lines' pieces; a line that now follows a piece of
 * another cue is separated from it by a line break.  */
static void drop_lines(tx_container *k, const cline *l, size_t n)
{
    size_t w = 0;
    for (size_t a = 0; a < n; a++) {
        if (l[a].drop) continue;
        for (size_t i = l[a].p0; i < l[a].p1; i++) {
            tx_piece q = k->piece[i];
            if (i == l[a].p0 && w && k->piece[w - 1].cue != q.cue) q.sep = '\n';
            if (i == l[a].p0 && !w) q.sep = 0;
            k->piece[w++] = q;
        }
    }
    k->npiece = w;
}

/* Drops the repeats of rolling captions.  -1 on OOM. */
static int drop_rolling(tx_conv *c)
{
    tx_container *k = c->cont;
    tx_strbuf b = {0};
    cline *l = NULL;
    size_t n = 0;
    int rc = cue_lines(k, c->doc->text, &b, &l, &n);
    if (!rc && mark_rolling(&b, l, n, k)) drop_lines(k, l, n);
    free(l);
    free(b.s);
    return rc;
}

tx2json_status tx_container_parse(tx_conv *c)
{
    tx_container *k = c->cont;
    const tx_doc *doc = c->doc;
    memset(k, 0, sizeof *k);
    k->kind = tx_container_is_json(doc->text, doc->len) ? TX_JSON : detect(doc->text, doc->len);
    if (k->kind == TX_PLAIN) return TX2JSON_OK;
    parser p = {.c = c, .k = k, .t = doc->text, .len = doc->len, .block_start = 1};
    p.max_line = c->opts->max_line ? c->opts->max_line : TX_DEFAULT_MAX_LINE;
    p.state = k->kind == TX_VTT ? P_HEADER : P_GAP;
    tx2json_status rc = k->kind == TX_JSON ? json_parse(c, &p) : TX2JSON_OK;
    if (rc) return rc;
    if (k->kind != TX_JSON && parse_lines(&p)) {
        if (p.rc) return p.rc;
        tx_seterr(c->err, TX2JSON_ENOMEM, c->name, 0, 0, (size_t)-1, "out of memory");
        return TX2JSON_ENOMEM;
    }
    if (k->kind != TX_JSON && drop_rolling(c)) {
        tx_seterr(c->err, TX2JSON_ENOMEM, c->name, 0, 0, (size_t)-1, "out of memory");
        return TX2JSON_ENOMEM;
    }
    order_warnings(c);
    tx_container_join_prose(c, p.max_line);
    for (size_t i = 0; i < k->npiece; i++)
        if (k->piece[i].subst ||
            !is_blank(doc->text + k->piece[i].s, k->piece[i].e - k->piece[i].s))
            return TX2JSON_OK;
    tx_seterr(c->err, TX2JSON_EEMPTY, c->name, 0, 0, (size_t)-1, "the %s file holds no %s text",
              k->kind == TX_VTT    ? "WebVTT"
              : k->kind == TX_JSON ? "JSON"
              : k->kind == TX_SBV  ? "SBV"
                                   : "SRT",
              k->kind == TX_JSON ? "segment" : "cue");
    return TX2JSON_EEMPTY;
}

/* The number a group of m writes in s (digits only), or -1 when the group
 * is unset; *digits is its digit count. */
static long long group_value(const tx_match *m, const char *s, const char *name, size_t *digits)
{
    size_t a, b, i;
    long long v = 0;
    *digits = 0;
    if (!tx_match_group(m, name, 1, &a, &b) || b - a > MAX_HOUR_DIGITS) return -1;
    i = a;
    if (!read_digits(s, b, &i, MAX_HOUR_DIGITS, &v) || i != b) return -1;
    *digits = b - a;
    return v;
}

/* The time a time-hint match writes, in milliseconds, or -1. */
static long long hint_ms(const tx_match *m, const char *s)
{
    size_t nd, fd;
    long long h = group_value(m, s, "hours", &nd), mi = group_value(m, s, "minutes", &nd);
    long long sec = group_value(m, s, "seconds", &nd), f = group_value(m, s, "fraction", &fd);
    if (fd > MAX_FRACTION_DIGITS || sec < 0) return -1;
    if (mi < 0 && h >= 0) return -1;
    /* Seconds alone ("[777.08 --> 780.2]", Whisper's lines) count from 0. */
    if (mi < 0)
        mi = 0;
    else if (sec >= SECONDS_PER_MINUTE || (h >= 0 && mi >= MINUTES_PER_HOUR))
        return -1;
    while (f >= 0 && fd++ < MAX_FRACTION_DIGITS)
        f *= 10;
    return ((h > 0 ? h : 0) * MINUTES_PER_HOUR + mi) * SECONDS_PER_MINUTE * MS_PER_SECOND +
           sec * MS_PER_SECOND + (f > 0 ? f : 0);
}

static int add_hint(tx_container *k, size_t cp, long long ms)
{
    if (k->nhint == k->hintcap) {
        size_t cap = k->hintcap ? 2 * k->hintcap : 16;
        tx_hint *v = realloc(k->hint, cap * sizeof *v);
        if (!v) return -1;
        k->hint = v;
        k->hintcap = cap;
    }
    k->hint[k->nhint++] = (tx_hint){cp, ms};
    return 0;
}

/* The hint of the line norm bytes [a, b), if a time-hint rule matches at
 * its start: 0, or -1 on OOM. */
static int line_hint(tx_conv *c, size_t a, size_t b)
{
    const tx_rule *r;
    tx_match m;
    const char *s = c->norm->s + a;
    for (size_t i = 0; (r = tx_rules_get(c->rules, RK_TIMEHINT, c->lang, i)); i++) {
        if (tx_rule_match(c->rules, r, s, b - a, 0, &m) != 1 || m.start != 0) continue;
        long long ms = hint_ms(&m, s);
        if (ms >= 0) return add_hint(c->cont, tx_norm_cp(c->norm, a), ms);
    }
    return 0;
}

tx2json_status tx_container_hints(tx_conv *c)
{
    if (tx_container_framed(c) || !tx_rules_get(c->rules, RK_TIMEHINT, c->lang, 0))
        return TX2JSON_OK;
    const char *s = c->norm->s;
    size_t n = c->norm->len;
    for (size_t a = 0; a < n;) {
        const char *nl = memchr(s + a, '\n', n - a);
        size_t b = nl ? (size_t)(nl - s) : n;
        if (b > a && line_hint(c, a, b)) {
            tx_seterr(c->err, TX2JSON_ENOMEM, c->name, 0, 0, (size_t)-1, "out of memory");
            return TX2JSON_ENOMEM;
        }
        a = b + 1;
    }
    return TX2JSON_OK;
}

void tx_container_free(tx_container *k)
{
    free(k->piece);
    free(k->cue);
    free(k->hint);
    memset(k, 0, sizeof *k);
}

int tx_container_framed(const tx_conv *c)
{
    return c->cont && c->cont->kind != TX_PLAIN;
}

static size_t piece_end_at(const void *v, size_t i)
{
    return ((const tx_piece *)v)[i].e;
}

/* The first piece that ends after byte b. */
static size_t piece_after(const tx_container *k, size_t b)
{
    return tx_lower_bound(k->piece, k->npiece, b + 1, piece_end_at);
}

static size_t hint_cp_at(const void *v, size_t i)
{
    return ((const tx_hint *)v)[i].cp;
}

/* tx_container_time for plain text: the hints of the turns [cs, ce)
 * starts and ends in. */
static int hint_time(const tx_container *k, size_t cs, size_t ce, long long *t0, long long *t1)
{
    size_t i = tx_lower_bound(k->hint, k->nhint, cs + 1, hint_cp_at);
    if (i == 0) return 0;
    size_t j = tx_lower_bound(k->hint, k->nhint, ce, hint_cp_at);
    *t0 = k->hint[i - 1].ms;
    *t1 = k->hint[(j > i ? j : i) - 1].ms;
    return 1;
}

int tx_container_time(const tx_conv *c, size_t cs, size_t ce, long long *t0, long long *t1)
{
    const tx_container *k = c->cont;
    if (!k) return 0;
    if (!tx_container_framed(c)) return hint_time(k, cs, ce, t0, t1);
    size_t bs = tx_cp_to_byte(c->doc, cs), be = tx_cp_to_byte(c->doc, ce);
    int found = 0;
    for (size_t i = piece_after(k, bs); i < k->npiece && k->piece[i].s < be; i++) {
        long q = k->piece[i].cue;
        if (q < 0 || k->cue[q].start_ms < 0) continue;
        if (!found) *t0 = k->cue[q].start_ms;
        *t1 = k->cue[q].end_ms;
        found = 1;
    }
    return found;
}

int tx_container_text(const tx_conv *c, size_t cs, size_t ce, tx_strbuf *b)
{
    const tx_container *k = c->cont;
    size_t bs = tx_cp_to_byte(c->doc, cs), be = tx_cp_to_byte(c->doc, ce), n = 0;
    tx_sb_add(b, "", 0);
    for (size_t i = piece_after(k, bs); i < k->npiece && k->piece[i].s < be; i++) {
        const tx_piece *q = &k->piece[i];
        size_t a = q->s > bs ? q->s : bs, z = q->e < be ? q->e : be;
        if (a >= z || (q->subst && a != q->s)) continue;
        if (n++ && q->newline) tx_sb_addc(b, '\n');
        if (q->subst)
            tx_sb_addcp(b, q->subst);
        else
            tx_sb_add(b, c->doc->text + a, z - a);
    }
    return b->oom ? -1 : 0;
}

size_t tx_container_span_end(const tx_conv *c, size_t last, size_t next)
{
    const tx_container *k = c->cont;
    if (!tx_container_framed(c)) return next;
    size_t bl = tx_cp_to_byte(c->doc, last), i = piece_after(k, bl);
    if (i == k->npiece || k->piece[i].s > bl || tx_cp_to_byte(c->doc, next) <= k->piece[i].e)
        return next;
    return tx_byte_to_cp(c->doc, k->piece[i].e);
}
