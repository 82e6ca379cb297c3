/* rules.c - stage 4: rule files, compiled once per process.
 *
 * A rule file is a list of named PCRE2 patterns, each with a kind, an
 * optional language, and examples that double as tests (docs/rules.md has
 * the format).  Every pattern is compiled with UTF and UCP when loaded,
 * JIT-compiled when the platform allows (on its first match when
 * converting, as a document meets only its own language's rules, and
 * not all of those; at once when checking), and matched under match, depth and heap
 * limits, so no rule can hang a run.  Each byte of an expanded pattern
 * remembers the file line and column it came from, so PCRE2's error offset
 * can be reported where the user wrote it. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "rules.h"
#include "prefilter.h"

#include <dirent.h>
#include <stdarg.h>
#include <limits.h>
#include <errno.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* PCRE2's documented defaults for the limits a match runs under: the heap
 * limit (KiB) also bounds each context's JIT stack, which starts at the
 * size PCRE2's JIT uses when it is given none. */
#define TX_HEAP_LIMIT_KIB 20000
#define TX_JIT_STACK_START (32 * 1024)

const char *const tx_table_kind_names[TK_NKINDS] = {"numerals",   "measure-words", "number-words",
                                                    "script",     "chapter-title", "weights",
                                                    "org-aliases"};

const char *const tx_kind_names[RK_NKINDS] = {
    "intro",           "outro",        "reflist-header", "reference",       "entry-start",
    "continuation",    "organization", "mention",        "stop-name",       "url-noise",
    "item-number",     "headlines",    "speaker",        "reference-label", "url-label",
    "chapter-hint",    "transition",   "org-stop",       "time-hint",       "event",
    "notes-aside",     "name-before",  "name-after",     "framing",         "name-form",
    "reference-inline"};

typedef struct example {
    int positive;
    char *text;
    char *expect; /* "group=value, ..." or NULL */
    size_t line, col;
} example;

struct tx_rule {
    char *name;
    char *file;
    size_t line;
    size_t pattern_line, pattern_col;
    int kind;
    char lang[4];
    int requires;
    int caseless, bytes;
    int bad;       /* had an error: never compiled, never matched */
    char *pattern; /* expanded */
    /* Where the pattern's bytes were written: one run per stretch of a
     * pattern line copied as is (columns advance per code point) and per
     * ${define} expansion (every byte at the reference's column). */
    struct pat_run {
        size_t off, line, col;
        int fixed;
    } * runs;
    size_t nruns, runcap;
    pcre2_code *code;
    int jit;      /* JIT-compiled: matched with pcre2_jit_match */
    int jit_done; /* the JIT compile was tried (it may have failed); under jit_mu */
    /* Literals every match consumes one of (prefilter.h), when converting;
     * NULL when the pattern has none it can tell, or when checking. */
    tx_prefilter *pf;
    int ngroups;
    const char *gname[TX_MAXGROUPS]; /* index = group number, names point into gnames */
    char *gnames;
    example *ex;
    size_t nex;
};

typedef struct define {
    char *name, *value;
} define;

struct tx_ruleset {
    tx_rule *r;
    size_t n, cap;
    define *def;
    size_t ndef, defcap;
    tx_table *tab; /* language tables */
    size_t ntab, tabcap;
    tx_nmap rule_by_name, def_by_name; /* while loading: rule and define indices */
    tx_nmap pf_by_lit;           /* a prefilter's first literal -> the first rule holding it */
    pcre2_general_context *gctx; /* routes PCRE2's memory through malloc/free */
    pcre2_compile_context *cctx;
    pcre2_match_context *mctx;
    pcre2_match_data *md;
    size_t limit_hits;
    uint32_t match_limit, depth_limit, heap_kib;
    /* PCRE2's JIT ignores the depth and heap limits.  The heap limit also
     * bounds the JIT stack, which each context owns; a depth limit set by
     * the caller makes matches run in the interpreter, where it holds. */
    pcre2_jit_stack *jstack;
    int interp;
    /* Per document: limit hits of each rule (indexed like r), and how many
     * a rule may have before it is switched off for the document. */
    uint32_t *rule_hits;
    size_t hit_budget, switched_off;
    /* Per context: the rules it has JIT-compiled or seen compiled
     * (jit_once), indexed like r. */
    unsigned char *jit_seen;
    /* Check mode: diagnostics are collected and loading goes on. */
    int collect;
    tx_rdiag *dg;
    size_t ndg, dgcap;
    char **loaded, **stack; /* real paths: every file read, and the include chain */
    size_t nloaded, loadedcap, nstack, stackcap;
    const tx_ruleset *parent; /* a clone shares its parent's rules */
    /* The languages rules and tables name, in order of first use. */
    char langs[TX_MAXLANGS][4];
    size_t nlangs;
    /* Rules by kind for each language and for any (NULL, slot nlangs), in
     * file order; built once after loading, shared read-only with clones. */
    size_t *byk[RK_NKINDS][TX_MAXLANGS + 1];
    size_t nbyk[RK_NKINDS][TX_MAXLANGS + 1];
    /* The bytes of every rule file read, in load order (while loading),
     * and their SHA-256 in hex (the documents' tool.rules_sha256). */
    tx_strbuf bytes;
    char sha256[TX_SHA256_HEX];
    /* The org-aliases rows by folded name (tx_org_canonical): built with
     * the index, shared read-only with clones.  alias_keys holds the folded
     * names the map points into; alias_val the rows' values. */
    int has_aliases;
    tx_nmap alias_by_key;
    char *alias_keys;
    const char **alias_val;
};

static void rule_free(tx_rule *r)
{
    free(r->name);
    free(r->file);
    free(r->pattern);
    free(r->runs);
    free(r->gnames);
    if (r->code) pcre2_code_free(r->code);
    tx_prefilter_free(r->pf);
    for (size_t i = 0; i < r->nex; i++) {
        free(r->ex[i].text);
        free(r->ex[i].expect);
    }
    free(r->ex);
}

static void rows_free(tx_table_row *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].key);
        free(v[i].value);
    }
    free(v);
}

static void table_free(tx_table *t)
{
    free(t->name);
    free(t->file);
    rows_free(t->row, t->nrow);
    rows_free(t->ex, t->nex);
}

void tx_rules_free(tx_ruleset *rs)
{
    if (!rs) return;
    if (rs->mctx) pcre2_match_context_free(rs->mctx);
    if (rs->md) pcre2_match_data_free(rs->md);
    if (rs->jstack) pcre2_jit_stack_free(rs->jstack);
    free(rs->rule_hits);
    free(rs->jit_seen);
    if (rs->parent) { /* a clone owns only its match state */
        free(rs);
        return;
    }
    for (size_t i = 0; i < rs->n; i++)
        rule_free(&rs->r[i]);
    free(rs->r);
    for (size_t i = 0; i < rs->ndef; i++) {
        free(rs->def[i].name);
        free(rs->def[i].value);
    }
    free(rs->def);
    for (size_t i = 0; i < rs->ntab; i++)
        table_free(&rs->tab[i]);
    free(rs->tab);
    tx_nmap_free(&rs->rule_by_name);
    tx_nmap_free(&rs->def_by_name);
    tx_nmap_free(&rs->pf_by_lit);
    tx_nmap_free(&rs->alias_by_key);
    free(rs->alias_keys);
    free(rs->alias_val);
    tx_sb_free(&rs->bytes);
    for (int k = 0; k < RK_NKINDS; k++)
        for (int l = 0; l < TX_MAXLANGS + 1; l++)
            free(rs->byk[k][l]);
    for (size_t i = 0; i < rs->ndg; i++) {
        free(rs->dg[i].file);
        free(rs->dg[i].rule);
        free(rs->dg[i].msg);
    }
    free(rs->dg);
    for (size_t i = 0; i < rs->nloaded; i++)
        free(rs->loaded[i]);
    free(rs->loaded);
    free(rs->stack); /* entries point into loaded */
    if (rs->cctx) pcre2_compile_context_free(rs->cctx);
    if (rs->gctx) pcre2_general_context_free(rs->gctx);
    free(rs);
}

/* Reports a problem.  When loading for a conversion, an error stops the
 * load (returns -1 with err filled) and warnings are dropped; when
 * checking, everything is collected and 0 is returned so the caller can
 * recover and go on.  OOM while collecting also returns -1. */
static int report(tx_ruleset *rs, tx2json_error *err, int error, const char *id, const char *file,
                  size_t line, size_t col, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 9, 10)));
static int report(tx_ruleset *rs, tx2json_error *err, int error, const char *id, const char *file,
                  size_t line, size_t col, const char *rule, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!rs->collect) {
        if (!error) return 0;
        tx_seterr(err, TX2JSON_ERULES, file, line, col, (size_t)-1, "%s", msg);
        return -1;
    }
    tx_rdiag *p = tx_grow(rs->dg, &rs->dgcap, rs->ndg + 1, sizeof *p);
    if (!p) goto oom;
    rs->dg = p;
    tx_rdiag *d = &rs->dg[rs->ndg];
    memset(d, 0, sizeof *d);
    d->error = error;
    d->id = id;
    d->line = line;
    d->col = col;
    d->file = tx_strdup(file ? file : "");
    d->rule = rule ? tx_strdup(rule) : NULL;
    d->msg = tx_strdup(msg);
    rs->ndg++;
    if (!d->file || !d->msg || (rule && !d->rule)) goto oom;
    return 0;
oom:
    tx_seterr(err, TX2JSON_ENOMEM, file, line, col, (size_t)-1, "out of memory");
    return -1;
}

static size_t u8_cols(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) c++;
    return c;
}

/* Records that pattern bytes from offset off on come from (line, col):
 * fixed for a define's expansion, else advancing per code point.
 * 0, or -1 on OOM. */
