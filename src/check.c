/* check.c - `tx2json check`: validates rule files and reports what it
 * finds as compiler-style text (with the source line and a caret), as
 * JSON, or as SARIF 2.1.0 for code-scanning services.  The checks
 * themselves live in rules.c; this module orders and formats them. */
#include "rules.h"
#include "chapters.h"
#include "signals.h"
#include "normalize.h"
#include "numeral.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unistd.h>

/* The documentation of the checks, for SARIF's helpUri (each check has
 * the anchor #check-ID there); the Makefile sets it to the installed
 * docs/rules.md. */
#ifndef TX2JSON_DOCS_URL
#define TX2JSON_DOCS_URL "file:///usr/local/share/doc/tx2json/rules.md"
#endif

/* Room for a helpUri: TX2JSON_DOCS_URL and "#check-ID". */
#define HELP_URI_MAX 1024

/* The SARIF base id of paths relative to the directory check ran in. */
#define SRCROOT "%SRCROOT%"

/* One line per check id for SARIF's rule descriptions. */
static const struct {
    const char *id, *text;
} CHECKS[] = {
    {"syntax", "A line of a rule file is not in the rule-file syntax."},
    {"encoding", "A rule file is not valid UTF-8."},
    {"unknown-key", "A rule uses a key the format does not define."},
    {"unknown-kind", "A rule names a kind the engine does not know."},
    {"bad-value", "A key has a value outside its allowed set."},
    {"missing-field", "A rule lacks a required key (kind or pattern)."},
    {"duplicate-rule", "Two rules share a name."},
    {"unknown-define", "A pattern uses ${name} with no such define."},
    {"include", "An include or a rule path cannot be opened."},
    {"include-cycle", "Rule files include each other in a cycle."},
    {"no-rules", "A rule path (file or directory) holds no rule."},
    {"pcre2-compile", "PCRE2 cannot compile the pattern."},
    {"too-many-groups", "The pattern has more capture groups than the engine keeps."},
    {"example-match", "A positive example does not match, or captures the wrong text."},
    {"example-no-match", "A negative example matches."},
    {"match-limit", "The pattern exceeds the PCRE2 match limit: catastrophic backtracking."},
    {"no-example", "No positive example exercises the rule."},
    {"shadowed", "An earlier rule of the same kind matches all of this rule's examples."},
    {"no-utf", "A byte-mode rule holds non-ASCII text."},
};

static const char *check_text(const char *id)
{
    for (size_t i = 0; i < sizeof CHECKS / sizeof *CHECKS; i++)
        if (strcmp(CHECKS[i].id, id) == 0) return CHECKS[i].text;
    return id;
}

