/* main.c - the tx2json command line: parses options, loads the rules once
 * and converts each input through the library.  Diagnostics look like a
 * compiler's: "tx2json: FILE:LINE:COL: error: MESSAGE".
 *
 * Exit status: 0 success, 1 an input could not be converted, 2 usage error,
 * 3 rules could not be loaded or a system error (out of memory, output). */
#include "tx2json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#ifndef TX2JSON_RULES_DIR
#define TX2JSON_RULES_DIR "rules"
#endif

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tx2json [OPTIONS] FILE...\n"
            "       tx2json check [--format text|json|sarif] [--werror] PATH...\n"
            "Convert spoken-news transcripts into JSON (schema_version %d).\n"
            "\n"
            "  -o, --output FILE     write the JSON to FILE (atomically) instead of stdout\n"
            "      --rules PATH      rule file or directory (default: $TX2JSON_RULES or\n"
            "                        " TX2JSON_RULES_DIR ")\n"
            "      --encoding NAME   input encoding (ICU name, e.g. GB18030, UTF-16LE);\n"
            "                        default: UTF-8, a BOM, or detection\n"
            "      --lang zh|en|auto rule language (default auto: share of Han text)\n"
            "      --compact         one-line JSON\n"
            "\n"
            "Limits (a file over one fails with a message naming the limit; the run\n"
            "goes on with the next file):\n"
            "      --max-input BYTES   largest input (default 268435456)\n"
            "      --max-line BYTES    longest line (default 1048576)\n"
            "      --max-refs N        reference lines (default 20000)\n"
            "      --max-entries N     entries (default 20000)\n"
            "      --match-limit N     PCRE2 match limit per rule match (default 1000000)\n"
            "      --depth-limit N     PCRE2 depth limit (default 10000)\n"
            "      --heap-limit KIB    PCRE2 heap limit (default 20000)\n"
            "A rule match over a PCRE2 limit counts as no match and adds a\n"
            "match-limit warning to the document.\n"
            "\n"
            "  -q, --quiet           do not print warnings\n"
            "  -h, --help            show this help\n"
            "  -V, --version         show the version\n"
            "\n"
            "Exit status: 0 success; 1 an input could not be converted; 2 usage error;\n"
            "3 rules could not be loaded, or a system error.\n",
            TX2JSON_SCHEMA_VERSION);
}

static void print_error(const tx2json_error *e)
{
    if (e->line && !e->column)
        fprintf(stderr, "tx2json: %s:%zu: error: %s\n", e->file, e->line, e->message);
    else if (e->line)
        fprintf(stderr, "tx2json: %s:%zu:%zu: error: %s\n", e->file, e->line, e->column,
                e->message);
    else
        fprintf(stderr, "tx2json: %s: error: %s\n", e->file, e->message);
}

static void on_warning(void *user, const char *file, size_t line, size_t col, const char *code,
                       const char *msg)
{
    (void)user;
    if (line)
        fprintf(stderr, "tx2json: %s:%zu:%zu: warning: %s [%s]\n", file, line, col, msg, code);
    else
        fprintf(stderr, "tx2json: %s: warning: %s [%s]\n", file, msg, code);
}

/* Writes data to path through a temporary file and rename, so a reader
 * never sees a half-written file.  Returns 0 or -1 (errno set). */
static int write_atomic(const char *path, const char *data)
{
    size_t l = strlen(path);
    char *tmp = malloc(l + 32);
    if (!tmp) return -1;
    snprintf(tmp, l + 32, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) {
        free(tmp);
        return -1;
    }
    size_t n = strlen(data), done = 0;
    int ok = 1;
    while (ok && done < n) {
        ssize_t w = write(fd, data + done, n - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) ok = 0;
        else done += (size_t)w;
    }
    if (ok && fsync(fd) != 0) ok = 0;
    int e = errno;
    if (close(fd) != 0 && ok) ok = 0, e = errno;
    errno = e;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        free(tmp);
        errno = e;
        return -1;
    }
    free(tmp);
    return 0;
}

static void check_usage(FILE *f)
{
    fprintf(f, "usage: tx2json check [--format text|json|sarif] [--werror] PATH...\n"
               "Validate rule files (a PATH is a .rules file or a directory of them).\n"
               "\n"
               "  --format FMT  text (default: file:line:col: severity: message [rule],\n"
               "                then the line and a caret), json, or sarif (SARIF 2.1.0)\n"
               "  --werror      treat warnings as errors\n"
               "\n"
               "Exit status: 0 clean; 1 errors, or warnings with --werror; 2 usage error.\n");
}

