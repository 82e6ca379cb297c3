/* oom.c - allocation-failure injection over the seed conversion.
 *
 * Linked with -Wl,--wrap=malloc,... so every allocation made by the
 * library's own code goes through the wrappers below; ICU and cJSON are
 * pointed at the same wrappers through their allocator hooks, and PCRE2
 * allocates through the library's malloc.  The harness counts the
 * allocations of one clean conversion, then reruns it failing allocation
 * number k, for every k (or every STRIDE-th).  Each run must end in
 * success or a clean TX2JSON_ENOMEM / error status, never a crash; leaks
 * are caught when this runs under ASan/LeakSanitizer (make asan).
 * Usage: oom RULES FILE [STRIDE [NOTES]] (NOTES: show notes passed with the
 * file, as --notes does; OOM_OUTPUT=N in the environment sets
 * tx2json_options.output, for the chapter formats; OOM_OFFSETS=N sets
 * tx2json_options.offsets, for the UTF-16 offset table).  Prints "oom: N
 * points, N ok". */
#include "tx2json.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uclean.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);

static long counter, fail_at = -1;

static int should_fail(void)
{
    counter++;
    return fail_at >= 0 && counter == fail_at;
}

void *__wrap_malloc(size_t n)
{
    return should_fail() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t m)
{
    return should_fail() ? NULL : __real_calloc(n, m);
}

void *__wrap_realloc(void *p, size_t n)
{
    return should_fail() ? NULL : __real_realloc(p, n);
}

static const void *U_CALLCONV icu_malloc(const void *ctx, size_t n)
{
    (void)ctx;
    return __wrap_malloc(n);
}

static void *U_CALLCONV icu_realloc(const void *ctx, void *p, size_t n)
{
    (void)ctx;
    return __wrap_realloc(p, n);
}

static void U_CALLCONV icu_free(const void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

static void *cj_malloc(size_t n)
{
    return __wrap_malloc(n);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: oom RULES FILE [STRIDE [NOTES]]\n");
        return 2;
    }
    long stride = argc > 3 ? atol(argv[3]) : 1;
    tx2json_options o = {0}, *opts = NULL;
    if (argc > 4) { /* read before counting starts */
        static unsigned char notes[1 << 16];
        FILE *f = fopen(argv[4], "rb");
        if (!f) return 2;
        o.notes_len = fread(notes, 1, sizeof notes, f);
        fclose(f);
        o.notes = notes;
        o.notes_name = argv[4];
        opts = &o;
    }
    if (getenv("OOM_OUTPUT")) {
        o.output = (tx2json_output)atoi(getenv("OOM_OUTPUT"));
        opts = &o;
    }
    if (getenv("OOM_OFFSETS")) {
        o.offsets = (tx2json_offsets)atoi(getenv("OOM_OFFSETS"));
        opts = &o;
    }
    if (stride < 1) stride = 1;
    UErrorCode st = U_ZERO_ERROR;
    if (getenv("OOM_ICU_HOOK")) {
        u_setMemoryFunctions(NULL, (UMemAllocFn *)icu_malloc, (UMemReallocFn *)icu_realloc,
                             icu_free, &st);
        fprintf(stderr, "oom: ICU hook: %s\n", u_errorName(st));
    }
    cJSON_Hooks hooks = {cj_malloc, free};
    cJSON_InitHooks(&hooks);

    tx2json_error err;
    tx2json_ctx *ctx = NULL;
    if (tx2json_ctx_new(argv[1], &ctx, &err) != TX2JSON_OK) {
        fprintf(stderr, "oom: rules: %s\n", err.message);
        return 1;
    }
    /* A clean run first: it also warms ICU's caches and the pinyin cache,
     * then count what one conversion allocates. */
    char *json = NULL;
    if (tx2json_convert_file(ctx, argv[2], opts, &json, &err) != TX2JSON_OK) return 1;
    size_t want = strlen(json);
    tx2json_free(json);
    counter = 0;
    if (tx2json_convert_file(ctx, argv[2], opts, &json, &err) != TX2JSON_OK) return 1;
    tx2json_free(json);
    long total = counter;

    long points = 0, ok = 0, ooms = 0, bad = 0;
    for (long k = 1; k <= total; k += stride) {
        counter = 0;
        fail_at = k;
        json = NULL;
        tx2json_status rc = tx2json_convert_file(ctx, argv[2], opts, &json, &err);
        fail_at = -1;
        points++;
        if (rc == TX2JSON_OK && json && strlen(json) > 0) {
            ok++; /* the failed allocation had a fallback */
        } else if (rc != TX2JSON_OK && !json && err.message[0]) {
            ok++;
            ooms += rc == TX2JSON_ENOMEM;
        } else {
            bad++;
            fprintf(stderr, "oom: allocation %ld: status %d, json %p\n", k, rc, (void *)json);
        }
        tx2json_free(json);
    }
    /* After all that, a normal conversion still works and gives the same
     * document. */
    int same =
        tx2json_convert_file(ctx, argv[2], opts, &json, &err) == TX2JSON_OK && strlen(json) == want;
    tx2json_free(json);
    tx2json_ctx_free(ctx);
    u_cleanup();
    printf("oom: %ld allocations per run, %ld points, %ld ok (%ld out-of-memory errors), "
           "%ld bad, recovered %s\n",
           total, points, ok, ooms, bad, same ? "yes" : "no");
    return bad || !same ? 1 : 0;
}
