/* cli.h - shared by the command-line tool's files (main.c, cli_in.c,
 * cli_out.c).  Not part of the library: nothing here is exported. */
#ifndef TX2JSON_CLI_H
#define TX2JSON_CLI_H

#include "tx2json.h"

#include <stddef.h>

typedef struct input {
    char *path;   /* as opened ("-" for stdin) */
    char *rel;    /* output name relative to -o DIR */
    char *out;    /* with -o DIR: the output path below DIR (out_plan) */
    int clash;    /* out is an earlier input's: not converted */
    size_t twin;  /* then: that earlier input */
    int nofollow; /* found by a walk: not read through a symbolic link */
} input;

typedef struct inputs {
    input *v;
    size_t n, cap;
    const char **globs;
    size_t nglobs;
    int oom;
    int follow; /* --follow: walks follow symbolic links */
    int quiet;  /* -q: no notes about skipped entries */
} inputs;

/* cli_in.c: the input list. */
void add_arg(inputs *in, const char *arg, int *dirs);
int read_list(inputs *in, const char *list, int nul, int *dirs);
void free_inputs(inputs *in);

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
 * and a rename.  Returns 0 or -1 (errno set). */
int write_atomic(const char *path, const char *data);

/* The output path of an input's rel below -o DIR: "", "." and ".."
 * components dropped, the extension replaced by .json.  Malloc'd. */
char *out_relpath(const char *rel);

/* Sets every input's out, and marks each input whose out is that of an
 * earlier input (in input order) as a clash: the first one keeps the
 * output, every later input fails.  Runs before anything is written.
 * Returns 0, or -1 when memory runs out. */
int out_plan(inputs *in);

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