static int add_run(tx_rule *r, size_t off, size_t line, size_t col, int fixed)
{
    struct pat_run *p = tx_grow(r->runs, &r->runcap, r->nruns + 1, sizeof *p);
    if (!p) return -1;
    r->runs = p;
    r->runs[r->nruns++] = (struct pat_run){off, line, col, fixed};
    return 0;
}

static size_t run_off(const void *v, size_t i)
{
    return ((const struct pat_run *)v)[i].off;
}

/* The file line and column of pattern byte off. */
static void pattern_pos(const tx_rule *r, size_t off, size_t *line, size_t *col)
{
    /* The last run starting at or before off (the first starts at 0). */
    size_t lo = tx_lower_bound(r->runs, r->nruns, off + 1, run_off);
    lo = lo ? lo - 1 : 0;
    const struct pat_run *u = &r->runs[lo];
    *line = u->line;
    *col = u->fixed ? u->col : u->col + u8_cols(r->pattern + u->off, off - u->off);
}

/* Appends src[0..n) to r's pattern (NUL-terminated).  0, or -1 on OOM. */
static int pattern_add(tx_rule *r, size_t *plen, size_t *pcap, const char *src, size_t n)
{
    char *p = tx_grow(r->pattern, pcap, *plen + n + 1, 1);
    if (!p) return -1;
    r->pattern = p;
    memcpy(r->pattern + *plen, src, n);
    *plen += n;
    r->pattern[*plen] = 0;
    return 0;
}

/* Appends pattern text from the file (line, starting column) to rule r,
 * expanding ${name} defines; runs remember where each byte was written.
 * Linear in the text.  Returns 0 (r->bad set on a bad reference when
 * checking) or -1. */
static int append_pattern(tx_ruleset *rs, tx_rule *r, size_t *plen, size_t *pcap, const char *src,
                          size_t line, size_t col0, const char *file, tx2json_error *err)
{
    size_t n = strlen(src), col = col0, i = 0;
    while (i < n) {
        /* The literal stretch up to the next ${. */
        const char *ref = strstr(src + i, "${");
        size_t lit = ref ? (size_t)(ref - (src + i)) : n - i;
        if (lit) {
            if (add_run(r, *plen, line, col, 0) || pattern_add(r, plen, pcap, src + i, lit))
                goto oom;
            col += u8_cols(src + i, lit);
            i += lit;
            continue;
        }
        const char *close = memchr(src + i + 2, '}', n - i - 2);
        if (!close) {
            r->bad = 1;
            return report(rs, err, 1, "syntax", file, line, col, r->name,
                          "unterminated ${...} reference");
        }
        size_t nl = (size_t)(close - (src + i + 2)), d;
        if (!tx_nmap_get(&rs->def_by_name, src + i + 2, nl, &d)) {
            r->bad = 1;
            return report(rs, err, 1, "unknown-define", file, line, col, r->name,
                          "unknown define '%.*s'", (int)nl, src + i + 2);
        }
        const char *v = rs->def[d].value;
        if (add_run(r, *plen, line, col, 1) || pattern_add(r, plen, pcap, "(?:", 3) ||
            pattern_add(r, plen, pcap, v, strlen(v)) || pattern_add(r, plen, pcap, ")", 1))
            goto oom;
        col += nl + 3; /* "${", the ASCII-or-not name, "}" */
        col += u8_cols(src + i + 2, nl) - nl;
        i += nl + 3;
    }
    return 0;
oom:
    tx_seterr(err, TX2JSON_ENOMEM, file, line, 0, (size_t)-1, "out of memory");
    return -1;
}

/* JIT-compiles r's code; without JIT (not built in, or out of memory)
 * the interpreter runs. */
static void jit_rule(tx_rule *r)
{
    size_t jitsize = 0;
    r->jit = pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE) == 0 &&
             pcre2_pattern_info(r->code, PCRE2_INFO_JITSIZE, &jitsize) == 0 && jitsize > 0;
    r->jit_done = 1;
}

/* Guards the rules' JIT state: a clone's rules are its parent's, so two
 * workers may meet a rule's first match at once. */
static pthread_mutex_t jit_mu = PTHREAD_MUTEX_INITIALIZER;

/* JIT-compiles rule ri before its first match, once per process; each
 * context notes in its own jit_seen that it has been through the lock
 * for it, so later matches take no lock. */
static void jit_once(const tx_ruleset *rs, size_t ri)
{
    tx_rule *r = &rs->r[ri]; /* shared: written under jit_mu only */
    pthread_mutex_lock(&jit_mu);
    if (!r->jit_done) jit_rule(r);
    pthread_mutex_unlock(&jit_mu);
    if (rs->jit_seen) rs->jit_seen[ri] = 1;
}

/* Gives r the prefilter of an earlier rule with the same literals, so a
 * subject is scanned once for all of them (tx_pfmemo).  The earlier rule
 * is found by the prefilter's first literal (the first rule with it; the
 * key is that rule's own literal, which lives as long as the set), so
 * loading stays linear in the rules.  -1 on OOM. */
static int share_prefilter(tx_ruleset *rs, tx_rule *r)
{
    if (!r->pf || !r->pf->nlit) return 0;
    const char *k = r->pf->lit[0];
    size_t i;
    if (!tx_nmap_get(&rs->pf_by_lit, k, r->pf->len[0], &i))
        return tx_nmap_put(&rs->pf_by_lit, k, r->pf->len[0], (size_t)(r - rs->r));
    tx_prefilter *same = &rs->r[i] != r ? tx_prefilter_share(rs->r[i].pf, r->pf) : NULL;
    if (same) {
        tx_prefilter_free(r->pf);
        r->pf = same;
    }
    return 0;
}

static int compile_rule(tx_ruleset *rs, tx_rule *r, tx2json_error *err)
{
    int ec;
    PCRE2_SIZE eo;
    uint32_t opts = PCRE2_DUPNAMES | (r->caseless ? PCRE2_CASELESS : 0) |
                    (r->bytes ? 0 : PCRE2_UTF | PCRE2_UCP);
    /* Stop-names and URL noise are tested against a whole string. */
    if (r->kind == RK_STOPNAME || r->kind == RK_URLNOISE || r->kind == RK_ORGSTOP)
        opts |= PCRE2_ANCHORED | PCRE2_ENDANCHORED;
    r->code =
        pcre2_compile((PCRE2_SPTR)r->pattern, PCRE2_ZERO_TERMINATED, opts, &ec, &eo, rs->cctx);
    if (!r->code && ec == PCRE2_ERROR_HEAPLIMIT) ec = PCRE2_ERROR_NOMEMORY;
    if (!r->code && ec == PCRE2_ERROR_NOMEMORY) {
        tx_seterr(err, TX2JSON_ENOMEM, r->file, r->line, 0, (size_t)-1, "out of memory");
        return -1;
    }
    if (!r->code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ec, msg, sizeof msg);
        size_t line = r->pattern_line, col = r->pattern_col, len = strlen(r->pattern);
        if (eo < len) {
            pattern_pos(r, eo, &line, &col);
        } else if (len > 0) {
            pattern_pos(r, len - 1, &line, &col);
            col++;
        }
        r->bad = 1;
        return report(rs, err, 1, "pcre2-compile", r->file, line, col, r->name,
                      "PCRE2 error in rule '%s': %s", r->name, (const char *)msg);
    }
    if (rs->collect) jit_rule(r); /* checking: every rule runs its examples */
    /* Converting: a subject without the pattern's required literals skips
     * it.  Checking runs every pattern in full (its examples, its worst
     * cases). */
    if (!rs->collect && !r->caseless && tx_prefilter_build(r->pattern, !r->bytes, &r->pf)) {
        tx_seterr(err, TX2JSON_ENOMEM, r->file, r->line, 0, (size_t)-1, "out of memory");
        return -1;
    }
    if (share_prefilter(rs, r)) {
        tx_seterr(err, TX2JSON_ENOMEM, r->file, r->line, 0, (size_t)-1, "out of memory");
        return -1;
    }
    uint32_t cap = 0, nc = 0, es = 0;
    PCRE2_SPTR tab;
    pcre2_pattern_info(r->code, PCRE2_INFO_CAPTURECOUNT, &cap);
    pcre2_pattern_info(r->code, PCRE2_INFO_NAMECOUNT, &nc);
    pcre2_pattern_info(r->code, PCRE2_INFO_NAMEENTRYSIZE, &es);
    pcre2_pattern_info(r->code, PCRE2_INFO_NAMETABLE, &tab);
    if (cap + 1 > TX_MAXGROUPS) {
        pcre2_code_free(r->code);
        r->code = NULL;
        r->bad = 1;
        return report(rs, err, 1, "too-many-groups", r->file, r->pattern_line, r->pattern_col,
                      r->name, "rule '%s' has %u capture groups; at most %d are allowed", r->name,
                      cap, TX_MAXGROUPS - 1);
    }
    r->ngroups = (int)cap + 1;
    r->gnames = malloc(nc * es + 1);
    if (!r->gnames) {
        tx_seterr(err, TX2JSON_ENOMEM, r->file, r->line, 0, (size_t)-1, "out of memory");
        return -1;
    }
    for (uint32_t i = 0; i < nc; i++) {
        const unsigned char *e = tab + i * es;
        int num = (e[0] << 8) | e[1];
        char *dst = r->gnames + i * es;
        memcpy(dst, e + 2, es - 2);
        dst[es - 2] = 0;
        if (num < TX_MAXGROUPS) r->gname[num] = dst;
    }
    return 0;
}

static const char *skip_ws(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

static void rtrim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = 0;
}

