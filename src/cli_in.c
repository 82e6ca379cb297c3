/* cli_in.c - the command line's input list: arguments, directory walks,
 * --files-from lists and --input jsonl records files. */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

static void add_input(inputs *in, const char *path, const char *rel)
{
    if (in->n == in->cap) {
        size_t nc = in->cap ? in->cap * 2 : 64;
        input *nv = realloc(in->v, nc * sizeof *nv);
        if (!nv) {
            in->oom = 1;
            return;
        }
        in->v = nv;
        in->cap = nc;
    }
    char *p = xstrdup(path), *r = xstrdup(rel);
    if (!p || !r) {
        free(p);
        free(r);
        in->oom = 1;
        return;
    }
    in->v[in->n].path = p;
    in->v[in->n].rel = r;
    in->v[in->n].out = NULL;
    in->v[in->n].clash = 0;
    in->v[in->n].nofollow = 0;
    in->v[in->n].rec = NULL;
    in->n++;
}

static int name_wanted(const inputs *in, const char *name)
{
    static const char *const def[] = {"*.txt", "*.srt", "*.vtt"};
    const char *const *g = in->nglobs ? in->globs : def;
    size_t n = in->nglobs ? in->nglobs : 3;
    for (size_t i = 0; i < n; i++)
        if (fnmatch(g[i], name, 0) == 0) return 1;
    return 0;
}

static const char *const notes_suffix[] = {".notes.txt", ".description.txt"};
static const char *const transcript_ext[] = {".txt", ".srt", ".vtt", ".json"};

char *notes_path(const char *path, size_t i, int *oom)
{
    if (i >= sizeof notes_suffix / sizeof *notes_suffix) return NULL;
    const char *base = strrchr(path, '/'), *dot;
    base = base ? base + 1 : path;
    dot = strrchr(base, '.');
    size_t stem = dot && dot > base ? (size_t)(dot - path) : strlen(path);
    size_t sl = strlen(notes_suffix[i]);
    char *p = malloc(stem + sl + 1);
    if (!p) {
        *oom = 1;
        return NULL;
    }
    memcpy(p, path, stem);
    memcpy(p + stem, notes_suffix[i], sl + 1);
    return p;
}

int notes_of_sibling(const inputs *in, int dfd, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof notes_suffix / sizeof *notes_suffix; i++) {
        size_t sl = strlen(notes_suffix[i]);
        if (n <= sl || strcmp(name + n - sl, notes_suffix[i])) continue;
        for (size_t k = 0; k < sizeof transcript_ext / sizeof *transcript_ext; k++) {
            char sib[NAME_MAX + 1];
            struct stat st;
            int w = snprintf(sib, sizeof sib, "%.*s%s", (int)(n - sl), name, transcript_ext[k]);
            if (w > 0 && (size_t)w < sizeof sib && name_wanted(in, sib) &&
                fstatat(dfd, sib, &st, 0) == 0 && S_ISREG(st.st_mode))
                return 1;
        }
    }
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* How deep a walk goes below the directory it was given. */
#define WALK_MAX_DEPTH 64

/* A directory on the walk's current path, to catch loops. */
typedef struct dirid {
    dev_t dev;
    ino_t ino;
} dirid;

/* A skipped entry: one line on stderr (not with -q). */
static void skipped(const inputs *in, const char *path, const char *kind, const char *why)
{
    if (!in->quiet) fprintf(stderr, "%s: %s: skipped: %s\n", path, kind, why);
}

static const char *file_kind(mode_t m)
{
    return S_ISFIFO(m)   ? "not a regular file (FIFO)"
           : S_ISSOCK(m) ? "not a regular file (socket)"
           : S_ISCHR(m)  ? "not a regular file (character device)"
           : S_ISBLK(m)  ? "not a regular file (block device)"
                         : "not a regular file";
}

/* The sorted names in d but . and .., or NULL (with *n = 0) when empty. */
static char **read_names(inputs *in, DIR *d, size_t *n)
{
    char **names = NULL;
    size_t cap = 0;
    struct dirent *de;
    *n = 0;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        if (*n == cap) {
            char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *nn);
            if (!nn) break;
            names = nn;
        }
        if (!(names[*n] = xstrdup(de->d_name))) break;
        (*n)++;
    }
    if (de) in->oom = 1;
    if (*n) qsort(names, *n, sizeof *names, cmp_names);
    return names;
}