static int cmp_diag(const void *a, const void *b)
{
    const tx_rdiag *x = *(tx_rdiag *const *)a, *y = *(tx_rdiag *const *)b;
    int c = strcmp(x->file, y->file);
    if (c) return c;
    if (x->line != y->line) return x->line < y->line ? -1 : 1;
    if (x->col != y->col) return x->col < y->col ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* Reads source lines for the text report.  Diagnostics come sorted by
 * file and line, so the reader only moves forward through each file and
 * the report costs one pass over it, however many diagnostics it has. */
typedef struct src_reader {
    const char *file; /* file open in f, or NULL */
    FILE *f;
    size_t next; /* 1-based number of the line the next read returns */
    char *last;  /* the line numbered next - 1, as read */
} src_reader;

static void src_close(src_reader *r)
{
    if (r->f) fclose(r->f);
    free(r->last);
    memset(r, 0, sizeof *r);
}

/* Reads the next line of r->f into r->last; 0 at end of file or on OOM. */
static int src_read_line(src_reader *r)
{
    tx_strbuf b = {0};
    int c, any = 0;
    while ((c = getc(r->f)) != EOF) {
        any = 1;
        if (c == '\n') break;
        if (c != '\r') tx_sb_addc(&b, c ? (char)c : '?'); /* a NUL shows as '?' */
    }
    if (!any || b.oom) {
        tx_sb_free(&b);
        return 0;
    }
    free(r->last);
    r->last = b.s ? b.s : tx_strndup("", 0);
    r->next++;
    return r->last != NULL;
}

/* Line `line` (1-based) of file, malloc'd without its newline, or NULL. */
static char *source_line(src_reader *r, const char *file, size_t line)
{
    if (!r->file || strcmp(r->file, file) != 0 || line + 1 < r->next) {
        src_close(r);
        if (!(r->f = fopen(file, "rb"))) return NULL;
        r->file = file;
        r->next = 1;
    }
    while (r->next <= line)
        if (!src_read_line(r)) return NULL;
    return r->last ? tx_strndup(r->last, strlen(r->last)) : NULL;
}

/* The line and column of a diagnostic about a whole file or path. */
#define WHOLE_FILE_LINE 1
#define WHOLE_FILE_COLUMN 1

static void text_diag(tx_strbuf *o, src_reader *rd, const tx_rdiag *d)
{
    char head[2048];
    const char *sev = d->error ? "error" : "warning";
    /* gcc's form, FILE:LINE:COL: severity: MESSAGE [check id]; the rule
     * (or table) is named in the message when the message does not. */
    int name_rule = d->rule && !strstr(d->msg, d->rule);
    snprintf(head, sizeof head, "%s:%zu:%zu: %s: %s%s%s%s [%s]\n", d->file,
             d->line ? d->line : WHOLE_FILE_LINE, d->col ? d->col : WHOLE_FILE_COLUMN, sev, d->msg,
             name_rule ? " (in " : "", name_rule ? d->rule : "", name_rule ? ")" : "", d->id);
    tx_sb_add(o, head, strlen(head));
    if (!d->line) return;
    char *src = source_line(rd, d->file, d->line);
    if (!src) return;
    /* Show bytes that are not UTF-8 as '?', so the report stays text. */
    size_t nm, nb, len0 = strlen(src), bad;
    while ((bad = tx_utf8_check((unsigned char *)src, len0, &nm, &nb)) < len0)
        src[bad] = '?';
    tx_sb_add(o, src, strlen(src));
    tx_sb_addc(o, '\n');
    /* Caret under the column, counting wide characters twice. */
    size_t i = 0, cp = 1, len = strlen(src);
    while (i < len && cp < d->col) {
        uint32_t c = tx_u8_next(src, &i);
        int w = u_getIntPropertyValue((UChar32)c, UCHAR_EAST_ASIAN_WIDTH);
        if (c == '\t')
            tx_sb_addc(o, '\t');
        else if (w == U_EA_WIDE || w == U_EA_FULLWIDTH)
            tx_sb_add(o, "  ", 2);
        else
            tx_sb_addc(o, ' ');
        cp++;
    }
    tx_sb_add(o, "^\n", 2);
    free(src);
}

static cJSON *json_diag(const tx_rdiag *d)
{
    cJSON *j = cJSON_CreateObject();
    if (!j) return NULL;
    cJSON_AddStringToObject(j, "file", d->file);
    cJSON_AddNumberToObject(j, "line", (double)d->line);
    cJSON_AddNumberToObject(j, "column", (double)d->col);
    cJSON_AddStringToObject(j, "severity", d->error ? "error" : "warning");
    cJSON_AddStringToObject(j, "id", d->id);
    if (d->rule)
        cJSON_AddStringToObject(j, "rule", d->rule);
    else
        cJSON_AddNullToObject(j, "rule");
    cJSON_AddStringToObject(j, "message", d->msg);
    return j;
}

/* Appends s to b percent-encoded as a URI path: every byte but the
 * unreserved characters (RFC 3986) and '/' as %XX. */
static void pct_encode(tx_strbuf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    enum { HIGH_NIBBLE = 4, LOW_NIBBLE = 0xF };
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p)) {
            tx_sb_addc(b, (char)*p);
        } else {
            tx_sb_addc(b, '%');
            tx_sb_addc(b, hex[*p >> HIGH_NIBBLE]);
            tx_sb_addc(b, hex[*p & LOW_NIBBLE]);
        }
    }
}

/* The artifactLocation of file: a relative URI against %SRCROOT% (the
 * directory check was run from, cwd) for a relative path or one below cwd,
 * else an absolute file: URI.  NULL on OOM. */
