/* references.c - stage 5b: the reference list under the transcript.
 *
 * Reads lines upward from the end of the text.  A line that a `reference`
 * rule matches whole (groups `label` and `url`) belongs to the list, blank
 * lines are skipped, and a `reflist-header` line (相关链接:, Links: ...)
 * closes the list from above.  The first other line ends the search. */
#include "references.h"
#include "normalize.h"
#include "span.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* A line that starts like a reference ("[Label]" or "- [Label]") but did
 * not match any reference rule. */
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
    size_t cap = 0;
    size_t end = n->len;
    const char *lang = c->lang;
    while (end > 0) {
        size_t ls = end;
        while (ls > 0 && n->s[ls - 1] != '\n')
            ls--;
        size_t a = ls, b = end;
        while (a < b && (n->s[a] == ' ' || n->s[a] == '\t'))
            a++;
        while (b > a && (n->s[b - 1] == ' ' || n->s[b - 1] == '\t'))
            b--;
        size_t next = ls > 0 ? ls - 1 : 0;
        if (a == b) {
            if (ls == 0) break;
            end = next;
            continue;
        }
        const tx_rule *r;
        tx_match m;
        int hit = 0;
        if (b - a > 4096) break; /* no reference line is this long: the transcript */
        for (size_t i = 0; !hit && (r = tx_rules_get(rs, RK_REFERENCE, lang, i)); i++) {
            if (tx_rule_match(rs, r, n->s + a, b - a, 0, &m) != 1 || m.start != 0 || m.end != b - a)
                continue;
            size_t lsx, lex, us, ue;
            if (!tx_match_group(&m, "label", 1, &lsx, &lex) ||
                !tx_match_group(&m, "url", 1, &us, &ue))
                continue;
            tx_ref *p = tx_grow(out->ref, &cap, out->nref + 1, sizeof *p);
            if (!p) goto oom;
            out->ref = p;
            tx_ref *rf = &out->ref[out->nref++];
            memset(rf, 0, sizeof *rf);
            rf->start = a;
            rf->end = b;
            rf->lstart = a + lsx;
            rf->lend = a + lex;
            rf->ustart = a + us;
            rf->uend = a + ue;
            rf->rule = tx_rule_name(r);
            rf->entry = -1;
            rf->label = tx_span_copy(c, rf->lstart, rf->lend);
            rf->url = tx_strndup(n->s + rf->ustart, rf->uend - rf->ustart);
            if (!rf->label || !rf->url) goto oom;
            hit = 1;
        }
        if (!hit && looks_like_reference(n->s + a, b - a)) {
            /* A reference without a usable URL: report it, keep reading up. */
            tx_diag_add(diags, "warning", "reference-without-url", (long)a, (long)b,
                        "reference line has no valid http(s) URL; it was skipped");
            if (ls == 0) break;
            end = next;
            continue;
        }
        if (hit && out->max_refs && out->nref > out->max_refs) {
            out->over_limit = 1;
            break;
        }
        if (hit) {
            out->region_start = a;
        } else {
            int header = 0;
            for (size_t i = 0; !header && (r = tx_rules_get(rs, RK_REFHEADER, lang, i)); i++)
                if (tx_rule_match(rs, r, n->s + a, b - a, 0, &m) == 1 && m.start == 0 &&
                    m.end == b - a)
                    header = 1;
            if (header && out->nref) out->region_start = a;
            break;
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