static void walk_fd(inputs *in, int fd, const char *dir, const char *rel, int depth, dirid *stack);

/* The entry name of the directory dfd: a file to take, a directory to
 * walk, or something to skip with a note. */
static void visit(inputs *in, int dfd, const char *name, const char *p, const char *r, int depth,
                  dirid *stack)
{
    struct stat st;
    int wanted = name_wanted(in, name);
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return; /* gone since readdir */
    int link = S_ISLNK(st.st_mode);
    if (name[0] == '.') {
        if (S_ISDIR(st.st_mode) || wanted)
            skipped(in, p, "note", S_ISDIR(st.st_mode) ? "hidden directory" : "hidden file");
        return;
    }
    if (link && fstatat(dfd, name, &st, 0) != 0) {
        skipped(in, p, "note",
                errno == ENOENT  ? "dangling symbolic link"
                : errno == ELOOP ? "symbolic link loop"
                                 : "symbolic link that cannot be followed");
        return;
    }
    if (link && !in->follow) {
        if (S_ISDIR(st.st_mode) || wanted)
            skipped(in, p, "note",
                    S_ISDIR(st.st_mode)
                        ? "symbolic link to a directory (not followed without --follow)"
                        : "symbolic link (not followed without --follow)");
    } else if (S_ISDIR(st.st_mode)) {
        if (depth >= WALK_MAX_DEPTH) {
            skipped(in, p, "warning", "directory nested deeper than 64 levels");
            return;
        }
        int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (link ? 0 : O_NOFOLLOW);
        walk_fd(in, openat(dfd, name, flags), p, r, depth + 1, stack);
    } else if (wanted && S_ISREG(st.st_mode) && notes_of_sibling(in, dfd, name)) {
        skipped(in, p, "note", "show notes of the transcript beside it (read with it)");
    } else if (wanted && S_ISREG(st.st_mode)) {
        add_input(in, p, r);
        if (!in->oom) in->v[in->n - 1].nofollow = !link;
    } else if (wanted) {
        skipped(in, p, "note", file_kind(st.st_mode));
    }
}

/* Walks the directory open as fd (sorted, recursive; closes fd).  dir is
 * its path as shown, rel the output path it mirrors.  Symbolic links are
 * followed only with --follow; a directory already on the current path
 * (device and inode) is a loop and skipped. */
static void walk_fd(inputs *in, int fd, const char *dir, const char *rel, int depth, dirid *stack)
{
    struct stat st;
    DIR *d = fd >= 0 && fstat(fd, &st) == 0 ? fdopendir(fd) : NULL;
    if (!d) {
        fprintf(stderr, "%s: error: cannot read directory: %s\n", dir, strerror(errno));
        add_input(in, dir, rel[0] ? rel : "input"); /* fails later, counted */
        if (fd >= 0) close(fd);
        return;
    }
    for (int k = 0; k < depth; k++)
        if (stack[k].dev == st.st_dev && stack[k].ino == st.st_ino) {
            skipped(in, dir, "note", "directory loop (already being walked)");
            closedir(d);
            return;
        }
    stack[depth].dev = st.st_dev;
    stack[depth].ino = st.st_ino;
    size_t n;
    char **names = read_names(in, d, &n);
    for (size_t i = 0; i < n; i++) {
        size_t pl = strlen(dir) + strlen(names[i]) + 2, rl = strlen(rel) + strlen(names[i]) + 2;
        char *p = malloc(pl), *r = malloc(rl);
        if (p && r) {
            snprintf(p, pl, "%s/%s", dir, names[i]);
            snprintf(r, rl, "%s%s%s", rel, rel[0] ? "/" : "", names[i]);
            visit(in, dirfd(d), names[i], p, r, depth, stack);
        } else {
            in->oom = 1;
        }
        free(p);
        free(r);
        free(names[i]);
    }
    free(names);
    closedir(d);
}

