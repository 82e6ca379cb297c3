/* output.c - stage 8: the JSON document (schema_version 2) through cJSON.
 * Spans are [start, end) in code points of the decoded input; every text
 * field is cut from the input as given, not from the matching form (in a
 * subtitle file: its spoken pieces, without the framing between them).
 * Times are seconds of the cues a span covers, null in plain text. */
#include "output.h"
#include "signals.h"
#include "names.h"
#include "container.h"
#include "read.h"
#include "span.h"
#include "episode.h"
#include "references.h"
#include "rules.h"
#include "normalize.h"
#include "numeral.h"
#include "jsonw.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Text fields are copied into large chunks and referenced from the tree
 * (cJSON_CreateStringReference), not duplicated string by string: on a
 * 50 MB input the small allocations fragmented the heap so much that
 * building the tree grew faster than the input. */
typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    char data[];
} chunk;

typedef struct out {
    const tx_conv *c;
    chunk *chunks;
    int oom;
    int werr; /* the sink refused a piece */
    /* --offsets utf16: the UTF-16 offset of each code point (ncp + 1). */
    size_t *u16;
} out;

/* A NUL-terminated copy of s[0,len) that lives until free_chunks; NULL
 * on OOM. */
static char *keep(out *o, const char *s, size_t len)
{
    chunk *c = o->chunks;
    if (!c || c->cap - c->used < len + 1) {
        size_t cap = len + 1 > (1u << 20) ? len + 1 : (1u << 20);
        c = malloc(sizeof *c + cap);
        if (!c) return NULL;
        c->next = o->chunks;
        c->used = 0;
        c->cap = cap;
        o->chunks = c;
    }
    char *t = c->data + c->used;
    memcpy(t, s, len);
    t[len] = 0;
    c->used += len + 1;
    return t;
}

static void free_chunks(out *o)
{
    while (o->chunks) {
        chunk *c = o->chunks;
        o->chunks = c->next;
        free(c);
    }
}

static cJSON *chk(out *o, cJSON *j)
{
    if (!j) o->oom = 1;
    return j;
}

/* add and push attach v, or free it and note the failure.  They return 1
 * when v is attached: a container the caller goes on filling must not be
 * used after a failed attach, as it is gone. */
static int add(out *o, cJSON *obj, const char *k, cJSON *v)
{
    if (!v) {
        o->oom = 1;
        return 0;
    }
    if (!cJSON_AddItemToObject(obj, k, v)) {
        cJSON_Delete(v);
        o->oom = 1;
        return 0;
    }
    return 1;
}

static int push(out *o, cJSON *arr, cJSON *v)
{
    if (!v) {
        o->oom = 1;
        return 0;
    }
    if (!cJSON_AddItemToArray(arr, v)) {
        cJSON_Delete(v);
        o->oom = 1;
        return 0;
    }
    return 1;
}

/* Creates an empty container and attaches it to obj under k; NULL when
 * either step failed. */
static cJSON *attach(out *o, cJSON *obj, const char *k, cJSON *v)
{
    return add(o, obj, k, v) ? v : NULL;
}

/* Numbers as raw JSON text.  cJSON prints every number with sprintf
 * "%1.15g" and reads it back with sscanf to check the round trip, which
 * made numbers a tenth of the run time; these print the same bytes. */
static cJSON *count(size_t v)
{
    char buf[24], *p = buf + sizeof buf - 1;
    *p = 0;
    do
        *--p = (char)('0' + v % 10);
    while ((v /= 10) > 0);
    return cJSON_CreateRaw(p);
}

/* The largest x thousandths_text prints itself (llround's range). */
#define THOUSANDTHS_MAX 1e12

/* x rounded to 3 decimal places, printed as "%1.15g" would print it
 * ("0.857", "0.5", "1") into buf; x is a similarity or a time in seconds,
 * 0 <= x <= THOUSANDTHS_MAX (else 0: cJSON prints it). */
