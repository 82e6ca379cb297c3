/* references.c - stage 5b: the reference list under the transcript.
 *
 * Reads lines upward from the end of the text.  A line that a `reference`
 * rule matches whole (group `url`, and `label` unless the URL stands
 * alone) belongs to the list, blank lines are skipped, `chapter-hint`
 * lines (timestamps of show notes: "00:00 Intro") are skipped below the
 * list and end it above (so a timestamped transcript above a list is
 * never searched for more), and a
 * `reflist-header` line (相关链接:, Links: ...) closes the list from above
 * (even where a `notes-aside` rule, which is skipped, matches it too).
 * The first other line ends the search.  A URL alone on its line takes
 * its label from the line just above when a `reference-label` rule
 * matches that line and the list goes on above it (a blank line, a
 * header, another reference or the start of the text); else the label
 * comes from the URL itself: a `url-label` rule's group (the repository
 * of a code host, the id on a paper or model hub), else its last path
 * segment that is not URL noise, else its host.  Notes that give the URL
 * first and its title under it are read too: a `reference-label` line
 * right under a bare URL, with a break above the URL, labels it.  A line
 * inside the list that no rule reads (a heading, an aside) is skipped
 * when a reference stands above it within param:reflist-stray-lines
 * lines. */
#include "references.h"
#include "normalize.h"
#include "signals.h"
#include "span.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

/* A line that starts like a reference ("[Label]" or "- [Label]") but did
 * not match any reference rule. */
/* Does a time-hint rule match at the start of the line ("[0:17](https://
 * ...&t=17s) This week", a transcript's paragraph, not a reference)? */
static int opens_with_time(const tx_ruleset *rs, const char *lang, const char *s, size_t n)
{
    const tx_rule *r;
    tx_match m;
    for (size_t i = 0; (r = tx_rules_get(rs, RK_TIMEHINT, lang, i)); i++)
        if (tx_rule_match(rs, r, s, n, 0, &m) == 1 && m.start == 0) return 1;
    return 0;
}

/* Drops a list marker written as one character that is a number of
 * another kind (Unicode's No: "①", "⑴", "❶") from the start of label s,
 * with the blanks after it.  The matching form reads "①Foo" as "1Foo", so
 * no rule can take the marker off without taking a name's own digit. */
static void strip_enclosed_number(char *s)
{
    size_t n = strlen(s), i = 0, k = 0;
    UChar32 ch;
    U8_NEXT(s, k, n, ch);
    if (ch < 0 || u_charType(ch) != U_OTHER_NUMBER) return;
    i = k;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i < n) memmove(s, s + i, n - i + 1);
}

static int looks_like_reference(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && (s[i] == '-' || s[i] == '*' || s[i] == '+')) {
        i++;
        while (i < n && s[i] == ' ')
            i++;
    }
    if (i >= n || s[i] != '[') return 0;
    return memchr(s + i, ']', n - i) != NULL;
}

/* A line of the matching form: [s, e) trimmed of blanks, and where the
 * line before it ends (prev; 0 and none set when it is the first). */
typedef struct nline {
    size_t ls, a, b; /* line start; trimmed text [a, b) */
    int first;       /* no line above */
} nline;

/* The line that ends at byte end (exclusive) of s. */
static nline line_ending(const char *s, size_t end)
{
    nline l;
    size_t ls = end;
    while (ls > 0 && s[ls - 1] != '\n')
        ls--;
    l.ls = ls;
    l.a = ls;
    l.b = end;
    while (l.a < l.b && (s[l.a] == ' ' || s[l.a] == '\t'))
        l.a++;
    while (l.b > l.a && (s[l.b - 1] == ' ' || s[l.b - 1] == '\t'))
        l.b--;
    l.first = ls == 0;
    return l;
}

/* The first rule of kind k matching the whole of s[a, b): 1 with *r and
 * *m, else 0. */
