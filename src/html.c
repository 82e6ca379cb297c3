/* html.c - the review page (--format html) and a batch's index of pages.
 *
 * The page is drawn from the JSON document (the output contract, as the
 * chapters are) laid over the decoded text its spans index: the whole
 * transcript as given, the intro, each entry and the outro as numbered
 * blocks, every mention (linked, weak, unlinked) and organisation as a
 * marked span, each diagnostic as a marker at its position; then the
 * reference list with each reference's entry and mentions, and the
 * diagnostics.  Every item of the document is exactly one element
 * (class entry, mention, org, diag), so a test can count them.
 *
 * Safe by construction: every piece of text goes through esc(), only
 * http and https URLs become links, and the Content-Security-Policy
 * forbids everything but the page's own style (and, on the index, its one
 * script), named by their SHA-256. */
#include "html.h"
#include "container.h"
#include "read.h"
#include "signals.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Clock units of the times shown. */
#define SECONDS_PER_MINUTE 60
#define SECONDS_PER_HOUR 3600
/* Bytes of a SHA-256 digest, and of its base64 form with the NUL. */
#define SHA256_BYTES 32
#define SHA256_B64 45

/* The style of both pages: a light and a dark scheme, Han-friendly fonts,
 * a print layout.  Its hash goes into the CSP. */
static const char STYLE[] =
    ":root{color-scheme:light dark;--bg:#fff;--fg:#1b1b1b;--mute:#5c5c5c;--line:#d0d0d0;"
    "--entry:#f6f8fa;--intro:#eef6ee;--link:#0b57d0;--linked:#d7f0d9;--weak:#fff1b8;"
    "--unlinked:#ffd9d9;--org:#1f6feb;--diag:#b35900}"
    "@media (prefers-color-scheme:dark){:root{--bg:#15171a;--fg:#e6e6e6;--mute:#a8a8a8;"
    "--line:#3a3d42;--entry:#1e2126;--intro:#1b2a1e;--link:#8ab4f8;--linked:#1f4d2a;"
    "--weak:#5a4a10;--unlinked:#5e2222;--org:#79b8ff;--diag:#ffab40}}"
    "body{margin:0 auto;max-width:60rem;padding:1rem;background:var(--bg);color:var(--fg);"
    "font:16px/1.7 system-ui,'Noto Sans CJK SC','Noto Sans SC','PingFang SC',"
    "'Microsoft YaHei','Source Han Sans SC',sans-serif}"
    "a{color:var(--link)}h1{font-size:1.4rem;line-height:1.3}h2{font-size:1.1rem}"
    ".meta,.rule,.time,.src{color:var(--mute);font-size:.85em}"
    ".tx{white-space:pre-wrap;overflow-wrap:anywhere}"
    ".entry,.intro,.outro{display:block;margin:.4rem 0;padding:.3rem .6rem;"
    "border-left:4px solid var(--line);background:var(--entry)}"
    ".intro,.outro{background:var(--intro)}"
    ".bh{display:block;font-weight:600;white-space:normal}"
    ".mention{border-radius:3px;padding:0 1px;color:inherit;text-decoration:none}"
    ".linked{background:var(--linked)}.weak{background:var(--weak);"
    "text-decoration:underline dotted}.unlinked{background:var(--unlinked)}"
    ".fr{color:var(--mute);font-size:.8em}.org{border-bottom:2px solid "
    "var(--org)}.diag{color:var(--diag);text-decoration:none}"
    ".vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);"
    "white-space:nowrap}"
    "table{border-collapse:collapse;width:100%}th,td{border:1px solid var(--line);"
    "padding:.2rem .4rem;text-align:left;vertical-align:top}"
    ".num{text-align:right;font-variant-numeric:tabular-nums}"
    ".unmatched td{background:var(--unlinked)}.flag{font-weight:600}"
    "th button{font:inherit;background:none;border:0;color:inherit;cursor:pointer;padding:0}"
    "dl.legend dt{display:inline}dl.legend dd{display:inline;margin:0 1rem 0 .3rem}"
    "@media print{body{max-width:none;font-size:11pt}.entry,.intro,.outro{break-inside:auto;"
    "border-left-color:#000}a{color:inherit}tr{break-inside:avoid}}";

/* The index's one script: wraps each column heading in a button that sorts
 * the rows by it (the table reads the same without it). */