void add_arg(inputs *in, const char *arg, int *dirs)
{
    struct stat st;
    if (strcmp(arg, "-") == 0) {
        add_input(in, "-", "stdin");
    } else if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
        dirid stack[WALK_MAX_DEPTH + 1];
        (*dirs)++;
        /* outputs mirror the path as given; it is followed if a link */
        walk_fd(in, open(arg, O_RDONLY | O_DIRECTORY | O_CLOEXEC), arg, arg, 0, stack);
    } else {
        add_input(in, arg, arg); /* errors surface when it is read; the path
                                  * mirrors under -o DIR, cleaned of .. */
    }
}

/* Reads input paths from a list file (one per line, or NUL-separated). */
int read_list(inputs *in, const char *list, int nul, int *dirs)
{
    FILE *f = strcmp(list, "-") == 0 ? stdin : fopen(list, "rb");
    if (!f) {
        fprintf(stderr, "%s: error: cannot open: %s\n", list, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getdelim(&line, &cap, nul ? '\0' : '\n', f)) > 0) {
        if (line[n - 1] == (nul ? '\0' : '\n')) line[--n] = 0;
        if (!nul && n && line[n - 1] == '\r') line[--n] = 0;
        if (n) add_arg(in, line, dirs);
    }
    free(line);
    if (f != stdin) fclose(f);
    return 0;
}

/* ---- --input jsonl: records files ----------------------------------- */

static void record_free(record *r)
{
    if (!r) return;
    free(r->id);
    free(r->text);
    free(r->notes);
    free(r);
}

/* Reads one line of f (its '\n' and a '\r' before it dropped) into *buf,
 * keeping at most max bytes.  Returns the line's length (over max: the
 * bytes past max were read and dropped), or -1 at the end of f with
 * nothing read; *oom set when the buffer cannot grow. */
static long long line_read(FILE *f, char **buf, size_t *cap, size_t max, int *oom)
{
    size_t n = 0;
    long long total = 0;
    int c;
    while ((c = getc_unlocked(f)) != EOF && c != '\n') {
        total++;
        if (n >= max || *oom) continue;
        if (n + 1 >= *cap) {
            size_t nc = *cap ? *cap * 2 : 4096;
            char *nb = realloc(*buf, nc);
            if (!nb) {
                *oom = 1;
                continue;
            }
            *buf = nb;
            *cap = nc;
        }
        (*buf)[n++] = (char)c;
    }
    if (c == EOF && total == 0) return -1;
    if (n && (*buf)[n - 1] == '\r') n--, total--;
    if (*buf) (*buf)[n] = 0;
    return total;
}

/* The 1-based column, in code points, of byte off of the UTF-8 line s. */
static size_t column_of(const char *s, size_t off)
{
    size_t col = 1;
    for (size_t i = 0; i < off; i++)
        col += ((unsigned char)s[i] & 0xC0) != 0x80;
    return col;
}

/* Marks r as no record: code, the records file name, line, col, reason. */
static void record_fail(record *r, tx2json_status code, const char *file, size_t line, size_t col,
                        const char *why)
{
    r->rc = code;
    r->err.code = code;
    r->err.line = line;
    r->err.column = col;
    r->err.offset = (size_t)-1;
    snprintf(r->err.file, sizeof r->err.file, "%s", file);
    snprintf(r->err.message, sizeof r->err.message, "record: %s", why);
}

/* A malloc'd copy of the string member key of o, or NULL (absent, or
 * *bad set when it is not a string; *oom on OOM). */
static char *member_string(const cJSON *o, const char *key, size_t *len, int *bad, int *oom)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v) return NULL;
    if (!cJSON_IsString(v) || !v->valuestring) {
        *bad = 1;
        return NULL;
    }
    size_t n = strlen(v->valuestring);
    char *p = malloc(n + 1);
    if (!p)
        *oom = 1;
    else
        memcpy(p, v->valuestring, n + 1);
    *len = n;
    return p;
}

/* The byte offset of the first \u0000 escape of the JSON text s[0..n)
 * (its backslash not itself escaped), or n: cJSON would cut the string
 * there, so such a record is refused rather than read in part. */
static size_t nul_escape(const char *s, size_t n)
{
    for (size_t i = 0; i + 6 <= n; i++) {
        if (s[i] != '\\') continue;
        if (s[i + 1] == 'u' && s[i + 2] == '0' && s[i + 3] == '0' && s[i + 4] == '0' &&
            s[i + 5] == '0')
            return i;
        i++; /* an escape: the next character is not one */
    }
    return n;
}

