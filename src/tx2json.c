/* tx2json.c - the public API: runs the pipeline stages, in order, on each
 * input and owns the process-wide context (rules, pinyin cache). */
#include "conv.h"
#include "chapters.h"
#include "html.h"
#include "container.h"
#include "episode.h"
#include "signals.h"
#include "link.h"
#include "grow.h"
#include "names.h"
#include "normalize.h"
#include "output.h"
#include "read.h"
#include "references.h"
#include "segment.h"
#include "span.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unicode/ubrk.h>
#include <unicode/uclean.h>
#include <unicode/ucnv.h>

const char *tx2json_version(void)
{
    return TX2JSON_VERSION;
}

int tx2json_version_number(void)
{
    return TX2JSON_VERSION_NUMBER;
}

void tx2json_options_init(tx2json_options *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->size = sizeof *opts;
    opts->indent = TX2JSON_DEFAULT_INDENT;
}

/* The caller's options as this version's struct: the fields up to
 * in->size (all of them when size is 0), the defaults after.  Fails with
 * EINVAL when a newer caller set a field this version does not know
 * (a nonzero byte past sizeof *out) or a value is out of range. */
static tx2json_status options_of(const tx2json_options *in, tx2json_options *out,
                                 tx2json_error *err)
{
    tx2json_options_init(out);
    if (!in) return TX2JSON_OK;
    size_t n = in->size && in->size < sizeof *out ? in->size : sizeof *out;
    memcpy(out, in, n);
    out->size = sizeof *out;
    for (size_t k = sizeof *out; k < in->size; k++)
        if (((const unsigned char *)in)[k]) {
            tx_seterr(err, TX2JSON_EINVAL, NULL, 0, 0, (size_t)-1,
                      "options of a newer tx2json (size %zu, this library knows %zu)", in->size,
                      sizeof *out);
            return TX2JSON_EINVAL;
        }
    if (out->indent < 0 || out->indent > TX2JSON_MAX_INDENT) {
        tx_seterr(err, TX2JSON_EINVAL, NULL, 0, 0, (size_t)-1, "indent %d is not 0 to %d",
                  out->indent, TX2JSON_MAX_INDENT);
        return TX2JSON_EINVAL;
    }
    if (out->segmenter != TX2JSON_SEGMENT_SCORED) {
        tx_seterr(err, TX2JSON_EINVAL, NULL, 0, 0, (size_t)-1,
                  "segmenter %d: the rules segmenter was removed in 0.3.0 (the scored one, "
                  "TX2JSON_SEGMENT_SCORED, replaced it)",
                  out->segmenter);
        return TX2JSON_EINVAL;
    }
    return TX2JSON_OK;
}

const char *tx2json_strstatus(tx2json_status c)
{
    switch (c) {
    case TX2JSON_OK:
        return "success";
    case TX2JSON_ENOMEM:
        return "out of memory";
    case TX2JSON_EIO:
        return "input/output error";
    case TX2JSON_EDECODE:
        return "malformed input";
    case TX2JSON_EEMPTY:
        return "empty input";
    case TX2JSON_ERULES:
        return "bad rule file";
    case TX2JSON_ELIMIT:
        return "limit exceeded";
    case TX2JSON_EINVAL:
        return "invalid argument";
    case TX2JSON_EINTERNAL:
        return "internal error";
    case TX2JSON_EOUTPUT:
        return "output not possible for this input";
    }
    return "unknown error";
}