static const char SORT_SCRIPT[] =
    "(function(){var t=document.getElementById('episodes');if(!t)return;"
    "var hs=t.tHead.rows[0].cells;"
    "function key(r,i){var c=r.cells[i],v=c.getAttribute('data-v');"
    "return v===null?c.textContent:Number(v);}"
    "function sortBy(i){var h=hs[i],asc=h.getAttribute('aria-sort')!=='ascending';"
    "for(var k=0;k<hs.length;k++)hs[k].removeAttribute('aria-sort');"
    "h.setAttribute('aria-sort',asc?'ascending':'descending');"
    "var b=t.tBodies[0],rs=Array.prototype.slice.call(b.rows);"
    "rs.sort(function(x,y){var p=key(x,i),q=key(y,i),d=p<q?-1:p>q?1:0;return asc?d:-d;});"
    "rs.forEach(function(r){b.appendChild(r);});}"
    "Array.prototype.forEach.call(hs,function(h,i){var bt=document.createElement('button');"
    "bt.type='button';bt.textContent=h.textContent;h.textContent='';h.appendChild(bt);"
    "bt.addEventListener('click',function(){sortBy(i);});});})();";

/* ---- text ------------------------------------------------------------- */

static void add(tx_strbuf *b, const char *s)
{
    tx_sb_add(b, s, strlen(s));
}

/* Appends s[0,n) escaped for HTML text and quoted attributes: the five
 * markup characters become entities, and control characters but tab and
 * line feed become U+FFFD, so no byte of a transcript is ever markup. */
static void esc_n(tx_strbuf *b, const char *s, size_t n)
{
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        const char *rep = ch == '&'                                               ? "&amp;"
                          : ch == '<'                                             ? "&lt;"
                          : ch == '>'                                             ? "&gt;"
                          : ch == '"'                                             ? "&quot;"
                          : ch == '\''                                            ? "&#39;"
                          : (ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f ? "\xef\xbf\xbd"
                                                                                  : NULL;
        if (!rep) continue;
        tx_sb_add(b, s + from, i - from);
        add(b, rep);
        from = i + 1;
    }
    tx_sb_add(b, s + from, n - from);
}

static void esc(tx_strbuf *b, const char *s)
{
    if (s) esc_n(b, s, strlen(s));
}

static void addf(tx_strbuf *b, const char *fmt, size_t v)
{
    char num[64];
    snprintf(num, sizeof num, fmt, v);
    add(b, num);
}

/* A URL that may be a link: http or https only (any case), nothing that
 * could end the attribute (esc() quotes the rest). */
static int web_url(const char *u)
{
    return u && tx_web_url_at(u, strlen(u));
}

/* Seconds as H:MM:SS, or M:SS under an hour. */
static void clock_time(tx_strbuf *b, double t)
{
    char s[48];
    long v = t > 0 ? (long)floor(t) : 0;
    long h = v / SECONDS_PER_HOUR, m = v % SECONDS_PER_HOUR / SECONDS_PER_MINUTE,
         sec = v % SECONDS_PER_MINUTE;
    if (h)
        snprintf(s, sizeof s, "%ld:%02ld:%02ld", h, m, sec);
    else
        snprintf(s, sizeof s, "%ld:%02ld", m, sec);
    add(b, s);
}

/* An item's "time" ([start, end] seconds) as " 0:12–0:40", or nothing. */
static void time_range(tx_strbuf *b, const cJSON *item)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(item, "time");
    if (!cJSON_IsArray(t) || cJSON_GetArraySize(t) != 2) return;
    add(b, " <span class=\"time\">");
    clock_time(b, cJSON_GetArrayItem(t, 0)->valuedouble);
    add(b, "\xe2\x80\x93");
    clock_time(b, cJSON_GetArrayItem(t, 1)->valuedouble);
    add(b, "</span>");
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* o[key] as an index, or -1 when it is null or missing. */
static long idx(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) && v->valuedouble >= 0 ? (long)v->valuedouble : -1;
}

/* The SHA-256 of s in base64, as CSP hash sources give it. */
static void sha256_b64(const char *s, char out[SHA256_B64])
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char hex[TX_SHA256_HEX];
    unsigned char d[SHA256_BYTES + 1] = {0};
    tx_sha256_hex((const unsigned char *)s, strlen(s), hex);
    for (int i = 0; i < SHA256_BYTES; i++)
        sscanf(hex + 2 * i, "%2hhx", &d[i]);
    size_t o = 0;
    for (int i = 0; i < SHA256_BYTES; i += 3) {
        unsigned v =
            (unsigned)d[i] << 16 | (unsigned)d[i + 1] << 8 | (i + 2 < SHA256_BYTES ? d[i + 2] : 0);
        out[o++] = digits[v >> 18 & 63];
        out[o++] = digits[v >> 12 & 63];
        out[o++] = i + 1 < SHA256_BYTES ? digits[v >> 6 & 63] : '=';
        out[o++] = i + 2 < SHA256_BYTES ? digits[v & 63] : '=';
    }
    out[o] = 0;
}

/* <!DOCTYPE html> to the opening <body> (lang: the page's language, a
 * BCP 47 tag, or NULL): charset, a CSP allowing only
 * this style and (when script is not NULL) this script, no referrer. */
