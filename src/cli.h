/* cli.h - shared by the command-line tool's files (main.c, cli_opts.c,
 * cli_in.c, cli_out.c).  Not part of the library: nothing here is
 * exported. */
#ifndef TX2JSON_CLI_H
#define TX2JSON_CLI_H

#include "tx2json.h"

#include <stddef.h>
#include <stdio.h>

typedef struct input {
    char *path;         /* as opened ("-" for stdin) */
    char *rel;          /* output name relative to -o DIR */
    char *out;          /* with -o DIR: the output path below DIR (out_plan) */
    int clash;          /* out is an earlier input's: not converted */
    size_t twin;        /* then: that earlier input */
    int nofollow;       /* found by a walk: not read through a symbolic link */
    struct record *rec; /* --input jsonl: the record (path is its name), else NULL */
} input;

/* --input jsonl: one record {"id", "text"[, "notes", "path"]} of a
 * records file, read whole before the batch (record_read). */
typedef struct record {
    char *id;           /* the id as compact JSON ("\"a\"" or 7), NULL if unread */
    char *text, *notes; /* the text and notes (UTF-8; notes NULL if none) */
    size_t text_len, notes_len;
    tx2json_status rc; /* not TX2JSON_OK: the line is no record, err says why */
    tx2json_error err; /* then: names the records file, the line and column */
} record;

typedef struct inputs {
    input *v;
    size_t n, cap;
    const char **globs;
    size_t nglobs;
    int oom;
    int follow; /* --follow: walks follow symbolic links */
    int quiet;  /* -q: no notes about skipped entries */
} inputs;

/* --format: the kinds of output document. */
typedef enum cli_format {
    CLI_FORMAT_JSON,         /* indented documents (or --compact) */
    CLI_FORMAT_JSONL,        /* compact documents, one per line */
    CLI_FORMAT_CHAPTERS,     /* Podcasting 2.0 JSON chapters */
    CLI_FORMAT_YOUTUBE,      /* YouTube description lines */
    CLI_FORMAT_VTT_CHAPTERS, /* a WebVTT chapters track */
    CLI_FORMAT_CSV,          /* tables: -o DIR gets one CSV file per table */
    CLI_FORMAT_SQLITE,       /* tables: -o FILE.db, an SQLite database */
    CLI_FORMAT_HTML          /* review pages: NAME.html, and index.html under -o DIR */
} cli_format;

/* --warnings: how conversion warnings are shown. */
typedef enum cli_warnings {
    CLI_WARNINGS_ALL,     /* each one, as it comes */
    CLI_WARNINGS_SUMMARY, /* a count per code at the end */
    CLI_WARNINGS_NONE,    /* none (errors still show) */
    CLI_WARNINGS_DEFAULT  /* not given: summary in a batch on a terminal, else all */
} cli_warnings;

/* Everything the command line sets. */
typedef struct cli {
    tx2json_options opts; /* tx2json_options_init'ed, then the options */
    const char *rules, *output, *list, *notes;
    int quiet, nul, fail_fast, show_progress, follow;
    cli_format format;
    int tables;  /* tables_kind: --format csv or sqlite */
    int records; /* --input jsonl: the arguments are records files */
    cli_warnings warnings;
    long jobs;
    unsigned long match_limit, depth_limit, heap_limit;
    size_t max_memory;
    const char **args; /* the inputs named on the command line */
    size_t nargs;
} cli;

/* cli_opts.c: the options.  cli_parse fills c (set up by the caller,
 * c->args and in->globs with room for argc entries) from argv.  Returns
 * -1 to go on, or the exit status: 0 after --help or --version, 2 after
 * a usage error (one message on stderr). */
int cli_parse(int argc, char **argv, cli *c, inputs *in);
void cli_usage(FILE *f);

/* The options of `tx2json check` (argv[0] is "check").  Returns as
 * cli_parse; the paths are then argv[optind..argc). */
int cli_parse_check(int argc, char **argv, tx2json_check_format *fmt, int *werror);
void cli_check_usage(FILE *f);

/* cli_msg.c: messages. */

/* A growing message (the warnings and error of one job, in order). */
typedef struct msgbuf {
    char *s;
    size_t len, cap;
} msgbuf;