tx2json_status tx2json_options_check(const tx2json_ctx *ctx, const tx2json_options *opts,
                                     tx2json_error *err)
{
    tx2json_options o;
    if (err) memset(err, 0, sizeof *err), err->offset = (size_t)-1;
    tx2json_status rc = options_of(opts, &o, err);
    if (rc) return rc;
    if (o.encoding) {
        UErrorCode st = U_ZERO_ERROR;
        UConverter *cv = ucnv_open(o.encoding, &st);
        ucnv_close(cv);
        if (st == U_MEMORY_ALLOCATION_ERROR) {
            tx_seterr(err, TX2JSON_ENOMEM, NULL, 0, 0, (size_t)-1, "out of memory");
            return TX2JSON_ENOMEM;
        }
        if (U_FAILURE(st)) {
            tx_seterr(err, TX2JSON_EINVAL, NULL, 0, 0, (size_t)-1, "unknown encoding '%s'",
                      o.encoding);
            return TX2JSON_EINVAL;
        }
    }
    if (ctx && o.lang && strcmp(o.lang, "auto")) {
        size_t i = 0;
        while (tx2json_ctx_language(ctx, i) && strcmp(tx2json_ctx_language(ctx, i), o.lang))
            i++;
        if (!tx2json_ctx_language(ctx, i)) {
            tx_seterr(err, TX2JSON_EINVAL, NULL, 0, 0, (size_t)-1,
                      "the rules name no language '%s'", o.lang);
            return TX2JSON_EINVAL;
        }
    }
    return TX2JSON_OK;
}

/* The checkout's rules (an uninstalled build) and the installed ones
 * (DATADIR/tx2json/rules), both set by the Makefile. */
#ifndef TX2JSON_RULES_DIR
#define TX2JSON_RULES_DIR "rules"
#endif
#ifndef TX2JSON_DATA_RULES_DIR
#define TX2JSON_DATA_RULES_DIR "/usr/local/share/tx2json/rules"
#endif

/* The lookup of the rules when none are named: $TX2JSON_RULES, the
 * installed directory when it exists, the checkout's. */
const char *tx2json_default_rules(void)
{
    const char *env = getenv("TX2JSON_RULES");
    struct stat st;
    if (env && *env) return env;
    if (stat(TX2JSON_DATA_RULES_DIR, &st) == 0 && S_ISDIR(st.st_mode))
        return TX2JSON_DATA_RULES_DIR;
    return TX2JSON_RULES_DIR;
}

tx2json_status tx2json_ctx_new(const char *rules_dir, tx2json_ctx **out, tx2json_error *err)
{
    *out = NULL;
    if (!rules_dir) rules_dir = tx2json_default_rules();
    tx2json_ctx *c = calloc(1, sizeof *c);
    if (!c || !(c->pinyin = tx_pinyin_new())) {
        free(c);
        tx_seterr(err, TX2JSON_ENOMEM, rules_dir, 0, 0, (size_t)-1, "out of memory");
        return TX2JSON_ENOMEM;
    }
    tx2json_status rc = tx_rules_load(rules_dir, &c->rules, err);
    if (rc) {
        tx2json_ctx_free(c);
        return rc;
    }
    if (!(c->numerals = tx_numerals_new(c->rules)) ||
        !(c->weights = calloc(1, sizeof *c->weights))) {
        tx2json_ctx_free(c);
        tx_seterr(err, TX2JSON_ENOMEM, rules_dir, 0, 0, (size_t)-1, "out of memory");
        return TX2JSON_ENOMEM;
    }
    if ((rc = tx_weights_load(c->rules, c->weights, err))) {
        tx2json_ctx_free(c);
        return rc;
    }
    UErrorCode st = U_ZERO_ERROR;
    c->sbrk = ubrk_open(UBRK_SENTENCE, "zh", NULL, 0, &st);
    c->wbrk = ubrk_open(UBRK_WORD, "zh", NULL, 0, &st);
    if (U_FAILURE(st)) {
        tx_seterr(err, st == U_MEMORY_ALLOCATION_ERROR ? TX2JSON_ENOMEM : TX2JSON_EINTERNAL, NULL,
                  0, 0, (size_t)-1, "ICU break iterator: %s", u_errorName(st));
        tx2json_ctx_free(c);
        return err ? err->code : TX2JSON_EINTERNAL;
    }
    *out = c;
    return TX2JSON_OK;
}