/* Fills r from the parsed record o (file and line name it).  Returns the
 * record's "path", malloc'd, or NULL. */
static char *record_fill(record *r, const cJSON *o, const char *file, size_t line, int *oom)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
    int bad_text = 0, bad_notes = 0, bad_path = 0;
    size_t plen;
    if (id && (cJSON_IsString(id) || cJSON_IsNumber(id)) && !(r->id = cJSON_PrintUnformatted(id)))
        *oom = 1;
    r->text = member_string(o, "text", &r->text_len, &bad_text, oom);
    r->notes = member_string(o, "notes", &r->notes_len, &bad_notes, oom);
    char *path = member_string(o, "path", &plen, &bad_path, oom);
    const char *why = !id || !r->id ? "\"id\" must be a string or a number"
                      : !r->text    ? "\"text\" must be a string"
                      : bad_notes   ? "\"notes\" must be a string"
                      : bad_path    ? "\"path\" must be a string"
                                    : NULL;
    (void)bad_text;
    if (why && !*oom) record_fail(r, TX2JSON_EINVAL, file, line, 1, why);
    return path;
}

/* Adds the input of the records file's line s (len bytes; total as
 * line_read returned it), line number line. */
static void record_add(inputs *in, const char *file, size_t line, const char *s, long long total,
                       size_t max)
{
    record *r = calloc(1, sizeof *r);
    char *path = NULL, name[PATH_MAX + 32];
    int oom = !r;
    if (r && (unsigned long long)total > max) {
        char why[128];
        snprintf(why, sizeof why, "line is %lld bytes, over the limit of %zu (--max-input)", total,
                 max);
        record_fail(r, TX2JSON_ELIMIT, file, line, 1, why);
    } else if (r) {
        const char *end = NULL;
        cJSON *o = cJSON_ParseWithLengthOpts(s, (size_t)total + 1, &end, 1);
        size_t nul = o ? nul_escape(s, (size_t)total) : (size_t)total;
        if (!cJSON_IsObject(o))
            record_fail(r, TX2JSON_EDECODE, file, line,
                        column_of(s, o || !end ? 0 : (size_t)(end - s)),
                        o ? "not a JSON object" : "malformed JSON");
        else
            path = record_fill(r, o, file, line, &oom);
        if (cJSON_IsObject(o) && !r->rc && nul < (size_t)total)
            record_fail(r, TX2JSON_EDECODE, file, line, column_of(s, nul),
                        "a string holds \\u0000, a NUL character (binary data?)");
        cJSON_Delete(o);
    }
    if (!path) snprintf(name, sizeof name, "%s:%zu", file, line);
    add_input(in, path ? path : name, path ? path : name);
    free(path);
    if (oom || in->oom) {
        in->oom = 1;
        record_free(r);
        return;
    }
    in->v[in->n - 1].rec = r;
}

int records_read(inputs *in, const char *path, size_t max)
{
    int std = strcmp(path, "-") == 0;
    const char *file = std ? "<stdin>" : path;
    FILE *f = std ? stdin : fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0 || S_ISDIR(st.st_mode)) {
        fprintf(stderr, "%s:1:1: error: cannot open: %s [io]\n", file,
                f ? "is a directory, not a records file" : strerror(errno));
        if (f && !std) fclose(f);
        return -1;
    }
    char *buf = NULL;
    size_t cap = 0, line = 0;
    long long total;
    int oom = 0;
    while (!in->oom && (total = line_read(f, &buf, &cap, max, &oom)) >= 0) {
        line++;
        if (oom) break;
        if ((size_t)total <= max && (!buf || buf[strspn(buf, " \t")] == 0)) continue; /* blank */
        record_add(in, file, line, buf ? buf : "", total, max);
    }
    int rd = ferror(f);
    free(buf);
    if (!std) fclose(f);
    if (oom) in->oom = 1;
    if (rd) fprintf(stderr, "%s:%zu:1: error: read error [io]\n", file, line + 1);
    return rd ? -1 : 0;
}

