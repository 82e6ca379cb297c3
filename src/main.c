/* main.c - the tx2json command line: parses options, loads the rules once
 * and converts each input through the library, in batch when given many
 * files or directories (worker threads, ordered output).  Diagnostics look
 * like a compiler's: "tx2json: FILE:LINE:COL: error: MESSAGE".
 *
 * Exit status: 0 success; 1 an input could not be converted (the batch
 * goes on); 2 usage error; 3 rules could not be loaded or a system error
 * (out of memory, output not writable). */
#include "tx2json.h"
#include "cli.h"
#include "tables.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* --max-input when not given: the library's own default (tx2json.h).  The
 * CLI reads its inputs itself, to stop at the limit. */
#define DEFAULT_MAX_INPUT ((size_t)256 << 20)

/* Peak memory of one conversion, in bytes per input byte: the estimate
 * --max-memory admits files by.  Measured with /usr/bin/time -v (maximum
 * RSS, less the 8.8 MB of a 25-byte input) converting the 13 .txt files
 * of corpora/ concatenated 1, 10, 40 and 200 times (79 KB to 15.9 MB):
 * 19.3, 19.3, 18.2 and 17.0; the English and the Chinese episodes of
 * corpora/ and corpora-blind/ apart, 40 times (2.2 and 2.9 MB): 19.1 and
 * 18.6.  Rounded up.  The fixed cost of a worker (its context, some MB)
 * is not counted. */
#define MEMORY_PER_INPUT_BYTE 20

/* --max-memory when not given: 2 GiB, some 100 MB of input at once. */
#define DEFAULT_MAX_MEMORY ((size_t)2 << 30)

#ifndef TX2JSON_RULES_DIR
#define TX2JSON_RULES_DIR "rules"
#endif

/* The limits and the rest of --help. */
static void usage_limits(FILE *f)
{
    fputs("Limits (a file over a limit fails with a message naming it; the run\n"
          "goes on with the next file):\n"
          "      --max-input BYTES   largest input (default 268435456); stdin is read\n"
          "                          no further than the limit\n"
          "      --max-memory BYTES  memory budget of the files converted at once\n"
          "                          (default 2G; k, M, G suffixes): a file starts\n"
          "                          when 20 x its size fits beside the files in\n"
          "                          progress, in input order; a file over the whole\n"
          "                          budget runs alone\n"
          "      --max-line BYTES    longest line (default 1048576)\n"
          "      --max-refs N        reference lines (default 20000)\n"
          "      --max-entries N     entries (default 20000)\n"
          "      --match-limit N     PCRE2 match limit per rule match (default 1000000)\n"
          "      --depth-limit N     PCRE2 depth limit (default 10000; when set, rules\n"
          "                          run in PCRE2's interpreter, as the JIT has none)\n"
          "      --heap-limit KIB    PCRE2 heap limit, also the JIT stack (default 20000)\n"
          "      --max-limit-hits N  limit hits of one rule in a document before it is\n"
          "                          switched off for the rest of it (default 10)\n"
          "A rule match over a PCRE2 limit counts as no match and adds a\n"
          "match-limit warning to the document.\n"
          "\n"
          "  -h, --help            show this help\n"
          "  -V, --version         show the version\n"
          "\n"
          "Exit status: 0 every input converted; 1 an input could not be converted;\n"
          "2 usage error; 3 rules could not be loaded, an output could not be\n"
          "written, or a system error.\n",
          f);
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tx2json [OPTIONS] FILE|DIR|-...\n"
            "       tx2json check [--format text|json|sarif] [--werror] PATH...\n"
            "Convert spoken-news transcripts into JSON (schema_version %d).\n"
            "\n"
            "Inputs: files, directories (searched recursively for *.txt, *.srt and\n"
            "*.vtt, in name order, at most 64 levels deep) and - for standard input.\n"
            "SRT and WebVTT are recognised by content, whatever the file name: their\n"
            "framing is left out of the text, and entries and mentions get the times\n"
            "of their cues.\n"
            "A walk skips hidden (dot) entries, symbolic links (see --follow), FIFOs\n"
            "and devices, each with a note on stderr (-q: none), except files whose\n"
            "name matches no pattern, skipped silently.\n"
            "      --glob PATTERN    names to take from directories (repeatable;\n"
            "                        replaces the default patterns)\n"
            "      --follow          walks follow symbolic links to files and\n"
            "                        directories (a directory already on the path is\n"
            "                        a loop and skipped)\n"
            "      --files-from LIST read input paths from LIST (- for stdin), one per\n"
            "                        line, or NUL-separated with -0\n"
            "\n"
            "Output:\n"
            "  -o, --output PATH     with one input file: write the JSON to PATH; with\n"
            "                        several inputs or a directory: PATH is a directory\n"
            "                        and each input gets PATH/RELATIVE/NAME.json.  Every\n"
            "                        file is written atomically (temporary + rename);\n"
            "                        nothing is written through a symbolic link below\n"
            "                        PATH.  Two inputs with one output (a.txt, a.srt)\n"
            "                        are found before anything is written: the first in\n"
            "                        input order is converted, every later input fails.\n"
            "                        Temporaries (NAME.tmp.PID.N) left by a killed run\n"
            "                        are removed by the next run into the same place\n"
            "      --format json|jsonl  indented documents (default), or compact ones,\n"
            "                        a document per line, in input order (a failed\n"
            "                        input is a line {\"source\", \"error\"} too)\n"
            "      --format csv|sqlite  tables instead of documents: -o DIR gets\n"
            "                        episodes.csv, entries.csv, mentions.csv,\n"
            "                        organizations.csv and references.csv; -o FILE.db an\n"
            "                        SQLite database (a re-run replaces each episode's\n"
            "                        rows, keyed by the input's SHA-256)\n"
            "      --format chapters|youtube|vtt-chapters  chapters instead of the\n"
            "                        document: Podcasting 2.0 JSON chapters, YouTube\n"
            "                        description lines, a WebVTT chapters track (the\n"
            "                        input needs times: an input without is a usage\n"
            "                        error, exit status 2)\n"
            "      --compact         one-line JSON\n"
            "      --offsets codepoints|utf16|bytes  the unit of spans: code points of\n"
            "                        the decoded text (default; Python), UTF-16 units\n"
            "                        (JavaScript, Java) or UTF-8 bytes (C, Go, Rust)\n"
            "      --segmenter=rules|scored\n"
            "                        how entry starts are chosen: by the first matching\n"
            "                        entry-start rule (default), or all at once by learned\n"
            "                        feature weights with the show notes as anchors\n"
            "      --features        add \"units\": the features of each possible entry\n"
            "                        start (what tools/train learns the weights from)\n"
            "\n"
            "Batch:\n"
            "  -j, --jobs N, -jN     worker threads (default: online CPUs; never more\n"
            "                        than the files, at most 256); the output is the\n"
            "                        same for any N\n"
            "      --fail-fast       stop at the first input that fails\n"
            "      --progress, --no-progress  show a progress line (default: when\n"
            "                        stderr is a terminal)\n"
            "  -q, --quiet           no warnings, no progress, no summary\n"
            "\n"
            "Rules and text:\n"
            "      --rules PATH      rule file or directory (default: $TX2JSON_RULES or\n"
            "                        " TX2JSON_RULES_DIR ")\n"
            "      --encoding NAME   input encoding (ICU name, e.g. GB18030, UTF-16LE);\n"
            "                        default: UTF-8, a BOM, or detection\n"
            "      --lang LANG|auto  rule language: one the rules name (shipped: zh, en);\n"
            "                        default auto, by the rules' script tables\n"
            "      --notes FILE      show notes of the (one) input: the reference list at\n"
            "                        their end comes after the transcript's own.  Without\n"
            "                        it, NAME.notes.txt or NAME.description.txt beside\n"
            "                        NAME.EXT is read (and a walk does not convert it)\n"
            "\n",
            TX2JSON_SCHEMA_VERSION);
    usage_limits(f);
}

