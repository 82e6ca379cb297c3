/* rules.c - stage 4: rule files, compiled once per process.
 *
 * A rule file is a list of named PCRE2 patterns, each with a kind, an
 * optional language, and examples that double as tests (docs/rules.md has
 * the format).  Every pattern is compiled with UTF and UCP, JIT-compiled
 * when the platform allows, and matched under match, depth and heap
 * limits, so no rule can hang a run.  Each byte of an expanded pattern
 * remembers the file line and column it came from, so PCRE2's error offset
 * can be reported where the user wrote it. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const KIND_NAMES[RK_NKINDS] = {
    "intro",        "outro",        "reflist-header", "reference", "entry-start",
    "continuation", "organization", "mention",        "stop-name", "url-noise",
    "item-number"};

typedef struct example {
    int positive;
    char *text;
    char *expect; /* "group=value, ..." or NULL */
    size_t line;
} example;

struct tx_rule {
    char *name;
    char *file;
    size_t line;
    int kind;
    char lang[4];
    int requires;
    int caseless;
    char *pattern;     /* expanded */
    size_t *pat_line;  /* per byte of pattern */
    size_t *pat_col;
    pcre2_code *code;
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
    pcre2_match_context *mctx;
    pcre2_match_data *md;
    size_t limit_hits;
    uint32_t match_limit, depth_limit;
};

static char *xstrdup(const char *s)
{
    return tx_strndup(s, strlen(s));
}

static void rule_free(tx_rule *r)
{
    free(r->name);
    free(r->file);
    free(r->pattern);
    free(r->pat_line);
    free(r->pat_col);
    free(r->gnames);
    if (r->code) pcre2_code_free(r->code);
    for (size_t i = 0; i < r->nex; i++) {
        free(r->ex[i].text);
        free(r->ex[i].expect);
    }
    free(r->ex);
}

void tx_rules_free(tx_ruleset *rs)
{
    if (!rs) return;
    for (size_t i = 0; i < rs->n; i++) rule_free(&rs->r[i]);
    free(rs->r);
    for (size_t i = 0; i < rs->ndef; i++) {
        free(rs->def[i].name);
        free(rs->def[i].value);
    }
    free(rs->def);
    if (rs->mctx) pcre2_match_context_free(rs->mctx);
    if (rs->md) pcre2_match_data_free(rs->md);
    free(rs);
}

static size_t u8_cols(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) c++;
    return c;
}

/* Appends pattern text from the file (line, starting column) to rule r,
 * expanding ${name} defines.  Returns 0, or -1 with err set. */
static int append_pattern(tx_ruleset *rs, tx_rule *r, size_t *plen, size_t *pcap,
                          const char *src, size_t line, size_t col0, const char *file,
                          tx2json_error *err, int depth)
{
    size_t n = strlen(src);
    for (size_t i = 0; i < n;) {
        const char *piece = src + i;
        size_t plen_piece = 1;
        const char *expand = NULL;
        if (src[i] == '$' && i + 1 < n && src[i + 1] == '{') {
            const char *close = strchr(src + i + 2, '}');
            if (!close) {
                tx_seterr(err, TX2JSON_ERULES, file, line, col0 + u8_cols(src, i), (size_t)-1,
                          "unterminated ${...} reference");
                return -1;
            }
            size_t nl = (size_t)(close - (src + i + 2));
            for (size_t d = 0; d < rs->ndef; d++)
                if (strlen(rs->def[d].name) == nl &&
                    memcmp(rs->def[d].name, src + i + 2, nl) == 0)
                    expand = rs->def[d].value;
            if (!expand) {
                tx_seterr(err, TX2JSON_ERULES, file, line, col0 + u8_cols(src, i), (size_t)-1,
                          "unknown define '%.*s'", (int)nl, src + i + 2);
                return -1;
            }
            plen_piece = nl + 3;
        }
        const char *add = expand ? expand : piece;
        size_t addn = expand ? strlen(expand) + 4 : 1;
        char *p = tx_grow(r->pattern, pcap, *plen + addn + 1, 1);
        if (!p) goto oom;
        r->pattern = p;
        size_t cap2 = *pcap;
        size_t *l = realloc(r->pat_line, cap2 * sizeof *l);
        if (!l) goto oom;
        r->pat_line = l;
        size_t *c = realloc(r->pat_col, cap2 * sizeof *c);
        if (!c) goto oom;
        r->pat_col = c;
        size_t col = col0 + u8_cols(src, i);
        if (expand) {
            memcpy(r->pattern + *plen, "(?:", 3);
            memcpy(r->pattern + *plen + 3, add, addn - 4);
            r->pattern[*plen + addn - 1] = ')';
        } else {
            r->pattern[*plen] = *add;
        }
        for (size_t k = 0; k < addn; k++) {
            r->pat_line[*plen + k] = line;
            r->pat_col[*plen + k] = col;
        }
        *plen += addn;
        r->pattern[*plen] = 0;
        i += plen_piece;
    }
    (void)depth;
    return 0;
oom:
    tx_seterr(err, TX2JSON_ENOMEM, file, line, 0, (size_t)-1, "out of memory");
    return -1;
}

