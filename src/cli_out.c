/* cli_out.c - the command line's output files: paths under -o DIR and
 * atomic writes (temporary + rename).
 *
 * -o DIR is opened once (following it if it is a link: the user named
 * it); every component below it is opened or created relative to the
 * directory above with O_NOFOLLOW, and the temporary is written and
 * renamed inside the last directory's descriptor.  So a symbolic link
 * anywhere below DIR, planted before or during the run, is an error and
 * never a way out of DIR. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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
    pending_dir = dfd;
    int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        pending_dir = -1;
        return -1;
    }
    size_t len = strlen(data), done = 0;
    int ok = 1;
    while (ok && done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0)
            ok = 0;
        else
            done += (size_t)w;
    }
    if (ok && fsync(fd) != 0) ok = 0;
    int e = errno;
    if (close(fd) != 0 && ok) ok = 0, e = errno;
    if (ok && renameat(dfd, tmp, dfd, name) != 0) ok = 0, e = errno;
    if (!ok) unlinkat(dfd, tmp, 0);
    pending_dir = -1;
    errno = e;
    return ok ? 0 : -1;
}

int write_atomic(const char *path, const char *data)
{
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
 * extension replaced by .json ("input.json" when nothing is left), so it
 * always names a file below -o DIR.  Returns a malloc'd path or NULL. */
char *out_relpath(const char *rel)
{
    char *out = malloc(strlen(rel) + 16);
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
    strcat(out, ".json");
    return out;
}

static const inputs *plan_in; /* for cmp_out: qsort has no user pointer */

static int cmp_out(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = strcmp(plan_in->v[i].out, plan_in->v[j].out);
    return c ? c : (i > j) - (i < j);
}

int out_plan(inputs *in)
{
    size_t *ord = malloc((in->n ? in->n : 1) * sizeof *ord);
    if (!ord) return -1;
    for (size_t i = 0; i < in->n; i++) {
        ord[i] = i;
        if (!in->v[i].out && !(in->v[i].out = out_relpath(in->v[i].rel))) {
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
                     "tx2json: %s/%.*s: error: is a symbolic link below the output "
                     "directory; not writing %s/%s through it\n",
                     dir, (int)bad, relout, dir, relout);
        else
            snprintf(msg, msglen, "tx2json: %s/%.*s: error: cannot make the directory: %s\n", dir,
                     (int)bad, relout, strerror(e));
        return -1;
    }
    const char *base = strrchr(relout, '/');
    int rc = write_at(dfd, base ? base + 1 : relout, data);
    if (rc != 0)
        snprintf(msg, msglen, "tx2json: %s/%s: error: cannot write: %s\n", dir, relout,
                 strerror(errno));
    close(dfd);
    return rc;
}