tx2json_status tx2json_ctx_clone(const tx2json_ctx *ctx, tx2json_ctx **out, tx2json_error *err)
{
    *out = NULL;
    tx2json_ctx *c = calloc(1, sizeof *c);
    UErrorCode st = U_ZERO_ERROR;
    if (c) {
        c->pinyin = tx_pinyin_new();
        c->rules = tx_rules_clone(ctx->rules);
        c->numerals = ctx->numerals; /* read only */
        c->weights = ctx->weights;   /* read only */
        c->clone = 1;
        c->sbrk = ubrk_clone(ctx->sbrk, &st);
        c->wbrk = ubrk_clone(ctx->wbrk, &st);
    }
    if (!c || !c->pinyin || !c->rules || !c->sbrk || !c->wbrk || U_FAILURE(st)) {
        tx2json_ctx_free(c);
        tx_seterr(err, TX2JSON_ENOMEM, NULL, 0, 0, (size_t)-1, "out of memory");
        return TX2JSON_ENOMEM;
    }
    *out = c;
    return TX2JSON_OK;
}

tx2json_status tx2json_ctx_set_limits(tx2json_ctx *ctx, unsigned long match_limit,
                                      unsigned long depth_limit, unsigned long heap_kib)
{
    if (!ctx) return TX2JSON_EINVAL;
    return tx_rules_set_limits(ctx->rules, match_limit, depth_limit, heap_kib) ? TX2JSON_ENOMEM
                                                                               : TX2JSON_OK;
}

const char *tx2json_ctx_language(const tx2json_ctx *ctx, size_t i)
{
    return ctx ? tx_rules_language(ctx->rules, i) : NULL;
}

void tx2json_ctx_free(tx2json_ctx *c)
{
    if (!c) return;
    if (!c->clone) tx_numerals_free(c->numerals);
    if (!c->clone && c->weights) tx_weights_free(c->weights);
    if (!c->clone) free(c->weights);
    tx_rules_free(c->rules);
    tx_pinyin_free(c->pinyin);
    if (c->sbrk) ubrk_close(c->sbrk);
    if (c->wbrk) ubrk_close(c->wbrk);
    free(c);
}

void tx2json_global_cleanup(void)
{
    u_cleanup();
}

void tx2json_free(void *p)
{
    free(p);
}

/* The decoded text holds something, and no line is over --max-line (a
 * JSON transcript's lines are not held to it, its segments' text is). */
static tx2json_status check_text(tx_conv *c, size_t raw_len)
{
    const tx_doc *doc = c->doc;
    int blank = 1;
    for (size_t i = 0; i < doc->len && blank; i++)
        if (!strchr(" \t\n\v\f", doc->text[i])) blank = 0;
    if (blank) {
        tx_seterr(c->err, TX2JSON_EEMPTY, c->name, 0, 0, (size_t)-1,
                  raw_len ? "input holds only whitespace" : "input is empty");
        return TX2JSON_EEMPTY;
    }
    size_t max_line = c->opts->max_line ? c->opts->max_line : TX_DEFAULT_MAX_LINE;
    if (tx_container_is_json(doc->text, doc->len)) return TX2JSON_OK;
    for (size_t i = 0, ls = 0, line = 1; i <= doc->len; i++) {
        if (i < doc->len && doc->text[i] != '\n') continue;
        if (i - ls > max_line) {
            tx_seterr(c->err, TX2JSON_ELIMIT, c->name, line, 0, (size_t)-1,
                      "line %zu is %zu bytes, over the limit of %zu (--max-line)", line, i - ls,
                      max_line);
            return TX2JSON_ELIMIT;
        }
        ls = i + 1;
        line++;
    }
    return TX2JSON_OK;
}

/* The document's language: the option, which must be one the rules name,
 * else the one the rules' script tables find. */