static int compile_rule(tx_ruleset *rs, tx_rule *r, tx2json_error *err)
{
    (void)rs;
    int ec;
    PCRE2_SIZE eo;
    uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_DUPNAMES | (r->caseless ? PCRE2_CASELESS : 0);
    /* Stop-names and URL noise are tested against a whole string. */
    if (r->kind == RK_STOPNAME || r->kind == RK_URLNOISE) opts |= PCRE2_ANCHORED | PCRE2_ENDANCHORED;
    r->code = pcre2_compile((PCRE2_SPTR)r->pattern, PCRE2_ZERO_TERMINATED, opts, &ec, &eo, NULL);
    if (!r->code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ec, msg, sizeof msg);
        size_t line = r->line, col = 0;
        if (r->pat_line && eo < strlen(r->pattern)) {
            line = r->pat_line[eo];
            col = r->pat_col[eo];
        } else if (r->pat_line && eo > 0) {
            line = r->pat_line[eo - 1];
            col = r->pat_col[eo - 1] + 1;
        }
        tx_seterr(err, TX2JSON_ERULES, r->file, line, col, (size_t)-1,
                  "PCRE2 error in rule '%s': %s", r->name, (const char *)msg);
        return -1;
    }
    (void)pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
    uint32_t cap = 0, nc = 0, es = 0;
    PCRE2_SPTR tab;
    pcre2_pattern_info(r->code, PCRE2_INFO_CAPTURECOUNT, &cap);
    pcre2_pattern_info(r->code, PCRE2_INFO_NAMECOUNT, &nc);
    pcre2_pattern_info(r->code, PCRE2_INFO_NAMEENTRYSIZE, &es);
    pcre2_pattern_info(r->code, PCRE2_INFO_NAMETABLE, &tab);
    if (cap + 1 > TX_MAXGROUPS) {
        tx_seterr(err, TX2JSON_ERULES, r->file, r->line, 0, (size_t)-1,
                  "rule '%s' has %u capture groups; at most %d are allowed", r->name, cap,
                  TX_MAXGROUPS - 1);
        return -1;
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
    while (*s == ' ' || *s == '\t') s++;
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
    if (r->kind < 0) {
        tx_seterr(err, TX2JSON_ERULES, r->file, r->line, 1, (size_t)-1,
                  "rule '%s' has no kind", r->name);
        return -1;
    }
    if (!r->pattern) {
        tx_seterr(err, TX2JSON_ERULES, r->file, r->line, 1, (size_t)-1,
                  "rule '%s' has no pattern", r->name);
        return -1;
    }
    return compile_rule(rs, r, err);
}