static int full_match(const tx_ruleset *rs, rule_kind k, const char *lang, const char *s, size_t n,
                      const tx_rule **r, tx_match *m)
{
    for (size_t i = 0; (*r = tx_rules_get(rs, k, lang, i)); i++)
        if (tx_rule_match(rs, *r, s, n, 0, m) == 1 && m->start == 0 && m->end == n) return 1;
    return 0;
}

/* Does a line the list skips (notes-aside) open a block at l: a blank
 * line above it, not the text's first line (a chat export's "Name  08:08"
 * over each shared link, a group's heading)? */
static int aside_opens_block(const tx_conv *c, const nline *l)
{
    const char *s = c->norm->s;
    const tx_rule *r;
    tx_match m;
    size_t n = l->b - l->a;
    if (l->first || n > TX_MAX_REFLINE ||
        !full_match(c->rules, RK_ASIDE, c->lang, s + l->a, n, &r, &m))
        return 0;
    nline above = line_ending(s, l->ls - 1);
    return above.a == above.b;
}

/* Can the line l be a boundary of the list above a labelled URL: blank,
 * the start of the text, a header, a chapter hint, a reference, or a
 * skipped line that opens a block (aside_opens_block)? */
static int list_goes_on(const tx_conv *c, const nline *l)
{
    const char *s = c->norm->s;
    const tx_rule *r;
    tx_match m;
    size_t n = l->b - l->a;
    return n == 0 || full_match(c->rules, RK_REFHEADER, c->lang, s + l->a, n, &r, &m) ||
           full_match(c->rules, RK_CHAPTER, c->lang, s + l->a, n, &r, &m) ||
           full_match(c->rules, RK_REFERENCE, c->lang, s + l->a, n, &r, &m) ||
           aside_opens_block(c, l);
}

/* The label line just above the bare URL on line u: 1 with its line and
 * the label's bytes [*ls, *le), else 0. */
static int label_above(const tx_conv *c, const nline *u, nline *out, size_t *ls, size_t *le)
{
    const char *s = c->norm->s;
    const tx_rule *r;
    tx_match m;
    if (u->first) return 0;
    nline l = line_ending(s, u->ls - 1);
    size_t n = l.b - l.a;
    if (!n || n > TX_MAX_REFLINE || full_match(c->rules, RK_CHAPTER, c->lang, s + l.a, n, &r, &m) ||
        full_match(c->rules, RK_REFHEADER, c->lang, s + l.a, n, &r, &m) ||
        full_match(c->rules, RK_REFERENCE, c->lang, s + l.a, n, &r, &m) ||
        !full_match(c->rules, RK_REFLABEL, c->lang, s + l.a, n, &r, &m) ||
        !tx_match_group(&m, "label", 1, ls, le))
        return 0;
    if (!l.first) {
        nline above = line_ending(s, l.ls - 1);
        if (!list_goes_on(c, &above)) return 0;
    }
    *ls += l.a;
    *le += l.a;
    *out = l;
    return 1;
}

/* The line l, which no reference rule reads, labels the bare URL on the
 * line just above it (show notes that give the URL first and its title
 * under it): 1 with that URL line *u, the name of the rule that reads
 * it, the URL's bytes [*us, *ue) and the label's [*ls, *le), else 0.  Above the URL the list must
 * break (a blank line, a header, a chapter hint or the start of the text), as under a label of
 * label_above, so a line of talk or a stray line under a list whose labels stand above their URLs
 * does not shift every label by one. */