static void head(tx_strbuf *b, const char *lang, const char *title, const char *script)
{
    char sh[SHA256_B64], jh[SHA256_B64];
    sha256_b64(STYLE, sh);
    add(b, "<!DOCTYPE html>\n<html lang=\"");
    esc(b, lang ? lang : "und");
    add(b, "\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
           "style-src 'sha256-");
    add(b, sh);
    add(b, "'; script-src ");
    if (script) {
        sha256_b64(script, jh);
        add(b, "'sha256-");
        add(b, jh);
        add(b, "'");
    } else {
        add(b, "'none'");
    }
    add(b, "; img-src 'none'; base-uri 'none'; form-action 'none'\">\n"
           "<meta name=\"referrer\" content=\"no-referrer\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<meta name=\"generator\" content=\"tx2json ");
    esc(b, tx2json_version());
    add(b, "\">\n<title>");
    esc(b, title);
    add(b, "</title>\n<style>");
    add(b, STYLE);
    add(b, "</style>\n</head>\n<body>\n");
}

/* ---- the page's items ------------------------------------------------- */

enum { IT_INTRO, IT_ENTRY, IT_OUTRO, IT_MENTION, IT_ORG, IT_DIAG };

typedef struct item {
    size_t s, e;      /* byte offsets into the decoded text */
    int kind;         /* IT_* */
    size_t id;        /* index among the items of its kind */
    const cJSON *j;   /* the document's object */
    size_t line, col; /* diagnostics: 1-based, code points */
    int spanless;     /* no span (a diagnostic about the show notes): no marker */
    int anchor;       /* the mark is open as an <a> (links do not nest) */
} item;

typedef struct list {
    item *v;
    size_t n, cap, next;
} list;

typedef struct page {
    const tx_conv *c;
    const char *text;
    size_t len;
    size_t *u16; /* --offsets utf16: byte offset of each UTF-16 unit (+1) */
    size_t nu16;
    double weak; /* param:review-weak */
    const cJSON *refs;
    const cJSON **refv; /* the references by index (cJSON arrays are lists) */
    size_t nref;
    size_t anchors; /* marks open as <a>: an inner link is a <span> */
    tx_strbuf b;
    list blk, mk, dg;
    size_t pi;       /* subtitle files: the first piece not yet behind the text shown */
    const item **st; /* the marks open, innermost last */
    size_t sp;
    size_t nkind[IT_DIAG + 1]; /* items of each kind so far: their ids */
    int oom;
} page;

/* A span value of the document (in its offsets unit) as a byte offset
 * into the decoded text, clamped to its end. */
static size_t to_byte(const page *p, double v)
{
    size_t u = v > 0 ? (size_t)v : 0;
    switch (p->c->opts->offsets) {
    case TX2JSON_OFFSETS_BYTES:
        return u < p->len ? u : p->len;
    case TX2JSON_OFFSETS_UTF16:
        return p->u16[u < p->nu16 ? u : p->nu16];
    default:
        return tx_cp_to_byte(p->c->doc, u < p->c->doc->ncp ? u : p->c->doc->ncp);
    }
}

/* The UTF-16 table of --offsets utf16.  0, or -1 on OOM. */
static int build_u16(page *p)
{
    if (p->c->opts->offsets != TX2JSON_OFFSETS_UTF16) return 0;
    p->u16 = malloc((2 * p->c->doc->ncp + 1) * sizeof *p->u16);
    if (!p->u16) return -1;
    for (size_t i = 0; i < p->len;) {
        size_t at = i;
        uint32_t cp = tx_u8_next(p->text, &i);
        p->u16[p->nu16++] = at;
        if (cp > 0xFFFF) p->u16[p->nu16++] = at; /* a surrogate pair: two units */
    }
    p->u16[p->nu16] = p->len;
    return 0;
}

/* Appends an item of kind made from obj's "span" (an item without one
 * gets none when keep_spanless is 0, else the end of the text). */
static void push(page *p, list *l, const cJSON *obj, int kind, int keep_spanless)
{
    const cJSON *sp = cJSON_GetObjectItemCaseSensitive(obj, "span");
    int has = cJSON_IsArray(sp) && cJSON_GetArraySize(sp) == 2;
    if (!has && !keep_spanless) return;
    item *v = tx_grow(l->v, &l->cap, l->n + 1, sizeof *l->v);
    if (!v) {
        p->oom = 1;
        return;
    }
    l->v = v;
    item *it = &l->v[l->n];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->j = obj;
    it->id = p->nkind[kind]++;
    l->n++;
    it->s = has ? to_byte(p, cJSON_GetArrayItem(sp, 0)->valuedouble) : p->len;
    it->e = has ? to_byte(p, cJSON_GetArrayItem(sp, 1)->valuedouble) : p->len;
    it->spanless = !has;
    if (it->e < it->s) it->e = it->s;
}

