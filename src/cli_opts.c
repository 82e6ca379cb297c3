/* cli_opts.c - the command line's options, parsed with getopt_long: the
 * usage texts, one table of long options (each with its short letter, if
 * any) and one switch that applies an option to the cli settings.  GNU
 * conventions: --opt=value or --opt value, unambiguous prefixes, bundled
 * short flags (-qj2), -- ends the options.  A usage error prints one
 * message and the parse stops, before any input is read.
 *
 * To add an option: an OPT_ id (or a short letter in SHORT_OPTS), a row
 * of LONG_OPTS, a case in apply(), and its line in usage(). */
#include "cli.h"
#include "tables.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The most worker threads -j takes. */
#define MAX_JOBS 256

/* Room for an option's name as typed, in messages. */
#define OPT_NAME_MAX 128

/* Room for --max-memory's digits (longer is out of range anyway). */
#define SIZE_DIGITS_MAX 32

/* The limits and the rest of --help. */
static void usage_limits(FILE *f)
{
    fputs("Limits (a file over a limit fails with a message naming it; the run\n"
          "goes on with the next file):\n"
          "      --max-input BYTES   largest input (default 268435456); stdin is read\n"
          "                          no further than the limit\n"
          "      --max-memory BYTES  memory budget of the files converted at once\n"
          "                          (default 2G; k, M, G suffixes): a file starts\n"
          "                          when 20 x its size fits beside the files in\n"
          "                          progress, in input order; a file over the whole\n"
          "                          budget runs alone\n"
          "      --max-line BYTES    longest line (default 1048576)\n"
          "      --max-refs N        reference lines (default 20000)\n"
          "      --max-entries N     entries (default 20000)\n"
          "      --match-limit N     PCRE2 match limit per rule match (default 1000000)\n"
          "      --depth-limit N     PCRE2 depth limit (default 10000; when set, rules\n"
          "                          run in PCRE2's interpreter, as the JIT has none)\n"
          "      --heap-limit KIB    PCRE2 heap limit, also the JIT stack (default 20000)\n"
          "      --max-limit-hits N  limit hits of one rule in a document before it is\n"
          "                          switched off for the rest of it (default 10)\n"
          "A rule match over a PCRE2 limit counts as no match and adds a\n"
          "match-limit warning to the document.\n"
          "\n"
          "  -h, --help            show this help\n"
          "  -V, --version         show the version\n"
          "\n"
          "Options take their value as --opt=VALUE or --opt VALUE; short flags\n"
          "bundle (-qj2); -- ends the options.\n"
          "Exit status: 0 every input converted; 1 an input could not be converted;\n"
          "2 usage error; 3 rules could not be loaded, an output could not be\n"
          "written, or a system error.\n",
          f);
}

