/* cli_out.c - the command line's output files: paths under -o DIR and
 * atomic writes (temporary + rename; a named device or pipe, -o /dev/null,
 * is written in place); the JSONL record of a failed input.
 *
 * -o DIR is opened once (following it if it is a link: the user named
 * it); every component below it is opened or created relative to the
 * directory above with O_NOFOLLOW, and the temporary is written and
 * renamed inside the last directory's descriptor.  So a symbolic link
 * anywhere below DIR, planted before or during the run, is an error and
 * never a way out of DIR. */
#include "cli.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The temporary being written, for the signal handler: an interrupted run
 * removes it, and the finished files are all whole (written, then
 * renamed).  Only the main thread writes output files. */
static char pending_name[512];
static volatile sig_atomic_t pending_dir = -1;

void on_signal(int sig)
{
    if (pending_dir >= 0) unlinkat(pending_dir, pending_name, 0);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Writes all of data to fd.  0, or -1 with errno set. */
static int write_all(int fd, const char *data)
{
    size_t len = strlen(data), done = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            if (w == 0) errno = EIO;
            return -1;
        }
        done += (size_t)w;
    }
    return 0;
}

/* Writes data to name inside the directory dfd through a temporary file
 * (NAME.tmp.PID.SEQ) and renameat, so a reader never sees a half-written
 * file.  Returns 0 or -1 (errno set). */
static int write_at(int dfd, const char *name, const char *data)
{
    static unsigned seq;
    char tmp[sizeof pending_name];
    int n = snprintf(tmp, sizeof tmp, "%s.tmp.%ld.%u", name, (long)getpid(), seq++);
    if (n < 0 || (size_t)n >= sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(pending_name, tmp, (size_t)n + 1);
    atomic_signal_fence(memory_order_seq_cst); /* the name before the flag */
    pending_dir = dfd;
    int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        pending_dir = -1;
        return -1;
    }
    int ok = write_all(fd, data) == 0;
    if (ok && fsync(fd) != 0) ok = 0;
    int e = errno;
    if (close(fd) != 0 && ok) ok = 0, e = errno;
    if (ok && renameat(dfd, tmp, dfd, name) != 0) ok = 0, e = errno;
    if (!ok) unlinkat(dfd, tmp, 0);
    pending_dir = -1;
    errno = e;
    return ok ? 0 : -1;
}

/* Writes data into the file path names as it is, for one that is no
 * regular file (a terminal, /dev/null, a pipe): renaming a temporary over
 * it would put a regular file in the device's place.  0 or -1 (errno). */
static int write_in_place(const char *path, const char *data)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = write_all(fd, data), e = errno;
    if (close(fd) != 0 && rc == 0) rc = -1, e = errno;
    errno = e;
    return rc;
}

int write_atomic(const char *path, const char *data)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
        return write_in_place(path, data);
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : strdup(".");
    if (!dir) return -1;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int e = errno;
    free(dir);
    if (dfd < 0) {
        errno = e;
        return -1;
    }
    int rc = write_at(dfd, slash ? slash + 1 : path, data);
    e = errno;
    close(dfd);
    errno = e;
    return rc;
}

/* REL with "", "." and ".." components dropped and the last one's
 * extension replaced by ext (".json", ".html"; "input.json" when nothing
 * is left), so it always names a file below -o DIR.  Returns a malloc'd
 * path or NULL. */
char *out_relpath(const char *rel, const char *ext)
{
    char *out = malloc(strlen(rel) + strlen(ext) + 8);
    if (!out) return NULL;
    size_t len = 0;
    for (const char *p = rel; *p;) {
        size_t n = strcspn(p, "/");
        if (n && !(n == 1 && p[0] == '.') && !(n == 2 && p[0] == '.' && p[1] == '.')) {
            if (len) out[len++] = '/';
            memcpy(out + len, p, n);
            len += n;
        }
        p += n + (p[n] == '/');
    }
    if (!len) {
        memcpy(out, "input", 5);
        len = 5;
    }
    out[len] = 0;
    char *base = strrchr(out, '/'), *dot = strrchr(out, '.');
    base = base ? base + 1 : out;
    if (dot && dot > base) *dot = 0;
    strcat(out, ext);
    return out;
}

static const inputs *plan_in; /* for cmp_out: qsort has no user pointer */

static int cmp_out(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = strcmp(plan_in->v[i].out, plan_in->v[j].out);
    return c ? c : (i > j) - (i < j);
}

