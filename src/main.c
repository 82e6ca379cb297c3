/* main.c - the tx2json command line: takes the options (cli_opts.c),
 * loads the rules once and converts each input through the library, in
 * batch when given many files or directories (worker threads, ordered
 * output, a progress line that no message shares).  Diagnostics are
 * gcc's form, FILE:LINE:COL: warning|error: MESSAGE [code] (cli_msg.c).
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
#include <getopt.h>
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

/* --format html -o DIR: the page listing the batch's pages. */
#define INDEX_PAGE "index.html"

static int check_main(int argc, char **argv)
{
    tx2json_check_format fmt = TX2JSON_CHECK_TEXT;
    int werror = 0;
    int rc = cli_parse_check(argc, argv, &fmt, &werror);
    if (rc >= 0) return rc;
    const char *const *paths = (const char *const *)argv + optind;
    size_t np = (size_t)(argc - optind);
    char *report = NULL;
    size_t ne = 0, nw = 0;
    tx2json_error err;
    if (tx2json_check(paths, np, fmt, &report, &ne, &nw, &err) != TX2JSON_OK) {
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
    char *codes;  /* --warnings=summary: the warnings' codes, one per line */
    size_t bytes;
    size_t cost; /* memory reserved from the budget until emitted */
    tx2json_stats stats;
    size_t warnings; /* --format html: counted for the index */
    int written;     /* converted and written (the index links its page) */
    int streamed;    /* the output went to stdout as it was made */
    int write_errno; /* then: why writing it failed, 0 when it did not */
} job;

typedef struct batch {
    const inputs *in;
    tx2json_ctx *ctx;
    tx2json_options opts;
    int quiet, fail_fast;
    cli_warnings warnings; /* all, summary or none (quiet: none) */
    warn_counts counts;    /* summary: the warnings of the jobs emitted */
    int progress_on;       /* a progress line is on the terminal */
    const char *notes;     /* --notes FILE, or NULL: NAME.notes.txt beside */
    const char *output;    /* -o, or NULL for stdout */
    int out_dir;           /* -o names a directory */
    int root;              /* then: its descriptor */
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
    int jsonl;      /* --format jsonl: a failed input is a record too */
    int html;       /* --format html: pages, and index.html under -o DIR */
    tables *tables; /* --format csv or sqlite: the rows go there */
    int stream;     /* one worker writing to stdout: outputs go out as made */
} batch;

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

/* --input jsonl: the text and notes of record input i (o->notes points
 * into the record), admitted to the memory budget.  A line that is no
 * record fails with its error.  Returns the status; *notes_name is
 * malloc'd (NULL without notes). */
static tx2json_status record_input(batch *b, size_t i, const unsigned char **text, size_t *len,
                                   tx2json_options *o, char **notes_name, tx2json_error *err)
{
    const input *in = &b->in->v[i];
    const record *r = in->rec;
    if (r->rc) {
        admit(b, i, 0);
        *err = r->err;
        return r->rc;
    }
    if (admit(b, i, estimate(r->text_len + r->notes_len)) != 0) return TX2JSON_EINTERNAL;
    *text = (const unsigned char *)r->text;
    *len = r->text_len;
    if (!r->notes) return TX2JSON_OK;
    size_t nl = strlen(in->path) + sizeof " (notes)";
    if (!(*notes_name = malloc(nl))) {
        snprintf(err->file, sizeof err->file, "%s", in->path);
        snprintf(err->message, sizeof err->message, "out of memory");
        err->line = err->column = 0;
        return TX2JSON_ENOMEM;
    }
    snprintf(*notes_name, nl, "%s (notes)", in->path);
    o->notes = (const unsigned char *)r->notes;
    o->notes_len = r->notes_len;
    return TX2JSON_OK;
}

/* --input jsonl: puts the record's id into job j's document or failure
 * record (out of memory: the job fails). */
static void tag_id(job *j, const char *id)
{
    char **s = j->json ? &j->json : &j->record;
    if (!*s) return;
    char *t = record_tag(*s, id);
    free(*s);
    *s = t;
    if (!t) j->rc = TX2JSON_ENOMEM;
}

/* --format html: counts a job's warnings for the index, then hands each
 * to the callback --warnings chose (if any). */
typedef struct warn_tap {
    job *j;
    void (*next)(void *, const char *, size_t, size_t, const char *, const char *);
    void *user;
} warn_tap;

static void tap_warning(void *user, const char *file, size_t line, size_t col, const char *code,
                        const char *msg)
{
    warn_tap *t = user;
    t->j->warnings++;
    if (t->next) t->next(t->user, file, line, col, code, msg);
}

static void progress_clear(batch *b);

/* A streamed job's output on its way to stdout: its warnings, already
 * formatted, go to stderr before the first piece, as emit() would print
 * them before the document. */
typedef struct sink {
    batch *b;
    job *j;
    msgbuf *m;
} sink;

static int sink_write(void *user, const char *bytes, size_t len)
{
    sink *k = user;
    if (k->m->s) {
        progress_clear(k->b);
        fputs(k->m->s, stderr);
        free(k->m->s);
        memset(k->m, 0, sizeof *k->m);
    }
    if (fwrite(bytes, 1, len, stdout) == len) return 0;
    k->j->write_errno = errno ? errno : EIO;
    return -1;
}

/* Converts the loaded input data[0, len) of job j into j->json, or
 * straight to stdout when the batch streams (data is then freed by the
 * library, and *data set to NULL). */
static tx2json_status convert_loaded(batch *b, tx2json_ctx *ctx, job *j, const char *name,
                                     unsigned char **data, size_t len, const tx2json_options *o,
                                     msgbuf *m, tx2json_error *err)
{
    if (!b->stream) return tx2json_convert_buffer(ctx, name, *data, len, o, &j->json, err);
    sink k = {b, j, m};
    unsigned char *d = *data;
    *data = NULL;
    j->streamed = 1;
    tx2json_status rc = tx2json_convert_stream(ctx, name, d, len, o, sink_write, &k, err);
    if (j->write_errno) rc = TX2JSON_OK; /* emit() reports it as a failed write */
    return rc;
}

/* Converts input i (admitted to the memory budget first, as every job). */
static void convert_one(batch *b, tx2json_ctx *ctx, size_t i)
{
    job *j = &b->jobs[i];
    const input *in = &b->in->v[i];
    tx2json_options o = b->opts;
    msgbuf m = {0}, codes = {0};
    tx2json_error err;
    o.user = b->warnings == CLI_WARNINGS_SUMMARY ? &codes : &m;
    o.on_warning = b->warnings == CLI_WARNINGS_NONE      ? NULL
                   : b->warnings == CLI_WARNINGS_SUMMARY ? msg_warning_code
                                                         : msg_warning;
    o.stats = &j->stats;
    warn_tap tap = {j, o.on_warning, o.user};
    if (b->html) o.on_warning = tap_warning, o.user = &tap;
    if (in->clash || !ctx) {
        admit(b, i, 0);
        memset(&err, 0, sizeof err);
        snprintf(err.file, sizeof err.file, "%s", in->path);
        err.code = in->clash ? TX2JSON_EINVAL : TX2JSON_ENOMEM;
        if (in->clash)
            snprintf(err.message, sizeof err.message,
                     "output %s/%s is also that of %s; not converted (the first input keeps it)",
                     b->output, in->out, b->in->v[in->twin].path);
        else
            snprintf(err.message, sizeof err.message, "out of memory");
        msg_error(&m, &err);
        j->rc = err.code;
        j->msgs = m.s;
        return;
    }
    unsigned char *data = NULL, *notes = NULL;
    const unsigned char *text = NULL;
    size_t len = 0;
    char *notes_name = NULL;
    if (in->rec) {
        j->rc = record_input(b, i, &text, &len, &o, &notes_name, &err);
    } else {
        j->rc = load_input(b, i, &data, &len, &err);
        if (j->rc == TX2JSON_OK) j->rc = load_notes(b, in, &notes, &o.notes_len, &notes_name, &err);
        text = data;
        o.notes = notes;
    }
    if (j->rc == TX2JSON_OK) {
        j->bytes = len;
        const char *name = strcmp(in->path, "-") == 0 ? "<stdin>" : in->path;
        o.notes_name = notes_name;
        if (in->rec)
            j->rc = tx2json_convert_buffer(ctx, name, text, len, &o, &j->json, &err);
        else
            j->rc = convert_loaded(b, ctx, j, name, &data, len, &o, &m, &err);
    }
    free(data);
    free(notes);
    free(notes_name);
    if (j->rc != TX2JSON_OK) msg_error(&m, &err);
    if (j->rc != TX2JSON_OK && b->jsonl && !b->out_dir)
        j->record = error_record(strcmp(in->path, "-") == 0 ? "<stdin>" : in->path, &err);
    if (in->rec && in->rec->id) tag_id(j, in->rec->id);
    j->msgs = m.s;
    j->codes = codes.s;
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

/* The terminal's "carriage return, erase the line": takes the progress
 * line away. */
#define ERASE_LINE "\r\033[K"

/* Bytes per megabyte in the progress line's MB/s. */
#define BYTES_PER_MB 1e6

/* Draws the progress line (no line break: the next one overwrites it),
 * or erases it for good when final. */
static void progress(batch *b, int final)
{
    double el = now() - b->t0;
    double mbs = el > 0 ? (double)b->bytes / BYTES_PER_MB / el : 0;
    double eta = b->done ? el / (double)b->done * (double)(b->in->n - b->done) : 0;
    fprintf(stderr, ERASE_LINE "[%zu/%zu] %.1f MB/s, ETA %.0fs", b->done, b->in->n, mbs, eta);
    if (final) fputs(ERASE_LINE, stderr);
    b->progress_on = !final;
    fflush(stderr);
}

/* Erases the progress line before a message, so that no message is ever
 * glued to it; the next progress() draws it again below the message. */
static void progress_clear(batch *b)
{
    if (!b->progress_on) return;
    fputs(ERASE_LINE, stderr);
    b->progress_on = 0;
}

/* Decides whether -o names a directory and opens it (creating it): sets
 * b->out_dir and b->root.  Returns 0, or 3 after an error (2: a text
 * chapters format, which has no place in NAME.json files, or review pages
 * of a batch without a directory for them and their index). */
static int open_output(batch *b, const cli *c, inputs *in, int dirs)
{
    const char *o = c->output;
    struct stat st;
    b->output = o;
    b->out_dir = o && (in->n > 1 || dirs || c->list || o[strlen(o) - 1] == '/' ||
                       (stat(o, &st) == 0 && S_ISDIR(st.st_mode)));
    if (!b->out_dir && b->html && (in->n > 1 || dirs || c->list)) {
        fprintf(stderr, "tx2json: error: --format html in a batch needs -o DIR (a page per "
                        "input and index.html)\n");
        return 2;
    }
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
        fprintf(stderr, "%s: error: cannot create directory: %s\n", o, strerror(errno));
        return 3;
    }
    if (out_plan(in, b->html ? ".html" : ".json") != 0) {
        fprintf(stderr, "tx2json: error: out of memory\n");
        return 3;
    }
    for (size_t i = 0; b->html && i < in->n; i++)
        if (!strcmp(in->v[i].out, INDEX_PAGE)) {
            fprintf(stderr, "%s: error: its page would be %s/%s, the batch's index\n",
                    in->v[i].path, o, INDEX_PAGE);
            return 2;
        }
    /* Following a link here is fine: the user named DIR.  Below it
     * nothing is followed (cli_out.c). */
    if ((b->root = open(o, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        fprintf(stderr, "%s: error: cannot open directory: %s\n", o, strerror(errno));
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
        if (rc) progress_clear(b), fputs(msg, stderr);
        return rc;
    }
    if (b->output && write_atomic(b->output, json) != 0) {
        progress_clear(b);
        fprintf(stderr, "%s: error: cannot write: %s\n", b->output, strerror(errno));
        return -1;
    }
    if (!b->output && fputs(json, stdout) == EOF) {
        progress_clear(b);
        fprintf(stderr, "tx2json: error: cannot write the standard output: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

/* Whether a streamed job's output was written whole: 1, or 0 after
 * printing the error. */
static int stream_written(batch *b, const job *j)
{
    if (!j->write_errno) return 1;
    progress_clear(b);
    fprintf(stderr, "tx2json: error: cannot write the standard output: %s\n",
            strerror(j->write_errno));
    return 0;
}

/* Job i is done: prints its messages, writes its document, counts it. */
static void emit(batch *b, size_t i)
{
    job *j = &b->jobs[i];
    if (j->msgs) progress_clear(b), fputs(j->msgs, stderr);
    if (j->codes && warn_count_text(&b->counts, j->codes) != 0) j->rc = TX2JSON_ENOMEM;
    b->bytes += j->bytes;
    /* Out of memory, a library failure or stdout gone: stop.  A file
     * that failed, to convert or to be written, counts as failed and the
     * batch goes on (exit status 3 for an output not written). */
    int fatal = j->rc == TX2JSON_ENOMEM || j->rc == TX2JSON_EINTERNAL;
    int ok = j->rc == TX2JSON_OK && (j->streamed ? stream_written(b, j) : write_output(b, i) == 0);
    if (ok) {
        j->written = 1;
        b->entries += j->stats.entries;
        b->links += j->stats.links;
    } else {
        b->failed++;
        int s = fatal || j->rc == TX2JSON_OK ? 3 : j->rc == TX2JSON_EOUTPUT ? 2 : 1;
        if (s > b->status) b->status = s;
        if (j->rc == TX2JSON_OK && !b->output) fatal = 1;
    }
    if (j->rc != TX2JSON_OK && j->record) { /* the failed input's JSONL record */
        j->json = j->record;
        j->record = NULL;
        if (write_output(b, i) != 0) fatal = 1;
    }
    free(j->json);
    free(j->msgs);
    free(j->codes);
    free(j->record);
    j->json = j->msgs = j->codes = j->record = NULL;
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
    double last = 0;
    b->t0 = now();
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
            progress(b, 0);
            last = now();
        }
    }
    for (long t = 0; t < started; t++)
        pthread_join(th[t], NULL);
    free(th);
    if (show_progress) progress(b, 1);
}

/* --format html -o DIR: DIR/index.html, a row per input in input order
 * (a failed one without a link).  Returns 0, or -1 after an error. */
static int write_index(batch *b)
{
    tx2json_index_row *rows = calloc(b->in->n + 1, sizeof *rows);
    char *html = NULL, msg[2048];
    tx2json_error err;
    if (!rows) {
        fprintf(stderr, "tx2json: error: out of memory\n");
        return -1;
    }
    for (size_t i = 0; i < b->done; i++) {
        const job *j = &b->jobs[i];
        const input *in = &b->in->v[i];
        rows[i] = (tx2json_index_row){.source = strcmp(in->path, "-") ? in->path : "<stdin>",
                                      .page = j->written ? in->out : NULL,
                                      .entries = j->stats.entries,
                                      .links = j->stats.links,
                                      .unlinked = j->stats.references - j->stats.links,
                                      .warnings = j->warnings};
    }
    int rc = -1;
    if (tx2json_html_index(rows, b->done, &html, &err) != TX2JSON_OK)
        print_error(&err);
    else if ((rc = out_write(b->root, b->output, INDEX_PAGE, html, msg, sizeof msg)) != 0)
        fputs(msg, stderr);
    tx2json_free(html);
    free(rows);
    return rc;
}

/* Runs the batch with b's context loaded and prints the summary. */
static void run_loaded(batch *b, const cli *c, int dirs)
{
    const inputs *in = b->in;
    long nw = c->jobs ? c->jobs : sysconf(_SC_NPROCESSORS_ONLN);
    if (nw < 1) nw = 1;
    if ((size_t)nw > in->n) nw = (long)in->n; /* never more workers than files */
    b->window = (size_t)nw * 8;
    /* One worker writing a document (or chapters) per input to stdout:
     * each goes out as it is made, not held whole (records of --input
     * jsonl are tagged with their id first, so they are held). */
    b->stream = nw == 1 && !b->output && !b->out_dir && !b->tables && !b->html && !c->records;
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
    if (b->html && b->out_dir && write_index(b) != 0) b->status = 3;
    if (fflush(stdout) != 0) {
        fprintf(stderr, "tx2json: error: cannot write the standard output: %s\n", strerror(errno));
        b->status = 3;
    }
    if (b->warnings == CLI_WARNINGS_SUMMARY) warn_counts_print(&b->counts, stderr);
    warn_counts_free(&b->counts);
    if (!c->quiet && (in->n > 1 || dirs || c->list))
        fprintf(stderr, "tx2json: %zu files, %zu entries, %zu links, %zu failed, %.2fs%s\n",
                b->done, b->entries, b->links, b->failed, now() - b->t0,
                b->done < in->n ? " (stopped early)" : "");
    for (size_t i = 0; i < in->n; i++) {
        free(b->jobs[i].json);
        free(b->jobs[i].msgs);
        free(b->jobs[i].codes);
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
    /* --warnings: given, else a count per code in a batch on a terminal,
     * else each one; -q none. */
    int batch_run = in->n > 1 || dirs || c->list;
    b.warnings = c->warnings != CLI_WARNINGS_DEFAULT  ? c->warnings
                 : batch_run && isatty(STDERR_FILENO) ? CLI_WARNINGS_SUMMARY
                                                      : CLI_WARNINGS_ALL;
    if (c->quiet) b.warnings = CLI_WARNINGS_NONE;
    b.fail_fast = c->fail_fast;
    b.notes = c->notes;
    b.mem_limit = c->max_memory ? c->max_memory : DEFAULT_MAX_MEMORY;
    b.status = status;
    b.root = -1;
    b.jsonl = c->format == CLI_FORMAT_JSONL;
    b.html = c->format == CLI_FORMAT_HTML;
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

/* --input jsonl goes with a JSONL stream on standard output or the
 * tables: returns 1 after a usage error, else 0. */
static int records_usage(const cli *c)
{
    const char *why = c->format != CLI_FORMAT_JSONL && !c->tables
                          ? "writes a JSONL stream or tables (--format jsonl, csv or sqlite)"
                      : c->output && !c->tables ? "writes the JSONL stream to standard output"
                      : c->notes                ? "takes the notes from each record (no --notes)"
                      : c->list ? "takes records files as arguments (no --files-from)"
                                : NULL;
    if (why) fprintf(stderr, "tx2json: error: --input jsonl %s\n", why);
    return why != NULL;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "check") == 0) return check_main(argc - 1, argv + 1);
    cli c = {0};
    tx2json_options_init(&c.opts);
    inputs in = {0};
    c.show_progress = -1;
    c.warnings = CLI_WARNINGS_DEFAULT;
    c.args = calloc((size_t)argc + 1, sizeof *c.args);
    in.globs = calloc((size_t)argc + 1, sizeof *in.globs);
    if (!c.args || !in.globs) {
        fprintf(stderr, "tx2json: error: out of memory\n");
        return 3;
    }
    int status = cli_parse(argc, argv, &c, &in);
    if (status >= 0) {
        free(c.args);
        free(in.globs);
        return status;
    }
    status = 0;
    tx2json_error err;
    if (tx2json_options_check(NULL, &c.opts, &err) != TX2JSON_OK) { /* before any input */
        fprintf(stderr, "tx2json: error: --encoding: %s\n", err.message);
        free(c.args);
        free(in.globs);
        return err.code == TX2JSON_ENOMEM ? 3 : 2;
    }
    if (c.records && c.format == CLI_FORMAT_JSON) c.format = CLI_FORMAT_JSONL;
    if (c.format == CLI_FORMAT_JSONL || c.tables) c.opts.compact = 1;
    if (c.tables && !c.output) {
        fprintf(stderr, "tx2json: error: --format csv and sqlite need -o (a directory for csv, "
                        "a database file for sqlite)\n");
        free(c.args);
        free(in.globs);
        return 2;
    }
    if (c.records && records_usage(&c)) {
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
    if (c.records) {
        for (size_t i = 0; i < c.nargs; i++)
            if (records_read(&in, c.args[i], c.opts.max_input)) status = 1;
        if (!c.nargs && records_read(&in, "-", c.opts.max_input)) status = 1;
        dirs = 1; /* a batch: the summary line, as for a directory */
    }
    for (size_t i = 0; i < c.nargs && !c.records; i++)
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