static void print_error(const tx2json_error *e)
{
    if (e->line && !e->column)
        fprintf(stderr, "tx2json: %s:%zu: error: %s\n", e->file, e->line, e->message);
    else if (e->line)
        fprintf(stderr, "tx2json: %s:%zu:%zu: error: %s\n", e->file, e->line, e->column,
                e->message);
    else
        fprintf(stderr, "tx2json: %s: error: %s\n", e->file, e->message);
}

static void check_usage(FILE *f)
{
    fprintf(f, "usage: tx2json check [--format text|json|sarif] [--werror] PATH...\n"
               "Validate rule files (a PATH is a .rules file or a directory of them).\n"
               "\n"
               "  --format FMT  text (default: file:line:col: severity: message [rule],\n"
               "                then the line and a caret), json, or sarif (SARIF 2.1.0)\n"
               "  --werror      treat warnings as errors\n"
               "\n"
               "Exit status: 0 clean; 1 errors, or warnings with --werror; 2 usage error.\n");
}

static int check_main(int argc, char **argv)
{
    tx2json_check_format fmt = TX2JSON_CHECK_TEXT;
    int werror = 0, np = 0;
    const char **paths = calloc((size_t)argc + 1, sizeof *paths);
    if (!paths) {
        fprintf(stderr, "tx2json: error: out of memory\n");
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            check_usage(stdout);
            free(paths);
            return 0;
        } else if (strcmp(a, "--werror") == 0) {
            werror = 1;
        } else if (strcmp(a, "--format") == 0 || strncmp(a, "--format=", 9) == 0) {
            const char *v = a[8] == '=' ? a + 9 : (i + 1 < argc ? argv[++i] : NULL);
            if (v && strcmp(v, "text") == 0)
                fmt = TX2JSON_CHECK_TEXT;
            else if (v && strcmp(v, "json") == 0)
                fmt = TX2JSON_CHECK_JSON;
            else if (v && strcmp(v, "sarif") == 0)
                fmt = TX2JSON_CHECK_SARIF;
            else {
                fprintf(stderr, "tx2json: error: --format must be text, json or sarif\n");
                free(paths);
                return 2;
            }
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "tx2json: error: unknown option '%s' for check (see check --help)\n",
                    a);
            free(paths);
            return 2;
        } else {
            paths[np++] = a;
        }
    }
    if (np == 0) {
        check_usage(stderr);
        free(paths);
        return 2;
    }
    char *report = NULL;
    size_t ne = 0, nw = 0;
    tx2json_error err;
    tx2json_status rc = tx2json_check(paths, (size_t)np, fmt, &report, &ne, &nw, &err);
    free(paths);
    if (rc != TX2JSON_OK) {
        print_error(&err);
        return 2;
    }
    fputs(report, stdout);
    tx2json_free(report);
    tx2json_global_cleanup();
    if (fflush(stdout) != 0) return 2;
    return ne || (werror && nw) ? 1 : 0;
}