int out_plan(inputs *in, const char *ext)
{
    size_t *ord = malloc((in->n ? in->n : 1) * sizeof *ord);
    if (!ord) return -1;
    for (size_t i = 0; i < in->n; i++) {
        ord[i] = i;
        if (!in->v[i].out && !(in->v[i].out = out_relpath(in->v[i].rel, ext))) {
            free(ord);
            return -1;
        }
    }
    plan_in = in;
    qsort(ord, in->n, sizeof *ord, cmp_out);
    for (size_t k = 1; k < in->n; k++) {
        input *first = &in->v[ord[k - 1]], *later = &in->v[ord[k]];
        if (strcmp(first->out, later->out) != 0) continue;
        later->clash = 1; /* sorted by index within equal paths */
        later->twin = first->clash ? first->twin : ord[k - 1];
    }
    free(ord);
    return 0;
}

/* Opens the directory holding relout below root, one component at a time
 * (O_NOFOLLOW), creating missing ones when create is set.  Returns its
 * descriptor, or -1 with errno set (ELOOP: a symbolic link) and *bad the
 * length of the prefix of relout that failed. */
static int open_parent(int root, const char *relout, int create, size_t *bad)
{
    int fd = dup(root);
    const char *p = relout, *slash;
    char comp[256];
    while (fd >= 0 && (slash = strchr(p, '/'))) {
        size_t n = (size_t)(slash - p);
        *bad = (size_t)(slash - relout);
        if (n >= sizeof comp) {
            close(fd);
            errno = ENAMETOOLONG;
            return -1;
        }
        memcpy(comp, p, n);
        comp[n] = 0;
        int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
        int next = openat(fd, comp, flags);
        if (next < 0 && errno == ENOENT && create &&
            (mkdirat(fd, comp, 0755) == 0 || errno == EEXIST))
            next = openat(fd, comp, flags);
        struct stat st;
        int e = errno;
        if (next < 0 && fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
            e = ELOOP; /* O_DIRECTORY may have said ENOTDIR */
        close(fd);
        fd = next;
        errno = e;
        p = slash + 1;
    }
    return fd;
}

int out_write(int root, const char *dir, const char *relout, const char *data, char *msg,
              size_t msglen)
{
    size_t bad = 0;
    int dfd = open_parent(root, relout, 1, &bad);
    if (dfd < 0) {
        int e = errno;
        if (e == ELOOP)
            snprintf(msg, msglen,
                     "%s/%.*s: error: is a symbolic link below the output "
                     "directory; not writing %s/%s through it\n",
                     dir, (int)bad, relout, dir, relout);
        else
            snprintf(msg, msglen, "%s/%.*s: error: cannot make the directory: %s\n", dir, (int)bad,
                     relout, strerror(e));
        return -1;
    }
    const char *base = strrchr(relout, '/');
    int rc = write_at(dfd, base ? base + 1 : relout, data);
    if (rc != 0)
        snprintf(msg, msglen, "%s/%s: error: cannot write: %s\n", dir, relout, strerror(errno));
    close(dfd);
    return rc;
}

/* ---- stale temporaries ------------------------------------------------ */

/* Is name one of our temporaries, BASE.tmp.PID.N (N decimal, or hex as
 * older versions wrote it), with BASE equal to base or, when base is
 * NULL, ending in .json or .html (pages of --format html)?  Stores PID. */
static int our_temporary(const char *name, const char *base, long *pid)
{
    const char *t = strstr(name, ".tmp.");
    while (t && strstr(t + 1, ".tmp."))
        t = strstr(t + 1, ".tmp.");
    if (!t) return 0;
    size_t bl = (size_t)(t - name);
    if (base ? strlen(base) != bl || strncmp(name, base, bl)
             : bl < 6 || (strncmp(t - 5, ".json", 5) && strncmp(t - 5, ".html", 5)))
        return 0;
    char *end;
    const char *p = t + 5;
    if (*p < '0' || *p > '9') return 0;
    *pid = strtol(p, &end, 10);
    if (*end != '.' || !end[1] || end[1 + strspn(end + 1, "0123456789abcdef")]) return 0;
    return *pid > 0;
}

/* Removes, in the directory dfd, our temporaries whose process is gone:
 * left by a run killed with SIGKILL or a crash, which the signal handler
 * could not clean.  prefix is the directory's path as shown, with its
 * slash. */
static void clean_dir(int dfd, const char *prefix, const char *base, int quiet)
{
    int fd = dup(dfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0) close(fd);
        return;
    }
    struct dirent *de;
    struct stat st;
    long pid;
    while ((de = readdir(d))) {
        if (!our_temporary(de->d_name, base, &pid) || pid == (long)getpid()) continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue; /* alive, or not ours */
        if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
            st.st_uid != geteuid())
            continue;
        if (unlinkat(dfd, de->d_name, 0) == 0 && !quiet)
            fprintf(stderr,
                    "%s%s: note: removed a temporary left by an interrupted run "
                    "(process %ld)\n",
                    prefix, de->d_name, pid);
    }
    closedir(d);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void out_clean_stale(int root, const char *dir, const inputs *in, int quiet)
{
    char **parents = malloc((in->n ? in->n : 1) * sizeof *parents), *prefix;
    size_t np = 0, bad;
    if (!parents) return;
    for (size_t i = 0; i < in->n; i++) { /* "a/b/" for a/b/x.json, "" for x.json */
        const char *slash = strrchr(in->v[i].out, '/');
        parents[np] = strndup(in->v[i].out, slash ? (size_t)(slash - in->v[i].out) + 1 : 0);
        if (parents[np]) np++;
    }
    qsort(parents, np, sizeof *parents, cmp_str);
    for (size_t k = 0; k < np; k++) {
        if (k && !strcmp(parents[k], parents[k - 1])) continue;
        int dfd = open_parent(root, parents[k], 0, &bad);
        size_t l = strlen(dir) + strlen(parents[k]) + 2;
        if (dfd >= 0 && (prefix = malloc(l))) {
            snprintf(prefix, l, "%s/%s", dir, parents[k]);
            clean_dir(dfd, prefix, NULL, quiet);
            free(prefix);
        }
        if (dfd >= 0) close(dfd);
    }
    for (size_t k = 0; k < np; k++)
        free(parents[k]);
    free(parents);
}