static int label_below(const tx_conv *c, const nline *l, nline *u, const char **rule, size_t *us,
                       size_t *ue, size_t *ls, size_t *le)
{
    const char *s = c->norm->s;
    const tx_rule *r;
    tx_match m;
    size_t n = l->b - l->a, x, y;
    if (l->first || !n || n > TX_MAX_REFLINE ||
        !full_match(c->rules, RK_REFLABEL, c->lang, s + l->a, n, &r, &m) ||
        !tx_match_group(&m, "label", 1, ls, le))
        return 0;
    *u = line_ending(s, l->ls - 1);
    n = u->b - u->a;
    if (!n || n > TX_MAX_REFLINE ||
        !full_match(c->rules, RK_REFERENCE, c->lang, s + u->a, n, &r, &m) ||
        !tx_match_group(&m, "url", 1, us, ue) || tx_match_group(&m, "label", 1, &x, &y))
        return 0;
    *rule = tx_rule_name(r);
    if (!u->first) {
        nline above = line_ending(s, u->ls - 1);
        size_t an = above.b - above.a;
        if (an && !full_match(c->rules, RK_REFHEADER, c->lang, s + above.a, an, &r, &m) &&
            !full_match(c->rules, RK_CHAPTER, c->lang, s + above.a, an, &r, &m))
            return 0;
    }
    *us += u->a, *ue += u->a, *ls += l->a, *le += l->a;
    return 1;
}

/* Is the line l, which is neither a reference nor a header, a stray line
 * inside the list (a group's heading or an aside no rule names): are
 * there references above it within param:reflist-stray-lines lines that
 * are not blank?  With timed, only a timeline's reference (a chapter line
 * with a link) counts.  Optional: no row, no stray lines. */
static int stray_in_list(const tx_conv *c, const nline *l, int timed)
{
    const tx_weights *w = c->weights;
    if (!w || !w->has_param[TXP_REFLIST_STRAY_LINES] || l->first) return 0;
    double left = w->param[TXP_REFLIST_STRAY_LINES];
    const char *s = c->norm->s;
    const tx_rule *r;
    tx_match m;
    nline up = *l;
    while (!up.first) {
        up = line_ending(s, up.ls - 1);
        size_t n = up.b - up.a;
        if (!n) continue;
        if (n > TX_MAX_REFLINE) return 0;
        if (full_match(c->rules, RK_REFERENCE, c->lang, s + up.a, n, &r, &m))
            return !timed || full_match(c->rules, RK_CHAPTER, c->lang, s + up.a, n, &r, &m);
        if (--left < 0) return 0;
    }
    return 0;
}

/* The line [a, b) that ends the search holds an http(s) URL that no
 * reference rule read: say so, since the list (or the rest of it) above
 * goes unread, and a rule for the layout would read it.  A line with a
 * time-hint stamp in it ("[10:59](https://…&t=659s) …", maybe after a
 * speaker's name) is talk, not notes: no word. */
static void unread_url_line(tx_conv *c, size_t a, size_t b)
{
    const char *s = c->norm->s;
    for (size_t i = a; i < b; i++)
        if ((s[i] == '[' || s[i] == '(') && opens_with_time(c->rules, c->lang, s + i, b - i))
            return;
    for (size_t i = a; i < b; i++)
        if ((s[i] == 'h' || s[i] == 'H') && tx_web_url_at(s + i, b - i)) {
            tx_diag_add(&c->diags, "warning", "unread-reference-line", (long)a, (long)b,
                        "line holds a URL that no reference rule reads; the show notes above it "
                        "were not read");
            return;
        }
}

int tx_url_noise(const tx_ruleset *rs, const char *w, size_t n)
{
    char low[TX_MAX_URLWORD];
    if (n >= sizeof low) return 0;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)w[i]);
    low[n] = 0;
    return tx_rules_any_full(rs, RK_URLNOISE, NULL, low, n);
}

static int all_digits(const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)w[i])) return 0;
    return 1;
}

/* The label a URL gives itself (see the top of the file); malloc'd, NULL
 * on OOM. */