static tx2json_status pick_language(tx_conv *c)
{
    const char *l = c->opts->lang;
    if (!l || !strcmp(l, "auto")) {
        snprintf(c->lang, sizeof c->lang, "%s",
                 tx_detect_language(c->rules, c->norm->s, c->norm->len));
        return TX2JSON_OK;
    }
    for (size_t i = 0; tx_rules_language(c->rules, i); i++)
        if (!strcmp(tx_rules_language(c->rules, i), l)) {
            snprintf(c->lang, sizeof c->lang, "%s", l);
            return TX2JSON_OK;
        }
    tx_seterr(c->err, TX2JSON_EINVAL, c->name, 0, 0, (size_t)-1,
              "language '%s' is not one the rules name", l);
    return TX2JSON_EINVAL;
}

/* Warnings about the run itself: no reference list, rule matches over a
 * PCRE2 limit, rules switched off for hitting it too often. */
static void run_warnings(tx_conv *c, size_t budget)
{
    if (!c->refs->nref)
        tx_diag_add(&c->diags, "warning", "no-references", -1, -1, "no reference list found");
    size_t hits = tx_rules_limit_hits(c->rules);
    if (hits)
        tx_diag_add(&c->diags, "warning", "match-limit", -1, -1,
                    "%zu rule matches hit a PCRE2 limit and were treated as no match", hits);
    const tx_rule *off;
    for (size_t i = 0; (off = tx_rules_switched_off(c->rules, &i));)
        tx_diag_add(&c->diags, "warning", "match-limit", -1, -1,
                    "rule '%s' hit a PCRE2 limit %zu times and was switched off for the rest "
                    "of this document",
                    tx_rule_name(off), budget);
}

/* Moves the notes' diagnostics to c's, their positions marked as the
 * notes'.  -1 on OOM. */
static int take_notes_diags(tx_conv *c, tx_diags *nd)
{
    tx_diags *ds = &c->diags;
    if (!nd->n) return 0;
    tx_diag *p = tx_grow(ds->d, &ds->cap, ds->n + nd->n, sizeof *p);
    if (!p) return -1;
    ds->d = p;
    for (size_t i = 0; i < nd->n; i++) {
        ds->d[ds->n] = nd->d[i];
        ds->d[ds->n++].at = TX_AT_NOTES;
    }
    free(nd->d);
    memset(nd, 0, sizeof *nd);
    return 0;
}

/* Appends the notes' references to c->refs, but those the transcript
 * lists already (same label and URL).  -1 on OOM (nr keeps the rest). */
static int append_notes_refs(tx_conv *c, tx_reflist *nr)
{
    tx_reflist *r = c->refs;
    size_t cap = r->nref;
    if (nr->over_limit) r->over_limit = 1;
    if (!nr->nref) return 0;
    tx_strset seen = {0}; /* "label\nurl" of the transcript's references */
    tx_strbuf k = {0};
    int bad = 0;
    for (size_t j = 0; j < r->nref && !bad; j++) {
        k.len = 0;
        tx_sb_add(&k, r->ref[j].label, strlen(r->ref[j].label));
        tx_sb_addc(&k, '\n');
        tx_sb_add(&k, r->ref[j].url, strlen(r->ref[j].url));
        bad = k.oom || tx_strset_add(&seen, k.s);
    }
    tx_ref *p = bad ? NULL : tx_grow(r->ref, &cap, r->nref + nr->nref, sizeof *p);
    if (p) r->ref = p;
    size_t i = 0;
    for (; p && i < nr->nref; i++) {
        tx_ref *q = &nr->ref[i];
        k.len = 0;
        tx_sb_add(&k, q->label, strlen(q->label));
        tx_sb_addc(&k, '\n');
        tx_sb_add(&k, q->url, strlen(q->url));
        if (k.oom) break;
        if (tx_strset_has(&seen, k.s)) { /* the same reference: the transcript's is kept */
            free(q->label);
            free(q->url);
            continue;
        }
        q->notes = 1;
        r->ref[r->nref++] = *q;
    }
    /* What was not moved stays in nr, which its owner frees. */
    memmove(nr->ref, nr->ref + i, (nr->nref - i) * sizeof *nr->ref);
    nr->nref -= i;
    if (r->max_refs && r->nref > r->max_refs) r->over_limit = 1;
    tx_strset_free(&seen);
    tx_sb_free(&k);
    return p && !nr->nref ? 0 : -1;
}