static cJSON *artifact_location(const char *file, const char *cwd)
{
    tx_strbuf b = {0};
    size_t n = cwd ? strlen(cwd) : 0;
    int below = file[0] == '/' && cwd && n > 1 && !strncmp(file, cwd, n) && file[n] == '/';
    const char *rel = file[0] != '/' ? file : below ? file + n + 1 : NULL;
    while (rel && rel[0] == '.' && rel[1] == '/')
        rel += 2;
    if (!rel) tx_sb_add(&b, "file://", strlen("file://"));
    pct_encode(&b, rel ? rel : file);
    tx_sb_add(&b, "", 0);
    cJSON *loc = b.oom ? NULL : cJSON_CreateObject();
    if (loc) {
        cJSON_AddStringToObject(loc, "uri", b.s);
        if (rel) cJSON_AddStringToObject(loc, "uriBaseId", SRCROOT);
    }
    tx_sb_free(&b);
    return loc;
}

/* run.originalUriBaseIds: %SRCROOT% is cwd, as a file: URI ending in '/'. */
static void add_base_ids(cJSON *run, const char *cwd)
{
    if (!cwd) return;
    tx_strbuf b = {0};
    tx_sb_add(&b, "file://", strlen("file://"));
    pct_encode(&b, cwd);
    if (b.len && b.s[b.len - 1] != '/') tx_sb_addc(&b, '/');
    tx_sb_add(&b, "", 0);
    cJSON *root =
        b.oom
            ? NULL
            : cJSON_AddObjectToObject(cJSON_AddObjectToObject(run, "originalUriBaseIds"), SRCROOT);
    if (root) cJSON_AddStringToObject(root, "uri", b.s);
    tx_sb_free(&b);
}

static cJSON *sarif(const tx_rdiag *const *v, size_t n)
{
    cJSON *root = cJSON_CreateObject();
    if (!root) return NULL;
    char *cwd = getcwd(NULL, 0); /* NULL: no base, paths stay as given */
    cJSON_AddStringToObject(root, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    cJSON_AddStringToObject(root, "version", "2.1.0");
    cJSON *runs = cJSON_AddArrayToObject(root, "runs");
    cJSON *run = cJSON_CreateObject();
    cJSON_AddItemToArray(runs, run);
    cJSON *driver = cJSON_AddObjectToObject(cJSON_AddObjectToObject(run, "tool"), "driver");
    cJSON_AddStringToObject(driver, "name", "tx2json");
    cJSON_AddStringToObject(driver, "version", TX2JSON_VERSION);
    cJSON_AddStringToObject(driver, "semanticVersion", TX2JSON_VERSION);
    cJSON *rules = cJSON_AddArrayToObject(driver, "rules");
    /* Rules: the check ids used, in first-use order. */
    const char *ids[64];
    size_t nid = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < nid && strcmp(ids[k], v[i]->id))
            k++;
        if (k == nid && nid < 64) {
            ids[nid++] = v[i]->id;
            cJSON *r = cJSON_CreateObject();
            cJSON_AddStringToObject(r, "id", v[i]->id);
            cJSON_AddStringToObject(cJSON_AddObjectToObject(r, "shortDescription"), "text",
                                    check_text(v[i]->id));
            char help[HELP_URI_MAX];
            snprintf(help, sizeof help, "%s#check-%s", TX2JSON_DOCS_URL, v[i]->id);
            cJSON_AddStringToObject(r, "helpUri", help);
            cJSON_AddStringToObject(cJSON_AddObjectToObject(r, "defaultConfiguration"), "level",
                                    v[i]->error ? "error" : "warning");
            cJSON_AddItemToArray(rules, r);
        }
    }
    add_base_ids(run, cwd);
    cJSON_AddStringToObject(run, "columnKind", "unicodeCodePoints");
    cJSON *results = cJSON_AddArrayToObject(run, "results");
    for (size_t i = 0; i < n; i++) {
        const tx_rdiag *d = v[i];
        cJSON *r = cJSON_CreateObject();
        cJSON_AddItemToArray(results, r);
        cJSON_AddStringToObject(r, "ruleId", d->id);
        size_t k = 0;
        while (k < nid && strcmp(ids[k], d->id))
            k++;
        cJSON_AddNumberToObject(r, "ruleIndex", (double)k);
        cJSON_AddStringToObject(r, "level", d->error ? "error" : "warning");
        cJSON_AddStringToObject(cJSON_AddObjectToObject(r, "message"), "text", d->msg);
        cJSON *loc = cJSON_CreateObject();
        cJSON_AddItemToArray(cJSON_AddArrayToObject(r, "locations"), loc);
        cJSON *phys = cJSON_AddObjectToObject(loc, "physicalLocation");
        cJSON_AddItemToObject(phys, "artifactLocation", artifact_location(d->file, cwd));
        if (d->line) {
            cJSON *reg = cJSON_AddObjectToObject(phys, "region");
            cJSON_AddNumberToObject(reg, "startLine", (double)d->line);
            cJSON_AddNumberToObject(reg, "startColumn", (double)(d->col ? d->col : 1));
        }
        if (d->rule) {
            cJSON *lg = cJSON_CreateObject();
            cJSON_AddStringToObject(lg, "name", d->rule);
            cJSON_AddStringToObject(lg, "kind", "member");
            cJSON_AddItemToArray(cJSON_AddArrayToObject(loc, "logicalLocations"), lg);
        }
    }
    free(cwd);
    return root;
}