static char *url_label(const tx_conv *c, const char *u, size_t n)
{
    const tx_rule *r;
    tx_match m;
    size_t s, e;
    for (size_t i = 0; (r = tx_rules_get(c->rules, RK_URLLABEL, c->lang, i)); i++)
        if (tx_rule_match(c->rules, r, u, n, 0, &m) == 1 && m.start == 0 &&
            tx_match_group(&m, "label", 1, &s, &e))
            return tx_strndup(u + s, e - s);
    const char *sc = strstr(u, "://");
    size_t host = sc && (size_t)(sc - u) < n ? (size_t)(sc - u) + 3 : 0, path = host;
    while (path < n && !strchr("/?#", u[path]))
        path++;
    size_t end = path;
    while (end < n && u[end] != '?' && u[end] != '#')
        end++;
    /* Path segments from the last: an extension that is URL noise (.html)
     * is dropped, and a segment that is noise or digits is passed over. */
    while (end > path) {
        size_t b = end;
        while (b > path && u[b - 1] != '/')
            b--;
        size_t stem = end;
        const char *dot = memchr(u + b, '.', end - b);
        for (const char *d = dot; d; d = memchr(d + 1, '.', (size_t)(u + end - d - 1)))
            dot = d;
        if (dot && tx_url_noise(c->rules, dot + 1, (size_t)(u + end - dot - 1)))
            stem = (size_t)(dot - u);
        if (stem > b && !tx_url_noise(c->rules, u + b, stem - b) && !all_digits(u + b, stem - b))
            return tx_strndup(u + b, stem - b);
        end = b > path ? b - 1 : path;
    }
    /* The host, without leading labels that are noise (www.). */
    while (host < path) {
        const char *dot = memchr(u + host, '.', path - host);
        if (!dot || !tx_url_noise(c->rules, u + host, (size_t)(dot - u) - host)) break;
        host = (size_t)(dot - u) + 1;
    }
    return tx_strndup(u + host, path - host);
}

/* Appends to out the links that reference-inline rules find inside the
 * lines of n->s[0, end) (a Markdown link in a heading, a bullet or a
 * sentence), in text order: notes given apart are notes throughout, so a
 * link anywhere in them above the lines the reference rules read is a
 * reference.  0, or -1 on OOM. */
static int inline_links(tx_conv *c, size_t end, tx_reflist *out, size_t *cap)
{
    const char *s = c->norm->s;
    const tx_rule *r;
    tx_match m;
    for (size_t ls = 0; ls < end;) {
        const char *nl = memchr(s + ls, '\n', end - ls);
        size_t le = nl ? (size_t)(nl - s) : end;
        for (size_t from = ls; from < le && le - ls <= TX_MAX_REFLINE;) {
            size_t best = le, us = 0, ue = 0, lsx = 0, lex = 0, mend = 0;
            const tx_rule *hit = NULL;
            for (size_t i = 0; (r = tx_rules_get(c->rules, RK_REFINLINE, c->lang, i)); i++) {
                if (tx_rule_match(c->rules, r, s + ls, le - ls, from - ls, &m) != 1 ||
                    ls + m.start >= best || !tx_match_group(&m, "url", 1, &us, &ue))
                    continue;
                best = ls + m.start, mend = ls + m.end, hit = r;
                if (!tx_match_group(&m, "label", 1, &lsx, &lex)) lsx = us, lex = ue;
                us += ls, ue += ls, lsx += ls, lex += ls;
            }
            if (!hit || mend <= from) break;
            tx_ref *p = tx_grow(out->ref, cap, out->nref + 1, sizeof *p);
            if (!p) return -1;
            out->ref = p;
            tx_ref *rf = &out->ref[out->nref++];
            *rf = (tx_ref){.start = best,
                           .end = mend,
                           .ustart = us,
                           .uend = ue,
                           .lstart = lsx,
                           .lend = lex,
                           .rule = tx_rule_name(hit),
                           .entry = -1};
            rf->label = lsx == us ? url_label(c, s + us, ue - us) : tx_span_copy(c, lsx, lex);
            rf->url = tx_strndup(s + us, ue - us);
            if (!rf->label || !rf->url) return -1;
            strip_enclosed_number(rf->label);
            from = mend;
        }
        ls = le + 1;
    }
    return 0;
}

/* The links inline_links finds above the list that was read, put before
 * its references (reading order), within max_refs.  0, or -1 on OOM. */