/* The show notes (opts->notes): decoded and normalised as plain text in
 * c->notes_doc and c->notes_norm, their reference list read as the
 * transcript's is and appended to it. */
static tx2json_status notes_references(tx_conv *c)
{
    const tx2json_options *o = c->opts;
    size_t max = o->max_input ? o->max_input : TX_DEFAULT_MAX_INPUT;
    if (!o->notes) return TX2JSON_OK;
    if (o->notes_len > max) {
        tx_seterr(c->err, TX2JSON_ELIMIT, c->notes_name, 0, 0, (size_t)-1,
                  "notes are %zu bytes, over the limit of %zu (--max-input)", o->notes_len, max);
        return TX2JSON_ELIMIT;
    }
    tx_reflist nr = {.max_refs = c->refs->max_refs};
    tx_conv n = *c;
    n.name = c->notes_name;
    n.doc = c->notes_doc;
    n.cont = NULL; /* plain text */
    n.norm = c->notes_norm;
    n.refs = &nr;
    n.notes_only = 1;
    n.take = NULL; /* the notes are the caller's */
    memset(&n.diags, 0, sizeof n.diags);
    tx2json_status rc;
    if (!(rc = tx_decode(&n, o->notes, o->notes_len)) && !(rc = tx_normalize(&n)) &&
        !(rc = tx_find_references(&n)) &&
        (n.diags.oom || take_notes_diags(c, &n.diags) || append_notes_refs(c, &nr))) {
        tx_seterr(c->err, TX2JSON_ENOMEM, c->notes_name, 0, 0, (size_t)-1, "out of memory");
        rc = TX2JSON_ENOMEM;
    }
    tx_diags_free(&n.diags);
    tx_reflist_free(&nr);
    return rc;
}

static tx2json_status report_warnings(tx_conv *c);

/* The stages keep byte offsets in 32 bits (tx_off): a text, decoded or
 * normalised, longer than that is refused.  TX2JSON_OK or ELIMIT. */
static tx2json_status check_size(tx_conv *c)
{
    size_t n = c->doc->len > c->norm->len ? c->doc->len : c->norm->len;
    if (n <= TX_OFF_MAX) return TX2JSON_OK;
    tx_seterr(c->err, TX2JSON_ELIMIT, c->name, 0, 0, (size_t)-1,
              "text is %zu bytes, over the limit of %zu", n, TX_OFF_MAX);
    return TX2JSON_ELIMIT;
}