void cli_usage(FILE *f)
{
    fprintf(f,
            "usage: tx2json [OPTIONS] FILE|DIR|-...\n"
            "       tx2json check [--format text|json|sarif] [--werror] PATH...\n"
            "Convert spoken-news transcripts into JSON (schema_version %d).\n"
            "\n"
            "Inputs: files, directories (searched recursively for *.txt, *.srt and\n"
            "*.vtt, in name order, at most 64 levels deep) and - for standard input.\n"
            "SRT and WebVTT are recognised by content, whatever the file name: their\n"
            "framing is left out of the text, and entries and mentions get the times\n"
            "of their cues.\n"
            "A walk skips hidden (dot) entries, symbolic links (see --follow), FIFOs\n"
            "and devices, each with a note on stderr (-q: none), except files whose\n"
            "name matches no pattern, skipped silently.\n"
            "      --glob PATTERN    names to take from directories (repeatable;\n"
            "                        replaces the default patterns)\n"
            "      --follow          walks follow symbolic links to files and\n"
            "                        directories (a directory already on the path is\n"
            "                        a loop and skipped)\n"
            "      --files-from LIST read input paths from LIST (- for stdin), one per\n"
            "                        line, or NUL-separated with -0\n"
            "      --input jsonl     the inputs (none: stdin) are records files, one\n"
            "                        JSON record {\"id\", \"text\"[, \"notes\", \"path\"]}\n"
            "                        a line; each is converted to a line of the JSONL\n"
            "                        stream (or a table row), in order, with its \"id\"\n"
            "\n"
            "Output:\n"
            "  -o, --output PATH     with one input file: write the JSON to PATH; with\n"
            "                        several inputs or a directory: PATH is a directory\n"
            "                        and each input gets PATH/RELATIVE/NAME.json.  Every\n"
            "                        file is written atomically (temporary + rename;\n"
            "                        a device or pipe, /dev/null, is written to);\n"
            "                        nothing is written through a symbolic link below\n"
            "                        PATH.  Two inputs with one output (a.txt, a.srt)\n"
            "                        are found before anything is written: the first in\n"
            "                        input order is converted, every later input fails.\n"
            "                        Temporaries (NAME.tmp.PID.N) left by a killed run\n"
            "                        are removed by the next run into the same place\n"
            "      --format json|jsonl  indented documents (default), or compact ones,\n"
            "                        a document per line, in input order (a failed\n"
            "                        input is a line {\"source\", \"error\"} too)\n"
            "      --indent N        spaces per level of indented JSON, 0 to %d\n"
            "                        (default %d, the layout of jq .; 0 is --compact)\n"
            "      --format chapters|youtube|vtt-chapters  chapters instead of the\n"
            "                        document: Podcasting 2.0 JSON chapters, YouTube\n"
            "                        description lines, a WebVTT chapters track (the\n"
            "                        input needs times: an input without is a usage\n"
            "                        error, exit status 2)\n"
            "      --format csv|sqlite  tables instead of documents: -o DIR gets\n"
            "                        episodes.csv, entries.csv, mentions.csv,\n"
            "                        organizations.csv and references.csv; -o FILE.db an\n"
            "                        SQLite database (a re-run replaces each episode's\n"
            "                        rows, keyed by the input's SHA-256)\n"
            "      --format html     a review page per input (NAME.html; a batch needs\n"
            "                        -o DIR, which also gets index.html)\n"
            "      --offsets codepoints|utf16|bytes  the unit of spans: code points of\n"
            "                        the decoded text (default; Python), UTF-16 units\n"
            "                        (JavaScript, Java) or UTF-8 bytes (C, Go, Rust)\n"
            "      --compact         one-line JSON\n"
            "      --segmenter=scored\n"
            "                        how entry starts are chosen: all at once by learned\n"
            "                        feature weights with the show notes as anchors (the\n"
            "                        only one since 0.3.0; 'rules' was removed)\n"
            "      --features        add \"units\": the features of each possible entry\n"
            "                        start, and \"names\": of each mention, kept or not\n"
            "                        (what tools/train learns the weights from)\n"
            "\n"
            "Batch:\n"
            "  -j, --jobs N, -jN     worker threads (default: online CPUs; never more\n"
            "                        than the files, at most %d); the output is the\n"
            "                        same for any N\n"
            "      --fail-fast       stop at the first input that fails\n"
            "      --progress, --no-progress  show a progress line (default: when\n"
            "                        stderr is a terminal)\n"
            "      --warnings all|summary|none  each warning, a count per warning\n"
            "                        code at the end, or none (default: summary in a\n"
            "                        batch on a terminal, else all); errors always show\n"
            "  -q, --quiet           no warnings, no progress, no summary\n"
            "\n"
            "Rules and text:\n"
            "      --rules PATH      rule file or directory (default: $TX2JSON_RULES, else\n"
            "                        the installed rules, else the checkout's; now\n"
            "                        %s)\n"
            "      --encoding NAME   input encoding (ICU name, e.g. GB18030, UTF-16LE);\n"
            "                        default: UTF-8, a BOM, or detection\n"
            "      --lang LANG|auto  rule language: one the rules name (shipped: zh, en);\n"
            "                        default auto, by the rules' script tables\n"
            "      --notes FILE      show notes of the (one) input: the reference list at\n"
            "                        their end comes after the transcript's own.  Without\n"
            "                        it, NAME.notes.txt or NAME.description.txt beside\n"
            "                        NAME.EXT is read (and a walk does not convert it)\n"
            "\n",
            TX2JSON_SCHEMA_VERSION, TX2JSON_MAX_INDENT, TX2JSON_DEFAULT_INDENT, MAX_JOBS,
            tx2json_default_rules());
    usage_limits(f);
}