/* Starting earlier, then the longer (the outer) first. */
static int item_before(const void *a, const void *b, const void *ctx)
{
    const item *x = a, *y = b;
    (void)ctx;
    return x->s < y->s || (x->s == y->s && x->e > y->e);
}

/* Line and column of each diagnostic (sorted by position): one pass. */
static void diag_lines(page *p)
{
    size_t pos = 0, line = 1, col = 1;
    for (size_t k = 0; k < p->dg.n; k++) {
        item *d = &p->dg.v[k];
        while (pos < d->s && pos < p->len) {
            uint32_t cp = tx_u8_next(p->text, &pos);
            line += cp == '\n';
            col = cp == '\n' ? 1 : col + 1;
        }
        d->line = line;
        d->col = col;
    }
}

/* Collects the blocks, marks and diagnostics of doc, each kind sorted by
 * position.  The blocks are made not to overlap (a later one starts where
 * the one before it ends). */
static void collect(page *p, const cJSON *doc)
{
    const cJSON *ep = cJSON_GetObjectItemCaseSensitive(doc, "episode"), *e, *m;
    const cJSON *in = cJSON_GetObjectItemCaseSensitive(ep, "intro");
    if (cJSON_IsObject(in)) push(p, &p->blk, in, IT_INTRO, 0);
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, "entries"))
    {
        push(p, &p->blk, e, IT_ENTRY, 1);
        cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(e, "mentions"))
            push(p, &p->mk, m, IT_MENTION, 1);
    }
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, "entries"))
        cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(e, "organizations"))
            push(p, &p->mk, m, IT_ORG, 1);
    const cJSON *out = cJSON_GetObjectItemCaseSensitive(ep, "outro");
    if (cJSON_IsObject(out)) push(p, &p->blk, out, IT_OUTRO, 0);
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, "diagnostics"))
        push(p, &p->dg, e, IT_DIAG, 1);
    p->refs = cJSON_GetObjectItemCaseSensitive(doc, "references");
    p->nref = (size_t)cJSON_GetArraySize(p->refs);
    if (!(p->refv = malloc((p->nref + 1) * sizeof *p->refv))) p->oom = 1;
    size_t r = 0;
    cJSON_ArrayForEach(e, p->refs) if (p->refv) p->refv[r++] = e;
    if (p->oom || tx_sort(p->blk.v, p->blk.n, sizeof(item), item_before, NULL) ||
        tx_sort(p->mk.v, p->mk.n, sizeof(item), item_before, NULL) ||
        tx_sort(p->dg.v, p->dg.n, sizeof(item), item_before, NULL)) {
        p->oom = 1;
        return;
    }
    for (size_t k = 1; k < p->blk.n; k++) {
        item *b = &p->blk.v[k], *prev = &p->blk.v[k - 1];
        if (b->s < prev->e) b->s = prev->e;
        if (b->e < b->s) b->e = b->s;
    }
    diag_lines(p);
}

/* ---- the transcript --------------------------------------------------- */

/* Reference r of the document, or NULL. */
static const cJSON *ref_at(const page *p, long r)
{
    return r >= 0 && (size_t)r < p->nref ? p->refv[r] : NULL;
}

/* A mention's description: "linked to reference N (Label), score S,
 * method M, rule R", or "not linked, ...". */
static void mention_desc(page *p, const cJSON *m)
{
    long r = idx(m, "reference");
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(m, "score");
    char num[64];
    if (r >= 0) {
        addf(&p->b, "linked to reference %zu", (size_t)r + 1);
        const char *label = str(ref_at(p, r), "label");
        if (label) add(&p->b, " ("), esc(&p->b, label), add(&p->b, ")");
    } else {
        add(&p->b, "not linked");
    }
    snprintf(num, sizeof num, ", score %.3f, method ", cJSON_IsNumber(sc) ? sc->valuedouble : 0.0);
    add(&p->b, num);
    esc(&p->b, str(m, "method"));
    add(&p->b, ", rule ");
    esc(&p->b, str(m, "rule"));
}

/* The class of a mention: linked, weak (linked below param:review-weak)
 * or unlinked. */
static const char *mention_class(const page *p, const cJSON *m)
{
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(m, "score");
    if (idx(m, "reference") < 0) return "unlinked";
    return cJSON_IsNumber(sc) && sc->valuedouble < p->weak ? "linked weak" : "linked";
}

static void open_mark(page *p, item *it)
{
    tx_strbuf *b = &p->b;
    if (it->kind == IT_ORG) {
        addf(b, "<span class=\"org\" id=\"o%zu\" title=\"organisation, rule ", it->id);
        esc(b, str(it->j, "rule"));
        add(b, "\">");
        return;
    }
    long r = idx(it->j, "reference");
    it->anchor = r >= 0 && !p->anchors;
    p->anchors += (size_t)it->anchor;
    add(b, it->anchor ? "<a href=\"#r" : "<span tabindex=\"0\"");
    if (it->anchor) addf(b, "%zu\"", (size_t)r);
    add(b, " class=\"mention ");
    add(b, mention_class(p, it->j));
    addf(b, "\" id=\"m%zu\" title=\"", it->id);
    mention_desc(p, it->j);
    add(b, "\">");
}