/* The stages, in order, from decoded bytes to the JSON document. */
static tx2json_status run_stages(tx_conv *c, const unsigned char *data, size_t len, char **json_out)
{
    const tx2json_options *opts = c->opts;
    tx2json_status rc;
    if ((rc = tx_decode(c, data, len)) || (rc = check_text(c, len)) ||
        (rc = tx_container_parse(c)) || (rc = tx_normalize(c)) || (rc = check_size(c)))
        return rc;
    if ((rc = pick_language(c))) return rc;
    size_t budget = opts->max_limit_hits ? opts->max_limit_hits : TX2JSON_DEFAULT_LIMIT_HITS;
    tx_rules_reset_hits(c->rules, budget);
    if ((rc = tx_container_hints(c))) return rc;
    c->refs->max_refs = opts->max_refs ? opts->max_refs : 20000;
    if ((rc = tx_find_references(c)) || (rc = notes_references(c))) return rc;
    if (c->refs->over_limit) {
        tx_seterr(c->err, TX2JSON_ELIMIT, c->name, 0, 0, (size_t)-1,
                  "more than %zu reference lines (--max-refs)", c->refs->max_refs);
        return TX2JSON_ELIMIT;
    }
    c->lines_layout = tx_is_lines_layout(c, c->refs->region_start);
    if ((rc = tx_segment(c, 0, c->refs->region_start))) return rc;
    if (tx_conv_names_init(c)) {
        tx_seterr(c->err, TX2JSON_ENOMEM, c->name, 0, 0, (size_t)-1, "out of memory");
        return TX2JSON_ENOMEM;
    }
    if ((rc = tx_build_episode(c))) return rc;
    tx_seg_free_cands(c->seg);
    size_t max_entries = opts->max_entries ? opts->max_entries : 20000;
    if (c->ep->nentry > max_entries) {
        tx_seterr(c->err, TX2JSON_ELIMIT, c->name, 0, 0, (size_t)-1,
                  "%zu entries, over the limit of %zu (--max-entries)", c->ep->nentry, max_entries);
        return TX2JSON_ELIMIT;
    }
    if ((rc = tx_link(c)) || (rc = tx_grow_mentions(c)) || (rc = tx_filter_names(c))) return rc;
    run_warnings(c, budget);
    if (c->diags.oom) {
        tx_seterr(c->err, TX2JSON_ENOMEM, c->name, 0, 0, (size_t)-1, "out of memory");
        return TX2JSON_ENOMEM;
    }
    if (c->sink && (rc = report_warnings(c))) return rc;
    if ((rc = tx_write_json(c, json_out)) || !opts->output) return rc;
    char *doc = *json_out;
    *json_out = NULL;
    rc = opts->output == TX2JSON_OUTPUT_HTML ? tx_write_html(c, doc, json_out)
                                             : tx_write_chapters(c, doc, json_out);
    free(doc);
    return rc;
}

/* Hands each warning to opts->on_warning with its file, line and column
 * (code points): in the decoded text, or in the notes for a warning about
 * them.  TX2JSON_OK, or ENOMEM for the line indexes. */
static tx2json_status report_warnings(tx_conv *c)
{
    const tx2json_options *opts = c->opts;
    if (!opts->on_warning || !c->diags.n) return TX2JSON_OK;
    tx_lineidx li = {0}, nli = {0};
    int bad = tx_lineidx_build(&li, c->doc->text, c->doc->len) != TX2JSON_OK;
    if (!bad && opts->notes && c->notes_doc->text)
        bad = tx_lineidx_build(&nli, c->notes_doc->text, c->notes_doc->len) != TX2JSON_OK;
    for (size_t i = 0; !bad && i < c->diags.n; i++) {
        const tx_diag *d = &c->diags.d[i];
        size_t line = 0, col = 0;
        const char *file = d->at == TX_AT_NOTES ? c->notes_name : c->name;
        if (d->start >= 0 && d->at == TX_AT_TEXT)
            tx_cp_linecol(c->doc, &li, (size_t)d->start, &line, &col);
        else if (d->start >= 0 && d->at == TX_AT_NOTES)
            tx_cp_linecol(c->notes_doc, &nli, tx_norm_cp(c->notes_norm, (size_t)d->start), &line,
                          &col);
        else if (d->start >= 0)
            tx_span_linecol(c, &li, (size_t)d->start, &line, &col);
        opts->on_warning(opts->user, file, line, col, d->code, d->message);
    }
    tx_lineidx_free(&li);
    tx_lineidx_free(&nli);
    if (!bad) return TX2JSON_OK;
    tx_seterr(c->err, TX2JSON_ENOMEM, c->name, 0, 0, (size_t)-1, "out of memory");
    return TX2JSON_ENOMEM;
}

/* Points a decoding error at the bad byte as line:column (columns in bytes
 * here, as the bytes are not valid text). */
static void locate_error(tx2json_error *err, const char *name, const unsigned char *data,
                         size_t len)
{
    if (!err) return;
    if (err->offset != (size_t)-1 && err->line == 0 && err->offset <= len &&
        strcmp(err->file, name) == 0) {
        size_t line = 1, ls = 0;
        for (size_t k = 0; k < err->offset; k++)
            if (data[k] == '\n') line++, ls = k + 1;
        err->line = line;
        err->column = err->offset - ls + 1;
    }
    if (!err->file[0]) snprintf(err->file, sizeof err->file, "%s", name);
}