static int finish_rule(tx_ruleset *rs, tx_rule *r, tx2json_error *err)
{
    if (r->bad) return 0;
    if (r->kind < 0) {
        r->bad = 1;
        return report(rs, err, 1, "missing-field", r->file, r->line, 1, r->name,
                      "rule '%s' has no kind", r->name);
    }
    if (!r->pattern) {
        r->bad = 1;
        return report(rs, err, 1, "missing-field", r->file, r->line, 1, r->name,
                      "rule '%s' has no pattern", r->name);
    }
    return compile_rule(rs, r, err);
}

static int load_file(tx_ruleset *rs, const char *path, const char *from, size_t from_line,
                     size_t from_col, tx2json_error *err);

/* The parser's place in one rule file. */
typedef struct parser {
    tx_ruleset *rs;
    const char *path;
    tx2json_error *err;
    tx_rule *cur;             /* the rule being read, or NULL */
    size_t tab;               /* the table being read + 1, or 0 */
    size_t pcap, plen, excap; /* cur's pattern and example capacities */
    size_t lineno;
} parser;

#define REPORT(...)                                                                                \
    do {                                                                                           \
        if (report(p->rs, p->err, __VA_ARGS__)) return -1;                                         \
    } while (0)

/* "rule NAME": starts a rule.  0, or -1 (OOM or a stopping error). */
static int rule_line(parser *p, const char *s, size_t col)
{
    tx_ruleset *rs = p->rs;
    const char *nm = skip_ws(s + 5);
    size_t first;
    int dup = tx_nmap_get(&rs->rule_by_name, nm, strlen(nm), &first);
    if (dup)
        REPORT(1, "duplicate-rule", p->path, p->lineno, col + (size_t)(nm - s), nm,
               "duplicate rule name '%s' (first defined at %s:%zu)", nm, rs->r[first].file,
               rs->r[first].line);
    tx_rule *r = tx_grow(rs->r, &rs->cap, rs->n + 1, sizeof *r);
    if (!r) goto oom;
    rs->r = r;
    tx_rule *cur = p->cur = &rs->r[rs->n++];
    memset(cur, 0, sizeof *cur);
    cur->kind = -1;
    cur->bad = dup;
    strcpy(cur->lang, "any");
    cur->line = p->lineno;
    cur->name = tx_strdup(nm);
    cur->file = tx_strdup(p->path);
    if (!cur->name || !cur->file) goto oom;
    if (!dup && tx_nmap_put(&rs->rule_by_name, cur->name, strlen(cur->name), rs->n - 1)) goto oom;
    p->pcap = p->plen = p->excap = 0;
    return 0;
oom:
    tx_seterr(p->err, TX2JSON_ENOMEM, p->path, p->lineno, 0, (size_t)-1, "out of memory");
    return -1;
}

/* A lang: value: "any" or a language code of 2 or 3 lower-case letters,
 * which joins the rule set's languages.  1 when it is fine, 0 when it was
 * reported, -1 on OOM or a stopping error. */
static int lang_value(parser *p, const char *v, size_t vcol, const char *owner)
{
    tx_ruleset *rs = p->rs;
    size_t n = strlen(v), i;
    int ok = n >= 2 && n <= 3;
    for (i = 0; i < n && ok; i++)
        ok = v[i] >= 'a' && v[i] <= 'z';
    if (!ok) {
        REPORT(1, "bad-value", p->path, p->lineno, vcol, owner,
               "lang '%s' is neither 'any' nor a language code (2 or 3 lower-case letters)", v);
        return 0;
    }
    if (!strcmp(v, "any")) return 1;
    for (i = 0; i < rs->nlangs; i++)
        if (!strcmp(rs->langs[i], v)) return 1;
    if (rs->nlangs == TX_MAXLANGS) {
        REPORT(1, "bad-value", p->path, p->lineno, vcol, owner,
               "lang '%s' would be language %d; a rule set holds at most %d", v, TX_MAXLANGS + 1,
               TX_MAXLANGS);
        return 0;
    }
    strcpy(rs->langs[rs->nlangs++], v);
    return 1;
}

/* Splits "key: value" at s (column col): the key's length in *kl, the
 * value (after blanks) in *v and its column in *vcol.  0 when s has no
 * colon. */
static int split_key(const char *s, size_t col, size_t *kl, const char **v, size_t *vcol)
{
    const char *colon = strchr(s, ':');
    if (!colon) return 0;
    *kl = (size_t)(colon - s);
    *v = skip_ws(colon + 1);
    *vcol = col + u8_cols(s, (size_t)(*v - s));
    return 1;
}

/* "table NAME": starts a table.  0 or -1. */
static int table_line(parser *p, const char *s)
{
    tx_ruleset *rs = p->rs;
    tx_table *t = tx_grow(rs->tab, &rs->tabcap, rs->ntab + 1, sizeof *t);
    if (!t) goto oom;
    rs->tab = t;
    t = &rs->tab[rs->ntab++];
    memset(t, 0, sizeof *t);
    t->kind = -1;
    strcpy(t->lang, "any");
    t->line = p->lineno;
    t->name = tx_strdup(skip_ws(s + 6));
    t->file = tx_strdup(p->path);
    if (!t->name || !t->file) goto oom;
    p->tab = rs->ntab;
    return 0;
oom:
    tx_seterr(p->err, TX2JSON_ENOMEM, p->path, p->lineno, 0, (size_t)-1, "out of memory");
    return -1;
}

/* Appends (key, value) to a row list; the key and value are trimmed.
 * 0, or -1 on OOM. */
static int add_row(tx_table_row **v, size_t *n, size_t *cap, const char *k, size_t kl,
                   const char *val, size_t line, size_t col)
{
    while (kl && (k[kl - 1] == ' ' || k[kl - 1] == '\t'))
        kl--;
    tx_table_row *r = tx_grow(*v, cap, *n + 1, sizeof *r);
    if (!r) return -1;
    *v = r;
    r = &r[(*n)++];
    r->key = tx_strndup(k, kl);
    r->value = tx_strdup(val ? skip_ws(val) : "");
    r->line = line;
    r->col = col;
    return r->key && r->value ? 0 : -1;
}

/* A value a row of this kind of table may hold: an integer, "*N" (a
 * multiplier), "." (the decimal point) or "x" (a dimension: "by" in
 * "eight by twenty two").  Numerals take digits 0 to 9, "*10" and "."
 * (characters); measure words take no value. */
static int row_value_ok(int kind, const char *k, const char *v)
{
    if (kind == TK_MEASURE_WORDS) return !*v;
    if (kind == TK_ORG_ALIASES) return *v != 0; /* any canonical name */
    if (kind == TK_WEIGHTS) {                   /* a real number; the key is checked by signals.c */
        char *end;
        (void)strtod(v, &end);
        return *v && !*end;
    }
    if (kind == TK_CHAPTER_TITLE) { /* a count the chapter titles read */
        if ((strcmp(k, "words") && strcmp(k, "cjk-per-word")) || !*v) return 0;
        for (const char *d = v; *d; d++)
            if (*d < '0' || *d > '9') return 0;
        return strcmp(v, "0") != 0;
    }
    if (kind == TK_SCRIPT) { /* a script the share counter knows, a share 0 to 1 */
        char *end;
        double x = strtod(v, &end);
        return (!strcmp(k, "Han") || !strcmp(k, "Latin")) && *v && !*end && x >= 0 && x <= 1;
    }
    if (!strcmp(v, ".")) return 1;
    if (kind == TK_NUMERALS) return !strcmp(v, "*10") || (v[0] >= '0' && v[0] <= '9' && !v[1]);
    if (!strcmp(v, "x")) return 1;
    const char *d = v + (v[0] == '*');
    if (!*d) return 0;
    for (; *d; d++)
        if (*d < '0' || *d > '9') return 0;
    return 1;
}

/* "KEY: VALUE" inside a table.  0 or -1. */
static int table_key_line(parser *p, const char *s, size_t col)
{
    tx_table *t = &p->rs->tab[p->tab - 1];
    size_t kl, vcol;
    const char *v;
    if (!split_key(s, col, &kl, &v, &vcol)) {
        REPORT(1, "syntax", p->path, p->lineno, col, t->name,
               "expected 'key: value' inside table '%s'", t->name);
        return 0;
    }
#define KEY(k) (kl == strlen(k) && strncmp(s, k, kl) == 0)
    if (KEY("kind")) {
        for (int k = 0; k < TK_NKINDS; k++)
            if (!strcmp(v, tx_table_kind_names[k])) t->kind = k;
        if (t->kind < 0)
            REPORT(1, "unknown-kind", p->path, p->lineno, vcol, t->name,
                   "unknown table kind '%s' (numerals, measure-words, number-words, script, "
                   "chapter-title, weights, org-aliases)",
                   v);
    } else if (KEY("lang")) {
        if (lang_value(p, v, vcol, t->name) == 1) strcpy(t->lang, v);
    } else if (KEY("row") || KEY("match")) {
        const char *sep = strstr(v, KEY("row") ? "=" : " => ");
        size_t klen = sep ? (size_t)(sep - v) : strlen(v);
        const char *val = sep ? sep + (KEY("row") ? 1 : 4) : NULL;
        int bad = KEY("row") ? add_row(&t->row, &t->nrow, &t->rowcap, v, klen, val, p->lineno, vcol)
                             : add_row(&t->ex, &t->nex, &t->excap, v, klen, val, p->lineno, vcol);
        if (bad) {
            tx_seterr(p->err, TX2JSON_ENOMEM, p->path, p->lineno, 0, (size_t)-1, "out of memory");
            return -1;
        }
    } else if (!KEY("note")) {
        REPORT(1, "unknown-key", p->path, p->lineno, col, t->name,
               "unknown key '%.*s' in table '%s' (kind, lang, row, match, note)", (int)kl, s,
               t->name);
    }
#undef KEY
    return 0;
}