static int prepend_inline_links(tx_conv *c, tx_reflist *out, size_t *cap)
{
    tx_reflist in = {0};
    size_t icap = 0, end = out->nref ? out->ref[0].start : out->region_start;
    if (inline_links(c, end, &in, &icap)) {
        tx_reflist_free(&in);
        return -1;
    }
    if (out->max_refs && out->nref + in.nref > out->max_refs) {
        out->over_limit = 1;
        tx_reflist_free(&in);
        return 0;
    }
    if (!in.nref) return 0; /* (in.ref is NULL: no memcpy from it) */
    tx_ref *p = tx_grow(out->ref, cap, out->nref + in.nref, sizeof *p);
    if (!p) {
        tx_reflist_free(&in);
        return -1;
    }
    out->ref = p;
    if (out->nref) memmove(out->ref + in.nref, out->ref, out->nref * sizeof *out->ref);
    memcpy(out->ref, in.ref, in.nref * sizeof *in.ref);
    out->nref += in.nref;
    out->region_start = out->ref[0].start;
    free(in.ref);
    return 0;
}

/* Is a reference read from a part of the line [a, b)? */
static int covered(const tx_reflist *out, size_t a, size_t b)
{
    for (size_t i = 0; i < out->nref; i++)
        if (out->ref[i].start < b && out->ref[i].end > a) return 1;
    return 0;
}

