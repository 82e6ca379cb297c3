/* fuzz_threads.c - libFuzzer harness: the whole conversion on several
 * threads at once.  Each input is converted on the main thread, then on
 * four threads at the same time, each with its own clone of the context;
 * every thread must give the same status and the same bytes.  A result
 * that depends on the stack it ran on (a stack address compared with a
 * heap one, an uninitialised local) or on another thread differs here
 * even when no sanitizer sees it. */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#ifndef TX2JSON_RULES_DIR
#define TX2JSON_RULES_DIR "rules"
#endif

enum { NTHREADS = 4 };

typedef struct job {
    tx2json_ctx *ctx;
    const unsigned char *data;
    size_t size;
    tx2json_status rc;
    char *json;
} job;

static void convert(job *j)
{
    tx2json_error err;
    tx2json_options o = {0};
    o.max_input = 1 << 20;
    j->json = NULL;
    j->rc = tx2json_convert_buffer(j->ctx, "fuzz", j->data, j->size, &o, &j->json, &err);
    if (j->rc == TX2JSON_OK && !j->json) abort(); /* success must come with a document */
}

static void *run(void *arg)
{
    convert(arg);
    return NULL;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static tx2json_ctx *ctx, *clone[NTHREADS];
    tx2json_error err;
    if (!ctx) {
        if (tx2json_ctx_new(TX2JSON_RULES_DIR, &ctx, &err) != TX2JSON_OK) abort();
        for (int i = 0; i < NTHREADS; i++)
            if (tx2json_ctx_clone(ctx, &clone[i], &err) != TX2JSON_OK) abort();
    }
    job main_job = {ctx, data, size, 0, NULL}, jobs[NTHREADS];
    convert(&main_job);
    pthread_t t[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        jobs[i] = (job){clone[i], data, size, 0, NULL};
        if (pthread_create(&t[i], NULL, run, &jobs[i])) abort();
    }
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < NTHREADS; i++) {
        if (jobs[i].rc != main_job.rc) abort();
        if (main_job.json && strcmp(main_job.json, jobs[i].json) != 0) abort();
        tx2json_free(jobs[i].json);
    }
    tx2json_free(main_job.json);
    return 0;
}