/* Is s numeral characters and then one measure word of nt, and nothing
 * else? */
static int numeral_and_measure(const tx_numerals *nt, const char *s)
{
    size_t n = strlen(s), i = 0, l;
    while (i < n && tx_num_char(nt, s + i, n - i, &l) >= 0)
        i += l;
    return i > 0 && i < n && tx_num_measure(nt, s + i, n - i) == n - i;
}

/* One table example: 0 when it behaves, else fills why. */
static int table_example_fails(const tx_ruleset *rs, const tx_numerals *nt, const tx_table *t,
                               const tx_table_row *e, char *why, size_t wn)
{
    if (t->kind == TK_SCRIPT) {
        const char *l = tx_detect_language(rs, e->key, strlen(e->key));
        if (!strcmp(l, e->value)) return 0;
        snprintf(why, wn, "'%s' is found to be '%s', expected '%s'", e->key, l, e->value);
        return 1;
    }
    if (t->kind == TK_CHAPTER_TITLE) {
        char *w = tx_first_words(rs, e->key);
        if (!w) return -1;
        int bad = strcmp(w, e->value) != 0;
        if (bad)
            snprintf(why, wn, "the first words of '%s' are '%s', expected '%s'", e->key, w,
                     e->value);
        free(w);
        return bad;
    }
    if (t->kind == TK_ORG_ALIASES) { /* an organisation as said => its canonical name */
        const char *c = tx_org_canonical(rs, e->key, strlen(e->key));
        if (c && !strcmp(c, e->value)) return 0;
        snprintf(why, wn, "'%s' has the canonical name '%s', expected '%s'", e->key,
                 c ? c : "(none)", e->value);
        return 1;
    }
    if (t->kind == TK_MEASURE_WORDS) {
        if (numeral_and_measure(nt, e->key)) return 0;
        snprintf(why, wn, "'%s' is not a numeral followed by a measure word of table '%s'", e->key,
                 t->name);
        return 1;
    }
    if (!*e->value) {
        snprintf(why, wn, "example of table '%s' needs '=> KEY', the name key expected", t->name);
        return 1;
    }
    char *k = tx_name_key(nt, e->key, strlen(e->key));
    if (!k) return -1;
    int bad = strcmp(k, e->value) != 0;
    if (bad) snprintf(why, wn, "name key of '%s' is '%s', expected '%s'", e->key, k, e->value);
    free(k);
    return bad;
}

/* Runs the examples of every table: a numerals or number-words example is
 * a name and its key, a measure-words example a numeral and its measure
 * word, a script example a text and the language found for it.  Results go to rs's diagnostics.
 * TX2JSON_OK or ENOMEM. */