tx2json_status tx_find_references(tx_conv *c)
{
    const tx_ruleset *rs = c->rules;
    const tx_doc *doc = c->doc;
    const tx_norm *n = c->norm;
    tx_reflist *out = c->refs;
    tx_diags *diags = &c->diags;
    tx2json_error *err = c->err;
    size_t max_refs = out->max_refs;
    memset(out, 0, sizeof *out);
    out->max_refs = max_refs;
    out->region_start = n->len;
    size_t cap = 0, ntimed = 0;                  /* references read from a timeline's lines */
    size_t end = n->len, stop_a = 0, stop_b = 0; /* the line where the reading stopped */
    int stopped = 0;
    const char *lang = c->lang;
    while (end > 0) {
        nline ln = line_ending(n->s, end);
        size_t ls = ln.ls, a = ln.a, b = ln.b;
        size_t next = ls > 0 ? ls - 1 : 0;
        const tx_rule *r;
        tx_match m;
        int hit = 0;
        int chapter = a < b && b - a <= TX_MAX_REFLINE &&
                      full_match(rs, RK_CHAPTER, lang, n->s + a, b - a, &r, &m);
        /* A chapter that a reference rule reads too is a timeline's link. */
        int timed = chapter && full_match(rs, RK_REFERENCE, lang, n->s + a, b - a, &r, &m);
        if (timed) chapter = 0;
        /* Chapters above the list: the list is read (a timestamped
         * transcript above it is never searched), unless the chapter
         * lies inside a timeline whose lines carry links. */
        if (chapter && out->nref > ntimed && !stray_in_list(c, &ln, 1)) break;
        nline url = {0, 0, 0, 0};
        const char *urule = NULL;
        size_t us = 0, ue = 0, lsx = 0, lex = 0;
        int below = !chapter && a < b && label_below(c, &ln, &url, &urule, &us, &ue, &lsx, &lex);
        int aside = !chapter && !below && a < b && b - a <= TX_MAX_REFLINE &&
                    full_match(rs, RK_ASIDE, lang, n->s + a, b - a, &r, &m) &&
                    !full_match(rs, RK_REFHEADER, lang, n->s + a, b - a, &r, &m);
        if (a == b || chapter || aside) {
            if (ls == 0) break; /* blank, or a chapter hint below the list: skipped */
            end = next;
            continue;
        }
        if (b - a > TX_MAX_REFLINE) break; /* no reference line is this long: the transcript */
        for (size_t i = 0; !hit && (r = tx_rules_get(rs, RK_REFERENCE, lang, i)); i++) {
            if (tx_rule_match(rs, r, n->s + a, b - a, 0, &m) != 1 || m.start != 0 || m.end != b - a)
                continue;
            size_t lsx = 0, lex = 0, us, ue;
            if (!tx_match_group(&m, "url", 1, &us, &ue)) continue;
            int labelled = tx_match_group(&m, "label", 1, &lsx, &lex) != 0;
            nline above;
            tx_ref *p = tx_grow(out->ref, &cap, out->nref + 1, sizeof *p);
            if (!p) goto oom;
            out->ref = p;
            tx_ref *rf = &out->ref[out->nref++];
            memset(rf, 0, sizeof *rf);
            rf->start = a;
            rf->end = b;
            rf->ustart = a + us;
            rf->uend = a + ue;
            rf->rule = tx_rule_name(r);
            rf->entry = -1;
            if (labelled) {
                rf->lstart = a + lsx;
                rf->lend = a + lex;
            } else if (label_above(c, &ln, &above, &rf->lstart, &rf->lend)) {
                rf->start = above.a; /* the line above is part of the reference */
                ls = above.ls;
                next = ls > 0 ? ls - 1 : 0;
            } else {
                rf->lstart = rf->ustart, rf->lend = rf->uend; /* derived from the URL */
            }
            rf->label = rf->lstart == rf->ustart
                            ? url_label(c, n->s + rf->ustart, rf->uend - rf->ustart)
                            : tx_span_copy(c, rf->lstart, rf->lend);
            rf->url = tx_strndup(n->s + rf->ustart, rf->uend - rf->ustart);
            if (!rf->label || !rf->url) goto oom;
            strip_enclosed_number(rf->label);
            a = rf->start;
            hit = 1;
        }
        if (!hit && looks_like_reference(n->s + a, b - a) &&
            !opens_with_time(rs, lang, n->s + a, b - a)) {
            /* A reference without a usable URL: report it, keep reading up. */
            tx_diag_add(diags, "warning", "reference-without-url", (long)a, (long)b,
                        "reference line has no valid http(s) URL; it was skipped");
            if (ls == 0) break;
            end = next;
            continue;
        }
        if (!hit && below) {
            tx_ref *p = tx_grow(out->ref, &cap, out->nref + 1, sizeof *p);
            if (!p) goto oom;
            out->ref = p;
            tx_ref *rf = &out->ref[out->nref++];
            memset(rf, 0, sizeof *rf);
            rf->start = url.a;
            rf->end = b;
            rf->ustart = us;
            rf->uend = ue;
            rf->lstart = lsx;
            rf->lend = lex;
            rf->rule = urule;
            rf->entry = -1;
            rf->label = tx_span_copy(c, lsx, lex);
            rf->url = tx_strndup(n->s + us, ue - us);
            if (!rf->label || !rf->url) goto oom;
            strip_enclosed_number(rf->label);
            a = url.a;
            ls = url.ls;
            next = ls > 0 ? ls - 1 : 0;
            hit = 1;
        }
        if (hit && out->max_refs && out->nref > out->max_refs) {
            out->over_limit = 1;
            break;
        }
        if (hit) {
            ntimed += (size_t)timed;
            out->region_start = a;
        } else {
            int header = 0;
            for (size_t i = 0; !header && (r = tx_rules_get(rs, RK_REFHEADER, lang, i)); i++)
                if (tx_rule_match(rs, r, n->s + a, b - a, 0, &m) == 1 && m.start == 0 &&
                    m.end == b - a)
                    header = 1;
            if (!header && out->nref && stray_in_list(c, &ln, 0)) { /* skipped */
                if (ls == 0) break;
                end = next;
                continue;
            }
            if (!header) {
                stop_a = a, stop_b = b, stopped = 1;
                break;
            }
            if (!out->nref) break;
            /* A header under which references were read: the list starts
             * here, unless more of it lies above (a list with sub-headings,
             * "Show notes" over "News" and "Resources"). */
            out->region_start = a;
        }
        if (ls == 0) break;
        end = next;
    }
    /* Lines were collected bottom-up; put them in reading order. */
    for (size_t i = 0; i < out->nref / 2; i++) {
        tx_ref t = out->ref[i];
        out->ref[i] = out->ref[out->nref - 1 - i];
        out->ref[out->nref - 1 - i] = t;
    }
    if (c->notes_only && !out->over_limit && prepend_inline_links(c, out, &cap)) goto oom;
    if (stopped && !covered(out, stop_a, stop_b)) unread_url_line(c, stop_a, stop_b);
    /* Repeated labels: kept (each line is a reference), but reported. */
    for (size_t i = 1; i < out->nref && i < 5000; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(out->ref[i].label, out->ref[j].label) == 0) {
                tx_diag_add(diags, "warning", "duplicate-reference-label", (long)out->ref[i].start,
                            (long)out->ref[i].end, "reference label [%s] repeats an earlier label",
                            out->ref[i].label);
                break;
            }
    return TX2JSON_OK;
oom:
    tx_reflist_free(out);
    tx_seterr(err, TX2JSON_ENOMEM, doc->name, 0, 0, (size_t)-1, "out of memory");
    return TX2JSON_ENOMEM;
}