static int thousandths_text(double x, char buf[40])
{
    if (!(x >= 0.0) || x > THOUSANDTHS_MAX) return 0;
    unsigned long long k = (unsigned long long)llround(x * 1000.0);
    int n = snprintf(buf, 40, "%llu", k / 1000);
    unsigned f = (unsigned)(k % 1000);
    if (f) {
        char d[4] = {(char)('0' + f / 100), (char)('0' + f / 10 % 10), (char)('0' + f % 10), 0};
        for (int i = 2; i > 0 && d[i] == '0'; i--)
            d[i] = 0;
        snprintf(buf + n, 40 - (size_t)n, ".%s", d);
    }
    return 1;
}

static cJSON *thousandths(double x)
{
    char buf[40];
    if (!thousandths_text(x, buf)) return cJSON_CreateNumber(round(x * 1000.0) / 1000.0);
    return cJSON_CreateRaw(buf);
}

/* Code point cp of the decoded text as an offset in the document's unit
 * (tx2json_options.offsets). */
static size_t offset(const out *o, size_t cp)
{
    switch (o->c->opts->offsets) {
    case TX2JSON_OFFSETS_BYTES:
        return tx_cp_to_byte(o->c->doc, cp);
    case TX2JSON_OFFSETS_UTF16:
        return o->u16[cp];
    default:
        return cp;
    }
}

/* The UTF-16 offsets of every code point: one unit each, two for a code
 * point beyond the BMP (four bytes of UTF-8).  0 or -1 on OOM. */
#define UTF8_SUPPLEMENTARY_BYTES 4
static int utf16_offsets(out *o)
{
    const tx_doc *d = o->c->doc;
    if (!(o->u16 = malloc((d->ncp + 1) * sizeof *o->u16))) return -1;
    o->u16[0] = 0;
    for (size_t i = 0, b = 0; i < d->ncp; i++) {
        size_t next = b + 1;
        while (next < d->len && ((unsigned char)d->text[next] & 0xC0) == 0x80)
            next++;
        o->u16[i + 1] = o->u16[i] + (next - b == UTF8_SUPPLEMENTARY_BYTES ? 2 : 1);
        b = next;
    }
    return 0;
}

