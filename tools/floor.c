/* floor.c - the benchmark floor: ICU's dictionary word break alone over
 * the same inputs tx2json reads (files or directories of *.txt), with no
 * rules, no linking and no output.  It is the cost the issue names as
 * the pipeline's natural floor.  (tx2json now runs the word iterator only
 * over the stretches between Han text, so it no longer pays this cost in
 * full.)
 * Prints the bytes and words seen. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>

static UBreakIterator *wb;
static unsigned long long bytes, words;

static void one(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        fclose(f);
        return;
    }
    fclose(f);
    UErrorCode st = U_ZERO_ERROR;
    UText *ut = utext_openUTF8(NULL, buf, n, &st);
    ubrk_setUText(wb, ut, &st);
    for (int32_t b = ubrk_next(wb); b != UBRK_DONE; b = ubrk_next(wb))
        if (ubrk_getRuleStatus(wb) != UBRK_WORD_NONE) words++;
    bytes += (unsigned long long)n;
    utext_close(ut);
    free(buf);
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(const char *p)
{
    struct stat st;
    if (stat(p, &st) != 0) return;
    if (!S_ISDIR(st.st_mode)) {
        one(p);
        return;
    }
    DIR *d = opendir(p);
    if (!d) return;
    char **v = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        if (n == cap) v = realloc(v, (cap = cap ? 2 * cap : 256) * sizeof *v);
        v[n] = malloc(strlen(p) + strlen(de->d_name) + 2);
        sprintf(v[n++], "%s/%s", p, de->d_name);
    }
    closedir(d);
    qsort(v, n, sizeof *v, cmp);
    for (size_t i = 0; i < n; i++) {
        walk(v[i]);
        free(v[i]);
    }
    free(v);
}

int main(int argc, char **argv)
{
    UErrorCode st = U_ZERO_ERROR;
    wb = ubrk_open(UBRK_WORD, "zh", NULL, 0, &st);
    if (U_FAILURE(st)) return 1;
    for (int i = 1; i < argc; i++) walk(argv[i]);
    printf("floor: %llu bytes, %llu words\n", bytes, words);
    ubrk_close(wb);
    return 0;
}