/* A finished table: a known kind, rows, each value fit for the kind. */
static int finish_table(parser *p)
{
    tx_table *t = &p->rs->tab[p->tab - 1];
    p->tab = 0;
    if (t->kind < 0)
        return report(p->rs, p->err, 1, "missing-field", t->file, t->line, 1, t->name,
                      "table '%s' has no kind", t->name);
    if (!t->nrow)
        return report(p->rs, p->err, 1, "missing-field", t->file, t->line, 1, t->name,
                      "table '%s' has no rows", t->name);
    for (size_t i = 0; i < t->nrow; i++)
        if (!*t->row[i].key || !row_value_ok(t->kind, t->row[i].key, t->row[i].value))
            if (report(p->rs, p->err, 1, "bad-value", t->file, t->row[i].line, t->row[i].col,
                       t->name, "row '%s = %s' does not fit a %s table", t->row[i].key,
                       t->row[i].value, tx_table_kind_names[t->kind]))
                return -1;
    return 0;
}

/* "define NAME = PATTERN", expanding earlier defines.  0 or -1. */
static int define_line(parser *p, const char *s, size_t col)
{
    tx_ruleset *rs = p->rs;
    const char *eq = strchr(s, '=');
    const char *nm = skip_ws(s + 7);
    if (!eq) {
        REPORT(1, "syntax", p->path, p->lineno, col, NULL, "define needs 'define NAME = PATTERN'");
        return 0;
    }
    size_t nl = (size_t)(eq - nm);
    while (nl && (nm[nl - 1] == ' ' || nm[nl - 1] == '\t'))
        nl--;
    define *d = tx_grow(rs->def, &rs->defcap, rs->ndef + 1, sizeof *d);
    if (!d) goto oom;
    rs->def = d;
    /* Expand earlier defines inside this one through a scratch rule. */
    tx_rule tmp = {0};
    size_t tcap = 0, tlen = 0;
    const char *val = skip_ws(eq + 1);
    if (append_pattern(rs, &tmp, &tlen, &tcap, val, p->lineno, col + u8_cols(s, (size_t)(val - s)),
                       p->path, p->err)) {
        rule_free(&tmp);
        return -1;
    }
    rs->def[rs->ndef].name = tx_strndup(nm, nl);
    rs->def[rs->ndef].value = tmp.pattern ? tmp.pattern : tx_strdup("");
    tmp.pattern = NULL;
    rule_free(&tmp);
    if (!rs->def[rs->ndef].name || !rs->def[rs->ndef].value) goto oom;
    rs->ndef++;
    /* Of two defines of the same name, the second wins. */
    if (tx_nmap_put(&rs->def_by_name, rs->def[rs->ndef - 1].name, nl, rs->ndef - 1)) goto oom;
    return 0;
oom:
    tx_seterr(p->err, TX2JSON_ENOMEM, p->path, p->lineno, 0, (size_t)-1, "out of memory");
    return -1;
}

/* "include FILE", relative to the including file.  0 or -1. */
static int include_line(parser *p, const char *s, size_t col)
{
    const char *f = skip_ws(s + 8);
    char buf[4096];
    const char *slash = strrchr(p->path, '/');
    if (f[0] == '/' || !slash)
        snprintf(buf, sizeof buf, "%s", f);
    else
        snprintf(buf, sizeof buf, "%.*s/%s", (int)(slash - p->path), p->path, f);
    return load_file(p->rs, buf, p->path, p->lineno, col + (size_t)(f - s), p->err);
}

/* "requires: WHAT".  0 or -1. */
static int requires_value(parser *p, const char *v, size_t vcol)
{
    static const struct {
        const char *name;
        int bit;
    } reqs[] = {{"new-name", REQ_NEWNAME},
                {"next-name", REQ_NEXTNAME},
                {"heard-subject", REQ_HEARD},
                {"line-start", REQ_LINESTART},
                {"paragraph-start", REQ_PARASTART}};
    for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++)
        if (strcmp(v, reqs[i].name) == 0) {
            p->cur->requires |= reqs[i].bit;
            return 0;
        }
    REPORT(1, "bad-value", p->path, p->lineno, vcol, p->cur->name,
           "unknown requirement '%s' (new-name, next-name, heard-subject, "
           "line-start, paragraph-start)",
           v);
    p->cur->bad = 1;
    return 0;
}

/* "flags: LETTERS".  0 or -1. */
static int flags_value(parser *p, const char *v, size_t vcol)
{
    tx_rule *cur = p->cur;
    for (const char *f = v; *f; f++) {
        if (*f == 'i') {
            cur->caseless = 1;
        } else if (*f == 'b') {
            cur->bytes = 1;
        } else if (*f == 'a') {
            cur->requires |= REQ_ANNOUNCE;
        } else if (*f != ' ') {
            REPORT(1, "bad-value", p->path, p->lineno, vcol + u8_cols(v, (size_t)(f - v)),
                   cur->name,
                   "unknown flag '%c' (i: caseless, b: bytes, no UTF/UCP, a: may announce)", *f);
            cur->bad = 1;
        }
    }
    return 0;
}

/* "match: TEXT [=> g=v, ...]" or "no-match: TEXT".  0 or -1. */
static int example_value(parser *p, const char *v, size_t vcol, int positive)
{
    tx_rule *cur = p->cur;
    example *x = tx_grow(cur->ex, &p->excap, cur->nex + 1, sizeof *x);
    if (!x) goto oom;
    cur->ex = x;
    example *e = &cur->ex[cur->nex++];
    memset(e, 0, sizeof *e);
    e->positive = positive;
    e->line = p->lineno;
    e->col = vcol;
    const char *arrow = positive ? strstr(v, " => ") : NULL;
    e->text = arrow ? tx_strndup(v, (size_t)(arrow - v)) : tx_strdup(v);
    if (arrow) e->expect = tx_strdup(arrow + 4);
    if (!e->text || (arrow && !e->expect)) goto oom;
    /* "\n" in an example is a line break, "\\" a backslash. */
    char *w = e->text;
    for (const char *q = e->text; *q; q++) {
        if (q[0] == '\\' && (q[1] == 'n' || q[1] == '\\')) {
            *w++ = q[1] == 'n' ? '\n' : '\\';
            q++;
        } else {
            *w++ = *q;
        }
    }
    *w = 0;
    return 0;
oom:
    tx_seterr(p->err, TX2JSON_ENOMEM, p->path, p->lineno, 0, (size_t)-1, "out of memory");
    return -1;
}

/* "KEY: VALUE" inside a rule.  0 or -1. */
static int key_line(parser *p, const char *s, size_t col)
{
    tx_rule *cur = p->cur;
    size_t kl, vcol;
    const char *v;
    if (!cur) {
        REPORT(1, "syntax", p->path, p->lineno, col, NULL,
               "expected 'rule NAME', 'define NAME = ...' or 'include FILE'");
        return 0;
    }
    if (!split_key(s, col, &kl, &v, &vcol)) {
        REPORT(1, "syntax", p->path, p->lineno, col, cur->name,
               "expected 'key: value' inside rule '%s'", cur->name);
        cur->bad = 1;
        return 0;
    }
#define KEY(k) (kl == strlen(k) && strncmp(s, k, kl) == 0)
    if (KEY("kind")) {
        int kind = -1;
        for (int k = 0; k < RK_NKINDS; k++)
            if (strcmp(v, tx_kind_names[k]) == 0) kind = k;
        if (kind < 0) {
            REPORT(1, "unknown-kind", p->path, p->lineno, vcol, cur->name, "unknown rule kind '%s'",
                   v);
            cur->bad = 1;
        }
        cur->kind = kind;
    } else if (KEY("lang")) {
        int ok = lang_value(p, v, vcol, cur->name);
        if (ok < 0) return -1;
        if (ok)
            strcpy(cur->lang, v);
        else
            cur->bad = 1;
    } else if (KEY("requires")) {
        return requires_value(p, v, vcol);
    } else if (KEY("flags")) {
        return flags_value(p, v, vcol);
    } else if (KEY("pattern")) {
        if (!cur->pattern_line) {
            cur->pattern_line = p->lineno;
            cur->pattern_col = vcol;
        }
        return append_pattern(p->rs, cur, &p->plen, &p->pcap, v, p->lineno, vcol, p->path, p->err);
    } else if (KEY("match") || KEY("no-match")) {
        return example_value(p, v, vcol, KEY("match"));
    } else if (!KEY("note")) { /* a note is free text for people */
        REPORT(1, "unknown-key", p->path, p->lineno, col, cur->name,
               "unknown key '%.*s' in rule '%s' (kind, lang, pattern, flags, requires, "
               "match, no-match, note)",
               (int)kl, s, cur->name);
    }
#undef KEY
    return 0;
}

/* One line of a rule file.  0 or -1. */
static int parse_line(parser *p, char *line)
{
    rtrim(line);
    size_t len = strlen(line), nm, nb,
           bad = tx_utf8_check((const unsigned char *)line, len, &nm, &nb);
    if (bad != len) {
        REPORT(1, "encoding", p->path, p->lineno, u8_cols(line, bad) + 1,
               p->cur ? p->cur->name : NULL,
               "invalid UTF-8 at byte %zu of the line; rule files are UTF-8", bad + 1);
        if (p->cur) p->cur->bad = 1;
        return 0;
    }
    const char *s = skip_ws(line);
    size_t col = u8_cols(line, (size_t)(s - line)) + 1;
    if (!*s || *s == '#') return 0;
    int is_rule = strncmp(s, "rule ", 5) == 0, is_def = strncmp(s, "define ", 7) == 0,
        is_inc = strncmp(s, "include ", 8) == 0, is_tab = strncmp(s, "table ", 6) == 0;
    if (is_rule || is_def || is_inc || is_tab) {
        if (p->cur && finish_rule(p->rs, p->cur, p->err)) return -1;
        if (p->tab && finish_table(p)) return -1;
        p->cur = NULL;
    }
    if (is_rule) return rule_line(p, s, col);
    if (is_tab) return table_line(p, s);
    if (p->tab) return table_key_line(p, s, col);
    if (is_def) return define_line(p, s, col);
    if (is_inc) return include_line(p, s, col);
    return key_line(p, s, col);
}
#undef REPORT