static void close_mark(page *p, const item *it)
{
    tx_strbuf *b = &p->b;
    add(b, "<span class=\"vh\"> (");
    if (it->kind == IT_ORG) {
        add(b, "organisation, rule ");
        esc(b, str(it->j, "rule"));
    } else {
        add(b, "mention, ");
        mention_desc(p, it->j);
    }
    add(b, ")</span>");
    add(b, it->anchor ? "</a>" : "</span>");
    p->anchors -= (size_t)it->anchor;
}

/* A diagnostic's marker in the text (none for one without a span). */
static void diag_marker(page *p, const item *d)
{
    if (d->spanless) return;
    if (p->anchors) /* inside a link: a span (links do not nest) */
        addf(&p->b, "<span class=\"diag\" id=\"d%zu\" title=\"", d->id);
    else
        addf(&p->b, "<a class=\"diag\" id=\"d%zu\" href=\"#dl", d->id),
            addf(&p->b, "%zu\" title=\"", d->id);
    esc(&p->b, str(d->j, "severity"));
    add(&p->b, ": ");
    esc(&p->b, str(d->j, "message"));
    add(&p->b, " [");
    esc(&p->b, str(d->j, "code"));
    add(&p->b, "]\">\xe2\x9a\xa0<span class=\"vh\"> ");
    esc(&p->b, str(d->j, "severity"));
    add(&p->b, ": ");
    esc(&p->b, str(d->j, "message"));
    add(&p->b, p->anchors ? "</span></span>" : "</span></a>");
}

/* Emits the text [a, b) of the transcript (in text order): in a subtitle
 * file what is not spoken (cue numbers, timing lines, tags) is framing,
 * shown dimmed, and an escape (a JSON \\u4e2d, WebVTT's &amp;) shows the
 * character it stands for, once, where it starts. */
static void text_out(page *p, size_t a, size_t b)
{
    const tx_container *k = p->c->cont;
    if (!tx_container_framed(p->c)) {
        esc_n(&p->b, p->text + a, b - a);
        return;
    }
    while (a < b) {
        while (p->pi < k->npiece && k->piece[p->pi].e <= a)
            p->pi++;
        const tx_piece *q = p->pi < k->npiece ? &k->piece[p->pi] : NULL;
        size_t e = q && q->s <= a ? (q->e < b ? q->e : b) : q && q->s < b ? q->s : b;
        if (!q || q->s > a) add(&p->b, "<span class=\"fr\">");
        if (q && q->s <= a && q->subst) {
            char u[4];
            if (q->s == a) esc_n(&p->b, u, tx_u8_put(q->subst, u));
        } else {
            esc_n(&p->b, p->text + a, e - a);
        }
        if (!q || q->s > a) add(&p->b, "</span>");
        a = e;
    }
}

/* The end of the innermost open mark, or SIZE_MAX. */
static size_t open_end(const page *p)
{
    return p->sp ? p->st[p->sp - 1]->e : (size_t)-1;
}

/* Emits the text [a, b) with the marks and diagnostic markers that start
 * in it (a mark reaching past b, or past the mark it is inside, is cut
 * there, so the elements nest; every mark is opened once). */
static void emit_range(page *p, size_t a, size_t b)
{
    size_t pos = a;
    for (;;) {
        size_t stop = b < open_end(p) ? b : open_end(p);
        list *mk = &p->mk, *dg = &p->dg;
        if (mk->next < mk->n && mk->v[mk->next].s < stop)
            stop = mk->v[mk->next].s > pos ? mk->v[mk->next].s : pos;
        if (dg->next < dg->n && dg->v[dg->next].s < stop)
            stop = dg->v[dg->next].s > pos ? dg->v[dg->next].s : pos;
        text_out(p, pos, stop);
        pos = stop;
        if (p->sp && open_end(p) <= pos) {
            close_mark(p, p->st[--p->sp]);
        } else if (dg->next < dg->n && dg->v[dg->next].s <= pos && pos < b) {
            diag_marker(p, &dg->v[dg->next++]);
        } else if (mk->next < mk->n && mk->v[mk->next].s <= pos && pos < b) {
            item *it = &mk->v[mk->next++];
            size_t lim = b < open_end(p) ? b : open_end(p);
            if (it->e > lim) it->e = lim;
            open_mark(p, it);
            p->st[p->sp++] = it;
        } else if (pos >= b) {
            while (p->sp)
                close_mark(p, p->st[--p->sp]);
            return;
        }
    }
}