void out_clean_stale_file(const char *path, int quiet)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : strdup(".");
    char *prefix = strndup(path, slash ? (size_t)(slash - path) + 1 : 0);
    int dfd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (dfd >= 0 && prefix) clean_dir(dfd, prefix, slash ? slash + 1 : path, quiet);
    if (dfd >= 0) close(dfd);
    free(dir);
    free(prefix);
}

/* The error codes of failed-input records, indexed by tx2json_status
 * (documented in the README and schema/tx2json.schema.json). */
static const char *const status_codes[] = {[TX2JSON_OK] = "ok",
                                           [TX2JSON_ENOMEM] = "out-of-memory",
                                           [TX2JSON_EIO] = "io",
                                           [TX2JSON_EDECODE] = "decode",
                                           [TX2JSON_EEMPTY] = "empty",
                                           [TX2JSON_ERULES] = "rules",
                                           [TX2JSON_ELIMIT] = "limit",
                                           [TX2JSON_EINVAL] = "invalid",
                                           [TX2JSON_EINTERNAL] = "internal",
                                           [TX2JSON_EOUTPUT] = "output"};

const char *status_code(tx2json_status s)
{
    size_t n = sizeof status_codes / sizeof *status_codes;
    return (size_t)s < n && status_codes[s] ? status_codes[s] : "internal";
}

/* A line number or column: null when unknown (0). */
static cJSON *position(size_t v)
{
    return v ? cJSON_CreateNumber((double)v) : cJSON_CreateNull();
}

char *error_record(const char *path, const tx2json_error *e)
{
    cJSON *r = cJSON_CreateObject(), *src = cJSON_CreateObject(), *er = cJSON_CreateObject();
    char *s = NULL;
    if (!r || !src || !er || !cJSON_AddItemToObject(r, "source", src)) {
        cJSON_Delete(src);
        src = NULL;
    }
    if (!src || !cJSON_AddItemToObject(r, "error", er)) {
        cJSON_Delete(er);
        er = NULL;
    }
    if (er && cJSON_AddStringToObject(src, "path", path) &&
        cJSON_AddStringToObject(er, "code", status_code(e->code)) &&
        cJSON_AddStringToObject(er, "message", e->message) &&
        cJSON_AddStringToObject(er, "file", e->file[0] ? e->file : path) &&
        cJSON_AddItemToObject(er, "line", position(e->line)) &&
        cJSON_AddItemToObject(er, "column", position(e->column)))
        s = cJSON_PrintUnformatted(r);
    cJSON_Delete(r);
    if (!s) return NULL;
    size_t n = strlen(s);
    char *line = malloc(n + 2); /* the record and its line break */
    if (line) {
        memcpy(line, s, n);
        line[n] = '\n';
        line[n + 1] = 0;
    }
    cJSON_free(s);
    return line;
}