static int parse_text(tx_ruleset *rs, const char *path, char *text, tx2json_error *err)
{
    parser p = {rs, path, err, NULL, 0, 0, 0, 0, 0};
    char *save = NULL;
    for (char *line = text; line; line = save) {
        char *nl = strchr(line, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl) *nl = 0;
        p.lineno++;
        if (parse_line(&p, line)) return -1;
    }
    if (p.cur && finish_rule(rs, p.cur, err)) return -1;
    if (p.tab && finish_table(&p)) return -1;
    return 0;
}

static tx_ruleset *ruleset_new(void);
static int build_index(tx_ruleset *rs);
static int build_aliases(tx_ruleset *rs);
static int match_state_init(tx_ruleset *rs);

/* A rule file is text: a NUL byte would end the C string the parser reads
 * and silently drop everything after it, so it is an error at its line and
 * column.  Returns 0 (nothing found, or reported while checking) or -1. */
static int reject_nul(tx_ruleset *rs, const char *path, const char *text, size_t len,
                      tx2json_error *err)
{
    const char *z = memchr(text, 0, len);
    if (!z) return 0;
    size_t line = 1, ls = 0;
    for (const char *p = text; (p = memchr(p, '\n', (size_t)(z - p))); p++)
        line++, ls = (size_t)(p - text) + 1;
    return report(rs, err, 1, "encoding", path, line,
                  u8_cols(text + ls, (size_t)(z - text) - ls) + 1, NULL,
                  "NUL byte at byte offset %zu; rule files are text", (size_t)(z - text));
}

/* Loads one rule file.  from/from_line/from_col name the include line that
 * asked for it (NULL at top level), for messages about missing files and
 * include cycles.  A file already loaded is skipped. */
static int load_file(tx_ruleset *rs, const char *path, const char *from, size_t from_line,
                     size_t from_col, tx2json_error *err)
{
    const char *ef = from ? from : path;
    size_t el = from ? from_line : 0, ec = from ? from_col : 0;
    char *real = realpath(path, NULL);
    if (!real)
        return report(rs, err, 1, "include", ef, el, ec, NULL, "cannot open rule file '%s': %s",
                      path, strerror(errno));
    for (size_t i = 0; i < rs->nstack; i++)
        if (strcmp(rs->stack[i], real) == 0) {
            free(real);
            return report(rs, err, 1, "include-cycle", ef, el, ec, NULL,
                          "include cycle: '%s' includes itself through %zu file(s)", path,
                          rs->nstack - i);
        }
    for (size_t i = 0; i < rs->nloaded; i++)
        if (strcmp(rs->loaded[i], real) == 0) {
            free(real);
            return 0;
        }
    char **lp = tx_grow(rs->loaded, &rs->loadedcap, rs->nloaded + 1, sizeof *lp);
    char **sp = lp ? tx_grow(rs->stack, &rs->stackcap, rs->nstack + 1, sizeof *sp) : NULL;
    if (lp) rs->loaded = lp;
    if (sp) rs->stack = sp;
    if (!lp || !sp) {
        free(real);
        tx_seterr(err, TX2JSON_ENOMEM, path, 0, 0, (size_t)-1, "out of memory");
        return -1;
    }
    rs->loaded[rs->nloaded++] = real;
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return report(rs, err, 1, "include", ef, el, ec, NULL,
                      "cannot read rule file '%s': not a regular file", path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return report(rs, err, 1, "include", ef, el, ec, NULL, "cannot open rule file '%s': %s",
                      path, strerror(errno));
    tx_strbuf b = {0};
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        tx_sb_add(&b, buf, n);
    int rerr = ferror(f);
    fclose(f);
    if (b.oom) {
        tx_sb_free(&b);
        tx_seterr(err, TX2JSON_ENOMEM, path, 0, 0, (size_t)-1, "out of memory");
        return -1;
    }
    if (rerr) {
        tx_sb_free(&b);
        return report(rs, err, 1, "include", path, 0, 0, NULL, "cannot read rule file");
    }
    if (!b.s) return 0;
    if (reject_nul(rs, path, b.s, b.len, err)) {
        tx_sb_free(&b);
        return -1;
    }
    tx_sb_add(&rs->bytes, b.s, b.len);
    if (rs->bytes.oom) {
        tx_sb_free(&b);
        tx_seterr(err, TX2JSON_ENOMEM, path, 0, 0, (size_t)-1, "out of memory");
        return -1;
    }
    rs->stack[rs->nstack++] = real;
    int rc = parse_text(rs, path, b.s, err);
    rs->nstack--;
    tx_sb_free(&b);
    return rc;
}

static int cmpstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads a file, or every *.rules file of a directory in name order. */
static int load_path(tx_ruleset *rs, const char *path, tx2json_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return report(rs, err, 1, "include", path, 0, 0, NULL, "cannot open rules: %s",
                      strerror(errno));
    if (!S_ISDIR(st.st_mode)) return load_file(rs, path, NULL, 0, 0, err);
    DIR *d = opendir(path);
    if (!d)
        return report(rs, err, 1, "include", path, 0, 0, NULL, "cannot open rules: %s",
                      strerror(errno));
    char **names = NULL;
    size_t nn = 0, ncap = 0;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l < 7 || strcmp(de->d_name + (l - 6), ".rules") != 0) continue;
        char **p = tx_grow(names, &ncap, nn + 1, sizeof *p);
        if (!p || !(names = p, names[nn] = malloc(strlen(path) + l + 2))) {
            tx_seterr(err, TX2JSON_ENOMEM, path, 0, 0, (size_t)-1, "out of memory");
            rc = -1;
            break;
        }
        sprintf(names[nn++], "%s/%s", path, de->d_name);
    }
    closedir(d);
    if (!rc && nn) qsort(names, nn, sizeof *names, cmpstr); /* names is NULL when nn is 0 */
    for (size_t i = 0; i < nn && !rc; i++)
        rc = load_file(rs, names[i], NULL, 0, 0, err);
    for (size_t i = 0; i < nn; i++)
        free(names[i]);
    free(names);
    return rc;
}

/* rs->sha256 := the SHA-256 of the rule files' bytes in load order; the
 * bytes themselves are no longer needed. */
static void hash_bytes(tx_ruleset *rs)
{
    tx_sha256_hex((const unsigned char *)(rs->bytes.s ? rs->bytes.s : ""), rs->bytes.len,
                  rs->sha256);
    tx_sb_free(&rs->bytes);
}

const char *tx_rules_sha256(const tx_ruleset *rs)
{
    return rs->sha256;
}

tx2json_status tx_rules_load_text(const char *name, const char *text, size_t len, int check,
                                  tx_ruleset **out, tx2json_error *err)
{
    *out = NULL;
    tx_ruleset *rs = ruleset_new();
    char *copy = tx_strndup(text, len);
    if (!rs || !copy) {
        tx_rules_free(rs);
        free(copy);
        tx_seterr(err, TX2JSON_ENOMEM, name, 0, 0, (size_t)-1, "out of memory");
        return TX2JSON_ENOMEM;
    }
    rs->collect = check;
    int rc = reject_nul(rs, name, text, len, err);
    if (!rc) tx_sb_add(&rs->bytes, text, len);
    if (!rc) rc = parse_text(rs, name, copy, err);
    if (!rc && rs->bytes.oom) {
        tx_seterr(err, TX2JSON_ENOMEM, name, 0, 0, (size_t)-1, "out of memory");
        rc = -1;
    }
    if (!rc) hash_bytes(rs);
    free(copy);
    if (!rc && match_state_init(rs)) {
        tx_seterr(err, TX2JSON_ENOMEM, name, 0, 0, (size_t)-1, "out of memory");
        rc = -1;
    }
    if (!rc && check && tx_rules_check(rs, err)) rc = -1;
    if (rc) {
        tx_rules_free(rs);
        return err ? err->code : TX2JSON_ERULES;
    }
    *out = rs;
    return TX2JSON_OK;
}

/* PCRE2 allocates through these, so every allocation of the library
 * goes through the C allocator the program links (and can be tested). */
static void *pc_malloc(PCRE2_SIZE n, void *data)
{
    (void)data;
    return malloc(n);
}

static void pc_free(void *p, void *data)
{
    (void)data;
    free(p);
}

static tx_ruleset *ruleset_new(void)
{
    tx_ruleset *rs = calloc(1, sizeof *rs);
    if (!rs) return NULL;
    rs->match_limit = 1000000;
    rs->depth_limit = 10000;
    rs->gctx = pcre2_general_context_create(pc_malloc, pc_free, NULL);
    rs->cctx = rs->gctx ? pcre2_compile_context_create(rs->gctx) : NULL;
    rs->mctx = rs->gctx ? pcre2_match_context_create(rs->gctx) : NULL;
    rs->md = rs->gctx ? pcre2_match_data_create(TX_MAXGROUPS, rs->gctx) : NULL;
    if (!rs->gctx || !rs->cctx || !rs->mctx || !rs->md) {
        tx_rules_free(rs);
        return NULL;
    }
    rs->heap_kib = TX_HEAP_LIMIT_KIB;
    pcre2_set_match_limit(rs->mctx, rs->match_limit);
    pcre2_set_depth_limit(rs->mctx, rs->depth_limit);
    pcre2_set_heap_limit(rs->mctx, rs->heap_kib);
    return rs;
}

