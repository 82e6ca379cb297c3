/* cli_in.c - the command line's input list: arguments, directory walks
 * and --files-from lists. */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walks dir (sorted, recursive).  Symbolic links to directories are not
 * followed, so a link loop cannot trap the walk. */
static void walk(inputs *in, const char *dir, const char *rel, int depth)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "tx2json: %s: error: cannot read directory: %s\n", dir, strerror(errno));
        add_input(in, dir, rel[0] ? rel : "input"); /* fails later, counted */
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        if (n == cap) {
            char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *nn);
            if (!nn) break;
            names = nn;
        }
        if (!(names[n] = xstrdup(de->d_name))) break;
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n; i++) {
        size_t pl = strlen(dir) + strlen(names[i]) + 2, rl = strlen(rel) + strlen(names[i]) + 2;
        char *p = malloc(pl), *r = malloc(rl);
        if (p && r) {
            snprintf(p, pl, "%s/%s", dir, names[i]);
            snprintf(r, rl, "%s%s%s", rel, rel[0] ? "/" : "", names[i]);
            struct stat ls, st;
            if (lstat(p, &ls) == 0 && S_ISDIR(ls.st_mode)) {
                if (depth < 64) walk(in, p, r, depth + 1);
            } else if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && name_wanted(in, names[i])) {
                add_input(in, p, r);
            }
        } else {
            in->oom = 1;
        }
        free(p);
        free(r);
        free(names[i]);
    }
    free(names);
}

void add_arg(inputs *in, const char *arg, int *dirs)
{
    struct stat st;
    if (strcmp(arg, "-") == 0) {
        add_input(in, "-", "stdin");
    } else if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
        (*dirs)++;
        walk(in, arg, arg, 0); /* outputs mirror the path as given */
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
        fprintf(stderr, "tx2json: %s: error: cannot open: %s\n", list, strerror(errno));
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

void free_inputs(inputs *in)
{
    for (size_t i = 0; i < in->n; i++) {
        free(in->v[i].path);
        free(in->v[i].rel);
        free(in->v[i].out);
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
    /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
    int f = std ? 0 : open(in->path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    struct stat st;
    *fd = -1;
    *size = (size_t)-1;
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