static void fill_stats(const tx_conv *c, tx2json_stats *st)
{
    st->entries = c->ep->nentry;
    st->references = c->refs->nref;
    st->links = 0;
    for (size_t i = 0; i < c->refs->nref; i++)
        st->links += c->refs->ref[i].entry >= 0;
}

/* Where tx2json_convert_stream sends the output, and the input buffer it
 * owns; all NULL for tx2json_convert_buffer. */
typedef struct stream {
    unsigned char *take;
    tx2json_write_fn write;
    void *user;
} stream;

/* Hands a whole output (not the streamed document) to the sink and frees
 * it; TX2JSON_EIO when the sink refuses it. */
static tx2json_status sink_whole(tx_conv *c, char **json_out)
{
    int bad = c->sink(c->sink_user, *json_out, strlen(*json_out));
    free(*json_out);
    *json_out = NULL;
    if (!bad) return TX2JSON_OK;
    tx_seterr(c->err, TX2JSON_EIO, c->name, 0, 0, (size_t)-1, "cannot write the output");
    return TX2JSON_EIO;
}

static tx2json_status convert(tx2json_ctx *ctx, const char *name, const unsigned char *data,
                              size_t len, const tx2json_options *opts, char **json_out,
                              tx2json_error *err, stream *sm)
{
    tx2json_options own;
    if (!name) name = "-"; /* a buffer without a name, as stdin is named */
    *json_out = NULL;
    if (err) memset(err, 0, sizeof *err), err->offset = (size_t)-1;
    tx2json_status orc = options_of(opts, &own, err);
    if (orc) {
        free(sm->take);
        return orc;
    }
    opts = &own;
    size_t max = opts->max_input ? opts->max_input : TX_DEFAULT_MAX_INPUT;
    if (len > max) {
        free(sm->take);
        tx_seterr(err, TX2JSON_ELIMIT, name, 0, 0, (size_t)-1,
                  "input is %zu bytes, over the limit of %zu (--max-input)", len, max);
        return TX2JSON_ELIMIT;
    }
    tx_doc doc = {0}, ndoc = {0};
    tx_container cont = {0};
    tx_norm n = {0}, nnorm = {0};
    tx_seg seg = {0};
    tx_reflist refs = {0};
    tx_episode ep = {0};
    tx_conv c = {.name = name,
                 .opts = opts,
                 .err = err,
                 .rules = ctx->rules,
                 .num = ctx->numerals,
                 .weights = ctx->weights,
                 .pinyin = ctx->pinyin,
                 .sbrk = ctx->sbrk,
                 .wbrk = ctx->wbrk,
                 .doc = &doc,
                 .cont = &cont,
                 .norm = &n,
                 .notes_name = opts->notes_name ? opts->notes_name : "notes",
                 .notes_doc = &ndoc,
                 .notes_norm = &nnorm,
                 .refs = &refs,
                 .seg = &seg,
                 .ep = &ep,
                 .take = sm->take,
                 .sink = sm->write,
                 .sink_user = sm->user};
    tx2json_status rc = run_stages(&c, data, len, json_out);
    if (!rc && !c.sink) rc = report_warnings(&c);
    if (!rc && c.sink && *json_out) rc = sink_whole(&c, json_out);
    if (!rc && opts->stats) fill_stats(&c, opts->stats);
    if (rc) {
        free(*json_out);
        *json_out = NULL;
        /* Only decoding errors point at a byte, and decoding gives the
         * buffer up only when it succeeds. */
        if (c.take || !sm->take)
            locate_error(err, name, data, len);
        else if (!err->file[0])
            snprintf(err->file, sizeof err->file, "%s", name);
        if (opts->notes) locate_error(err, c.notes_name, opts->notes, opts->notes_len);
    }
    tx_diags_free(&c.diags);
    tx_conv_names_free(&c);
    tx_episode_free(&ep);
    tx_reflist_free(&refs);
    tx_seg_free(&seg);
    tx_norm_free(&n);
    tx_norm_free(&nnorm);
    tx_container_free(&cont);
    tx_doc_free(&doc);
    tx_doc_free(&ndoc);
    free(c.take);
    return rc;
}

