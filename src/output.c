/* output.c - stage 8: the JSON document (schema_version 1) through cJSON.
 * Spans are [start, end) in code points of the decoded input; every text
 * field is cut from the input as given, not from the matching form. */
#include "internal.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct out {
    const tx_doc *doc;
    const tx_norm *n;
    int oom;
} out;

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

static cJSON *str_or_null(out *o, const char *s)
{
    return chk(o, s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

static cJSON *span(out *o, size_t s, size_t e)
{
    if (e < s) e = s;
    cJSON *a = chk(o, cJSON_CreateArray());
    if (!a) return NULL;
    push(o, a, cJSON_CreateNumber((double)o->n->map[s]));
    push(o, a, cJSON_CreateNumber((double)o->n->map[e]));
    return a;
}

static cJSON *text(out *o, size_t s, size_t e)
{
    size_t cs = o->n->map[s], ce = o->n->map[e];
    if (ce < cs) ce = cs; /* never a negative length */
    char *t =
        tx_strndup(o->doc->text + o->doc->cp_off[cs], o->doc->cp_off[ce] - o->doc->cp_off[cs]);
    if (!t) {
        o->oom = 1;
        return NULL;
    }
    cJSON *j = chk(o, cJSON_CreateString(t));
    free(t);
    return j;
}

static cJSON *text_span(out *o, size_t s, size_t e)
{
    cJSON *j = chk(o, cJSON_CreateObject());
    if (!j) return NULL;
    add(o, j, "text", text(o, s, e));
    add(o, j, "span", span(o, s, e));
    return j;
}

static cJSON *ref_or_null(out *o, int r)
{
    return chk(o, r >= 0 ? cJSON_CreateNumber(r) : cJSON_CreateNull());
}

tx2json_status tx_write_json(const tx_doc *doc, const tx_norm *n, const tx_episode *ep,
                             const tx_reflist *refs, const tx_diags *diags, int compact,
                             char **result, tx2json_error *err)
{
    out o = {doc, n, 0};
    cJSON *root = cJSON_CreateObject();
    if (!root) goto oom;
    add(&o, root, "schema_version", cJSON_CreateNumber(TX2JSON_SCHEMA_VERSION));

    cJSON *src = attach(&o, root, "source", cJSON_CreateObject());
    if (src) {
        add(&o, src, "path", cJSON_CreateString(doc->name));
        add(&o, src, "bytes", cJSON_CreateNumber((double)doc->raw_len));
        add(&o, src, "sha256", cJSON_CreateString(doc->sha256));
        add(&o, src, "encoding", cJSON_CreateString(doc->encoding));
        add(&o, src, "language", cJSON_CreateString(doc->lang));
    }

    cJSON *e = attach(&o, root, "episode", cJSON_CreateObject());
    if (e) {
        add(&o, e, "title", str_or_null(&o, ep->title));
        add(&o, e, "date", str_or_null(&o, ep->date));
        add(&o, e, "number", str_or_null(&o, ep->number));
        add(&o, e, "intro",
            ep->has_intro ? text_span(&o, ep->intro_start, ep->intro_end) : cJSON_CreateNull());
        add(&o, e, "outro",
            ep->has_outro ? text_span(&o, ep->outro_start, ep->outro_end) : cJSON_CreateNull());
    }

    cJSON *ents = attach(&o, root, "entries", cJSON_CreateArray());
    for (size_t i = 0; ents && i < ep->nentry && !o.oom; i++) {
        const tx_entry *en = &ep->entry[i];
        cJSON *j = cJSON_CreateObject();
        if (!push(&o, ents, j)) break;
        add(&o, j, "index", cJSON_CreateNumber((double)i));
        add(&o, j, "span", span(&o, en->start, en->end));
        add(&o, j, "text", text(&o, en->start, en->end));
        add(&o, j, "rule", cJSON_CreateString(en->rule));
        cJSON *orgs = attach(&o, j, "organizations", cJSON_CreateArray());
        for (size_t k = 0; orgs && k < en->norg; k++) {
            cJSON *x = text_span(&o, en->org[k].start, en->org[k].end);
            if (x) add(&o, x, "rule", cJSON_CreateString(en->org[k].rule));
            push(&o, orgs, x);
        }
        cJSON *mens = attach(&o, j, "mentions", cJSON_CreateArray());
        for (size_t k = 0; mens && k < en->nmen; k++) {
            const tx_item *m = &en->men[k];
            cJSON *x = text_span(&o, m->start, m->end);
            if (x) {
                add(&o, x, "reference", ref_or_null(&o, m->reference));
                add(&o, x, "score", cJSON_CreateNumber(round(m->score * 1000.0) / 1000.0));
                add(&o, x, "method", cJSON_CreateString(m->method ? m->method : "none"));
                add(&o, x, "rule", cJSON_CreateString(m->rule));
            }
            push(&o, mens, x);
        }
        cJSON *rr = attach(&o, j, "references", cJSON_CreateArray());
        for (size_t k = 0; rr && k < en->nrefs; k++)
            push(&o, rr, cJSON_CreateNumber(en->refs[k]));
    }

    cJSON *ra = attach(&o, root, "references", cJSON_CreateArray());
    for (size_t i = 0; ra && i < refs->nref && !o.oom; i++) {
        const tx_ref *r = &refs->ref[i];
        cJSON *j = cJSON_CreateObject();
        if (!push(&o, ra, j)) break;
        add(&o, j, "index", cJSON_CreateNumber((double)i));
        add(&o, j, "label", cJSON_CreateString(r->label));
        add(&o, j, "url", cJSON_CreateString(r->url));
        add(&o, j, "span", span(&o, r->start, r->end));
        add(&o, j, "entry", ref_or_null(&o, r->entry));
        add(&o, j, "rule", cJSON_CreateString(r->rule));
    }

    cJSON *da = attach(&o, root, "diagnostics", cJSON_CreateArray());
    for (size_t i = 0; da && i < diags->n && !o.oom; i++) {
        const tx_diag *d = &diags->d[i];
        cJSON *j = cJSON_CreateObject();
        if (!push(&o, da, j)) break;
        add(&o, j, "severity", cJSON_CreateString(d->severity));
        add(&o, j, "code", cJSON_CreateString(d->code));
        add(&o, j, "message", cJSON_CreateString(d->message));
        add(&o, j, "span",
            d->start >= 0 ? span(&o, (size_t)d->start, (size_t)d->end) : cJSON_CreateNull());
    }
    if (o.oom) goto oom;
    char *s = compact ? cJSON_PrintUnformatted(root) : cJSON_Print(root);
    cJSON_Delete(root);
    if (!s) {
        root = NULL;
        goto oom;
    }
    /* Hand the caller memory from the C allocator with a trailing newline. */
    size_t l = strlen(s);
    char *r = malloc(l + 2);
    if (!r) {
        cJSON_free(s);
        root = NULL;
        goto oom;
    }
    memcpy(r, s, l);
    r[l] = '\n';
    r[l + 1] = 0;
    cJSON_free(s);
    *result = r;
    return TX2JSON_OK;
oom:
    cJSON_Delete(root);
    tx_seterr(err, TX2JSON_ENOMEM, doc->name, 0, 0, (size_t)-1, "out of memory");
    return TX2JSON_ENOMEM;
}