static int load_file(tx_ruleset *rs, const char *path, tx2json_error *err, int depth);

static int parse_text(tx_ruleset *rs, const char *path, char *text, tx2json_error *err,
                      int depth)
{
    tx_rule *cur = NULL;
    size_t pcap = 0, plen = 0, excap = 0;
    size_t lineno = 0;
    char *save = NULL;
    for (char *line = text; line; line = save) {
        char *nl = strchr(line, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl) *nl = 0;
        lineno++;
        rtrim(line);
        const char *s = skip_ws(line);
        size_t col = u8_cols(line, (size_t)(s - line)) + 1;
        if (!*s || *s == '#') continue;
        if (strncmp(s, "rule ", 5) == 0 || strncmp(s, "define ", 7) == 0 ||
            strncmp(s, "include ", 8) == 0) {
            if (cur && finish_rule(rs, cur, err)) return -1;
            cur = NULL;
        }
        if (strncmp(s, "rule ", 5) == 0) {
            const char *nm = skip_ws(s + 5);
            for (size_t i = 0; i < rs->n; i++)
                if (strcmp(rs->r[i].name, nm) == 0) {
                    tx_seterr(err, TX2JSON_ERULES, path, lineno, col + 5, (size_t)-1,
                              "duplicate rule name '%s' (first defined at %s:%zu)", nm,
                              rs->r[i].file, rs->r[i].line);
                    return -1;
                }
            tx_rule *p = tx_grow(rs->r, &rs->cap, rs->n + 1, sizeof *p);
            if (!p) goto oom;
            rs->r = p;
            cur = &rs->r[rs->n++];
            memset(cur, 0, sizeof *cur);
            cur->kind = -1;
            strcpy(cur->lang, "any");
            cur->line = lineno;
            cur->name = xstrdup(nm);
            cur->file = xstrdup(path);
            if (!cur->name || !cur->file) goto oom;
            pcap = plen = excap = 0;
            continue;
        }
        if (strncmp(s, "define ", 7) == 0) {
            const char *eq = strchr(s, '=');
            if (!eq) {
                tx_seterr(err, TX2JSON_ERULES, path, lineno, col, (size_t)-1,
                          "define needs 'define NAME = PATTERN'");
                return -1;
            }
            const char *nm = skip_ws(s + 7);
            size_t nl = (size_t)(eq - nm);
            while (nl && (nm[nl - 1] == ' ' || nm[nl - 1] == '\t')) nl--;
            define *p = tx_grow(rs->def, &rs->defcap, rs->ndef + 1, sizeof *p);
            if (!p) goto oom;
            rs->def = p;
            /* Expand earlier defines inside this one through a scratch rule. */
            tx_rule tmp = {0};
            size_t tcap = 0, tlen = 0;
            const char *val = skip_ws(eq + 1);
            if (append_pattern(rs, &tmp, &tlen, &tcap, val, lineno,
                               col + u8_cols(s, (size_t)(val - s)), path, err, depth)) {
                rule_free(&tmp);
                return -1;
            }
            rs->def[rs->ndef].name = tx_strndup(nm, nl);
            rs->def[rs->ndef].value = tmp.pattern ? tmp.pattern : xstrdup("");
            tmp.pattern = NULL;
            rule_free(&tmp);
            if (!rs->def[rs->ndef].name || !rs->def[rs->ndef].value) goto oom;
            rs->ndef++;
            continue;
        }
        if (strncmp(s, "include ", 8) == 0) {
            const char *f = skip_ws(s + 8);
            char buf[4096];
            const char *slash = strrchr(path, '/');
            if (f[0] == '/' || !slash)
                snprintf(buf, sizeof buf, "%s", f);
            else
                snprintf(buf, sizeof buf, "%.*s/%s", (int)(slash - path), path, f);
            if (depth > 16) {
                tx_seterr(err, TX2JSON_ERULES, path, lineno, col, (size_t)-1,
                          "includes nested too deeply (cycle?)");
                return -1;
            }
            if (load_file(rs, buf, err, depth + 1)) return -1;
            continue;
        }
        const char *colon = strchr(s, ':');
        if (!cur) {
            tx_seterr(err, TX2JSON_ERULES, path, lineno, col, (size_t)-1,
                      "expected 'rule NAME', 'define NAME = ...' or 'include FILE'");
            return -1;
        }
        if (!colon) {
            tx_seterr(err, TX2JSON_ERULES, path, lineno, col, (size_t)-1,
                      "expected 'key: value' inside rule '%s'", cur->name);
            return -1;
        }
        size_t kl = (size_t)(colon - s);
        const char *v = skip_ws(colon + 1);
        size_t vcol = col + u8_cols(s, (size_t)(v - s));
#define KEY(k) (kl == strlen(k) && strncmp(s, k, kl) == 0)
        if (KEY("kind")) {
            cur->kind = -1;
            for (int k = 0; k < RK_NKINDS; k++)
                if (strcmp(v, KIND_NAMES[k]) == 0) cur->kind = k;
            if (cur->kind < 0) {
                tx_seterr(err, TX2JSON_ERULES, path, lineno, vcol, (size_t)-1,
                          "unknown rule kind '%s'", v);
                return -1;
            }
        } else if (KEY("lang")) {
            if (strcmp(v, "zh") && strcmp(v, "en") && strcmp(v, "any")) {
                tx_seterr(err, TX2JSON_ERULES, path, lineno, vcol, (size_t)-1,
                          "unknown lang '%s' (zh, en or any)", v);
                return -1;
            }
            strcpy(cur->lang, v);
        } else if (KEY("requires")) {
            if (strcmp(v, "new-name") == 0)
                cur->requires |= REQ_NEWNAME;
            else {
                tx_seterr(err, TX2JSON_ERULES, path, lineno, vcol, (size_t)-1,
                          "unknown requirement '%s' (new-name)", v);
                return -1;
            }
        } else if (KEY("flags")) {
            for (const char *f = v; *f; f++) {
                if (*f == 'i')
                    cur->caseless = 1;
                else {
                    tx_seterr(err, TX2JSON_ERULES, path, lineno,
                              vcol + u8_cols(v, (size_t)(f - v)), (size_t)-1,
                              "unknown flag '%c' (i)", *f);
                    return -1;
                }
            }
        } else if (KEY("pattern")) {
            if (append_pattern(rs, cur, &plen, &pcap, v, lineno, vcol, path, err, depth))
                return -1;
        } else if (KEY("match") || KEY("no-match")) {
            example *p = tx_grow(cur->ex, &excap, cur->nex + 1, sizeof *p);
            if (!p) goto oom;
            cur->ex = p;
            example *e = &cur->ex[cur->nex++];
            memset(e, 0, sizeof *e);
            e->positive = KEY("match");
            e->line = lineno;
            const char *arrow = e->positive ? strstr(v, " => ") : NULL;
            e->text = arrow ? tx_strndup(v, (size_t)(arrow - v)) : xstrdup(v);
            if (arrow) e->expect = xstrdup(arrow + 4);
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
        } else if (KEY("note")) {
            /* free text for people */
        } else {
            tx_seterr(err, TX2JSON_ERULES, path, lineno, col, (size_t)-1,
                      "unknown key '%.*s' in rule '%s'", (int)kl, s, cur->name);
            return -1;
        }
#undef KEY
    }
    if (cur && finish_rule(rs, cur, err)) return -1;
    return 0;
oom:
    tx_seterr(err, TX2JSON_ENOMEM, path, lineno, 0, (size_t)-1, "out of memory");
    return -1;
}