tx2json_status tx2json_convert_buffer(tx2json_ctx *ctx, const char *name, const unsigned char *data,
                                      size_t len, const tx2json_options *opts, char **json_out,
                                      tx2json_error *err)
{
    stream none = {NULL, NULL, NULL};
    return convert(ctx, name, data, len, opts, json_out, err, &none);
}

tx2json_status tx2json_convert_stream(tx2json_ctx *ctx, const char *name, unsigned char *data,
                                      size_t len, const tx2json_options *opts,
                                      tx2json_write_fn write, void *user, tx2json_error *err)
{
    static unsigned char empty[1];
    stream sm = {data, write, user};
    char *json = NULL;
    if (!write) {
        free(data);
        tx_seterr(err, TX2JSON_EINVAL, name ? name : "-", 0, 0, (size_t)-1, "no write function");
        return TX2JSON_EINVAL;
    }
    return convert(ctx, name, data ? data : empty, len, opts, &json, err, &sm);
}

tx2json_status tx2json_convert_file(tx2json_ctx *ctx, const char *path, const tx2json_options *opts,
                                    char **json_out, tx2json_error *err)
{
    *json_out = NULL;
    struct stat st;
    if (stat(path, &st) != 0) {
        tx_seterr(err, TX2JSON_EIO, path, 0, 0, (size_t)-1, "cannot open: %s", strerror(errno));
        return TX2JSON_EIO;
    }
    if (S_ISDIR(st.st_mode)) {
        tx_seterr(err, TX2JSON_EIO, path, 0, 0, (size_t)-1, "is a directory, not a file");
        return TX2JSON_EIO;
    }
    if (!S_ISREG(st.st_mode)) { /* a FIFO or device could block or never end */
        tx_seterr(err, TX2JSON_EIO, path, 0, 0, (size_t)-1, "is not a regular file");
        return TX2JSON_EIO;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        tx_seterr(err, TX2JSON_EIO, path, 0, 0, (size_t)-1, "cannot open: %s", strerror(errno));
        return TX2JSON_EIO;
    }
    tx2json_options own;
    tx2json_status orc = options_of(opts, &own, err);
    if (orc) return orc;
    size_t max = own.max_input ? own.max_input : TX_DEFAULT_MAX_INPUT;
    /* The file's size up front (a file that grows meanwhile grows b), so
     * the input is not held in a buffer of twice its size. */
    tx_strbuf b = {0};
    size_t want = (size_t)st.st_size < max ? (size_t)st.st_size : max;
    if ((b.s = malloc(want + 2))) b.cap = want + 2;
    char buf[65536];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
        tx_sb_add(&b, buf, got);
        if (b.len > max) break;
    }
    int rerr = ferror(f);
    fclose(f);
    if (rerr || b.oom) {
        tx_sb_free(&b);
        tx_seterr(err, rerr ? TX2JSON_EIO : TX2JSON_ENOMEM, path, 0, 0, (size_t)-1,
                  rerr ? "read error" : "out of memory");
        return rerr ? TX2JSON_EIO : TX2JSON_ENOMEM;
    }
    if (!b.s)
        return tx2json_convert_buffer(ctx, path, (const unsigned char *)"", 0, opts, json_out, err);
    /* The conversion takes the buffer over (decoding may keep it as the
     * text) and frees it. */
    stream sm = {(unsigned char *)b.s, NULL, NULL};
    return convert(ctx, path, sm.take, b.len, opts, json_out, err, &sm);
}