void cli_check_usage(FILE *f)
{
    fprintf(f, "usage: tx2json check [--format text|json|sarif] [--werror] PATH...\n"
               "Validate rule files (a PATH is a .rules file or a directory of them).\n"
               "\n"
               "  --format FMT  text (default: file:line:col: severity: message [check],\n"
               "                then the line and a caret), json, or sarif (SARIF 2.1.0)\n"
               "  --werror      treat warnings as errors\n"
               "\n"
               "Exit status: 0 clean; 1 errors, or warnings with --werror; 2 usage error.\n");
}

static void usage_error(const char *fmt, const char *a, const char *b)
{
    fputs("tx2json: error: ", stderr);
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
}

static int parse_count(const char *opt, const char *v, unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    if (errno == ERANGE && !*end && v[0] != '-') {
        usage_error("%s %s is out of range", opt, v);
        return -1;
    }
    if (*end || x == 0 || errno || v[0] == '-' || end == v) {
        usage_error("%s needs a positive number%s", opt, "");
        return -1;
    }
    *out = x;
    return 0;
}

/* A size in bytes for --max-memory: a positive number, optionally with a
 * suffix k, M or G (powers of 1024).  Returns 0, or -1 after a message. */
static int parse_size(const char *opt, const char *v, size_t *out)
{
    static const char suffixes[] = "kKmMgG"; /* each power twice, both cases */
    enum { BITS_PER_SUFFIX = 10 };
    char num[SIZE_DIGITS_MAX];
    size_t n = strlen(v), shift = 0;
    const char *suf = n ? strchr(suffixes, v[n - 1]) : NULL;
    if (suf && v[n - 1]) {
        shift = ((size_t)(suf - suffixes) / 2 + 1) * BITS_PER_SUFFIX;
        n--;
    }
    if (n >= sizeof num) n = sizeof num - 1; /* too long: out of range below */
    memcpy(num, v, n);
    num[n] = 0;
    unsigned long long x;
    if (parse_count(opt, n == strlen(v) ? v : num, &x)) return -1;
    if (x > (SIZE_MAX >> shift)) {
        usage_error("%s %s is out of range", opt, v);
        return -1;
    }
    *out = (size_t)x << shift;
    return 0;
}

/* v as the index of one of names (NULL-terminated); else -1 after the
 * message "OPT must be a, b or c". */
static int choice(const char *opt, const char *v, const char *const *names)
{
    size_t n = 0;
    for (; names[n]; n++)
        if (!strcmp(v, names[n])) return (int)n;
    fprintf(stderr, "tx2json: error: %s must be ", opt);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%s%s", names[i], i + 2 < n ? ", " : i + 2 == n ? " or " : "\n");
    return -1;
}

/* The values of --format, in the order of cli_format. */
static const char *const FORMAT_NAMES[] = {"json", "jsonl",  "chapters", "youtube", "vtt-chapters",
                                           "csv",  "sqlite", "html",     NULL};
/* The values of --offsets, in the order of tx2json_offsets. */
static const char *const OFFSET_NAMES[] = {"codepoints", "utf16", "bytes", NULL};
/* The values of --segmenter, in the order of TX2JSON_SEGMENT_*. */
static const char *const SEGMENTER_NAMES[] = {"scored", NULL};

/* The values of --input: files (transcripts) or jsonl (records files). */
static const char *const INPUT_NAMES[] = {"files", "jsonl", NULL};

/* The values of --warnings, in the order of cli_warnings. */
static const char *const WARNINGS_NAMES[] = {"all", "summary", "none", NULL};