/* A block's heading: "Entry N", its time, rule and references. */
static void block_head(page *p, const item *it)
{
    tx_strbuf *b = &p->b;
    static const char *const names[] = {[IT_INTRO] = "Intro", [IT_OUTRO] = "Outro"};
    add(b, "<span class=\"bh\">");
    if (it->kind == IT_ENTRY)
        addf(b, "Entry %zu", it->id + 1);
    else
        add(b, names[it->kind]);
    time_range(b, it->j);
    if (str(it->j, "rule"))
        add(b, " <span class=\"rule\">"), esc(b, str(it->j, "rule")), add(b, "</span>");
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(it->j, "references"))
    {
        long k = cJSON_IsNumber(r) ? (long)r->valuedouble : -1;
        if (k < 0) continue;
        addf(b, " \xe2\x86\x92 <a href=\"#r%zu\">", (size_t)k);
        addf(b, "[%zu] ", (size_t)k + 1);
        esc(b, str(ref_at(p, k), "label"));
        add(b, "</a>");
    }
    add(b, "</span>");
}

static void transcript(page *p)
{
    static const char *const cls[] = {
        [IT_INTRO] = "intro", [IT_ENTRY] = "entry", [IT_OUTRO] = "outro"};
    size_t pos = 0;
    add(&p->b, "<h2 id=\"transcript\">Transcript</h2>\n<div class=\"tx\">");
    for (size_t k = 0; k < p->blk.n; k++) {
        const item *it = &p->blk.v[k];
        emit_range(p, pos, it->s);
        add(&p->b, "<section class=\"");
        add(&p->b, cls[it->kind]);
        if (it->kind == IT_ENTRY)
            addf(&p->b, "\" id=\"e%zu\">", it->id);
        else
            add(&p->b, it->kind == IT_INTRO ? "\" id=\"intro\">" : "\" id=\"outro\">");
        block_head(p, it);
        emit_range(p, it->s, it->e);
        add(&p->b, "</section>");
        pos = it->e;
    }
    emit_range(p, pos, p->len);
    /* Items past the text's end (none in a well-formed document) still get
     * their element, so the page always has one per item. */
    while (p->dg.next < p->dg.n)
        diag_marker(p, &p->dg.v[p->dg.next++]);
    while (p->mk.next < p->mk.n) {
        item *it = &p->mk.v[p->mk.next++];
        open_mark(p, it);
        close_mark(p, it);
    }
    add(&p->b, "</div>\n");
}

/* ---- the reference list, diagnostics, summary ------------------------- */

/* The mentions of each reference, as lists of indices into p->mk (marks
 * are in text order).  first[r]..first[r+1] index into *who. */
static int mentions_by_ref(const page *p, size_t nref, size_t **first, size_t **who)
{
    *first = calloc(nref + 2, sizeof **first);
    *who = malloc((p->mk.n + 1) * sizeof **who);
    if (!*first || !*who) return -1;
    for (size_t k = 0; k < p->mk.n; k++) {
        long r = p->mk.v[k].kind == IT_MENTION ? idx(p->mk.v[k].j, "reference") : -1;
        if (r >= 0 && (size_t)r < nref) (*first)[r + 2]++;
    }
    for (size_t r = 2; r < nref + 2; r++)
        (*first)[r] += (*first)[r - 1];
    for (size_t k = 0; k < p->mk.n; k++) {
        long r = p->mk.v[k].kind == IT_MENTION ? idx(p->mk.v[k].j, "reference") : -1;
        if (r >= 0 && (size_t)r < nref) (*who)[(*first)[r + 1]++] = k;
    }
    return 0;
}

static void ref_row(page *p, const cJSON *ref, size_t r, const size_t *first, const size_t *who)
{
    tx_strbuf *b = &p->b;
    long e = idx(ref, "entry");
    const char *url = str(ref, "url");
    addf(b, "<tr id=\"r%zu\"", r);
    add(b, e < 0 ? " class=\"ref unmatched\">" : " class=\"ref\">");
    addf(b, "<td class=\"num\">%zu</td><td>", r + 1);
    esc(b, str(ref, "label"));
    add(b, "</td><td>");
    if (web_url(url))
        add(b, "<a rel=\"noopener noreferrer\" href=\""), esc(b, url), add(b, "\">"), esc(b, url),
            add(b, "</a>");
    else if (url)
        esc(b, url), add(b, " <span class=\"flag\">(not an http(s) URL: no link)</span>");
    add(b, "</td><td>");
    if (e >= 0)
        addf(b, "<a href=\"#e%zu\">", (size_t)e), addf(b, "Entry %zu</a>", (size_t)e + 1);
    else
        add(b, "<span class=\"flag\">unmatched: no entry introduces it</span>");
    add(b, "</td><td>");
    for (size_t k = first[r]; k < first[r + 1]; k++) {
        const item *m = &p->mk.v[who[k]];
        if (k > first[r]) add(b, ", ");
        addf(b, "<a href=\"#m%zu\">", m->id);
        esc(b, str(m->j, "text"));
        add(b, "</a>");
    }
    add(b, "</td><td class=\"rule\">");
    esc(b, str(ref, "rule"));
    add(b, "</td></tr>\n");
}

