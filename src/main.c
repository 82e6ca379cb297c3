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

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* --max-input when not given: the library's own default (tx2json.h).  The
 * CLI reads its inputs itself, to stop at the limit. */
#define DEFAULT_MAX_INPUT ((size_t)256 << 20)

#ifndef TX2JSON_RULES_DIR
#define TX2JSON_RULES_DIR "rules"
#endif

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tx2json [OPTIONS] FILE|DIR|-...\n"
            "       tx2json check [--format text|json|sarif] [--werror] PATH...\n"
            "Convert spoken-news transcripts into JSON (schema_version %d).\n"
            "\n"
            "Inputs: files, directories (searched recursively for *.txt, *.srt and\n"
            "*.vtt, in name order) and - for standard input.\n"
            "      --glob PATTERN    names to take from directories (repeatable;\n"
            "                        replaces the default patterns)\n"
            "      --files-from LIST read input paths from LIST (- for stdin), one per\n"
            "                        line, or NUL-separated with -0\n"
            "\n"
            "Output:\n"
            "  -o, --output PATH     with one input file: write the JSON to PATH; with\n"
            "                        several inputs or a directory: PATH is a directory\n"
            "                        and each input gets PATH/RELATIVE/NAME.json.  Every\n"
            "                        file is written atomically (temporary + rename)\n"
            "      --format json|jsonl  indented documents (default), or compact ones,\n"
            "                        a document per line, in input order\n"
            "      --compact         one-line JSON\n"
            "\n"
            "Batch:\n"
            "  -j, --jobs N, -jN     worker threads (default: online CPUs); the output is\n"
            "                        the same for any N\n"
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
            "      --lang zh|en|auto rule language (default auto: share of Han text)\n"
            "\n"
            "Limits (a file over a limit fails with a message naming it; the run\n"
            "goes on with the next file):\n"
            "      --max-input BYTES   largest input (default 268435456)\n"
            "      --max-line BYTES    longest line (default 1048576)\n"
            "      --max-refs N        reference lines (default 20000)\n"
            "      --max-entries N     entries (default 20000)\n"
            "      --match-limit N     PCRE2 match limit per rule match (default 1000000)\n"
            "      --depth-limit N     PCRE2 depth limit (default 10000)\n"
            "      --heap-limit KIB    PCRE2 heap limit (default 20000)\n"
            "A rule match over a PCRE2 limit counts as no match and adds a\n"
            "match-limit warning to the document.\n"
            "\n"
            "  -h, --help            show this help\n"
            "  -V, --version         show the version\n"
            "\n"
            "Exit status: 0 every input converted; 1 an input could not be converted;\n"
            "2 usage error; 3 rules could not be loaded, or a system error.\n",
            TX2JSON_SCHEMA_VERSION);
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
    char *msgs; /* warnings and the error, formatted, in order */
    size_t bytes;
    tx2json_stats stats;
} job;