/* A path that brought no rules (an empty directory, one without *.rules
 * files, a file of comments) is an error: matching nothing is never what
 * a rule set is for.  `before` is rs->n before the path was loaded.
 * Returns 0 (rules found, or reported while checking) or -1. */
static int no_rules(tx_ruleset *rs, const char *path, size_t before, tx2json_error *err)
{
    if (rs->n > before) return 0;
    struct stat st;
    int dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
    if (!dir && rs->ndg) return 0; /* the file's own errors say why */
    return report(rs, err, 1, "no-rules", path, 0, 0, NULL,
                  dir ? "no rules: the directory holds no *.rules file with a rule"
                      : "no rules: the file defines no rule");
}

tx2json_status tx_rules_load(const char *path, tx_ruleset **out, tx2json_error *err)
{
    *out = NULL;
    tx_ruleset *rs = ruleset_new();
    if (!rs) {
        tx_seterr(err, TX2JSON_ENOMEM, path, 0, 0, (size_t)-1, "out of memory");
        return TX2JSON_ENOMEM;
    }
    if (load_path(rs, path, err) || no_rules(rs, path, 0, err)) {
        tx_rules_free(rs);
        return err ? err->code : TX2JSON_ERULES;
    }
    if (build_index(rs) || build_aliases(rs) || match_state_init(rs)) {
        tx_rules_free(rs);
        tx_seterr(err, TX2JSON_ENOMEM, path, 0, 0, (size_t)-1, "out of memory");
        return TX2JSON_ENOMEM;
    }
    hash_bytes(rs);
    *out = rs;
    return TX2JSON_OK;
}

tx2json_status tx_rules_load_check(const char *const *paths, size_t npaths, tx_ruleset **out,
                                   tx2json_error *err)
{
    *out = NULL;
    tx_ruleset *rs = ruleset_new();
    if (!rs) {
        tx_seterr(err, TX2JSON_ENOMEM, NULL, 0, 0, (size_t)-1, "out of memory");
        return TX2JSON_ENOMEM;
    }
    rs->collect = 1;
    for (size_t i = 0, before = 0; i < npaths; i++, before = rs->n)
        if (load_path(rs, paths[i], err) || no_rules(rs, paths[i], before, err)) {
            tx_rules_free(rs);
            return TX2JSON_ENOMEM; /* collecting: only OOM stops the load */
        }
    if (match_state_init(rs)) {
        tx_rules_free(rs);
        tx_seterr(err, TX2JSON_ENOMEM, NULL, 0, 0, (size_t)-1, "out of memory");
        return TX2JSON_ENOMEM;
    }
    *out = rs;
    return TX2JSON_OK;
}

static int lang_ok(const tx_rule *r, const char *lang)
{
    return !lang || strcmp(r->lang, "any") == 0 || strcmp(r->lang, lang) == 0;
}

/* The index slot of a language: its place among the rule set's
 * languages, nlangs for NULL (any), -1 for a language the rules never name. */
static int lang_slot(const tx_ruleset *rs, const char *lang)
{
    if (!lang) return (int)rs->nlangs;
    for (size_t i = 0; i < rs->nlangs; i++)
        if (!strcmp(rs->langs[i], lang)) return (int)i;
    return -1;
}

const char *tx_rules_language(const tx_ruleset *rs, size_t i)
{
    return i < rs->nlangs ? rs->langs[i] : NULL;
}

/* Whether rule r belongs on the by-kind list of language slot l (the
 * slot nlangs, for any language, takes every rule). */
static int in_slot(const tx_ruleset *rs, const tx_rule *r, size_t l)
{
    return l == rs->nlangs || lang_ok(r, rs->langs[l]);
}

/* Builds the by-kind index in two passes over the rules, one to size
 * each list and one to fill it, so that its memory grows with the rules
 * and not with rules x kinds x languages; -1 on OOM. */
static int build_index(tx_ruleset *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        for (size_t l = 0; l <= rs->nlangs; l++)
            if (!rs->r[i].bad && rs->r[i].kind >= 0 && in_slot(rs, &rs->r[i], l))
                rs->nbyk[rs->r[i].kind][l]++;
    for (int k = 0; k < RK_NKINDS; k++)
        for (size_t l = 0; l <= rs->nlangs; l++) {
            rs->byk[k][l] = malloc((rs->nbyk[k][l] ? rs->nbyk[k][l] : 1) * sizeof **rs->byk[k]);
            if (!rs->byk[k][l]) return -1;
            rs->nbyk[k][l] = 0;
        }
    for (size_t i = 0; i < rs->n; i++)
        for (size_t l = 0; l <= rs->nlangs; l++) {
            int k = rs->r[i].kind;
            if (!rs->r[i].bad && k >= 0 && in_slot(rs, &rs->r[i], l))
                rs->byk[k][l][rs->nbyk[k][l]++] = i;
        }
    return 0;
}

const tx_rule *tx_rules_get(const tx_ruleset *rs, rule_kind k, const char *lang, size_t idx)
{
    int l = lang_slot(rs, lang);
    if (l >= 0 && rs->byk[k][l]) return idx < rs->nbyk[k][l] ? &rs->r[rs->byk[k][l][idx]] : NULL;
    for (size_t i = 0; i < rs->n; i++)
        if (rs->r[i].kind == (int)k && !rs->r[i].bad && lang_ok(&rs->r[i], lang) && idx-- == 0)
            return &rs->r[i];
    return NULL;
}

const char *tx_rule_name(const tx_rule *r)
{
    return r->name;
}

int tx_rule_requires(const tx_rule *r)
{
    return r->requires;
}

/* (Re)makes rs's own JIT stack, bounded by the heap limit, and its
 * per-rule hit counters.  0, or -1 on OOM. */
static int match_state_init(tx_ruleset *rs)
{
    if (rs->jstack) pcre2_jit_stack_free(rs->jstack);
    size_t max = (size_t)rs->heap_kib * 1024;
    rs->jstack =
        pcre2_jit_stack_create(max < TX_JIT_STACK_START ? max : TX_JIT_STACK_START, max, rs->gctx);
    if (!rs->jstack) return -1;
    pcre2_jit_stack_assign(rs->mctx, NULL, rs->jstack);
    free(rs->rule_hits);
    rs->rule_hits = calloc(rs->n ? rs->n : 1, sizeof *rs->rule_hits);
    free(rs->jit_seen);
    rs->jit_seen = calloc(rs->n ? rs->n : 1, 1);
    return rs->rule_hits && rs->jit_seen ? 0 : -1;
}

tx_ruleset *tx_rules_clone(const tx_ruleset *rs)
{
    tx_ruleset *c = malloc(sizeof *c);
    if (!c) return NULL;
    *c = *rs;
    c->parent = rs->parent ? rs->parent : rs;
    c->limit_hits = 0;
    c->dg = NULL;
    c->ndg = c->dgcap = 0;
    c->jstack = NULL;
    c->rule_hits = NULL;
    c->jit_seen = NULL;
    c->mctx = pcre2_match_context_copy(rs->mctx);
    c->md = pcre2_match_data_create(TX_MAXGROUPS, rs->gctx);
    if (!c->mctx || !c->md || match_state_init(c)) {
        tx_rules_free(c);
        return NULL;
    }
    return c;
}

size_t tx_rules_limit_hits(const tx_ruleset *rs)
{
    return rs->limit_hits;
}

void tx_rules_reset_hits(tx_ruleset *rs, size_t budget)
{
    if (rs->limit_hits || rs->switched_off)
        memset(rs->rule_hits, 0, (rs->n ? rs->n : 1) * sizeof *rs->rule_hits);
    rs->limit_hits = 0;
    rs->switched_off = 0;
    rs->hit_budget = budget;
}

const tx_rule *tx_rules_switched_off(const tx_ruleset *rs, size_t *i)
{
    if (!rs->switched_off) return NULL;
    for (; *i < rs->n; (*i)++)
        if (rs->hit_budget && rs->rule_hits[*i] >= rs->hit_budget) return &rs->r[(*i)++];
    return NULL;
}

static uint32_t clamp32(unsigned long v)
{
    return (uint32_t)(v > UINT32_MAX ? UINT32_MAX : v);
}

int tx_rules_set_limits(tx_ruleset *rs, unsigned long match, unsigned long depth,
                        unsigned long heap_kib)
{
    if (match) rs->match_limit = clamp32(match);
    if (depth) rs->depth_limit = clamp32(depth), rs->interp = 1;
    if (heap_kib) rs->heap_kib = clamp32(heap_kib);
    pcre2_set_match_limit(rs->mctx, rs->match_limit);
    pcre2_set_depth_limit(rs->mctx, rs->depth_limit);
    pcre2_set_heap_limit(rs->mctx, rs->heap_kib);
    return heap_kib ? match_state_init(rs) : 0;
}

/* Is subj[0,len) cut from valid UTF-8 at character boundaries, with from
 * on one too?  Every subject comes from a validated buffer, so checking
 * the cuts in O(1) stands in for PCRE2's scan of the whole subject, which
 * on every call of every rule costs as much as a quarter of the matching. */
static int clean_cut(const char *subj, size_t len, size_t from)
{
    const unsigned char *u = (const unsigned char *)subj;
    if (len == 0) return 1;
    if ((u[0] & 0xC0) == 0x80 || (from < len && (u[from] & 0xC0) == 0x80)) return 0;
    size_t i = len - 1, back = 0; /* the last character must be whole */
    while (i > 0 && back < 3 && (u[i] & 0xC0) == 0x80)
        i--, back++;
    size_t need = u[i] < 0x80 ? 1 : u[i] >= 0xF0 ? 4 : u[i] >= 0xE0 ? 3 : u[i] >= 0xC0 ? 2 : 0;
    return need == len - i;
}