/* ---- the batch ------------------------------------------------------- */

typedef struct job {
    int done;
    tx2json_status rc;
    char *json;
    char *msgs;   /* warnings and the error, formatted, in order */
    char *record; /* --format jsonl: the failed input's record line */
    size_t bytes;
    size_t cost; /* memory reserved from the budget until emitted */
    tx2json_stats stats;
} job;

typedef struct batch {
    const inputs *in;
    tx2json_ctx *ctx;
    tx2json_options opts;
    int quiet, fail_fast;
    int jsonl;          /* --format jsonl: a failed input is a record too */
    const char *notes;  /* --notes FILE, or NULL: NAME.notes.txt beside */
    const char *output; /* -o, or NULL for stdout */
    tables *tables;     /* --format csv or sqlite: the rows go there */
    int out_dir;        /* -o names a directory */
    int root;           /* then: its descriptor */
    job *jobs;
    size_t next, emitted, window;
    int stop;
    /* The memory budget (--max-memory): admitted in input order. */
    size_t mem_limit, mem_used, serving;
    pthread_mutex_t mu;
    pthread_cond_t cv_done, cv_room, cv_mem;
    /* The emitting thread's counts. */
    size_t failed, entries, links, bytes, done;
    int status;
    double t0;
} batch;

typedef struct msgbuf {
    char *s;
    size_t len, cap;
} msgbuf;