/* Long options without a short letter. */
enum {
    OPT_GLOB = UCHAR_MAX + 1,
    OPT_FOLLOW,
    OPT_FILES_FROM,
    OPT_NOTES,
    OPT_FORMAT,
    OPT_INDENT,
    OPT_COMPACT,
    OPT_FAIL_FAST,
    OPT_PROGRESS,
    OPT_NO_PROGRESS,
    OPT_WARNINGS,
    OPT_RULES,
    OPT_ENCODING,
    OPT_LANG,
    OPT_MAX_INPUT,
    OPT_MAX_MEMORY,
    OPT_MAX_LINE,
    OPT_MAX_REFS,
    OPT_MAX_ENTRIES,
    OPT_MATCH_LIMIT,
    OPT_DEPTH_LIMIT,
    OPT_HEAP_LIMIT,
    OPT_MAX_LIMIT_HITS,
    OPT_SEGMENTER,
    OPT_FEATURES,
    OPT_OFFSETS,
    OPT_INPUT
};

/* Short options; the leading ':' makes a missing value ':' (not '?'). */
static const char SHORT_OPTS[] = ":hVqj:o:0";

static const struct option LONG_OPTS[] = {
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {"quiet", no_argument, NULL, 'q'},
    {"jobs", required_argument, NULL, 'j'},
    {"output", required_argument, NULL, 'o'},
    {"glob", required_argument, NULL, OPT_GLOB},
    {"follow", no_argument, NULL, OPT_FOLLOW},
    {"files-from", required_argument, NULL, OPT_FILES_FROM},
    {"notes", required_argument, NULL, OPT_NOTES},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"indent", required_argument, NULL, OPT_INDENT},
    {"compact", no_argument, NULL, OPT_COMPACT},
    {"fail-fast", no_argument, NULL, OPT_FAIL_FAST},
    {"progress", no_argument, NULL, OPT_PROGRESS},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
    {"warnings", required_argument, NULL, OPT_WARNINGS},
    {"rules", required_argument, NULL, OPT_RULES},
    {"encoding", required_argument, NULL, OPT_ENCODING},
    {"lang", required_argument, NULL, OPT_LANG},
    {"max-input", required_argument, NULL, OPT_MAX_INPUT},
    {"max-memory", required_argument, NULL, OPT_MAX_MEMORY},
    {"max-line", required_argument, NULL, OPT_MAX_LINE},
    {"max-refs", required_argument, NULL, OPT_MAX_REFS},
    {"max-entries", required_argument, NULL, OPT_MAX_ENTRIES},
    {"match-limit", required_argument, NULL, OPT_MATCH_LIMIT},
    {"depth-limit", required_argument, NULL, OPT_DEPTH_LIMIT},
    {"heap-limit", required_argument, NULL, OPT_HEAP_LIMIT},
    {"max-limit-hits", required_argument, NULL, OPT_MAX_LIMIT_HITS},
    {"segmenter", required_argument, NULL, OPT_SEGMENTER},
    {"features", no_argument, NULL, OPT_FEATURES},
    {"offsets", required_argument, NULL, OPT_OFFSETS},
    {"input", required_argument, NULL, OPT_INPUT},
    {NULL, 0, NULL, 0}};

/* Applies option id with value v (NULL for flags); opt is its name as
 * typed, for messages.  Returns 0, 2 on a usage error, or 1 after --help
 * or --version (printed). */
