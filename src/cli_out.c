/* cli_out.c - the command line's output files: paths under -o DIR and
 * atomic writes (temporary + rename). */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The temporary being written, for the signal handler: an interrupted run
 * removes it, and the finished files are all whole (written, then
 * renamed).  Only the main thread writes output files. */
static char pending_tmp[4096];
static volatile sig_atomic_t pending_set;

void on_signal(int sig)
{
    if (pending_set) unlink(pending_tmp);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Writes data to path through a temporary file and rename, so a reader
 * never sees a half-written file.  Returns 0 or -1 (errno set). */
int write_atomic(const char *path, const char *data)
{
    size_t l = strlen(path);
    char *tmp = malloc(l + 32);
    if (!tmp) return -1;
    snprintf(tmp, l + 32, "%s.tmp.%ld.%lx", path, (long)getpid(), (unsigned long)pthread_self());
    if (strlen(tmp) < sizeof pending_tmp) {
        memcpy(pending_tmp, tmp, strlen(tmp) + 1);
        pending_set = 1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) {
        pending_set = 0;
        free(tmp);
        return -1;
    }
    size_t n = strlen(data), done = 0;
    int ok = 1;
    while (ok && done < n) {
        ssize_t w = write(fd, data + done, n - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0)
            ok = 0;
        else
            done += (size_t)w;
    }
    if (ok && fsync(fd) != 0) ok = 0;
    int e = errno;
    if (close(fd) != 0 && ok) ok = 0, e = errno;
    errno = e;
    if (!ok || rename(tmp, path) != 0) {
        e = errno;
        unlink(tmp);
        pending_set = 0;
        free(tmp);
        errno = e;
        return -1;
    }
    pending_set = 0;
    free(tmp);
    return 0;
}

/* DIR/REL with REL's extension replaced by .json; "", "." and ".."
 * components are dropped, so the result always lies inside DIR.  Creates
 * the directories on the way; refuses to go through a symbolic link.
 * Returns a malloc'd path, or NULL (errno set). */
char *output_path(const char *dir, const char *rel)
{
    size_t cap = strlen(dir) + strlen(rel) + 16;
    char *out = malloc(cap);
    if (!out) return NULL;
    strcpy(out, dir);
    size_t len = strlen(out);
    while (len > 1 && out[len - 1] == '/')
        out[--len] = 0;
    const char *p = rel;
    int any = 0;
    while (*p) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        int last = !e || !e[1 + strspn(e + 1, "/")];
        if (n && !(n == 1 && p[0] == '.') && !(n == 2 && p[0] == '.' && p[1] == '.')) {
            struct stat st;
            if (!last && lstat(out, &st) == 0 && S_ISLNK(st.st_mode)) {
                free(out);
                errno = ELOOP;
                return NULL;
            }
            out[len++] = '/';
            memcpy(out + len, p, n);
            len += n;
            out[len] = 0;
            any = 1;
            if (!last && mkdir(out, 0755) != 0 && errno != EEXIST) {
                free(out);
                return NULL;
            }
        }
        if (!e) break;
        p = e + 1;
    }
    if (!any) {
        strcpy(out + len, "/input");
        len += 6;
    }
    char *slash = strrchr(out, '/'), *dot = strrchr(out, '.');
    if (dot && dot > slash + 1) *dot = 0;
    strcat(out, ".json");
    return out;
}
