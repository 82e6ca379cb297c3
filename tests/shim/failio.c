/* failio.c - an LD_PRELOAD shim for the bad-input tests: simulates I/O
 * failures the test machine cannot produce for root.
 *   FAILIO_EACCES=SUBSTR  open/fopen of a path containing SUBSTR fails
 *                         with EACCES (an unreadable file);
 *   FAILIO_ENOSPC=1       write() to any descriptor above 2 fails with
 *                         ENOSPC (a full disk). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static int denied(const char *path)
{
    const char *s = getenv("FAILIO_EACCES");
    return s && *s && path && strstr(path, s);
}

FILE *fopen(const char *path, const char *mode)
{
    static FILE *(*real)(const char *, const char *);
    if (!real) real = (FILE * (*)(const char *, const char *)) dlsym(RTLD_NEXT, "fopen");
    if (denied(path)) {
        errno = EACCES;
        return NULL;
    }
    return real(path, mode);
}

FILE *fopen64(const char *path, const char *mode)
{
    return fopen(path, mode);
}

int open(const char *path, int flags, ...)
{
    static int (*real)(const char *, int, ...);
    if (!real) real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
    mode_t m = 0;
    if (flags & O_CREAT) {
        va_list ap;
        va_start(ap, flags);
        m = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    if (denied(path)) {
        errno = EACCES;
        return -1;
    }
    return real(path, flags, m);
}

ssize_t write(int fd, const void *buf, size_t n)
{
    static ssize_t (*real)(int, const void *, size_t);
    if (!real) real = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    const char *s = getenv("FAILIO_ENOSPC");
    if (s && *s == '1' && fd > 2) {
        errno = ENOSPC;
        return -1;
    }
    return real(fd, buf, n);
}