/* Whether r's required literals are in subj[from, len), through memo
 * when given (one subject's answers, by prefilter). */
static int may_match(const tx_rule *r, const char *subj, size_t len, size_t from, tx_pfmemo *memo)
{
    if (!r->pf) return 1;
    if (!memo || from) return tx_prefilter_may_match(r->pf, subj + from, len - from);
    for (size_t i = 0; i < memo->n; i++)
        if (memo->pf[i] == r->pf) return memo->may[i];
    int may = tx_prefilter_may_match(r->pf, subj, len);
    if (memo->n < TX_PFMEMO_MAX) memo->pf[memo->n] = r->pf, memo->may[memo->n++] = may;
    return may;
}

int tx_rule_match(const tx_ruleset *rs, const tx_rule *r, const char *subj, size_t len, size_t from,
                  tx_match *m)
{
    return tx_rule_match_memo(rs, r, subj, len, from, m, NULL);
}

int tx_rule_match_memo(const tx_ruleset *rs, const tx_rule *r, const char *subj, size_t len,
                       size_t from, tx_match *m, tx_pfmemo *memo)
{
    /* pcre2_jit_match skips pcre2_match's checks, which it may when the
     * subject is known to be valid UTF-8 (or the rule works on bytes). */
    int rc;
    size_t ri = (size_t)(r - rs->r);
    if (rs->hit_budget && rs->rule_hits[ri] >= rs->hit_budget) return 0; /* switched off */
    if (!may_match(r, subj, len, from, memo)) return 0;
    if (!rs->interp && !(rs->jit_seen && rs->jit_seen[ri])) jit_once(rs, ri);
    if (rs->interp)
        rc = pcre2_match(r->code, (PCRE2_SPTR)subj, len, from,
                         PCRE2_NO_JIT |
                             (r->bytes || clean_cut(subj, len, from) ? PCRE2_NO_UTF_CHECK : 0),
                         rs->md, rs->mctx);
    else if (r->bytes || clean_cut(subj, len, from))
        rc = r->jit ? pcre2_jit_match(r->code, (PCRE2_SPTR)subj, len, from, 0, rs->md, rs->mctx)
                    : pcre2_match(r->code, (PCRE2_SPTR)subj, len, from, PCRE2_NO_UTF_CHECK, rs->md,
                                  rs->mctx);
    else
        rc = pcre2_match(r->code, (PCRE2_SPTR)subj, len, from, 0, rs->md, rs->mctx);
    if (rc == PCRE2_ERROR_NOMATCH) return 0;
    if (rc < 0) {
        tx_ruleset *w = (tx_ruleset *)rs;
        w->limit_hits++;
        if (++w->rule_hits[ri] == w->hit_budget) w->switched_off++;
        return -1;
    }
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(rs->md);
    m->start = ov[0];
    m->end = ov[1];
    m->ngroups = r->ngroups;
    for (int g = 0; g < r->ngroups && g < TX_MAXGROUPS; g++) {
        m->gname[g] = r->gname[g];
        if (g < rc && ov[2 * g] != PCRE2_UNSET) {
            m->gstart[g] = (long)ov[2 * g];
            m->gend[g] = (long)ov[2 * g + 1];
        } else {
            m->gstart[g] = m->gend[g] = -1;
        }
    }
    return 1;
}

const tx_table *tx_rules_tables(const tx_ruleset *rs, size_t *n)
{
    *n = rs->ntab;
    return rs->tab;
}

/* The next byte of an org-aliases key at s[*i..n), folded (ASCII lower
 * case; white space and hyphens skipped), or -1 at the end. */
static int fold_next(const char *s, size_t n, size_t *i)
{
    while (*i < n && strchr(" \t\n\r-", s[*i]))
        (*i)++;
    if (*i >= n) return -1;
    unsigned char c = (unsigned char)s[(*i)++];
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Do s[0..n) and the string k fold to the same key? */
static int fold_equal(const char *s, size_t n, const char *k)
{
    size_t i = 0, j = 0, kn = strlen(k);
    for (;;) {
        int a = fold_next(s, n, &i), b = fold_next(k, kn, &j);
        if (a != b) return 0;
        if (a < 0) return 1;
    }
}

/* The canonical name of s[0..n) by a walk over every org-aliases row: the
 * last row whose name folds as s does. */
static const char *canonical_scan(const tx_ruleset *rs, const char *s, size_t n)
{
    const char *found = NULL;
    for (size_t t = 0; t < rs->ntab; t++) {
        if (rs->tab[t].kind != TK_ORG_ALIASES) continue;
        for (size_t r = 0; r < rs->tab[t].nrow; r++)
            if (fold_equal(s, n, rs->tab[t].row[r].key)) found = rs->tab[t].row[r].value;
    }
    return found;
}

/* Appends the folded form of s[0..n) (fold_next's bytes) to b. */
static void fold_into(tx_strbuf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        int c = fold_next(s, n, &i);
        if (c >= 0) tx_sb_addc(b, (char)c);
    }
}

/* The folded names of the org-aliases rows into one buffer (off[k] where
 * row k's starts, off[rows] its end), the values into rs->alias_val.  The
 * number of rows, or -1 on OOM. */
static long fold_aliases(tx_ruleset *rs, tx_strbuf *keys, size_t **off)
{
    size_t rows = 0, k = 0;
    for (size_t t = 0; t < rs->ntab; t++)
        if (rs->tab[t].kind == TK_ORG_ALIASES) rows += rs->tab[t].nrow;
    *off = malloc((rows + 1) * sizeof **off);
    rs->alias_val = malloc((rows ? rows : 1) * sizeof *rs->alias_val);
    if (!*off || !rs->alias_val) return -1;
    for (size_t t = 0; t < rs->ntab; t++)
        for (size_t r = 0; rs->tab[t].kind == TK_ORG_ALIASES && r < rs->tab[t].nrow; r++, k++) {
            (*off)[k] = keys->len;
            fold_into(keys, rs->tab[t].row[r].key, strlen(rs->tab[t].row[r].key));
            rs->alias_val[k] = rs->tab[t].row[r].value;
        }
    (*off)[rows] = keys->len;
    return keys->oom ? -1 : (long)rows;
}

/* Indexes the org-aliases rows by folded name; a later row with the same
 * folded name replaces an earlier one, as the scan's last match does.  0,
 * or -1 on OOM. */
static int build_aliases(tx_ruleset *rs)
{
    tx_strbuf keys = {0};
    size_t *off = NULL;
    tx_sb_add(&keys, "", 0); /* a buffer even when every name folds to "" */
    long rows = fold_aliases(rs, &keys, &off);
    rs->alias_keys = keys.s;
    for (long k = 0; k < rows; k++)
        if (tx_nmap_put(&rs->alias_by_key, keys.s + off[k], off[k + 1] - off[k], (size_t)k))
            rows = -1;
    free(off);
    rs->has_aliases = rows >= 0;
    return rows < 0 ? -1 : 0;
}

/* Folded names longer than this are looked up by the scan. */
enum { ALIAS_FOLD_MAX = 256 };

const char *tx_org_canonical(const tx_ruleset *rs, const char *s, size_t n)
{
    if (!rs->has_aliases) return canonical_scan(rs, s, n);
    char buf[ALIAS_FOLD_MAX];
    size_t len = 0, v;
    for (size_t i = 0; i < n;) {
        int c = fold_next(s, n, &i);
        if (c < 0) break;
        if (len == sizeof buf) return canonical_scan(rs, s, n);
        buf[len++] = (char)c;
    }
    return tx_nmap_get(&rs->alias_by_key, buf, len, &v) ? rs->alias_val[v] : NULL;
}

int tx_rules_report(tx_ruleset *rs, int error, const char *id, const char *file, size_t line,
                    size_t col, const char *rule, const char *msg, tx2json_error *err)
{
    return report(rs, err, error, id, file, line, col, rule, "%s", msg);
}

int tx_match_group(const tx_match *m, const char *prefix, int from, size_t *s, size_t *e)
{
    size_t pl = strlen(prefix);
    for (int g = from; g < m->ngroups; g++)
        if (m->gname[g] && strncmp(m->gname[g], prefix, pl) == 0 && m->gstart[g] >= 0 &&
            m->gend[g] > m->gstart[g]) {
            *s = (size_t)m->gstart[g];
            *e = (size_t)m->gend[g];
            return g;
        }
    return 0;
}

int tx_rules_any_full(const tx_ruleset *rs, rule_kind k, const char *lang, const char *s, size_t n)
{
    tx_match m;
    const tx_rule *r;
    for (size_t i = 0; (r = tx_rules_get(rs, k, lang, i)); i++)
        if (tx_rule_match(rs, r, s, n, 0, &m) == 1 && m.start == 0 && m.end == n) return 1;
    return 0;
}

/* ---- checks over loaded rules (tx2json check) ------------------------ */

/* Is the kind decided by its first matching rule, so that an earlier rule
 * can hide a later rule? */
static int first_match_kind(int k)
{
    /* Entry-start and continuation rules are not: each one that matches
     * is a feature of the segmenter, with a weight of its own. */
    return k == RK_INTRO || k == RK_OUTRO || k == RK_REFHEADER || k == RK_REFERENCE ||
           k == RK_ITEMNUM || k == RK_HEADLINES || k == RK_REFLABEL || k == RK_URLLABEL;
}

static int langs_overlap(const tx_rule *a, const tx_rule *b)
{
    return !strcmp(a->lang, "any") || !strcmp(b->lang, "any") || !strcmp(a->lang, b->lang);
}