static int apply(cli *c, inputs *in, int id, const char *opt, const char *v)
{
    unsigned long long x = 0;
    int k;
    switch (id) {
    case 'h':
        cli_usage(stdout);
        return 1;
    case 'V':
        printf("tx2json %s\n", tx2json_version());
        return 1;
    case 'q':
        c->quiet = 1;
        break;
    case '0':
        c->nul = 1;
        break;
    case 'j':
        if (parse_count(opt, v, &x)) return 2;
        c->jobs = x > MAX_JOBS ? MAX_JOBS : (long)x;
        break;
    case 'o':
        if (!*v) {
            usage_error("%s needs a non-empty path%s", opt, "");
            return 2;
        }
        c->output = v;
        break;
    case OPT_GLOB:
        in->globs[in->nglobs++] = v;
        break;
    case OPT_FOLLOW:
        c->follow = 1;
        break;
    case OPT_FILES_FROM:
        c->list = v;
        break;
    case OPT_NOTES:
        c->notes = v;
        break;
    case OPT_FORMAT:
        if ((k = choice(opt, v, FORMAT_NAMES)) < 0) return 2;
        c->format = (cli_format)k;
        c->opts.output = k >= CLI_FORMAT_CHAPTERS && k <= CLI_FORMAT_VTT_CHAPTERS
                             ? (tx2json_output)(TX2JSON_OUTPUT_CHAPTERS + (k - CLI_FORMAT_CHAPTERS))
                         : k == CLI_FORMAT_HTML ? TX2JSON_OUTPUT_HTML
                                                : TX2JSON_OUTPUT_JSON;
        c->tables = k == CLI_FORMAT_CSV      ? TABLES_CSV
                    : k == CLI_FORMAT_SQLITE ? TABLES_SQLITE
                                             : TABLES_NONE;
        break;
    case OPT_OFFSETS:
        if ((k = choice(opt, v, OFFSET_NAMES)) < 0) return 2;
        c->opts.offsets = (tx2json_offsets)k;
        break;
    case OPT_INPUT:
        if ((k = choice(opt, v, INPUT_NAMES)) < 0) return 2;
        c->records = k;
        break;
    case OPT_SEGMENTER:
        if (!strcmp(v, "rules")) {
            fprintf(stderr, "tx2json: error: --segmenter=rules was removed in 0.3.0: the scored "
                            "segmenter replaced the rule cascade\n");
            return 2;
        }
        if ((k = choice(opt, v, SEGMENTER_NAMES)) < 0) return 2;
        c->opts.segmenter = k;
        break;
    case OPT_FEATURES:
        c->opts.features = 1;
        break;
    case OPT_INDENT: {
        char *end;
        errno = 0;
        long n = strtol(v, &end, 10);
        if (!*v || *end || errno || n < 0 || n > TX2JSON_MAX_INDENT || !strchr("0123456789", *v)) {
            fprintf(stderr, "tx2json: error: %s must be a number from 0 to %d\n", opt,
                    TX2JSON_MAX_INDENT);
            return 2;
        }
        c->opts.indent = (int)n;
        c->opts.compact = n == 0;
        break;
    }
    case OPT_COMPACT:
        c->opts.compact = 1;
        break;
    case OPT_FAIL_FAST:
        c->fail_fast = 1;
        break;
    case OPT_PROGRESS:
    case OPT_NO_PROGRESS:
        c->show_progress = id == OPT_PROGRESS;
        break;
    case OPT_WARNINGS:
        if ((k = choice(opt, v, WARNINGS_NAMES)) < 0) return 2;
        c->warnings = (cli_warnings)k;
        break;
    case OPT_RULES:
        c->rules = v;
        break;
    case OPT_ENCODING:
        c->opts.encoding = v;
        break;
    case OPT_LANG:
        c->opts.lang = v; /* checked against the rules' languages once they load */
        break;
    case OPT_MAX_MEMORY:
        if (parse_size(opt, v, &c->max_memory)) return 2;
        break;
    default: /* the limits, all positive numbers */
        if (parse_count(opt, v, &x)) return 2;
        if (id == OPT_MAX_INPUT) c->opts.max_input = (size_t)x;
        if (id == OPT_MAX_LINE) c->opts.max_line = (size_t)x;
        if (id == OPT_MAX_REFS) c->opts.max_refs = (size_t)x;
        if (id == OPT_MAX_ENTRIES) c->opts.max_entries = (size_t)x;
        if (id == OPT_MAX_LIMIT_HITS) c->opts.max_limit_hits = (size_t)x;
        if (id == OPT_MATCH_LIMIT) c->match_limit = (unsigned long)x;
        if (id == OPT_DEPTH_LIMIT) c->depth_limit = (unsigned long)x;
        if (id == OPT_HEAP_LIMIT) c->heap_limit = (unsigned long)x;
        break;
    }
    return 0;
}