static void references(page *p)
{
    size_t nref = (size_t)cJSON_GetArraySize(p->refs), *first = NULL, *who = NULL;
    if (mentions_by_ref(p, nref, &first, &who)) {
        p->oom = 1;
    } else {
        add(&p->b, "<h2 id=\"references\">References</h2>\n<table><thead><tr><th>#</th>"
                   "<th>Label</th><th>URL</th><th>Entry</th><th>Mentions</th><th>Rule</th>"
                   "</tr></thead><tbody>\n");
        size_t r = 0;
        const cJSON *ref;
        cJSON_ArrayForEach(ref, p->refs) ref_row(p, ref, r++, first, who);
        add(&p->b, "</tbody></table>\n");
    }
    free(first);
    free(who);
}

static void diagnostics(page *p)
{
    tx_strbuf *b = &p->b;
    addf(b, "<h2 id=\"diagnostics\">Diagnostics (%zu)</h2>\n<ol>\n", p->dg.n);
    for (size_t k = 0; k < p->dg.n; k++) {
        const item *d = &p->dg.v[k];
        addf(b, "<li id=\"dl%zu\">", d->id);
        if (!d->spanless)
            addf(b, "<a href=\"#d%zu\">", d->id), addf(b, "%zu:", d->line),
                addf(b, "%zu</a> ", d->col);
        esc(b, str(d->j, "severity"));
        add(b, ": ");
        esc(b, str(d->j, "message"));
        add(b, " [");
        esc(b, str(d->j, "code"));
        add(b, "]</li>\n");
    }
    add(b, "</ol>\n");
}

/* The counts the heading shows (and the index lists). */
typedef struct counts {
    size_t entries, linked, weak, unlinked, orgs, refs, unmatched;
} counts;

static void count(const page *p, counts *n)
{
    memset(n, 0, sizeof *n);
    for (size_t k = 0; k < p->blk.n; k++)
        n->entries += p->blk.v[k].kind == IT_ENTRY;
    for (size_t k = 0; k < p->mk.n; k++) {
        const item *m = &p->mk.v[k];
        if (m->kind == IT_ORG) {
            n->orgs++;
            continue;
        }
        const char *cl = mention_class(p, m->j);
        n->linked += !strcmp(cl, "linked");
        n->weak += !strcmp(cl, "linked weak");
        n->unlinked += !strcmp(cl, "unlinked");
    }
    const cJSON *ref;
    cJSON_ArrayForEach(ref, p->refs)
    {
        n->refs++;
        n->unmatched += idx(ref, "entry") < 0;
    }
}

static void summary(page *p, const cJSON *doc)
{
    tx_strbuf *b = &p->b;
    const cJSON *src = cJSON_GetObjectItemCaseSensitive(doc, "source");
    counts n;
    count(p, &n);
    add(b, "<p class=\"src\">");
    esc(b, str(src, "path"));
    add(b, " \xc2\xb7 ");
    esc(b, str(src, "encoding"));
    add(b, " \xc2\xb7 language ");
    esc(b, str(src, "language"));
    add(b, "</p>\n<p>");
    addf(b, "<a href=\"#transcript\">%zu entries</a>, ", n.entries);
    addf(b, "%zu mentions linked, ", n.linked);
    addf(b, "%zu weak, ", n.weak);
    addf(b, "%zu not linked, ", n.unlinked);
    addf(b, "%zu organisations, ", n.orgs);
    addf(b, "<a href=\"#references\">%zu references</a> ", n.refs);
    addf(b, "(%zu unmatched), ", n.unmatched);
    addf(b, "<a href=\"#diagnostics\">%zu warnings</a>.</p>\n", p->dg.n);
    char w[64];
    snprintf(w, sizeof w, "%.2f", p->weak);
    add(b, "<dl class=\"legend\"><dt><span class=\"mention linked\">linked</span></dt><dd>a "
           "mention linked to a reference</dd><dt><span class=\"mention linked weak\">weak</span>"
           "</dt><dd>linked, score below ");
    add(b, w);
    add(b, " (param:review-weak)</dd><dt><span class=\"mention unlinked\">unlinked</span></dt>"
           "<dd>linked to nothing</dd><dt><span class=\"org\">organisation</span></dt><dd></dd>"
           "<dt><span class=\"diag\">\xe2\x9a\xa0</span></dt><dd>a diagnostic</dd></dl>\n"
           "<p class=\"meta\">Hover or focus a mark for its score, method and rule; entries "
           "and references count from 1 (the JSON's indices are one less).</p>\n");
}