static cJSON *str_or_null(out *o, const char *s)
{
    return chk(o, s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

static cJSON *span(out *o, size_t s, size_t e)
{
    if (e < s) e = s;
    cJSON *a = chk(o, cJSON_CreateArray());
    if (!a) return NULL;
    size_t cs, ce;
    tx_span_cp(o->c, s, e, &cs, &ce);
    push(o, a, count(offset(o, cs)));
    push(o, a, count(offset(o, ce)));
    return a;
}

/* [start, end] in seconds of the cues norm bytes [s, e) cover, or null
 * (plain text, or no timed cue there). */
static cJSON *time_of(out *o, size_t s, size_t e)
{
    size_t cs, ce;
    long long t0, t1;
    tx_span_cp(o->c, s, e, &cs, &ce);
    if (!tx_container_time(o->c, cs, ce, &t0, &t1)) return chk(o, cJSON_CreateNull());
    cJSON *a = chk(o, cJSON_CreateArray());
    if (!a) return NULL;
    push(o, a, thousandths((double)t0 / MS_PER_SECOND));
    push(o, a, thousandths((double)t1 / MS_PER_SECOND));
    return a;
}

static cJSON *text(out *o, size_t s, size_t e)
{
    size_t len;
    char *own = NULL, *t;
    const char *p;
    if (tx_container_framed(o->c)) { /* the spoken pieces, framing left out */
        if (!(p = own = tx_span_copy(o->c, s, e))) {
            o->oom = 1;
            return NULL;
        }
        len = strlen(own);
    } else {
        p = tx_span_slice(o->c, s, e, &len);
    }
    t = keep(o, p, len);
    free(own);
    if (!t) {
        o->oom = 1;
        return NULL;
    }
    return chk(o, cJSON_CreateStringReference(t));
}

static cJSON *text_span(out *o, size_t s, size_t e)
{
    cJSON *j = chk(o, cJSON_CreateObject());
    if (!j) return NULL;
    add(o, j, "text", text(o, s, e));
    add(o, j, "span", span(o, s, e));
    return j;
}

/* How much of an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD) is known:
 * "year", "month" or "day"; null without a date. */
static cJSON *date_precision(out *o, const char *date)
{
    static const char *const prec[] = {"year", "month", "day"};
    size_t dashes = 0;
    for (const char *p = date; p && *p; p++)
        dashes += *p == '-';
    (void)o;
    return date && dashes < sizeof prec / sizeof *prec ? cJSON_CreateString(prec[dashes])
                                                       : cJSON_CreateNull();
}

/* The episode number said in the episode's number text (tx_num_spoken),
 * or null. */
static cJSON *number_value(out *o, const char *number)
{
    long v = number ? tx_num_spoken(o->c->num, number, strlen(number)) : -1;
    return v > 0 ? count((size_t)v) : cJSON_CreateNull();
}

/* text_span with the time: intro, outro. */
static cJSON *text_span_time(out *o, size_t s, size_t e)
{
    cJSON *j = text_span(o, s, e);
    if (j) add(o, j, "time", time_of(o, s, e));
    return j;
}

static cJSON *ref_or_null(out *o, int r)
{
    return chk(o, r >= 0 ? count((size_t)r) : cJSON_CreateNull());
}

/* The layout of the document: compact (one line) or indented by `indent`
 * spaces per level. */
typedef struct layout {
    int compact;
    int indent;
} layout;

/* Appends item, printed by cJSON, to b and deletes it: compact as cJSON
 * prints it, else re-laid out from level depth (reindent).  A NULL item
 * marks OOM. */
static void emit(out *o, tx_strbuf *b, cJSON *item, const layout *l, int depth)
{
    if (!item || o->oom) {
        cJSON_Delete(item);
        o->oom = 1;
        return;
    }
    char *s = cJSON_PrintUnformatted(item);
    cJSON_Delete(item);
    if (!s) {
        o->oom = 1;
        return;
    }
    if (l->compact)
        tx_sb_add(b, s, strlen(s));
    else
        tx_json_layout(b, s, l->indent, depth);
    cJSON_free(s);
}

/* ---- Entries, written directly (jsonw.h): the same bytes as the cJSON
 * tree of the other items, printed compact. */

/* A string that may be NULL, as cJSON_CreateString takes it: NULL fails
 * (the document then fails as out of memory). */
static void w_str(out *o, tx_strbuf *b, const char *s)
{
    if (!s) o->oom = 1;
    if (s) tx_jw_str(b, s, strlen(s));
}

/* text(): the input's text of norm bytes [s, e), up to a NUL as cJSON
 * reads it. */
static void w_text(out *o, tx_strbuf *b, size_t s, size_t e)
{
    if (tx_container_framed(o->c)) {
        char *own = tx_span_copy(o->c, s, e);
        if (!own) o->oom = 1;
        if (own) tx_jw_str(b, own, strlen(own));
        free(own);
        return;
    }
    size_t len;
    const char *p = tx_span_slice(o->c, s, e, &len);
    const char *nul = memchr(p, 0, len);
    tx_jw_str(b, p, nul ? (size_t)(nul - p) : len);
}

static void w_thousandths(out *o, tx_strbuf *b, double x)
{
    char buf[40];
    if (thousandths_text(x, buf)) {
        tx_jw_raw(b, buf, strlen(buf));
        return;
    }
    cJSON *j = cJSON_CreateNumber(round(x * 1000.0) / 1000.0);
    char *t = j ? cJSON_PrintUnformatted(j) : NULL;
    if (!t) o->oom = 1;
    if (t) tx_jw_raw(b, t, strlen(t));
    cJSON_free(t);
    cJSON_Delete(j);
}

/* span(): [start, end] in the document's offsets. */
static void w_span(out *o, tx_strbuf *b, size_t s, size_t e)
{
    size_t cs, ce;
    tx_span_cp(o->c, s, e < s ? s : e, &cs, &ce);
    tx_jw_char(b, '[');
    tx_jw_count(b, offset(o, cs));
    tx_jw_char(b, ',');
    tx_jw_count(b, offset(o, ce));
    tx_jw_char(b, ']');
}

/* time_of(): [start, end] in seconds, or null. */
static void w_time(out *o, tx_strbuf *b, size_t s, size_t e)
{
    size_t cs, ce;
    long long t0, t1;
    tx_span_cp(o->c, s, e, &cs, &ce);
    if (!tx_container_time(o->c, cs, ce, &t0, &t1)) {
        tx_jw_raw(b, "null", 4);
        return;
    }
    tx_jw_char(b, '[');
    w_thousandths(o, b, (double)t0 / MS_PER_SECOND);
    tx_jw_char(b, ',');
    w_thousandths(o, b, (double)t1 / MS_PER_SECOND);
    tx_jw_char(b, ']');
}

/* "text" and "span" of norm bytes [s, e), the first members of an object. */
static void w_text_span(out *o, tx_strbuf *b, size_t s, size_t e)
{
    tx_jw_key(b, "text", 1);
    w_text(o, b, s, e);
    tx_jw_key(b, "span", 0);
    w_span(o, b, s, e);
}

static void w_org(out *o, tx_strbuf *b, const tx_item *it)
{
    tx_jw_char(b, '{');
    w_text_span(o, b, it->start, it->end);
    tx_jw_key(b, "rule", 0);
    w_str(o, b, it->rule);
    tx_jw_key(b, "canonical", 0);
    const char *c = tx_org_canonical(o->c->rules, o->c->norm->s + it->start, it->end - it->start);
    if (c)
        w_str(o, b, c);
    else
        w_text(o, b, it->start, it->end);
    tx_jw_char(b, '}');
}

static void w_mention(out *o, tx_strbuf *b, const tx_item *m)
{
    tx_jw_char(b, '{');
    w_text_span(o, b, m->start, m->end);
    tx_jw_key(b, "time", 0);
    w_time(o, b, m->start, m->end);
    tx_jw_key(b, "reference", 0);
    if (m->reference >= 0)
        tx_jw_count(b, (size_t)m->reference);
    else
        tx_jw_raw(b, "null", 4);
    tx_jw_key(b, "score", 0);
    w_thousandths(o, b, m->score);
    tx_jw_key(b, "method", 0);
    w_str(o, b, m->method ? m->method : "none");
    tx_jw_key(b, "rule", 0);
    w_str(o, b, m->rule);
    tx_jw_char(b, '}');
}

/* Entry i of ep, compact. */
static void w_entry(out *o, tx_strbuf *b, const tx_episode *ep, size_t i)
{
    const tx_entry *en = &ep->entry[i];
    tx_jw_key(b, "index", 1);
    tx_jw_count(b, i);
    tx_jw_key(b, "span", 0);
    w_span(o, b, en->start, en->end);
    tx_jw_key(b, "time", 0);
    w_time(o, b, en->start, en->end);
    tx_jw_key(b, "text", 0);
    w_text(o, b, en->start, en->end);
    tx_jw_key(b, "rule", 0);
    w_str(o, b, en->rule);
    tx_jw_key(b, "organizations", 0);
    for (size_t k = 0; k < en->norg; k++) {
        tx_jw_char(b, k ? ',' : '[');
        w_org(o, b, &en->org[k]);
    }
    tx_jw_raw(b, en->norg ? "]" : "[]", en->norg ? 1 : 2);
    tx_jw_key(b, "mentions", 0);
    for (size_t k = 0; k < en->nmen; k++) {
        tx_jw_char(b, k ? ',' : '[');
        w_mention(o, b, &en->men[k]);
    }
    tx_jw_raw(b, en->nmen ? "]" : "[]", en->nmen ? 1 : 2);
    tx_jw_key(b, "references", 0);
    for (size_t k = 0; k < en->nrefs; k++) {
        tx_jw_char(b, k ? ',' : '[');
        tx_jw_count(b, (size_t)en->refs[k]);
    }
    tx_jw_raw(b, en->nrefs ? "]" : "[]", en->nrefs ? 1 : 2);
}

/* emit() for entry i: straight into b when compact, else through tmp and
 * laid out from depth 2. */
static void emit_entry(out *o, tx_strbuf *b, tx_strbuf *tmp, const layout *l, size_t i)
{
    if (o->oom) return;
    tx_strbuf *w = l->compact ? b : tmp;
    tmp->len = 0;
    tx_jw_char(w, '{');
    w_entry(o, w, o->c->ep, i);
    tx_jw_char(w, '}');
    if (w->oom) o->oom = 1;
    if (!o->oom && !l->compact) tx_json_layout(b, tmp->s, l->indent, 2);
}

static cJSON *reference_json(out *o, const tx_reflist *refs, size_t i)
{
    const tx_ref *r = &refs->ref[i];
    cJSON *j = chk(o, cJSON_CreateObject());
    if (!j) return NULL;
    add(o, j, "index", count(i));
    add(o, j, "label", cJSON_CreateString(r->label));
    add(o, j, "url", cJSON_CreateString(r->url));
    /* A reference from the notes file has no span in the transcript. */
    add(o, j, "span", r->notes ? cJSON_CreateNull() : span(o, r->start, r->end));
    add(o, j, "entry", ref_or_null(o, r->entry));
    add(o, j, "rule", cJSON_CreateString(r->rule));
    return j;
}

/* A unit of the body with its features (--features, for tools/train). */
static cJSON *unit_json(out *o, const tx_unit *u, int intro)
{
    cJSON *j = chk(o, cJSON_CreateObject());
    if (!j) return NULL;
    size_t cs, ce;
    tx_span_cp(o->c, u->start, u->start, &cs, &ce);
    add(o, j, "start", count(offset(o, cs)));
    cJSON *f = attach(o, j, "features", cJSON_CreateObject());
    for (int k = 0; f && k < TXF_NUNIT; k++)
        if (u->f[k] != 0) add(o, f, tx_feature_names[k], cJSON_CreateNumber(u->f[k]));
    cJSON *r = attach(o, j, "rules", cJSON_CreateArray());
    for (size_t k = 0; r && k < u->nrules; k++)
        push(o, r, cJSON_CreateString(tx_rule_name(u->rules[k])));
    add(o, j, "anchors", count((size_t)u->anchors));
    add(o, j, "no_start", cJSON_CreateBool(u->no_start));
    if (intro >= 0) add(o, j, "intro", cJSON_CreateBool(intro));
    return j;
}

/* A mention with its name features, kept or dropped by names.c
 * (--features, for tools/train). */
static cJSON *name_json(out *o, const tx_name_ctx *x, size_t entry, const tx_item *m, int kept)
{
    cJSON *j = text_span(o, m->start, m->end);
    if (!j) return NULL;
    add(o, j, "entry", count(entry));
    add(o, j, "reference", ref_or_null(o, m->reference));
    add(o, j, "kept", cJSON_CreateBool(kept));
    add(o, j, "primary", cJSON_CreateBool(m->primary));
    double f[TXN_N];
    const tx_rule *cues[TX_NAME_CUES];
    size_t nc;
    tx_name_features(x, m, f, cues, &nc);
    cJSON *fj = attach(o, j, "features", cJSON_CreateObject());
    for (int k = 0; fj && k < TXN_N; k++)
        if (f[k] != 0) add(o, fj, tx_name_feature_names[k], cJSON_CreateNumber(f[k]));
    cJSON *r = attach(o, j, "rules", cJSON_CreateArray());
    for (size_t k = 0; r && k < nc; k++)
        push(o, r, cJSON_CreateString(tx_rule_name(cues[k])));
    return j;
}

static cJSON *diag_json(out *o, const tx_diag *d)
{
    cJSON *j = chk(o, cJSON_CreateObject());
    if (!j) return NULL;
    add(o, j, "severity", cJSON_CreateString(d->severity));
    add(o, j, "code", cJSON_CreateString(d->code));
    add(o, j, "message", cJSON_CreateString(d->message));
    cJSON *sp;
    if (d->start < 0 || d->at == TX_AT_NOTES) { /* nowhere, or in the notes file */
        sp = cJSON_CreateNull();
    } else if (d->at == TX_AT_TEXT) { /* code points already: framing */
        sp = chk(o, cJSON_CreateArray());
        if (sp)
            push(o, sp, count(offset(o, (size_t)d->start))),
                push(o, sp, count(offset(o, (size_t)d->end)));
    } else {
        sp = span(o, (size_t)d->start, (size_t)d->end);
    }
    add(o, j, "span", sp);
    return j;
}

/* Opens the array member `key` of the root object (after the head). */
static void open_array(tx_strbuf *b, const char *key, const layout *l)
{
    tx_sb_addc(b, ',');
    if (!l->compact) tx_json_newline(b, l->indent, 1);
    tx_sb_addc(b, '"');
    tx_sb_add(b, key, strlen(key));
    tx_sb_add(b, l->compact ? "\":[" : "\": [", l->compact ? 3 : 4);
}

/* Before the i-th element of a root-level array. */
static void next_element(tx_strbuf *b, const layout *l, size_t i)
{
    if (i) tx_sb_addc(b, ',');
    if (!l->compact) tx_json_newline(b, l->indent, 2);
}

/* Closes a root-level array of n elements. */
static void close_array(tx_strbuf *b, const layout *l, size_t n)
{
    if (n && !l->compact) tx_json_newline(b, l->indent, 1);
    tx_sb_addc(b, ']');
}

/* Streaming (c->sink): the document goes out in pieces of at least this
 * many bytes, so memory holds one piece instead of the whole document. */
#define STREAM_PIECE (1u << 16)

/* Hands b's bytes to c->sink and empties b, when streaming and b holds a
 * piece (or anything, when last). */
static void flush(out *o, tx_strbuf *b, int last)
{
    const tx_conv *c = o->c;
    if (!c->sink || c->opts->output || b->oom || o->oom || o->werr || !b->len) return;
    if (!last && b->len < STREAM_PIECE) return;
    if (c->sink(c->sink_user, b->s, b->len)) o->werr = 1;
    b->len = 0;
}

/* Writes "names": every mention of ep with its name features, the kept
 * ones entry by entry, then the dropped ones.  Sets o->oom on OOM. */
static void names_array(out *o, tx_strbuf *b, const layout *l, const tx_episode *ep)
{
    tx_name_ctx x;
    size_t i = 0;
    if (tx_name_ctx_init(&x, o->c)) {
        o->oom = 1;
        return;
    }
    open_array(b, "names", l);
    for (size_t e = 0; e < ep->nentry && !o->oom && !o->werr; e++)
        for (size_t k = 0; k < ep->entry[e].nmen && !o->oom && !o->werr; k++) {
            next_element(b, l, i++);
            emit(o, b, name_json(o, &x, e, &ep->entry[e].men[k], 1), l, 2);
            free_chunks(o);
            flush(o, b, 0);
        }
    for (size_t k = 0; k < ep->ndropped && !o->oom && !o->werr; k++) {
        next_element(b, l, i++);
        emit(o, b, name_json(o, &x, ep->dropped[k].entry, &ep->dropped[k].it, 0), l, 2);
        free_chunks(o);
        flush(o, b, 0);
    }
    close_array(b, l, i);
    tx_name_ctx_free(&x);
}

/* The document is written as a stream: the head (schema, source, episode)
 * and then each entry, reference and diagnostic is a small cJSON tree,
 * printed and freed before the next is built.  The bytes are those of the
 * whole tree printed compact by cJSON, or laid out as `jq .` does, while
 * memory holds one item's tree at a time instead of every node of a 50 MB
 * input's document at once. */
tx2json_status tx_write_json(const tx_conv *c, char **result)
{
    const tx_doc *doc = c->doc;
    const tx_episode *ep = c->ep;
    const tx_reflist *refs = c->refs;
    const tx_diags *diags = &c->diags;
    layout l = {c->opts->compact, c->opts->indent ? c->opts->indent : TX2JSON_DEFAULT_INDENT};
    tx2json_error *err = c->err;
    out o = {c, NULL, 0, 0, NULL};
    tx_strbuf b = {0};
    if (c->opts->offsets == TX2JSON_OFFSETS_UTF16 && utf16_offsets(&o)) goto oom;
    cJSON *root = chk(&o, cJSON_CreateObject());
    if (!root) goto oom;
    add(&o, root, "schema_version", cJSON_CreateNumber(TX2JSON_SCHEMA_VERSION));

    /* What made the document: a re-run after a rule change differs here. */
    cJSON *tool = attach(&o, root, "tool", cJSON_CreateObject());
    if (tool) {
        add(&o, tool, "name", cJSON_CreateString("tx2json"));
        add(&o, tool, "version", cJSON_CreateString(TX2JSON_VERSION));
        add(&o, tool, "rules_sha256", cJSON_CreateString(tx_rules_sha256(c->rules)));
    }

    cJSON *src = attach(&o, root, "source", cJSON_CreateObject());
    if (src) {
        add(&o, src, "path", cJSON_CreateString(doc->name));
        add(&o, src, "bytes", count(doc->raw_len));
        add(&o, src, "sha256", cJSON_CreateString(doc->sha256));
        add(&o, src, "encoding", cJSON_CreateString(doc->encoding));
        add(&o, src, "language", cJSON_CreateString(c->lang));
        if (c->opts->offsets == TX2JSON_OFFSETS_UTF16 || c->opts->offsets == TX2JSON_OFFSETS_BYTES)
            add(&o, src, "offsets",
                cJSON_CreateString(c->opts->offsets == TX2JSON_OFFSETS_UTF16 ? "utf16" : "bytes"));
    }

    cJSON *e = attach(&o, root, "episode", cJSON_CreateObject());
    if (e) {
        add(&o, e, "title", str_or_null(&o, ep->title));
        add(&o, e, "date", str_or_null(&o, ep->date));
        add(&o, e, "date_precision", date_precision(&o, ep->date));
        add(&o, e, "number", str_or_null(&o, ep->number));
        add(&o, e, "number_value", number_value(&o, ep->number));
        add(&o, e, "intro",
            ep->has_intro ? text_span_time(&o, ep->intro_start, ep->intro_end)
                          : cJSON_CreateNull());
        add(&o, e, "outro",
            ep->has_outro ? text_span_time(&o, ep->outro_start, ep->outro_end)
                          : cJSON_CreateNull());
    }
    emit(&o, &b, root, &l, 0);
    /* Reopen the head: drop its closing "}" (and the line break before it). */
    if (!o.oom && b.len >= 2) b.len -= l.compact ? 1 : 2;

    open_array(&b, "entries", &l);
    tx_strbuf tmp = {0};
    for (size_t i = 0; i < ep->nentry && !o.oom && !o.werr; i++) {
        next_element(&b, &l, i);
        emit_entry(&o, &b, &tmp, &l, i);
        flush(&o, &b, 0);
    }
    tx_sb_free(&tmp);
    close_array(&b, &l, ep->nentry);
    open_array(&b, "references", &l);
    for (size_t i = 0; i < refs->nref && !o.oom && !o.werr; i++) {
        next_element(&b, &l, i);
        emit(&o, &b, reference_json(&o, refs, i), &l, 2);
        flush(&o, &b, 0);
    }
    close_array(&b, &l, refs->nref);
    if (c->opts->features) {
        open_array(&b, "units", &l);
        for (size_t i = 0; i < ep->nunit && !o.oom && !o.werr; i++) {
            next_element(&b, &l, i);
            emit(&o, &b, unit_json(&o, &ep->unit[i], i ? -1 : ep->unit_intro), &l, 2);
            free_chunks(&o);
            flush(&o, &b, 0);
        }
        close_array(&b, &l, ep->nunit);
        names_array(&o, &b, &l, ep);
    }
    open_array(&b, "diagnostics", &l);
    for (size_t i = 0; i < diags->n && !o.oom && !o.werr; i++) {
        next_element(&b, &l, i);
        emit(&o, &b, diag_json(&o, &diags->d[i]), &l, 2);
        flush(&o, &b, 0);
    }
    close_array(&b, &l, diags->n);
    tx_sb_add(&b, l.compact ? "}\n" : "\n}\n", l.compact ? 2 : 3);
    flush(&o, &b, 1);
    free_chunks(&o);
    free(o.u16);
    o.u16 = NULL;
    if (o.werr) goto werr;
    if (o.oom || b.oom) goto oom;
    if (c->sink && !c->opts->output) tx_sb_free(&b);
    *result = b.s;
    return TX2JSON_OK;
werr:
    tx_sb_free(&b);
    tx_seterr(err, TX2JSON_EIO, doc->name, 0, 0, (size_t)-1, "cannot write the output");
    return TX2JSON_EIO;
oom:
    free_chunks(&o);
    free(o.u16);
    tx_sb_free(&b);
    tx_seterr(err, TX2JSON_ENOMEM, doc->name, 0, 0, (size_t)-1, "out of memory");
    return TX2JSON_ENOMEM;
}