static tx2json_status check_tables(tx_ruleset *rs, tx2json_error *err)
{
    size_t n;
    const tx_table *t = tx_rules_tables(rs, &n);
    tx_numerals *nt = tx_numerals_new(rs);
    if (!nt) goto oom;
    char why[1024];
    for (size_t i = 0; i < n; i++) {
        if (t[i].kind < 0) continue;
        if (t[i].kind == TK_WEIGHTS) { /* rows name features, rules or parameters */
            for (size_t j = 0; j < t[i].nrow; j++)
                if (!tx_weights_key_ok(rs, t[i].row[j].key, why, sizeof why) &&
                    tx_rules_report(rs, 1, "bad-value", t[i].file, t[i].row[j].line,
                                    t[i].row[j].col, t[i].name, why, err))
                    goto oom;
            continue;
        }
        if (!t[i].nex && tx_rules_report(rs, 0, "no-example", t[i].file, t[i].line, 1, t[i].name,
                                         "table has no 'match:' example, so nothing tests it", err))
            goto oom;
        for (size_t j = 0; j < t[i].nex; j++) {
            int f = table_example_fails(rs, nt, &t[i], &t[i].ex[j], why, sizeof why);
            if (f < 0 || (f && tx_rules_report(rs, 1, "example-match", t[i].file, t[i].ex[j].line,
                                               t[i].ex[j].col, t[i].name, why, err)))
                goto oom;
        }
    }
    tx_numerals_free(nt);
    return TX2JSON_OK;
oom:
    tx_numerals_free(nt);
    tx_seterr(err, TX2JSON_ENOMEM, NULL, 0, 0, (size_t)-1, "out of memory");
    return TX2JSON_ENOMEM;
}

tx2json_status tx2json_check(const char *const *paths, size_t npaths, tx2json_check_format fmt,
                             char **report, size_t *nerrors, size_t *nwarnings, tx2json_error *err)
{
    *report = NULL;
    *nerrors = *nwarnings = 0;
    tx_ruleset *rs = NULL;
    tx2json_status rc = tx_rules_load_check(paths, npaths, &rs, err);
    if (rc) return rc;
    if ((rc = tx_rules_check(rs, err)) || (rc = check_tables(rs, err))) {
        tx_rules_free(rs);
        return rc;
    }
    const tx_rdiag *dg;
    size_t n = tx_rules_diags(rs, &dg);
    const tx_rdiag **v = malloc((n ? n : 1) * sizeof *v);
    if (!v) goto oom;
    for (size_t i = 0; i < n; i++) {
        v[i] = &dg[i];
        if (dg[i].error)
            (*nerrors)++;
        else
            (*nwarnings)++;
    }
    qsort(v, n, sizeof *v, cmp_diag);
    tx_strbuf o = {0};
    if (fmt == TX2JSON_CHECK_TEXT) {
        src_reader rd = {0};
        for (size_t i = 0; i < n; i++)
            text_diag(&o, &rd, v[i]);
        src_close(&rd);
        tx_sb_add(&o, "", 0);
    } else {
        cJSON *j = NULL;
        if (fmt == TX2JSON_CHECK_JSON) {
            j = cJSON_CreateArray();
            for (size_t i = 0; j && i < n; i++)
                cJSON_AddItemToArray(j, json_diag(v[i]));
        } else {
            j = sarif(v, n);
        }
        char *s = j ? cJSON_PrintUnformatted(j) : NULL;
        cJSON_Delete(j);
        if (!s) {
            free(v);
            goto oom;
        }
        tx_json_layout(&o, s, TX2JSON_DEFAULT_INDENT, 0); /* as conversions print */
        tx_sb_addc(&o, '\n');
        cJSON_free(s);
    }
    free(v);
    if (o.oom) {
        tx_sb_free(&o);
        goto oom;
    }
    tx_rules_free(rs);
    *report = o.s;
    return TX2JSON_OK;
oom:
    tx_rules_free(rs);
    tx_seterr(err, TX2JSON_ENOMEM, NULL, 0, 0, (size_t)-1, "out of memory");
    return TX2JSON_ENOMEM;
}