/* The name of the option getopt_long just returned (id) from table, as
 * typed: "--name" or "-x".  buf holds it. */
static const char *typed_name(const struct option *table, int li, int id, char *buf, size_t size)
{
    if (li >= 0)
        snprintf(buf, size, "--%s", table[li].name);
    else
        snprintf(buf, size, "-%c", id);
    return buf;
}

/* Reports what getopt_long returned '?' or ':' (id) for: an unknown
 * option, a flag given a value (--quiet=1) or an option without its
 * value.  shorts are the short letters and the values of the table's
 * long options (to tell --flag=VALUE); check is 1 for `tx2json check`.
 * Returns 2. */
static int getopt_error(char **argv, const char *shorts, int id, int check)
{
    /* The argument getopt_long stopped at, when it is a long option (a
     * short one inside a bundle may not have moved optind yet). */
    const char *a = optind > 0 ? argv[optind - 1] : "";
    int is_long = a[0] == '-' && a[1] == '-';
    int known = optopt > UCHAR_MAX || (optopt > 0 && optopt != ':' && strchr(shorts, optopt));
    int len = (int)strcspn(a, "=");
    const char *where = check ? " for check" : "", *see = check ? "check --help" : "--help";
    if (id == ':' && is_long)
        fprintf(stderr, "tx2json: error: %.*s needs an argument\n", len, a);
    else if (id == ':')
        fprintf(stderr, "tx2json: error: -%c needs an argument\n", optopt);
    else if (optopt == 0 || (known && is_long && a[len] == '='))
        fprintf(stderr, "tx2json: error: %s '%.*s'%s (see %s)\n",
                optopt ? "no value goes with option" : "unknown option", len, a, where, see);
    else
        fprintf(stderr, "tx2json: error: unknown option '-%c'%s (see %s)\n", optopt, where, see);
    return 2;
}

int cli_parse(int argc, char **argv, cli *c, inputs *in)
{
    char name[OPT_NAME_MAX];
    opterr = 0; /* our messages, not getopt's */
    optind = 1;
    for (;;) {
        int li = -1;
        int id = getopt_long(argc, argv, SHORT_OPTS, LONG_OPTS, &li);
        if (id == -1) break;
        if (id == '?' || id == ':') return getopt_error(argv, SHORT_OPTS, id, 0);
        const char *opt = typed_name(LONG_OPTS, li, id, name, sizeof name);
        int rc = apply(c, in, id, opt, optarg);
        if (rc) return rc == 1 ? 0 : rc;
    }
    for (int i = optind; i < argc; i++)
        c->args[c->nargs++] = argv[i];
    if (c->nargs == 0 && !c->list && !c->records) { /* records: stdin */
        cli_usage(stderr);
        return 2;
    }
    return -1;
}

int cli_parse_check(int argc, char **argv, tx2json_check_format *fmt, int *werror)
{
    static const char *const names[] = {"text", "json", "sarif", NULL};
    static const tx2json_check_format formats[] = {TX2JSON_CHECK_TEXT, TX2JSON_CHECK_JSON,
                                                   TX2JSON_CHECK_SARIF};
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"werror", no_argument, NULL, 'w'},
                                         {NULL, 0, NULL, 0}};
    char name[OPT_NAME_MAX];
    opterr = 0;
    optind = 1;
    for (;;) {
        int li = -1, k;
        int id = getopt_long(argc, argv, ":h", opts, &li);
        if (id == -1) break;
        if (id == '?' || id == ':') return getopt_error(argv, ":hfw", id, 1);
        const char *opt = typed_name(opts, li, id, name, sizeof name);
        switch (id) {
        case 'h':
            cli_check_usage(stdout);
            return 0;
        case 'w':
            *werror = 1;
            break;
        case 'f':
            if ((k = choice(opt, optarg, names)) < 0) return 2;
            *fmt = formats[k];
            break;
        }
    }
    if (optind >= argc) {
        cli_check_usage(stderr);
        return 2;
    }
    return -1;
}