static int check_main(int argc, char **argv)
{
    tx2json_check_format fmt = TX2JSON_CHECK_TEXT;
    int werror = 0, np = 0;
    const char **paths = calloc((size_t)argc + 1, sizeof *paths);
    if (!paths) {
        fprintf(stderr, "tx2json: error: out of memory\n");
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            check_usage(stdout);
            free(paths);
            return 0;
        } else if (strcmp(a, "--werror") == 0) {
            werror = 1;
        } else if (strcmp(a, "--format") == 0 || strncmp(a, "--format=", 9) == 0) {
            const char *v = a[8] == '=' ? a + 9 : (i + 1 < argc ? argv[++i] : NULL);
            if (v && strcmp(v, "text") == 0)
                fmt = TX2JSON_CHECK_TEXT;
            else if (v && strcmp(v, "json") == 0)
                fmt = TX2JSON_CHECK_JSON;
            else if (v && strcmp(v, "sarif") == 0)
                fmt = TX2JSON_CHECK_SARIF;
            else {
                fprintf(stderr, "tx2json: error: --format must be text, json or sarif\n");
                free(paths);
                return 2;
            }
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "tx2json: error: unknown option '%s' for check (see check --help)\n", a);
            free(paths);
            return 2;
        } else {
            paths[np++] = a;
        }
    }
    if (np == 0) {
        check_usage(stderr);
        free(paths);
        return 2;
    }
    char *report = NULL;
    size_t ne = 0, nw = 0;
    tx2json_error err;
    tx2json_status rc = tx2json_check(paths, (size_t)np, fmt, &report, &ne, &nw, &err);
    free(paths);
    if (rc != TX2JSON_OK) {
        print_error(&err);
        return 2;
    }
    fputs(report, stdout);
    tx2json_free(report);
    tx2json_global_cleanup();
    if (fflush(stdout) != 0) return 2;
    return ne || (werror && nw) ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "check") == 0) return check_main(argc - 1, argv + 1);
    tx2json_options opts = {0};
    const char *rules = getenv("TX2JSON_RULES");
    const char *output = NULL;
    int quiet = 0, nfiles = 0;
    unsigned long match_limit = 0, depth_limit = 0, heap_limit = 0;
    char **files = calloc((size_t)argc, sizeof *files);
    if (!files) {
        fprintf(stderr, "tx2json: error: out of memory\n");
        return 3;
    }
    if (!rules || !*rules) rules = TX2JSON_RULES_DIR;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
#define ARG(name)                                                                              \
    (strcmp(a, name) == 0 && (i + 1 < argc ||                                                  \
                              (fprintf(stderr, "tx2json: error: %s needs an argument\n", name), \
                               free(files), exit(2), 0)))
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            free(files);
            return 0;
        } else if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
            printf("tx2json %s\n", tx2json_version());
            free(files);
            return 0;
        } else if (ARG("--rules")) {
            rules = argv[++i];
        } else if (ARG("--encoding")) {
            opts.encoding = argv[++i];
        } else if (ARG("--lang")) {
            opts.lang = argv[++i];
            if (strcmp(opts.lang, "zh") && strcmp(opts.lang, "en") && strcmp(opts.lang, "auto")) {
                fprintf(stderr, "tx2json: error: --lang must be zh, en or auto\n");
                free(files);
                return 2;
            }
        } else if (ARG("--max-input") || ARG("--max-line") || ARG("--max-refs") ||
                   ARG("--max-entries") || ARG("--match-limit") || ARG("--depth-limit") ||
                   ARG("--heap-limit")) {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(argv[++i], &end, 10);
            if (*end || v == 0 || errno || argv[i][0] == '-') {
                fprintf(stderr, "tx2json: error: %s needs a positive number\n", a);
                free(files);
                return 2;
            }
            if (strcmp(a, "--max-input") == 0) opts.max_input = (size_t)v;
            if (strcmp(a, "--max-line") == 0) opts.max_line = (size_t)v;
            if (strcmp(a, "--max-refs") == 0) opts.max_refs = (size_t)v;
            if (strcmp(a, "--max-entries") == 0) opts.max_entries = (size_t)v;
            if (strcmp(a, "--match-limit") == 0) match_limit = (unsigned long)v;
            if (strcmp(a, "--depth-limit") == 0) depth_limit = (unsigned long)v;
            if (strcmp(a, "--heap-limit") == 0) heap_limit = (unsigned long)v;
        } else if (ARG("-o") || ARG("--output")) {
            output = argv[++i];
        } else if (strcmp(a, "--compact") == 0) {
            opts.compact = 1;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "tx2json: error: unknown option '%s' (see --help)\n", a);
            free(files);
            return 2;
        } else {
            files[nfiles++] = argv[i];
        }
#undef ARG
    }
    if (nfiles == 0) {
        usage(stderr);
        free(files);
        return 2;
    }
    if (output && nfiles > 1) {
        fprintf(stderr, "tx2json: error: -o takes a single input\n");
        free(files);
        return 2;
    }
    if (!quiet) opts.on_warning = on_warning;

    tx2json_error err;
    tx2json_ctx *ctx = NULL;
    if (tx2json_ctx_new(rules, &ctx, &err) != TX2JSON_OK) {
        print_error(&err);
        free(files);
        return 3;
    }
    tx2json_ctx_set_limits(ctx, match_limit, depth_limit, heap_limit);
    int status = 0;
    for (int i = 0; i < nfiles; i++) {
        char *json = NULL;
        tx2json_status rc = tx2json_convert_file(ctx, files[i], &opts, &json, &err);
        if (rc != TX2JSON_OK) {
            print_error(&err);
            int s = (rc == TX2JSON_ENOMEM || rc == TX2JSON_EINTERNAL) ? 3 : 1;
            if (s > status) status = s;
            continue;
        }
        if (output) {
            if (write_atomic(output, json) != 0) {
                fprintf(stderr, "tx2json: %s: error: cannot write: %s\n", output, strerror(errno));
                status = 3;
            }
        } else if (fputs(json, stdout) == EOF) {
            fprintf(stderr, "tx2json: <stdout>: error: write failed: %s\n", strerror(errno));
            status = 3;
        }
        tx2json_free(json);
    }
    if (fflush(stdout) != 0) {
        fprintf(stderr, "tx2json: <stdout>: error: write failed: %s\n", strerror(errno));
        status = 3;
    }
    tx2json_ctx_free(ctx);
    tx2json_global_cleanup();
    free(files);
    return status;
}