static void free_page(page *p)
{
    free(p->u16);
    free(p->blk.v);
    free(p->mk.v);
    free(p->dg.v);
    free(p->st);
    free(p->refv);
}

tx2json_status tx_write_html(const tx_conv *c, const char *json, char **out)
{
    *out = NULL;
    if (!c->weights->has_param[TXP_REVIEW_WEAK]) {
        tx_seterr(c->err, TX2JSON_ERULES, c->name, 0, 0, (size_t)-1,
                  "the rules give no 'param:review-weak' (the review page's weak-link "
                  "threshold; the shipped rules/00-common.rules has it)");
        return TX2JSON_ERULES;
    }
    page p = {.c = c, .text = c->doc->text, .len = c->doc->len};
    p.weak = c->weights->param[TXP_REVIEW_WEAK];
    cJSON *doc = cJSON_Parse(json);
    if (!doc || build_u16(&p)) p.oom = 1;
    if (!p.oom) collect(&p, doc);
    if (!p.oom && !(p.st = malloc((p.mk.n + 1) * sizeof *p.st))) p.oom = 1;
    if (!p.oom) {
        const cJSON *ep = cJSON_GetObjectItemCaseSensitive(doc, "episode");
        const char *title = str(ep, "title") ? str(ep, "title") : c->name;
        head(&p.b, str(cJSON_GetObjectItemCaseSensitive(doc, "source"), "language"), title, NULL);
        add(&p.b, "<header><h1>");
        esc(&p.b, title);
        add(&p.b, "</h1>\n");
        summary(&p, doc);
        add(&p.b, "</header>\n<main>\n");
        transcript(&p);
        references(&p);
        diagnostics(&p);
        add(&p.b, "</main>\n</body>\n</html>\n");
    }
    cJSON_Delete(doc);
    free_page(&p);
    if (p.oom || p.b.oom) {
        tx_sb_free(&p.b);
        tx_seterr(c->err, TX2JSON_ENOMEM, c->name, 0, 0, (size_t)-1, "out of memory");
        return TX2JSON_ENOMEM;
    }
    *out = p.b.s;
    return TX2JSON_OK;
}

/* ---- the index -------------------------------------------------------- */

/* Appends path percent-encoded for an href (unreserved bytes and '/'
 * kept), so a name with '#', '?', spaces or quotes still links. */
static void href_path(tx_strbuf *b, const char *path)
{
    static const char hexd[] = "0123456789ABCDEF";
    for (const unsigned char *s = (const unsigned char *)path; *s; s++) {
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
            strchr("-._~/", *s)) {
            tx_sb_addc(b, (char)*s);
        } else {
            tx_sb_addc(b, '%');
            tx_sb_addc(b, hexd[*s >> 4]);
            tx_sb_addc(b, hexd[*s & 15]);
        }
    }
}

static void index_row(tx_strbuf *b, const tx2json_index_row *r)
{
    add(b, "<tr><td>");
    if (r->page) add(b, "<a href=\""), href_path(b, r->page), add(b, "\">");
    esc(b, r->source);
    add(b, r->page ? "</a></td>" : " <span class=\"flag\">(failed)</span></td>");
    const size_t v[] = {r->entries, r->links, r->unlinked, r->warnings};
    for (size_t k = 0; k < sizeof v / sizeof *v; k++) {
        if (r->page)
            addf(b, "<td class=\"num\" data-v=\"%zu\">", v[k]), addf(b, "%zu</td>", v[k]);
        else
            add(b, "<td class=\"num\" data-v=\"-1\">\xe2\x80\x94</td>");
    }
    add(b, "</tr>\n");
}

tx2json_status tx2json_html_index(const tx2json_index_row *rows, size_t n, char **html_out,
                                  tx2json_error *err)
{
    tx_strbuf b = {0};
    *html_out = NULL;
    head(&b, NULL, "tx2json review", SORT_SCRIPT);
    addf(&b, "<header><h1>tx2json review</h1>\n<p>Episodes: %zu. ", n);
    add(&b, "Links are references an entry owns; unlinked references are those no entry "
            "introduces.</p></header>\n<main>\n<table id=\"episodes\"><thead><tr>"
            "<th scope=\"col\">Episode</th><th scope=\"col\">Entries</th>"
            "<th scope=\"col\">Links</th><th scope=\"col\">Unlinked references</th>"
            "<th scope=\"col\">Warnings</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++)
        index_row(&b, &rows[i]);
    add(&b, "</tbody></table>\n</main>\n<script>");
    add(&b, SORT_SCRIPT);
    add(&b, "</script>\n</body>\n</html>\n");
    if (b.oom) {
        tx_sb_free(&b);
        tx_seterr(err, TX2JSON_ENOMEM, NULL, 0, 0, (size_t)-1, "out of memory");
        return TX2JSON_ENOMEM;
    }
    *html_out = b.s;
    return TX2JSON_OK;
}