/* Runs one example; returns 0 when it behaves, else fills why. */
static int example_fails(tx_ruleset *rs, const tx_rule *r, const example *e, char *why, size_t wn,
                         int *limit)
{
    tx_match m;
    *limit = 0;
    int got = tx_rule_match(rs, r, e->text, strlen(e->text), 0, &m);
    if (got < 0) {
        *limit = 1;
        snprintf(why, wn, "rule '%s' exceeds the PCRE2 match limit (%u) on its example", r->name,
                 rs->match_limit);
        return 1;
    }
    if (e->positive && got == 0) {
        snprintf(why, wn, "example does not match rule '%s'", r->name);
        return 1;
    }
    if (!e->positive && got == 1) {
        snprintf(why, wn, "negative example matches rule '%s' (matched '%.*s')", r->name,
                 (int)(m.end - m.start), e->text + m.start);
        return 1;
    }
    if (!e->positive || !e->expect) return 0;
    /* "g=v, g2=v2": each named group must capture exactly v. */
    char *ex = tx_strdup(e->expect), *sv = NULL;
    if (!ex) return 0;
    int bad = 0;
    for (char *kv = strtok_r(ex, ",", &sv); kv && !bad; kv = strtok_r(NULL, ",", &sv)) {
        kv = (char *)skip_ws(kv);
        char *eq = strchr(kv, '=');
        if (!eq) continue;
        *eq = 0;
        const char *val = eq + 1;
        int found = 0;
        for (int g = 1; g < m.ngroups && !bad; g++) {
            if (!m.gname[g] || strcmp(m.gname[g], kv) || m.gstart[g] < 0) continue;
            size_t l = (size_t)(m.gend[g] - m.gstart[g]);
            found = 1;
            if (l != strlen(val) || memcmp(e->text + m.gstart[g], val, l) != 0) {
                snprintf(why, wn, "group '%s' captured '%.*s', expected '%s'", kv, (int)l,
                         e->text + m.gstart[g], val);
                bad = 1;
            }
        }
        if (!found && !bad) {
            snprintf(why, wn, "group '%s' captured nothing, expected '%s'", kv, val);
            bad = 1;
        }
    }
    free(ex);
    return bad;
}

/* The characters one rule's worst cases have repeated already: the same
 * character gives the same subject, so it is probed once per rule, not
 * once per example that holds it.  Past PROBED_MAX, characters are probed
 * again (never skipped). */
enum { PROBED_MAX = 256, PROBE_REPEATS = 64 };
typedef struct probed {
    const char *s[PROBED_MAX];
    size_t len[PROBED_MAX];
    size_t n;
} probed;

/* 1 when unit[0, ul) was probed already; else notes it and returns 0. */
static int probed_before(probed *p, const char *unit, size_t ul)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->len[i] == ul && memcmp(p->s[i], unit, ul) == 0) return 1;
    if (p->n < PROBED_MAX) p->s[p->n] = unit, p->len[p->n++] = ul;
    return 0;
}

/* Appends copies of unit[0, ul) to buf from n, while one more fits with
 * 3 bytes to spare and fewer than PROBE_REPEATS are there (counted from 0); returns
 * the new length.  The run is doubled in place, not copied a unit at a
 * time. */
static size_t repeat_unit(char *buf, size_t cap, size_t n, const char *unit, size_t ul)
{
    size_t from = n, end = n;
    while (end + ul + 3 < cap && end < PROBE_REPEATS * ul)
        end += ul;
    if (end == from) return n;
    memcpy(buf + from, unit, ul);
    for (size_t have = ul; from + have < end;) {
        size_t more = end - from - have < have ? end - from - have : have;
        memcpy(buf + from + have, buf + from, more);
        have += more;
    }
    return end;
}

/* Strings built to make a backtracking pattern explode: each example
 * character repeated, and each example repeated, then a character that
 * matches nothing useful.  Returns 1 and describes the string when the
 * match limit was hit. */
static int worst_case_hits_limit(tx_ruleset *rs, const tx_rule *r, char *what, size_t wn)
{
    probed seen;
    seen.n = 0;
    /* A Latin letter, a CJK ideograph (U+4E2D), a space and a digit. */
    static const char *const seeds[] = {"a", "\xe4\xb8\xad", " ", "1", NULL};
    char buf[4096];
    /* The pattern's first and required last code units, when ASCII (a lone
     * byte of a multi-byte character would make the subject invalid). */
    uint32_t first = 0, last = 0, ft = 0, lt = 0;
    pcre2_pattern_info(r->code, PCRE2_INFO_FIRSTCODETYPE, &ft);
    pcre2_pattern_info(r->code, PCRE2_INFO_LASTCODETYPE, &lt);
    if (ft == 1) pcre2_pattern_info(r->code, PCRE2_INFO_FIRSTCODEUNIT, &first);
    if (lt == 1) pcre2_pattern_info(r->code, PCRE2_INFO_LASTCODEUNIT, &last);
    if (first >= 0x80 || first == 0) first = 0;
    if (last >= 0x80 || last == 0) last = 0;
    for (size_t x = 0; x <= r->nex; x++) {
        const char *src = x < r->nex ? r->ex[x].text : NULL;
        /* Up to 8 distinct characters of the example, or the fixed seeds. */
        const char *chars[8];
        size_t clen[8], nc = 0;
        if (src) {
            size_t i = 0, len = strlen(src);
            while (i < len && nc < 8) {
                size_t j = i;
                tx_u8_next(src, &j);
                int seen = 0;
                for (size_t k = 0; k < nc; k++)
                    if (clen[k] == j - i && memcmp(chars[k], src + i, j - i) == 0) seen = 1;
                if (!seen) chars[nc] = src + i, clen[nc++] = j - i;
                i = j;
            }
        } else {
            for (; seeds[nc]; nc++)
                chars[nc] = seeds[nc], clen[nc] = strlen(seeds[nc]);
        }
        for (size_t k = 0; k <= nc; k++) {
            const char *unit = k < nc ? chars[k] : src;
            size_t ul = k < nc ? clen[k] : (src ? strlen(src) : 0);
            if (!unit || ul == 0 || probed_before(&seen, unit, ul)) continue;
            /* As is; then, as PCRE2 gives up at once on a subject that
             * lacks the pattern's start or required character, with them
             * around the run. */
            for (int v = 0; v < 2; v++) {
                size_t n = 0;
                if (v == 1 && !first && !last) break;
                if (v == 1 && first) buf[n++] = (char)first;
                n = repeat_unit(buf, sizeof buf, n, unit, ul);
                size_t reps = (n - (v == 1 && first)) / ul;
                buf[n++] = '\x01';
                if (v == 1 && last) buf[n++] = (char)last;
                tx_match m;
                if (tx_rule_match(rs, r, buf, n, 0, &m) < 0) {
                    snprintf(what, wn, "%zu x '%.*s' then U+0001%s", reps, (int)(ul > 20 ? 20 : ul),
                             unit, v ? ", with the pattern's start and required characters" : "");
                    return 1;
                }
            }
        }
    }
    return 0;
}

static int non_ascii(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s >= 0x80) return 1;
    return 0;
}

tx2json_status tx_rules_check(tx_ruleset *rs, tx2json_error *err)
{
    char why[1024];
#define REPORT(...)                                                                                \
    do {                                                                                           \
        if (report(rs, err, __VA_ARGS__)) return TX2JSON_ENOMEM;                                   \
    } while (0)
    for (size_t i = 0; i < rs->n; i++) {
        tx_rule *r = &rs->r[i];
        if (r->bad || !r->code) continue;
        int limited = 0, positives = 0;
        for (size_t j = 0; j < r->nex; j++) {
            const example *e = &r->ex[j];
            int limit;
            positives += e->positive;
            if (example_fails(rs, r, e, why, sizeof why, &limit)) {
                REPORT(1,
                       limit         ? "match-limit"
                       : e->positive ? "example-match"
                                     : "example-no-match",
                       r->file, e->line, e->col, r->name, "%s", why);
                limited |= limit;
            }
        }
        if (!limited && worst_case_hits_limit(rs, r, why + 512, 512))
            REPORT(1, "match-limit", r->file, r->pattern_line, r->pattern_col, r->name,
                   "rule '%s' exceeds the PCRE2 match limit (%u) on a generated worst case (%s): "
                   "the pattern backtracks catastrophically",
                   r->name, rs->match_limit, why + 512);
        if (!positives)
            REPORT(0, "no-example", r->file, r->line, 1, r->name,
                   "rule '%s' has no 'match:' example, so nothing tests it", r->name);
        if (r->bytes && (non_ascii(r->pattern) || (r->nex && non_ascii(r->ex[0].text))))
            REPORT(0, "no-utf", r->file, r->pattern_line, r->pattern_col, r->name,
                   "rule '%s' is compiled without UTF/UCP (flag b) but its text holds "
                   "non-ASCII characters, which will match byte by byte",
                   r->name);
        if (first_match_kind(r->kind) && positives) {
            for (size_t q = 0; q < i; q++) {
                tx_rule *o = &rs->r[q];
                /* A rule with requirements can let a sentence through to later rules. */
                if (o->bad || !o->code || o->kind != r->kind || !langs_overlap(o, r) || o->requires)
                    continue;
                int all = 1;
                for (size_t j = 0; j < r->nex && all; j++) {
                    tx_match m;
                    if (r->ex[j].positive &&
                        tx_rule_match(rs, o, r->ex[j].text, strlen(r->ex[j].text), 0, &m) != 1)
                        all = 0;
                }
                if (all) {
                    REPORT(0, "shadowed", r->file, r->line, 1, r->name,
                           "rule '%s' is shadowed: earlier rule '%s' (%s:%zu) of the same kind "
                           "matches all of its examples",
                           r->name, o->name, o->file, o->line);
                    break;
                }
            }
        }
    }
#undef REPORT
    return TX2JSON_OK;
}

size_t tx_rules_diags(const tx_ruleset *rs, const tx_rdiag **out)
{
    *out = rs->dg;
    return rs->ndg;
}