typedef struct batch {
    const inputs *in;
    tx2json_ctx *ctx;
    tx2json_options opts;
    int quiet;
    job *jobs;
    size_t next, emitted, window;
    int stop;
    pthread_mutex_t mu;
    pthread_cond_t cv_done, cv_room;
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

/* Reads input i (within --max-input) and converts it. */
static void convert_one(batch *b, tx2json_ctx *ctx, size_t i)
{
    job *j = &b->jobs[i];
    const input *in = &b->in->v[i];
    const char *name = strcmp(in->path, "-") == 0 ? "<stdin>" : in->path;
    tx2json_options o = b->opts;
    msgbuf m = {0};
    tx2json_error err;
    o.user = &m;
    o.on_warning = b->quiet ? NULL : on_warning;
    o.stats = &j->stats;
    int fd = -1;
    size_t size = 0, len = 0;
    unsigned char *data = NULL;
    j->rc = input_open(in, o.max_input, &fd, &size, &err);
    if (j->rc == TX2JSON_OK) {
        j->rc = input_read(fd, name, o.max_input, size, &data, &len, &err);
        if (fd > 0) close(fd);
    }
    if (j->rc == TX2JSON_OK)
        j->rc = tx2json_convert_buffer(ctx, name, data, len, &o, &j->json, &err);
    j->bytes = data ? len : size != (size_t)-1 ? size : 0;
    free(data);
    if (j->rc != TX2JSON_OK) error_text(&m, &err);
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
        if (ctx) {
            convert_one(b, ctx, i);
        } else {
            b->jobs[i].rc = TX2JSON_ENOMEM;
            msgbuf m = {0};
            msg_add(&m, "tx2json: %s: error: out of memory\n", b->in->v[i].path);
            b->jobs[i].msgs = m.s;
        }
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

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "check") == 0) return check_main(argc - 1, argv + 1);

    tx2json_options opts = {0};
    const char *rules = getenv("TX2JSON_RULES");
    const char *output = NULL, *list = NULL;
    int quiet = 0, jsonl = 0, nul = 0, fail_fast = 0, show_progress = -1, status = 0;
    long jobs_n = 0;
    unsigned long match_limit = 0, depth_limit = 0, heap_limit = 0;
    const char **args = calloc((size_t)argc + 1, sizeof *args);
    inputs in = {0};
    in.globs = calloc((size_t)argc + 1, sizeof *in.globs);
    size_t nargs = 0;
    if (!args || !in.globs) {
        fprintf(stderr, "tx2json: error: out of memory\n");
        return 3;
    }
    if (!rules || !*rules) rules = TX2JSON_RULES_DIR;