char *record_tag(const char *json, const char *id)
{
    const char *brace = strchr(json, '{');
    size_t pre = brace ? (size_t)(brace - json) + 1 : 0, il = strlen(id), jl = strlen(json);
    int empty = brace && brace[1] == '}';
    char *s = malloc(jl + il + sizeof "\"id\":,");
    if (!s || !brace) {
        free(s);
        return NULL;
    }
    memcpy(s, json, pre);
    int w = sprintf(s + pre, "\"id\":%s%s", id, empty ? "" : ",");
    memcpy(s + pre + (size_t)w, json + pre, jl - pre + 1);
    return s;
}

void free_inputs(inputs *in)
{
    for (size_t i = 0; i < in->n; i++) {
        free(in->v[i].path);
        free(in->v[i].rel);
        free(in->v[i].out);
        record_free(in->v[i].rec);
    }
    free(in->v);
    free(in->globs);
    memset(in, 0, sizeof *in);
}

/* ---- reading one input ------------------------------------------------ */

static tx2json_status set_err(tx2json_error *err, tx2json_status code, const char *file,
                              const char *fmt, ...)
{
    memset(err, 0, sizeof *err);
    err->code = code;
    err->offset = (size_t)-1;
    snprintf(err->file, sizeof err->file, "%s", file);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

tx2json_status input_open(const input *in, size_t max, int *fd, size_t *size, tx2json_error *err)
{
    int std = strcmp(in->path, "-") == 0;
    const char *name = std ? "<stdin>" : in->path;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer.  O_NOFOLLOW:
     * a file found by a walk may have become a link since. */
    int flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | (in->nofollow ? O_NOFOLLOW : 0);
    int f = std ? 0 : open(in->path, flags);
    struct stat st;
    *fd = -1;
    *size = (size_t)-1;
    if (f < 0 && errno == ELOOP && in->nofollow)
        return set_err(err, TX2JSON_EIO, name,
                       "is a symbolic link (not followed without --follow)");
    if (f < 0) return set_err(err, TX2JSON_EIO, name, "cannot open: %s", strerror(errno));
    int e = fstat(f, &st) != 0 ? errno : 0;
    tx2json_status rc = TX2JSON_OK;
    if (e)
        rc = set_err(err, TX2JSON_EIO, name, "cannot open: %s", strerror(e));
    else if (S_ISDIR(st.st_mode))
        rc = set_err(err, TX2JSON_EIO, name, "is a directory, not a file");
    else if (!std && !S_ISREG(st.st_mode))
        rc = set_err(err, TX2JSON_EIO, name, "is not a regular file");
    else if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max)
        rc = set_err(err, TX2JSON_ELIMIT, name,
                     "input is %lld bytes, over the limit of %zu (--max-input)",
                     (long long)st.st_size, max);
    if (rc) {
        if (!std) close(f);
        return rc;
    }
    if (!std) fcntl(f, F_SETFL, fcntl(f, F_GETFL) & ~O_NONBLOCK);
    if (S_ISREG(st.st_mode)) *size = (size_t)st.st_size;
    *fd = f;
    return TX2JSON_OK;
}

tx2json_status input_read(int fd, const char *name, size_t max, size_t size, unsigned char **data,
                          size_t *len, tx2json_error *err)
{
    if (max > SIZE_MAX - 1) max = SIZE_MAX - 1;
    size_t lim = max + 1, cap = size < max ? size + 1 : 1 << 16, n = 0;
    if (cap > lim) cap = lim;
    unsigned char *buf = malloc(cap);
    int oom = !buf;
    *data = NULL;
    *len = 0;
    while (!oom && n < lim) {
        if (n == cap) { /* only a stream, or a file that grew, gets here */
            size_t nc = cap > lim / 2 ? lim : cap * 2;
            unsigned char *nb = realloc(buf, nc);
            if (!nb) {
                oom = 1;
                break;
            }
            buf = nb;
            cap = nc;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            free(buf);
            return set_err(err, TX2JSON_EIO, name, "read error: %s", strerror(errno));
        }
        if (got == 0) break;
        n += (size_t)got;
    }
    if (oom || n > max) {
        free(buf);
        if (oom) return set_err(err, TX2JSON_ENOMEM, name, "out of memory");
        return set_err(err, TX2JSON_ELIMIT, name,
                       "input is larger than the limit of %zu bytes (--max-input)", max);
    }
    *data = buf;
    *len = n;
    return TX2JSON_OK;
}