static int load_file(tx_ruleset *rs, const char *path, tx2json_error *err, int depth)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        tx_seterr(err, TX2JSON_ERULES, path, 0, 0, (size_t)-1, "cannot open rule file: %s",
                  strerror(errno));
        return -1;
    }
    strbuf b = {0};
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) sb_add(&b, buf, n);
    int rerr = ferror(f);
    fclose(f);
    if (rerr || b.oom) {
        sb_free(&b);
        tx_seterr(err, rerr ? TX2JSON_ERULES : TX2JSON_ENOMEM, path, 0, 0, (size_t)-1,
                  rerr ? "cannot read rule file" : "out of memory");
        return -1;
    }
    if (!b.s) return 0;
    int rc = parse_text(rs, path, b.s, err, depth);
    sb_free(&b);
    return rc;
}

static int cmpstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

tx2json_status tx_rules_load(const char *path, tx_ruleset **out, tx2json_error *err)
{
    *out = NULL;
    tx_ruleset *rs = calloc(1, sizeof *rs);
    if (!rs) goto oom;
    rs->match_limit = 1000000;
    rs->depth_limit = 10000;
    rs->mctx = pcre2_match_context_create(NULL);
    rs->md = pcre2_match_data_create(TX_MAXGROUPS, NULL);
    if (!rs->mctx || !rs->md) goto oom;
    pcre2_set_match_limit(rs->mctx, rs->match_limit);
    pcre2_set_depth_limit(rs->mctx, rs->depth_limit);
    pcre2_set_heap_limit(rs->mctx, 20000); /* KiB */
    struct stat st;
    if (stat(path, &st) != 0) {
        tx_seterr(err, TX2JSON_ERULES, path, 0, 0, (size_t)-1, "cannot open rules: %s",
                  strerror(errno));
        tx_rules_free(rs);
        return TX2JSON_ERULES;
    }
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (!d) {
            tx_seterr(err, TX2JSON_ERULES, path, 0, 0, (size_t)-1, "cannot open rules: %s",
                      strerror(errno));
            tx_rules_free(rs);
            return TX2JSON_ERULES;
        }
        char **names = NULL;
        size_t nn = 0, ncap = 0;
        struct dirent *de;
        int fail = 0;
        while ((de = readdir(d))) {
            size_t l = strlen(de->d_name);
            if (l < 7 || strcmp(de->d_name + l - 6, ".rules") != 0) continue;
            char **p = tx_grow(names, &ncap, nn + 1, sizeof *p);
            if (!p || !(names = p, names[nn] = malloc(strlen(path) + l + 2))) {
                fail = 1;
                break;
            }
            sprintf(names[nn++], "%s/%s", path, de->d_name);
        }
        closedir(d);
        if (!fail) qsort(names, nn, sizeof *names, cmpstr);
        for (size_t i = 0; i < nn && !fail; i++)
            if (load_file(rs, names[i], err, 0)) fail = 2;
        for (size_t i = 0; i < nn; i++) free(names[i]);
        free(names);
        if (fail) {
            tx_rules_free(rs);
            if (fail == 1) goto oom;
            return err ? err->code : TX2JSON_ERULES;
        }
    } else if (load_file(rs, path, err, 0)) {
        tx_rules_free(rs);
        return err ? err->code : TX2JSON_ERULES;
    }
    *out = rs;
    return TX2JSON_OK;