#define USAGE_FAIL()                                                                               \
    do {                                                                                           \
        free(args);                                                                                \
        free(in.globs);                                                                            \
        return 2;                                                                                  \
    } while (0)
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int needs = !strcmp(a, "--rules") || !strcmp(a, "--encoding") || !strcmp(a, "--lang") ||
                    !strcmp(a, "-o") || !strcmp(a, "--output") || !strcmp(a, "--format") ||
                    !strcmp(a, "-j") || !strcmp(a, "--jobs") || !strcmp(a, "--glob") ||
                    !strcmp(a, "--files-from") || !strncmp(a, "--max-", 6) ||
                    !strcmp(a, "--match-limit") || !strcmp(a, "--depth-limit") ||
                    !strcmp(a, "--heap-limit");
        if (needs && i + 1 >= argc) {
            fprintf(stderr, "tx2json: error: %s needs an argument\n", a);
            USAGE_FAIL();
        }
        unsigned long long v;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            free(args);
            free(in.globs);
            return 0;
        } else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
            printf("tx2json %s\n", tx2json_version());
            free(args);
            free(in.globs);
            return 0;
        } else if (!strcmp(a, "--rules")) {
            rules = argv[++i];
        } else if (!strcmp(a, "--encoding")) {
            opts.encoding = argv[++i];
        } else if (!strcmp(a, "--lang")) {
            opts.lang = argv[++i];
            if (strcmp(opts.lang, "zh") && strcmp(opts.lang, "en") && strcmp(opts.lang, "auto")) {
                fprintf(stderr, "tx2json: error: --lang must be zh, en or auto\n");
                USAGE_FAIL();
            }
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            output = argv[++i];
            if (!*output) {
                fprintf(stderr, "tx2json: error: %s needs a non-empty path\n", a);
                USAGE_FAIL();
            }
        } else if (!strcmp(a, "--format")) {
            const char *f = argv[++i];
            if (!strcmp(f, "jsonl"))
                jsonl = 1;
            else if (strcmp(f, "json")) {
                fprintf(stderr, "tx2json: error: --format must be json or jsonl\n");
                USAGE_FAIL();
            }
        } else if (!strcmp(a, "-j") || !strcmp(a, "--jobs")) {
            if (parse_count(a, argv[++i], &v)) USAGE_FAIL();
            jobs_n = v > 256 ? 256 : (long)v;
        } else if (!strncmp(a, "-j", 2) && a[2] >= '0' && a[2] <= '9') { /* -j2, as make takes it */
            if (parse_count("-j", a + 2, &v)) USAGE_FAIL();
            jobs_n = v > 256 ? 256 : (long)v;
        } else if (!strcmp(a, "--glob")) {
            in.globs[in.nglobs++] = argv[++i];
        } else if (!strcmp(a, "--files-from")) {
            list = argv[++i];
        } else if (!strcmp(a, "-0")) {
            nul = 1;
        } else if (!strcmp(a, "--fail-fast")) {
            fail_fast = 1;
        } else if (!strcmp(a, "--progress")) {
            show_progress = 1;
        } else if (!strcmp(a, "--no-progress")) {
            show_progress = 0;
        } else if (!strcmp(a, "--compact")) {
            opts.compact = 1;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            quiet = 1;
        } else if (!strcmp(a, "--max-input") || !strcmp(a, "--max-line") ||
                   !strcmp(a, "--max-refs") || !strcmp(a, "--max-entries") ||
                   !strcmp(a, "--match-limit") || !strcmp(a, "--depth-limit") ||
                   !strcmp(a, "--heap-limit")) {
            if (parse_count(a, argv[++i], &v)) USAGE_FAIL();
            if (!strcmp(a, "--max-input")) opts.max_input = (size_t)v;
            if (!strcmp(a, "--max-line")) opts.max_line = (size_t)v;
            if (!strcmp(a, "--max-refs")) opts.max_refs = (size_t)v;
            if (!strcmp(a, "--max-entries")) opts.max_entries = (size_t)v;
            if (!strcmp(a, "--match-limit")) match_limit = (unsigned long)v;
            if (!strcmp(a, "--depth-limit")) depth_limit = (unsigned long)v;
            if (!strcmp(a, "--heap-limit")) heap_limit = (unsigned long)v;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "tx2json: error: unknown option '%s' (see --help)\n", a);
            USAGE_FAIL();
        } else {
            args[nargs++] = a;
        }
    }
    if (nargs == 0 && !list) {
        usage(stderr);
        USAGE_FAIL();
    }
    if (jsonl) opts.compact = 1;
    if (!opts.max_input) opts.max_input = DEFAULT_MAX_INPUT;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);

    int dirs = 0;
    for (size_t i = 0; i < nargs; i++)
        add_arg(&in, args[i], &dirs);
    if (list && read_list(&in, list, nul, &dirs)) status = 1;
    free(args);
    if (in.oom) {
        fprintf(stderr, "tx2json: error: out of memory\n");
        free_inputs(&in);
        return 3;
    }
    struct stat ost;
    int out_dir = output && (in.n > 1 || dirs || list || output[strlen(output) - 1] == '/' ||
                             (stat(output, &ost) == 0 && S_ISDIR(ost.st_mode)));
    if (out_dir && mkdir(output, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "tx2json: %s: error: cannot create directory: %s\n", output,
                strerror(errno));
        free_inputs(&in);
        return 3;
    }
    if (in.n == 0) {
        if (!quiet) fprintf(stderr, "tx2json: warning: no input files found\n");
        free_inputs(&in);
        return status;
    }

    tx2json_error err;
    tx2json_ctx *ctx = NULL;
    if (tx2json_ctx_new(rules, &ctx, &err) != TX2JSON_OK) {
        print_error(&err);
        free_inputs(&in);
        tx2json_global_cleanup();
        return 3;
    }
    tx2json_ctx_set_limits(ctx, match_limit, depth_limit, heap_limit);

    batch b;
    memset(&b, 0, sizeof b);
    b.in = &in;
    b.ctx = ctx;
    b.opts = opts;
    b.quiet = quiet;
    b.jobs = calloc(in.n, sizeof *b.jobs);
    long nw = jobs_n ? jobs_n : sysconf(_SC_NPROCESSORS_ONLN);
    if (nw < 1) nw = 1;
    if ((size_t)nw > in.n) nw = (long)in.n;
    b.window = (size_t)nw * 8;
    pthread_t *th = calloc((size_t)nw, sizeof *th);
    if (!b.jobs || !th) {
        fprintf(stderr, "tx2json: error: out of memory\n");
        free(b.jobs);
        free(th);
        free_inputs(&in);
        tx2json_ctx_free(ctx);
        return 3;
    }
    pthread_mutex_init(&b.mu, NULL);
    pthread_cond_init(&b.cv_done, NULL);
    pthread_cond_init(&b.cv_room, NULL);
    long started = 0;
    if (nw > 1)
        for (; started < nw; started++)
            if (pthread_create(&th[started], NULL, worker, &b) != 0) break;
    if (show_progress < 0) show_progress = !quiet && isatty(2) && in.n > 1;
    if (quiet) show_progress = 0;

    double t0 = now(), last = 0;
    size_t failed = 0, entries = 0, links = 0, bytes = 0, done = 0;
    for (size_t i = 0; i < in.n; i++) {
        job *j = &b.jobs[i];
        if (started == 0) {
            convert_one(&b, ctx, i); /* one worker: this thread */
        } else {
            pthread_mutex_lock(&b.mu);
            while (!j->done)
                pthread_cond_wait(&b.cv_done, &b.mu);
            pthread_mutex_unlock(&b.mu);
        }
        if (j->msgs) fputs(j->msgs, stderr);
        bytes += j->bytes;
        if (j->rc == TX2JSON_OK) {
            entries += j->stats.entries;
            links += j->stats.links;
            const char *path = output;
            char *owned = NULL;
            if (out_dir && !(path = owned = output_path(output, in.v[i].rel))) {
                fprintf(stderr, "tx2json: %s: error: cannot make an output path under %s: %s\n",
                        in.v[i].path, output, strerror(errno));
                status = 3;
            } else if (path && write_atomic(path, j->json) != 0) {
                fprintf(stderr, "tx2json: %s: error: cannot write: %s\n", path, strerror(errno));
                status = 3;
            } else if (!path && fputs(j->json, stdout) == EOF) {
                fprintf(stderr, "tx2json: <stdout>: error: write failed: %s\n", strerror(errno));
                status = 3;
            }
            free(owned);
        } else {
            failed++;
            int s = (j->rc == TX2JSON_ENOMEM || j->rc == TX2JSON_EINTERNAL) ? 3 : 1;
            if (s > status) status = s;
        }
        free(j->json);
        free(j->msgs);
        j->json = j->msgs = NULL;
        done++;
        pthread_mutex_lock(&b.mu);
        b.emitted = i + 1;
        if ((fail_fast && j->rc != TX2JSON_OK) || status == 3) b.stop = 1;
        pthread_cond_broadcast(&b.cv_room);
        pthread_mutex_unlock(&b.mu);
        if (show_progress && (now() - last > 0.1 || i + 1 == in.n)) {
            progress(done, in.n, bytes, t0, 0);
            last = now();
        }
        if (b.stop) break;
    }
    for (long t = 0; t < started; t++)
        pthread_join(th[t], NULL);
    if (show_progress) progress(done, in.n, bytes, t0, 1);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "tx2json: <stdout>: error: write failed: %s\n", strerror(errno));
        status = 3;
    }
    if (!quiet && (in.n > 1 || dirs || list))
        fprintf(stderr, "tx2json: %zu files, %zu entries, %zu links, %zu failed, %.2fs%s\n", done,
                entries, links, failed, now() - t0, done < in.n ? " (stopped early)" : "");
    for (size_t i = 0; i < in.n; i++) {
        free(b.jobs[i].json);
        free(b.jobs[i].msgs);
    }
    free_inputs(&in);
    free(b.jobs);
    free(th);
    pthread_mutex_destroy(&b.mu);
    pthread_cond_destroy(&b.cv_done);
    pthread_cond_destroy(&b.cv_room);
    tx2json_ctx_free(ctx);
    tx2json_global_cleanup();
    return status;
}