static void msg_add(msgbuf *m, const char *fmt, ...)
{
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    size_t need = m->len + (size_t)n + 1;
    if (need > m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 256;
        while (nc < need)
            nc *= 2;
        char *ns = realloc(m->s, nc);
        if (!ns) return;
        m->s = ns;
        m->cap = nc;
    }
    memcpy(m->s + m->len, tmp, (size_t)n + 1 > sizeof tmp ? sizeof tmp : (size_t)n + 1);
    m->len += (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1;
    m->s[m->len] = 0;
}

static void on_warning(void *user, const char *file, size_t line, size_t col, const char *code,
                       const char *msg)
{
    msgbuf *m = user;
    if (line)
        msg_add(m, "tx2json: %s:%zu:%zu: warning: %s [%s]\n", file, line, col, msg, code);
    else
        msg_add(m, "tx2json: %s: warning: %s [%s]\n", file, msg, code);
}

static void error_text(msgbuf *m, const tx2json_error *e)
{
    if (e->line && !e->column)
        msg_add(m, "tx2json: %s:%zu: error: %s\n", e->file, e->line, e->message);
    else if (e->line)
        msg_add(m, "tx2json: %s:%zu:%zu: error: %s\n", e->file, e->line, e->column, e->message);
    else
        msg_add(m, "tx2json: %s: error: %s\n", e->file, e->message);
}

/* Admits job i to convert with cost bytes of the memory budget.  Jobs are
 * admitted in input order, so the admitted ones are a prefix and their
 * memory, released as they are emitted (in order), always comes back.  A
 * job waits until its cost fits beside the admitted ones; a cost over the
 * whole budget waits until nothing else is held, and then runs alone.
 * Returns 0, or -1 when the batch stops meanwhile. */
static int admit(batch *b, size_t i, size_t cost)
{
    pthread_mutex_lock(&b->mu);
    for (;;) {
        size_t used = b->mem_used, lim = b->mem_limit;
        int fits = cost == 0 || used == 0 || (used <= lim && cost <= lim - used);
        if (b->stop || (b->serving == i && fits)) break;
        pthread_cond_wait(&b->cv_mem, &b->mu);
    }
    int ok = !b->stop;
    if (ok) {
        b->mem_used += cost;
        b->jobs[i].cost = cost;
        b->serving = i + 1;
    }
    pthread_cond_broadcast(&b->cv_mem);
    pthread_mutex_unlock(&b->mu);
    return ok ? 0 : -1;
}

static size_t estimate(size_t bytes)
{
    return bytes > SIZE_MAX / MEMORY_PER_INPUT_BYTE ? SIZE_MAX : bytes * MEMORY_PER_INPUT_BYTE;
}

/* Opens and reads input i within --max-input, admitted to the memory
 * budget by its size: before reading when fstat gives it, after reading
 * a stream.  Returns the status; *data is malloc'd. */
static tx2json_status load_input(batch *b, size_t i, unsigned char **data, size_t *len,
                                 tx2json_error *err)
{
    const input *in = &b->in->v[i];
    const char *name = strcmp(in->path, "-") == 0 ? "<stdin>" : in->path;
    size_t max = b->opts.max_input, size;
    int fd;
    *data = NULL;
    *len = 0;
    tx2json_status rc = input_open(in, max, &fd, &size, err);
    int known = !rc && size != (size_t)-1, stopped = 0;
    b->jobs[i].bytes = known ? size : 0;
    if ((rc || known) && admit(b, i, rc ? 0 : estimate(size)) != 0) stopped = 1;
    if (!rc && !stopped) {
        rc = input_read(fd, name, max, size, data, len, err);
        if (!known && admit(b, i, rc ? 0 : estimate(*len)) != 0) stopped = 1;
    }
    if (fd >= 0 && strcmp(in->path, "-") != 0) close(fd); /* stdin stays open */
    if (stopped) {                                        /* never emitted: the batch stops */
        snprintf(err->file, sizeof err->file, "%s", name);
        snprintf(err->message, sizeof err->message, "not converted: the batch stopped");
        err->line = err->column = 0;
        rc = TX2JSON_EINTERNAL;
    }
    if (rc) {
        free(*data);
        *data = NULL;
    }
    return rc;
}

/* The show notes of input in: --notes FILE, else the first of
 * NAME.notes.txt and NAME.description.txt beside it (none for stdin).
 * Returns the status; *data is malloc'd (NULL when there are no notes),
 * *name the path read (malloc'd). */
static tx2json_status load_notes(const batch *b, const input *in, unsigned char **data, size_t *len,
                                 char **name, tx2json_error *err)
{
    int oom = 0;
    *data = NULL;
    *name = NULL;
    for (size_t k = 0; !b->notes && strcmp(in->path, "-") && !oom && !*name; k++) {
        char *p = notes_path(in->path, k, &oom);
        struct stat st;
        if (!p) break;
        if (stat(p, &st) == 0 || errno != ENOENT)
            *name = p;
        else
            free(p);
    }
    if (b->notes && !(*name = strdup(b->notes))) oom = 1;
    if (oom) {
        snprintf(err->file, sizeof err->file, "%s", in->path);
        snprintf(err->message, sizeof err->message, "out of memory");
        err->line = err->column = 0;
        return TX2JSON_ENOMEM;
    }
    if (!*name) return TX2JSON_OK;
    input ni = {.path = *name};
    int fd;
    size_t size;
    tx2json_status rc = input_open(&ni, b->opts.max_input, &fd, &size, err);
    if (!rc) rc = input_read(fd, *name, b->opts.max_input, size, data, len, err);
    if (fd >= 0 && strcmp(*name, "-")) close(fd);
    return rc;
}

/* Converts input i (admitted to the memory budget first, as every job). */
static void convert_one(batch *b, tx2json_ctx *ctx, size_t i)
{
    job *j = &b->jobs[i];
    const input *in = &b->in->v[i];
    tx2json_options o = b->opts;
    msgbuf m = {0};
    tx2json_error err;
    o.user = &m;
    o.on_warning = b->quiet ? NULL : on_warning;
    o.stats = &j->stats;
    if (in->clash || !ctx) {
        admit(b, i, 0);
        if (in->clash)
            msg_add(&m,
                    "tx2json: %s: error: output %s/%s is also that of %s; not converted (the "
                    "first input keeps it)\n",
                    in->path, b->output, in->out, b->in->v[in->twin].path);
        else
            msg_add(&m, "tx2json: %s: error: out of memory\n", in->path);
        j->rc = in->clash ? TX2JSON_EINVAL : TX2JSON_ENOMEM;
        j->msgs = m.s;
        return;
    }
    unsigned char *data, *notes = NULL;
    size_t len;
    char *notes_name = NULL;
    j->rc = load_input(b, i, &data, &len, &err);
    if (j->rc == TX2JSON_OK) j->rc = load_notes(b, in, &notes, &o.notes_len, &notes_name, &err);
    if (j->rc == TX2JSON_OK) {
        j->bytes = len;
        const char *name = strcmp(in->path, "-") == 0 ? "<stdin>" : in->path;
        o.notes = notes;
        o.notes_name = notes_name;
        j->rc = tx2json_convert_buffer(ctx, name, data, len, &o, &j->json, &err);
    }
    free(data);
    free(notes);
    free(notes_name);
    if (j->rc != TX2JSON_OK) error_text(&m, &err);
    if (j->rc != TX2JSON_OK && b->jsonl && !b->out_dir)
        j->record = error_record(strcmp(in->path, "-") == 0 ? "<stdin>" : in->path, &err);
    j->msgs = m.s;
}

static void *worker(void *arg)
{
    batch *b = arg;
    tx2json_ctx *ctx = NULL;
    tx2json_error err;
    if (tx2json_ctx_clone(b->ctx, &ctx, &err) != TX2JSON_OK) ctx = NULL;
    for (;;) {
        pthread_mutex_lock(&b->mu);
        while (!b->stop && b->next < b->in->n && b->next >= b->emitted + b->window)
            pthread_cond_wait(&b->cv_room, &b->mu);
        if (b->stop || b->next >= b->in->n) {
            pthread_mutex_unlock(&b->mu);
            break;
        }
        size_t i = b->next++;
        pthread_mutex_unlock(&b->mu);
        convert_one(b, ctx, i); /* ctx NULL: fails, out of memory */
        pthread_mutex_lock(&b->mu);
        b->jobs[i].done = 1;
        pthread_cond_broadcast(&b->cv_done);
        pthread_mutex_unlock(&b->mu);
    }
    tx2json_ctx_free(ctx);
    return NULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress(size_t done, size_t total, size_t bytes, double t0, int final)
{
    double el = now() - t0;
    double mbs = el > 0 ? (double)bytes / 1e6 / el : 0;
    double eta = done ? el / (double)done * (double)(total - done) : 0;
    fprintf(stderr, "\r\033[K[%zu/%zu] %.1f MB/s, ETA %.0fs", done, total, mbs, eta);
    if (final) fputs("\r\033[K", stderr);
    fflush(stderr);
}

static int parse_count(const char *opt, const char *v, unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    if (errno == ERANGE && !*end && v[0] != '-') {
        fprintf(stderr, "tx2json: error: %s %s is out of range\n", opt, v);
        return -1;
    }
    if (*end || x == 0 || errno || v[0] == '-' || end == v) {
        fprintf(stderr, "tx2json: error: %s needs a positive number\n", opt);
        return -1;
    }
    *out = x;
    return 0;
}

/* A size in bytes for --max-memory: a positive number, optionally with a
 * suffix k, M or G (powers of 1024).  Returns 0, or -1 after a message. */
static int parse_size(const char *opt, const char *v, size_t *out)
{
    char num[32];
    size_t n = strlen(v), shift = 0;
    const char *suf = n ? strchr("kKmMgG", v[n - 1]) : NULL;
    if (suf && v[n - 1]) {
        shift = (size_t)(suf - "kKmMgG") / 2 * 10 + 10;
        n--;
    }
    if (n >= sizeof num) n = sizeof num - 1; /* too long: out of range below */
    memcpy(num, v, n);
    num[n] = 0;
    unsigned long long x;
    if (parse_count(opt, n == strlen(v) ? v : num, &x)) return -1;
    if (x > (SIZE_MAX >> shift)) {
        fprintf(stderr, "tx2json: error: %s %s is out of range\n", opt, v);
        return -1;
    }
    *out = (size_t)x << shift;
    return 0;
}

/* Everything the command line sets. */
typedef struct cli {
    tx2json_options opts;
    const char *rules, *output, *list, *notes;
    int quiet, jsonl, nul, fail_fast, show_progress, follow;
    tables_kind tables; /* --format csv or sqlite */
    long jobs;
    unsigned long match_limit, depth_limit, heap_limit;
    size_t max_memory;
    const char **args;
    size_t nargs;
} cli;

/* Options that take a value v.  Returns 0, 2 on a usage error, or -1 when
 * a is not one of them. */
static int value_option(cli *c, inputs *in, const char *a, const char *v)
{
    unsigned long long x;
    if (!strcmp(a, "--rules")) {
        c->rules = v;
    } else if (!strcmp(a, "--encoding")) {
        c->opts.encoding = v;
    } else if (!strcmp(a, "--lang")) {
        c->opts.lang = v; /* checked against the rules' languages once they load */
    } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
        c->output = v;
        if (!*v) {
            fprintf(stderr, "tx2json: error: %s needs a non-empty path\n", a);
            return 2;
        }
    } else if (!strcmp(a, "--format")) {
        static const char *const chap[] = {"chapters", "youtube", "vtt-chapters"};
        c->opts.output = TX2JSON_OUTPUT_JSON;
        c->jsonl = 0;
        c->tables = !strcmp(v, "csv")      ? TABLES_CSV
                    : !strcmp(v, "sqlite") ? TABLES_SQLITE
                                           : TABLES_NONE;
        for (size_t k = 0; k < sizeof chap / sizeof *chap; k++)
            if (!strcmp(v, chap[k])) c->opts.output = (tx2json_output)(TX2JSON_OUTPUT_CHAPTERS + k);
        if (!strcmp(v, "jsonl"))
            c->jsonl = 1;
        else if (strcmp(v, "json") && !c->opts.output && !c->tables) {
            fprintf(stderr, "tx2json: error: --format must be json, jsonl, csv, sqlite, chapters, "
                            "youtube or vtt-chapters\n");
            return 2;
        }
    } else if (!strcmp(a, "--offsets")) {
        static const char *const units[] = {"codepoints", "utf16", "bytes"};
        size_t k = 0;
        while (k < sizeof units / sizeof *units && strcmp(v, units[k]))
            k++;
        if (k == sizeof units / sizeof *units) {
            fprintf(stderr, "tx2json: error: --offsets must be codepoints, utf16 or bytes\n");
            return 2;
        }
        c->opts.offsets = (tx2json_offsets)k;
    } else if (!strcmp(a, "-j") || !strcmp(a, "--jobs")) {
        if (parse_count(a, v, &x)) return 2;
        c->jobs = x > 256 ? 256 : (long)x;
    } else if (!strcmp(a, "--max-memory")) {
        if (parse_size(a, v, &c->max_memory)) return 2;
    } else if (!strcmp(a, "--glob")) {
        in->globs[in->nglobs++] = v;
    } else if (!strcmp(a, "--files-from")) {
        c->list = v;
    } else if (!strcmp(a, "--notes")) {
        c->notes = v;
    } else {
        return -1;
    }
    return 0;
}

/* The limits, all positive numbers.  Returns as value_option. */
static int limit_option(cli *c, const char *a, const char *v)
{
    static const char *const names[] = {"--max-input",   "--max-line",      "--max-refs",
                                        "--max-entries", "--match-limit",   "--depth-limit",
                                        "--heap-limit",  "--max-limit-hits"};
    size_t k = 0;
    while (k < sizeof names / sizeof *names && strcmp(a, names[k]))
        k++;
    unsigned long long x;
    if (k == sizeof names / sizeof *names) return -1;
    if (parse_count(a, v, &x)) return 2;
    switch (k) {
    case 0:
        c->opts.max_input = (size_t)x;
        break;
    case 1:
        c->opts.max_line = (size_t)x;
        break;
    case 2:
        c->opts.max_refs = (size_t)x;
        break;
    case 3:
        c->opts.max_entries = (size_t)x;
        break;
    case 4:
        c->match_limit = (unsigned long)x;
        break;
    case 5:
        c->depth_limit = (unsigned long)x;
        break;
    case 7:
        c->opts.max_limit_hits = (size_t)x;
        break;
    default:
        c->heap_limit = (unsigned long)x;
        break;
    }
    return 0;
}

/* Options without a value.  Returns 0, or -1 when a is not one of them. */
static int flag_option(cli *c, const char *a)
{
    if (!strcmp(a, "-0"))
        c->nul = 1;
    else if (!strcmp(a, "--fail-fast"))
        c->fail_fast = 1;
    else if (!strcmp(a, "--progress"))
        c->show_progress = 1;
    else if (!strcmp(a, "--no-progress"))
        c->show_progress = 0;
    else if (!strcmp(a, "--compact"))
        c->opts.compact = 1;
    else if (!strcmp(a, "--features"))
        c->opts.features = 1;
    else if (!strcmp(a, "--segmenter=scored"))
        c->opts.segmenter = TX2JSON_SEGMENT_SCORED;
    else if (!strcmp(a, "--segmenter=rules"))
        c->opts.segmenter = TX2JSON_SEGMENT_RULES;
    else if (!strcmp(a, "-q") || !strcmp(a, "--quiet"))
        c->quiet = 1;
    else if (!strcmp(a, "--follow"))
        c->follow = 1;
    else
        return -1;
    return 0;
}

static int takes_value(const char *a)
{
    static const char names[] = " --rules --encoding --lang -o --output --format -j --jobs --glob"
                                " --files-from --max-input --max-line --max-refs --max-entries"
                                " --match-limit --depth-limit --heap-limit --max-limit-hits"
                                " --max-memory --notes --offsets ";
    size_t n = strlen(a);
    for (const char *p = strstr(names, a); p; p = strstr(p + 1, a))
        if (p[-1] == ' ' && p[n] == ' ') return 1;
    return 0;
}

/* Parses argv into c and in->globs.  Returns -1 to go on, or the exit
 * status (0 after --help or --version, 2 on a usage error). */
static int parse_args(int argc, char **argv, cli *c, inputs *in)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int rc = 0;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
            printf("tx2json %s\n", tx2json_version());
            return 0;
        } else if (!strncmp(a, "-j", 2) && a[2] >= '0' && a[2] <= '9') { /* -j2, as make takes it */
            rc = value_option(c, in, "-j", a + 2);
        } else if (flag_option(c, a) == 0) {
            continue;
        } else if (a[0] != '-' || !a[1]) {
            c->args[c->nargs++] = a;
        } else if (!takes_value(a)) {
            fprintf(stderr, "tx2json: error: unknown option '%s' (see --help)\n", a);
            return 2;
        } else if (i + 1 >= argc) {
            fprintf(stderr, "tx2json: error: %s needs an argument\n", a);
            return 2;
        } else if ((rc = value_option(c, in, a, argv[++i])) < 0) {
            rc = limit_option(c, a, argv[i]);
        }
        if (rc) return 2;
    }
    if (c->nargs == 0 && !c->list) {
        usage(stderr);
        return 2;
    }
    return -1;
}