oom:
    tx_rules_free(rs);
    tx_seterr(err, TX2JSON_ENOMEM, path, 0, 0, (size_t)-1, "out of memory");
    return TX2JSON_ENOMEM;
}

static int lang_ok(const tx_rule *r, const char *lang)
{
    return !lang || strcmp(r->lang, "any") == 0 || strcmp(r->lang, lang) == 0;
}

size_t tx_rules_count(const tx_ruleset *rs, rule_kind k, const char *lang)
{
    size_t c = 0;
    for (size_t i = 0; i < rs->n; i++)
        if (rs->r[i].kind == (int)k && lang_ok(&rs->r[i], lang)) c++;
    return c;
}

const tx_rule *tx_rules_get(const tx_ruleset *rs, rule_kind k, const char *lang, size_t idx)
{
    for (size_t i = 0; i < rs->n; i++)
        if (rs->r[i].kind == (int)k && lang_ok(&rs->r[i], lang) && idx-- == 0) return &rs->r[i];
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

size_t tx_rules_limit_hits(const tx_ruleset *rs)
{
    return rs->limit_hits;
}

int tx_rule_match(const tx_ruleset *rs, const tx_rule *r, const char *subj, size_t len,
                  size_t from, tx_match *m)
{
    int rc = pcre2_match(r->code, (PCRE2_SPTR)subj, len, from, 0, rs->md, rs->mctx);
    if (rc == PCRE2_ERROR_NOMATCH) return 0;
    if (rc < 0) {
        ((tx_ruleset *)rs)->limit_hits++;
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

int tx_rules_any_full(const tx_ruleset *rs, rule_kind k, const char *lang, const char *s,
                      size_t n)
{
    tx_match m;
    const tx_rule *r;
    for (size_t i = 0; (r = tx_rules_get(rs, k, lang, i)); i++)
        if (tx_rule_match(rs, r, s, n, 0, &m) == 1 && m.start == 0 && m.end == n) return 1;
    return 0;
}

/* Runs every rule's examples; prints failures to `report` (may be NULL).
 * Returns the number of failures. */
TXI size_t tx_rules_selftest(const tx_ruleset *rs, FILE *report, size_t *nexamples);
size_t tx_rules_selftest(const tx_ruleset *rs, FILE *report, size_t *nexamples)
{
    size_t fails = 0, total = 0;
    for (size_t i = 0; i < rs->n; i++) {
        const tx_rule *r = &rs->r[i];
        for (size_t j = 0; j < r->nex; j++) {
            const example *e = &r->ex[j];
            tx_match m;
            total++;
            int got = tx_rule_match(rs, r, e->text, strlen(e->text), 0, &m);
            const char *why = NULL;
            char whybuf[512];
            if (got < 0)
                why = "hit a match limit";
            else if (e->positive && got == 0)
                why = "example does not match";
            else if (!e->positive && got == 1)
                why = "negative example matches";
            else if (e->positive && e->expect) {
                /* "g=v, g2=v2": each named group must capture exactly v. */
                char *ex = xstrdup(e->expect), *sv = NULL;
                for (char *kv = ex ? strtok_r(ex, ",", &sv) : NULL; kv && !why;
                     kv = strtok_r(NULL, ",", &sv)) {
                    kv = (char *)skip_ws(kv);
                    char *eq = strchr(kv, '=');
                    if (!eq) continue;
                    *eq = 0;
                    const char *val = eq + 1;
                    int found = 0;
                    for (int g = 1; g < m.ngroups; g++) {
                        if (!m.gname[g] || strcmp(m.gname[g], kv) || m.gstart[g] < 0) continue;
                        size_t l = (size_t)(m.gend[g] - m.gstart[g]);
                        if (l == strlen(val) && memcmp(e->text + m.gstart[g], val, l) == 0)
                            found = 1;
                        else {
                            snprintf(whybuf, sizeof whybuf, "group '%s' captured '%.*s', not '%s'",
                                     kv, (int)l, e->text + m.gstart[g], val);
                            why = whybuf;
                            found = 1;
                        }
                    }
                    if (!found) {
                        snprintf(whybuf, sizeof whybuf, "group '%s' did not capture", kv);
                        why = whybuf;
                    }
                }
                free(ex);
            }
            if (why) {
                fails++;
                if (report)
                    fprintf(report, "%s:%zu: rule '%s': %s: %s\n", r->file, e->line, r->name, why,
                            e->text);
            }
        }
    }
    if (nexamples) *nexamples = total;
    return fails;
}