/* Appends a printf-formatted message (cut at MSG_MAX bytes); on OOM it is lost. */
void msg_add(msgbuf *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* tx2json_options.on_warning callbacks (user is a msgbuf): a warning in
 * gcc's form, FILE:LINE:COL: warning: MESSAGE [code]; or, for
 * --warnings=summary, only its code and a line break. */
void msg_warning(void *user, const char *file, size_t line, size_t col, const char *code,
                 const char *msg);
void msg_warning_code(void *user, const char *file, size_t line, size_t col, const char *code,
                      const char *msg);

/* An error in gcc's form, its code by its status ("tx2json: error: ..."
 * when it names no file): into m, or on stderr. */
void msg_error(msgbuf *m, const tx2json_error *e);
void print_error(const tx2json_error *e);

/* Warnings counted per code, in order of first appearance. */
typedef struct warn_count {
    char *code;
    size_t n;
} warn_count;
typedef struct warn_counts {
    warn_count *v;
    size_t n, cap, total;
} warn_counts;

/* Counts the codes of msg_warning_code's text.  Returns 0, or -1 when
 * memory runs out. */
int warn_count_text(warn_counts *w, const char *codes);
/* "tx2json: N warnings: n1 code1, n2 code2 (--warnings=all shows each)",
 * or nothing when there were none. */
void warn_counts_print(const warn_counts *w, FILE *f);
void warn_counts_free(warn_counts *w);

/* cli_in.c: the input list. */
void add_arg(inputs *in, const char *arg, int *dirs);
int read_list(inputs *in, const char *list, int nul, int *dirs);
void free_inputs(inputs *in);

/* --input jsonl: adds a record input for every non-blank line of the
 * records file path ("-": standard input).  A line of more than max
 * bytes (--max-input) is not kept: its input fails with the limit error,
 * as does a line that is no record (malformed JSON, no string "text", an
 * "id" that is not a string or a number), naming path, the line and the
 * column.  An input is named by the record's "path", else PATH:LINE.
 * Returns 0, or -1 when path cannot be opened or read (message printed);
 * in->oom is set when memory runs out. */
int records_read(inputs *in, const char *path, size_t max);

/* A copy of the compact JSON object json with "id": id (JSON text) as its
 * first member.  Malloc'd; NULL on OOM. */
char *record_tag(const char *json, const char *id);

/* Opens in->path for reading ("-": standard input, named "<stdin>").
 * Refuses a directory, a FIFO or device (they could block or never end)
 * and a regular file larger than max, named by its size.  Stores the
 * descriptor and the size, or (size_t)-1 when it is not known (a pipe). */
tx2json_status input_open(const input *in, size_t max, int *fd, size_t *size, tx2json_error *err);

/* Reads fd to its end into a malloc'd buffer; size is input_open's.  Stops
 * at max + 1 bytes and fails with the --max-input error, so a stream
 * larger than the limit is never read whole. */
tx2json_status input_read(int fd, const char *name, size_t max, size_t size, unsigned char **data,
                          size_t *len, tx2json_error *err);

/* Show notes beside a transcript NAME.EXT are NAME.notes.txt or
 * NAME.description.txt (the first found).  notes_path gives the i-th
 * candidate for path (malloc'd; NULL past the last or on OOM, *oom then
 * set).  notes_of_sibling is 1 when the entry `name` of the directory dfd
 * is such a notes file and a transcript it belongs to (NAME.txt, .srt,
 * .vtt or .json, one the walk's patterns take) is beside it, so a walk
 * leaves it to that transcript. */
char *notes_path(const char *path, size_t i, int *oom);
int notes_of_sibling(const inputs *in, int dfd, const char *name);

/* cli_out.c: output files. */

/* The handler of SIGINT, SIGTERM and SIGHUP: removes the temporary being
 * written, then dies of the signal. */
void on_signal(int sig);

/* Writes data to path (the file -o names) through a temporary beside it
 * and a rename; a path that names no regular file or directory (a device
 * such as /dev/null or /dev/stdout, a named pipe) is written in place.
 * Returns 0 or -1 (errno set). */
int write_atomic(const char *path, const char *data);

/* The output path of an input's rel below -o DIR: "", "." and ".."
 * components dropped, the extension replaced by ext (".json", or ".html"
 * for review pages).  Malloc'd. */
char *out_relpath(const char *rel, const char *ext);

/* Sets every input's out, and marks each input whose out is that of an
 * earlier input (in input order) as a clash: the first one keeps the
 * output, every later input fails.  Runs before anything is written.
 * Returns 0, or -1 when memory runs out. */
int out_plan(inputs *in, const char *ext);

/* Removes our temporaries (NAME.json.tmp.PID.N) whose process is dead
 * from the existing directories below root that the planned outputs go
 * to; out_clean_stale_file does so for the temporaries of one -o FILE.
 * Each removal is a note on stderr unless quiet. */
void out_clean_stale(int root, const char *dir, const inputs *in, int quiet);
void out_clean_stale_file(const char *path, int quiet);

/* Writes data to relout below the directory root (-o dir, opened once),
 * creating directories on the way; a symbolic link below root is an
 * error.  Returns 0, or -1 with the error line in msg. */
int out_write(int root, const char *dir, const char *relout, const char *data, char *msg,
              size_t msglen);

/* The stable name of a status in failed-input records ("io", "decode",
 * "limit", ...). */
const char *status_code(tx2json_status s);

/* The JSONL record of an input that failed: {"source": {"path"},
 * "error": {"code", "message", "file", "line", "column"}} and a line
 * break (line and column null when unknown).  Malloc'd; NULL on OOM. */
char *error_record(const char *path, const tx2json_error *e);

#endif