void tx_reflist_free(tx_reflist *r)
{
    for (size_t i = 0; i < r->nref; i++) {
        free(r->ref[i].label);
        free(r->ref[i].url);
    }
    free(r->ref);
    r->ref = NULL;
    r->nref = 0;
}

size_t tx_url_tokens(const tx_ruleset *rs, const char *url, char ***toks, size_t *nhost)
{
    size_t n = 0, cap = 0;
    char **v = NULL;
    const char *p = url;
    /* Skip the scheme. */
    const char *sc = strstr(url, "://");
    if (sc) p = sc + 3;
    const char *host_end = p + strcspn(p, "/?#");
    *nhost = 0;
    while (*p) {
        while (*p && !isalnum((unsigned char)*p))
            p++;
        const char *s = p;
        while (*p && isalnum((unsigned char)*p))
            p++;
        size_t l = (size_t)(p - s);
        if (l < 3) continue;
        int digits = 1;
        for (size_t i = 0; i < l; i++)
            if (!isdigit((unsigned char)s[i])) digits = 0;
        if (digits) continue;
        char *t = tx_strndup(s, l);
        if (!t) break;
        for (size_t i = 0; i < l; i++)
            t[i] = (char)tolower((unsigned char)t[i]);
        if (tx_rules_any_full(rs, RK_URLNOISE, NULL, t, l)) {
            free(t);
            continue;
        }
        char **q = tx_grow(v, &cap, n + 1, sizeof *q);
        if (!q) {
            free(t);
            break;
        }
        v = q;
        v[n++] = t;
        if (s < host_end) (*nhost)++;
    }
    /* Whole path segments too, punctuation dropped: "foo2.5-vl" also
     * gives "foo25vl", the way a name is spoken. */
    const char *q = host_end;
    while (*q == '/')
        q++;
    while (*q && *q != '?' && *q != '#') {
        const char *e = q + strcspn(q, "/?#");
        char *t = malloc((size_t)(e - q) + 1);
        if (!t) break;
        size_t l = 0, parts = 0, digits = 0;
        int prev_alnum = 0;
        for (const char *x = q; x < e; x++) {
            int an = isalnum((unsigned char)*x);
            if (an) {
                t[l++] = (char)tolower((unsigned char)*x);
                if (isdigit((unsigned char)*x)) digits++;
                if (!prev_alnum) parts++;
            }
            prev_alnum = an;
        }
        t[l] = 0;
        char **qq = NULL;
        if (parts < 2 || l < 3 || digits == l || !(qq = tx_grow(v, &cap, n + 1, sizeof *qq))) {
            free(t);
        } else {
            v = qq;
            v[n++] = t;
        }
        q = e;
        while (*q == '/')
            q++;
    }
    *toks = v;
    return n;
}