/* Decides whether -o names a directory and opens it (creating it): sets
 * b->out_dir and b->root.  Returns 0, or 3 after an error (2: a text
 * chapters format, which has no place in NAME.json files). */
static int open_output(batch *b, const cli *c, inputs *in, int dirs)
{
    const char *o = c->output;
    struct stat st;
    b->output = o;
    b->out_dir = o && (in->n > 1 || dirs || c->list || o[strlen(o) - 1] == '/' ||
                       (stat(o, &st) == 0 && S_ISDIR(st.st_mode)));
    if (!b->out_dir) {
        if (o) out_clean_stale_file(o, c->quiet);
        return 0;
    }
    if (c->opts.output == TX2JSON_OUTPUT_YOUTUBE || c->opts.output == TX2JSON_OUTPUT_VTT_CHAPTERS) {
        fprintf(stderr, "tx2json: error: -o DIR writes NAME.json files: --format youtube and "
                        "vtt-chapters write to standard output or one -o FILE\n");
        return 2;
    }
    if (mkdir(o, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "tx2json: %s: error: cannot create directory: %s\n", o, strerror(errno));
        return 3;
    }
    if (out_plan(in) != 0) {
        fprintf(stderr, "tx2json: error: out of memory\n");
        return 3;
    }
    /* Following a link here is fine: the user named DIR.  Below it
     * nothing is followed (cli_out.c). */
    if ((b->root = open(o, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        fprintf(stderr, "tx2json: %s: error: cannot open directory: %s\n", o, strerror(errno));
        return 3;
    }
    out_clean_stale(b->root, o, in, c->quiet);
    return 0;
}

/* Writes job i's document (to its output file or stdout); returns 0, or
 * -1 after printing an error. */
static int write_output(batch *b, size_t i)
{
    const char *json = b->jobs[i].json;
    if (b->tables) {
        const char *p = b->in->v[i].path;
        return tables_add(b->tables, strcmp(p, "-") == 0 ? "<stdin>" : p, json);
    }
    if (b->out_dir) {
        char msg[2048];
        int rc = out_write(b->root, b->output, b->in->v[i].out, json, msg, sizeof msg);
        if (rc) fputs(msg, stderr);
        return rc;
    }
    if (b->output && write_atomic(b->output, json) != 0) {
        fprintf(stderr, "tx2json: %s: error: cannot write: %s\n", b->output, strerror(errno));
        return -1;
    }
    if (!b->output && fputs(json, stdout) == EOF) {
        fprintf(stderr, "tx2json: <stdout>: error: write failed: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

/* Job i is done: prints its messages, writes its document, counts it. */
static void emit(batch *b, size_t i)
{
    job *j = &b->jobs[i];
    if (j->msgs) fputs(j->msgs, stderr);
    b->bytes += j->bytes;
    /* Out of memory, a library failure or stdout gone: stop.  A file
     * that failed, to convert or to be written, counts as failed and the
     * batch goes on (exit status 3 for an output not written). */
    int fatal = j->rc == TX2JSON_ENOMEM || j->rc == TX2JSON_EINTERNAL;
    int ok = j->rc == TX2JSON_OK && write_output(b, i) == 0;
    if (j->rc != TX2JSON_OK && j->record) { /* the failed input's JSONL record */
        j->json = j->record;
        j->record = NULL;
        if (write_output(b, i) != 0) fatal = 1;
    }
    if (ok) {
        b->entries += j->stats.entries;
        b->links += j->stats.links;
    } else {
        b->failed++;
        int s = fatal || j->rc == TX2JSON_OK ? 3 : j->rc == TX2JSON_EOUTPUT ? 2 : 1;
        if (s > b->status) b->status = s;
        if (j->rc == TX2JSON_OK && !b->output) fatal = 1;
    }
    free(j->json);
    free(j->msgs);
    free(j->record);
    j->json = j->msgs = j->record = NULL;
    b->done++;
    pthread_mutex_lock(&b->mu);
    b->emitted = i + 1;
    b->mem_used -= j->cost;
    if ((b->fail_fast && !ok) || fatal) b->stop = 1;
    pthread_cond_broadcast(&b->cv_room);
    pthread_cond_broadcast(&b->cv_mem);
    pthread_mutex_unlock(&b->mu);
}

/* Converts every input with nw workers (this thread alone when nw is 1)
 * and emits the results in input order. */
static void run_batch(batch *b, long nw, int show_progress)
{
    pthread_t *th = calloc((size_t)nw, sizeof *th);
    long started = 0;
    if (nw > 1 && th)
        for (; started < nw; started++)
            if (pthread_create(&th[started], NULL, worker, b) != 0) break;
    double t0 = now(), last = 0;
    b->t0 = t0;
    for (size_t i = 0; i < b->in->n && !b->stop; i++) {
        job *j = &b->jobs[i];
        if (started == 0) {
            convert_one(b, b->ctx, i); /* one worker: this thread */
        } else {
            pthread_mutex_lock(&b->mu);
            while (!j->done)
                pthread_cond_wait(&b->cv_done, &b->mu);
            pthread_mutex_unlock(&b->mu);
        }
        emit(b, i);
        if (show_progress && (now() - last > 0.1 || i + 1 == b->in->n)) {
            progress(b->done, b->in->n, b->bytes, t0, 0);
            last = now();
        }
    }
    for (long t = 0; t < started; t++)
        pthread_join(th[t], NULL);
    free(th);
    if (show_progress) progress(b->done, b->in->n, b->bytes, t0, 1);
}

/* Runs the batch with b's context loaded and prints the summary. */
static void run_loaded(batch *b, const cli *c, int dirs)
{
    const inputs *in = b->in;
    long nw = c->jobs ? c->jobs : sysconf(_SC_NPROCESSORS_ONLN);
    if (nw < 1) nw = 1;
    if ((size_t)nw > in->n) nw = (long)in->n; /* never more workers than files */
    b->window = (size_t)nw * 8;
    if (!(b->jobs = calloc(in->n, sizeof *b->jobs))) {
        fprintf(stderr, "tx2json: error: out of memory\n");
        b->status = 3;
        return;
    }
    pthread_mutex_init(&b->mu, NULL);
    pthread_cond_init(&b->cv_done, NULL);
    pthread_cond_init(&b->cv_room, NULL);
    pthread_cond_init(&b->cv_mem, NULL);
    int show = c->show_progress < 0 ? isatty(2) && in->n > 1 : c->show_progress;
    run_batch(b, nw, show && !c->quiet);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "tx2json: <stdout>: error: write failed: %s\n", strerror(errno));
        b->status = 3;
    }
    if (!c->quiet && (in->n > 1 || dirs || c->list))
        fprintf(stderr, "tx2json: %zu files, %zu entries, %zu links, %zu failed, %.2fs%s\n",
                b->done, b->entries, b->links, b->failed, now() - b->t0,
                b->done < in->n ? " (stopped early)" : "");
    for (size_t i = 0; i < in->n; i++) {
        free(b->jobs[i].json);
        free(b->jobs[i].msgs);
        free(b->jobs[i].record);
    }
    free(b->jobs);
    pthread_mutex_destroy(&b->mu);
    pthread_cond_destroy(&b->cv_done);
    pthread_cond_destroy(&b->cv_room);
    pthread_cond_destroy(&b->cv_mem);
}

/* Opens the output, loads the rules and runs the batch.  Returns the exit
 * status. */
/* --lang: "auto" or a language the rules name; else a usage error that
 * lists them. */
static int lang_known(const tx2json_ctx *ctx, const char *lang)
{
    if (!lang || !strcmp(lang, "auto")) return 1;
    for (size_t i = 0; tx2json_ctx_language(ctx, i); i++)
        if (!strcmp(tx2json_ctx_language(ctx, i), lang)) return 1;
    fprintf(stderr, "tx2json: error: --lang %s: the rules name no such language (they name:", lang);
    for (size_t i = 0; tx2json_ctx_language(ctx, i); i++)
        fprintf(stderr, " %s", tx2json_ctx_language(ctx, i));
    fprintf(stderr, "; or auto)\n");
    return 0;
}

static int convert_all(const cli *c, inputs *in, int dirs, int status)
{
    batch b;
    memset(&b, 0, sizeof b);
    b.in = in;
    b.opts = c->opts;
    b.quiet = c->quiet;
    b.fail_fast = c->fail_fast;
    b.jsonl = c->jsonl;
    b.notes = c->notes;
    b.mem_limit = c->max_memory ? c->max_memory : DEFAULT_MAX_MEMORY;
    b.status = status;
    b.root = -1;
    tx2json_error err;
    int oo = c->tables ? 0 : open_output(&b, c, in, dirs);
    if (c->tables) b.output = c->output;
    if (oo) {
        b.status = oo;
    } else if (in->n == 0) {
        if (!c->quiet) fprintf(stderr, "tx2json: warning: no input files found\n");
    } else if (tx2json_ctx_new(c->rules, &b.ctx, &err) != TX2JSON_OK) {
        print_error(&err);
        b.status = 3;
    } else if (!lang_known(b.ctx, c->opts.lang)) {
        b.status = 2;
    } else if (tx2json_ctx_set_limits(b.ctx, c->match_limit, c->depth_limit, c->heap_limit)) {
        fprintf(stderr, "tx2json: error: out of memory\n");
        b.status = 3;
    } else if (c->tables && !(b.tables = tables_open(c->tables, c->output, c->quiet))) {
        b.status = 3;
    } else {
        run_loaded(&b, c, dirs);
        if (b.tables && tables_close(b.tables) != 0) b.status = 3;
    }
    tx2json_ctx_free(b.ctx);
    if (b.root >= 0) close(b.root);
    return b.status;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "check") == 0) return check_main(argc - 1, argv + 1);
    cli c = {0};
    inputs in = {0};
    c.show_progress = -1;
    c.rules = getenv("TX2JSON_RULES");
    if (!c.rules || !*c.rules) c.rules = TX2JSON_RULES_DIR;
    c.args = calloc((size_t)argc + 1, sizeof *c.args);
    in.globs = calloc((size_t)argc + 1, sizeof *in.globs);
    if (!c.args || !in.globs) {
        fprintf(stderr, "tx2json: error: out of memory\n");
        return 3;
    }
    int status = parse_args(argc, argv, &c, &in);
    if (status >= 0) {
        free(c.args);
        free(in.globs);
        return status;
    }
    status = 0;
    if (c.jsonl || c.tables) c.opts.compact = 1;
    if (c.tables && !c.output) {
        fprintf(stderr, "tx2json: error: --format csv and sqlite need -o (a directory for csv, "
                        "a database file for sqlite)\n");
        free(c.args);
        free(in.globs);
        return 2;
    }
    if (!c.opts.max_input) c.opts.max_input = DEFAULT_MAX_INPUT;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);

    int dirs = 0;
    in.follow = c.follow;
    in.quiet = c.quiet;
    for (size_t i = 0; i < c.nargs; i++)
        add_arg(&in, c.args[i], &dirs);
    if (c.list && read_list(&in, c.list, c.nul, &dirs)) status = 1;
    free(c.args);
    if (in.oom) {
        fprintf(stderr, "tx2json: error: out of memory\n");
        free_inputs(&in);
        return 3;
    }
    if (c.notes && (in.n != 1 || dirs || c.list)) {
        fprintf(stderr, "tx2json: error: --notes goes with one input file\n");
        free_inputs(&in);
        return 2;
    }
    status = convert_all(&c, &in, dirs, status);
    free_inputs(&in);
    tx2json_global_cleanup();
    return status;
}
