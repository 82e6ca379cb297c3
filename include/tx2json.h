/* tx2json.h - public interface of libtx2json.
 *
 * tx2json turns the speech-recognition transcript of a news episode into
 * structured JSON: entries, organisations, project mentions, and links from
 * mentions to the episode's reference list.  This is the only public header;
 * every other symbol of the library is hidden.
 *
 * Errors are values: every function that can fail returns a tx2json_status
 * and fills a caller-provided tx2json_error.  The library never exits or
 * aborts, not even when memory runs out.
 */
#ifndef TX2JSON_H
#define TX2JSON_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define TX2JSON_API __attribute__((visibility("default")))
#else
#define TX2JSON_API
#endif

/* The version this header belongs to.  tx2json_version_number() gives the
 * library's at run time, to compare with TX2JSON_VERSION_NUMBER (a program
 * built against this header needs a library of the same major version and
 * at least this minor version). */
#define TX2JSON_VERSION_MAJOR 0
#define TX2JSON_VERSION_MINOR 3
#define TX2JSON_VERSION_PATCH 0
#define TX2JSON_VERSION "0.3.0"
/* MAJOR * 10000 + MINOR * 100 + PATCH, as PCRE2 and zlib number theirs. */
#define TX2JSON_VERSION_NUMBER                                                                     \
    (TX2JSON_VERSION_MAJOR * 10000 + TX2JSON_VERSION_MINOR * 100 + TX2JSON_VERSION_PATCH)
#define TX2JSON_SCHEMA_VERSION 2

typedef enum tx2json_status {
    TX2JSON_OK = 0,
    TX2JSON_ENOMEM,    /* allocation failed */
    TX2JSON_EIO,       /* file could not be opened or read */
    TX2JSON_EDECODE,   /* input is not valid text in its encoding */
    TX2JSON_EEMPTY,    /* input holds no text */
    TX2JSON_ERULES,    /* a rule file could not be read or compiled */
    TX2JSON_ELIMIT,    /* a configured limit was exceeded */
    TX2JSON_EINVAL,    /* bad argument */
    TX2JSON_EINTERNAL, /* a library call (ICU, PCRE2, cJSON) failed */
    TX2JSON_EOUTPUT    /* the input cannot give the output asked for (chapters
                        * of a transcript without times, too few YouTube chapters) */
} tx2json_status;

/* What a conversion writes: the JSON document (the default), or chapters
 * made from it: Podcasting 2.0 JSON chapters (version 1.2.0), YouTube
 * description lines ("00:00 Title") or a WebVTT chapters track.  Chapters
 * need times (a subtitle or speech-recognition JSON input): without them
 * the conversion fails with TX2JSON_EOUTPUT. */
typedef enum tx2json_output {
    TX2JSON_OUTPUT_JSON = 0,
    TX2JSON_OUTPUT_CHAPTERS,
    TX2JSON_OUTPUT_YOUTUBE,
    TX2JSON_OUTPUT_VTT_CHAPTERS,
    /* A review page: one self-contained HTML document (no script, nothing
     * remote) with the transcript, its entries, mentions, organisations,
     * references and diagnostics marked; weak links are those scoring
     * below the rules' param:review-weak. */
    TX2JSON_OUTPUT_HTML
} tx2json_output;

/* The unit of every span of the document: code points of the decoded
 * text (the default, as Python indexes strings), UTF-16 code units (as
 * JavaScript, Java and C# index strings) or bytes of its UTF-8 (as C,
 * Go and Rust do).  The decoded text is the input with its BOM dropped and
 * its line endings folded to LF, in every unit. */
typedef enum tx2json_offsets {
    TX2JSON_OFFSETS_CODEPOINTS = 0,
    TX2JSON_OFFSETS_UTF16,
    TX2JSON_OFFSETS_BYTES
} tx2json_offsets;

/* Where and why something failed.  Fields that do not apply are 0 / "". */
typedef struct tx2json_error {
    tx2json_status code;
    char file[512]; /* file the error is about (input or rule file) */
    size_t line;    /* 1-based line, 0 when unknown */
    size_t column;  /* 1-based column in code points, 0 when unknown */
    size_t offset;  /* byte offset into the file, (size_t)-1 when unknown */
    char message[512];
} tx2json_error;

/* Counts of one successful conversion. */
typedef struct tx2json_stats {
    size_t entries;    /* entries found */
    size_t references; /* reference lines */
    size_t links;      /* references owned by an entry */
} tx2json_stats;

/* Per-conversion options.  Call tx2json_options_init, then set what you
 * need.  `size` is sizeof(tx2json_options) as the caller compiled it, so
 * later versions can add fields at the end: the library reads no field
 * past `size`.  A zero-initialised struct (size 0) still works and means
 * this version's fields, with the defaults for zero values. */
enum { TX2JSON_SEGMENT_SCORED = 0, TX2JSON_SEGMENT_RULES = 1 };

typedef struct tx2json_options {
    size_t size;          /* sizeof(tx2json_options); tx2json_options_init sets it */
    const char *encoding; /* force an input encoding (ICU name); NULL = detect */
    const char *lang;     /* a language of the rules (tx2json_ctx_language), or
                           * NULL/"auto" = found by the rules' script tables */
    int compact;          /* nonzero: one-line JSON instead of indented */
    /* Spaces per level of indented JSON (the layout of `jq .`), 1 to
     * TX2JSON_MAX_INDENT; 0 = default (TX2JSON_DEFAULT_INDENT).  Ignored
     * when compact. */
    int indent;
    size_t max_input;   /* bytes; 0 = default (256 MiB) */
    size_t max_line;    /* bytes in one line; 0 = default (1 MiB) */
    size_t max_refs;    /* reference lines; 0 = default (20000) */
    size_t max_entries; /* entries; 0 = default (20000) */
    /* A rule that hits a PCRE2 limit this many times in one document is
     * switched off for the rest of it (a "match-limit" warning names it),
     * so a backtracking rule costs a bounded time per file; 0 = default
     * (TX2JSON_DEFAULT_LIMIT_HITS). */
    size_t max_limit_hits;
    /* Called once per warning of a successful conversion (may be NULL):
     * line and column are 1-based, in code points, 0 when the warning has no
     * position; code is a stable identifier such as "unlinked-reference". */
    void (*on_warning)(void *user, const char *file, size_t line, size_t column, const char *code,
                       const char *message);
    void *user;
    tx2json_stats *stats; /* when non-NULL, filled on success */
    /* Show notes that go with the transcript (may be NULL): a second text,
     * decoded as the input is and read as plain text.  The reference list
     * at its end, found as the transcript's own is, comes after the
     * transcript's references (one the transcript already lists, same
     * label and URL, is not repeated).  A reference from the notes has
     * "span": null, and warnings about the notes name notes_name. */
    const unsigned char *notes;
    size_t notes_len;
    const char *notes_name; /* for messages; NULL: "notes" */
    tx2json_output output;  /* what *json_out holds; 0: the JSON document */
    /* How entry starts are chosen: TX2JSON_SEGMENT_SCORED (0, the
     * default and the only one) all at once, by the weights the rules'
     * weights tables give each unit's features (tools/train fits them to
     * gold corpora), with the references of the show notes as anchors.
     * TX2JSON_SEGMENT_RULES (the rule cascade, the default through 0.2,
     * when the values were swapped) was removed in 0.3.0: asking for it
     * is TX2JSON_EINVAL. */
    int segmenter;
    /* Nonzero: the output gains "units", each unit of the episode body (a
     * sentence or subtitle line) with its start and the features that
     * score it as an entry start; tools/train reads them. */
    int features;
    /* The unit of spans (and of units' starts); not the default, it is
     * named in source.offsets ("utf16" or "bytes"). */
    tx2json_offsets offsets;
} tx2json_options;

#define TX2JSON_DEFAULT_INDENT 2
#define TX2JSON_MAX_INDENT 7

/* Sets *opts to the defaults: zeroes, size = sizeof *opts, indent
 * TX2JSON_DEFAULT_INDENT. */
TX2JSON_API void tx2json_options_init(tx2json_options *opts);

/* A loaded rule set plus the caches shared by conversions (pinyin).  One per
 * process is enough; it is not safe to use one context from two threads at
 * once. */
typedef struct tx2json_ctx tx2json_ctx;

/* The rules directory tx2json_ctx_new(NULL, ...) loads: $TX2JSON_RULES
 * when set and non-empty; else the installed one (DATADIR/tx2json/rules)
 * when it exists; else the checkout's rules/ of an uninstalled build
 * (static storage, or the environment's). */
TX2JSON_API const char *tx2json_default_rules(void);

/* Returns the library version string, "MAJOR.MINOR.PATCH" (static
 * storage). */
TX2JSON_API const char *tx2json_version(void);

/* Returns the library version as TX2JSON_VERSION_NUMBER numbers it. */
TX2JSON_API int tx2json_version_number(void);

/* Returns a static English description of a status code. */
TX2JSON_API const char *tx2json_strstatus(tx2json_status code);

/* Loads and compiles every *.rules file in rules_dir (or the single file it
 * names); rules_dir NULL means tx2json_default_rules(): $TX2JSON_RULES,
 * else the installed rules, else the checkout's.  On
 * success stores a new context in *out (caller frees with
 * tx2json_ctx_free) and returns TX2JSON_OK.  On failure *out is NULL and err
 * says which rule file, line and column failed. */
TX2JSON_API tx2json_status tx2json_ctx_new(const char *rules_dir, tx2json_ctx **out,
                                           tx2json_error *err);

/* Sets the PCRE2 limits every rule match runs under (0 keeps a value):
 * match limit (default 1000000), depth limit (10000) and heap limit in KiB
 * (20000).  A match that hits one counts as no match and the document gets
 * a "match-limit" diagnostic.  The heap limit also bounds the JIT stack.
 * PCRE2's JIT has no depth limit, so setting one makes every match run in
 * PCRE2's interpreter, slower but bounded as asked.  Set limits before
 * cloning: a clone takes its parent's limits.  Returns TX2JSON_OK, or
 * TX2JSON_ENOMEM (the limits are then unchanged only in part). */
TX2JSON_API tx2json_status tx2json_ctx_set_limits(tx2json_ctx *ctx, unsigned long match_limit,
                                                  unsigned long depth_limit,
                                                  unsigned long heap_kib);

/* A rule's limit hits per document before it is switched off. */
#define TX2JSON_DEFAULT_LIMIT_HITS 10

/* Makes a context for another thread: it shares ctx's compiled rules (read
 * only) and has its own match data, ICU break iterators (cloned) and pinyin
 * cache.  Free clones before ctx.  Returns TX2JSON_OK or TX2JSON_ENOMEM. */
TX2JSON_API tx2json_status tx2json_ctx_clone(const tx2json_ctx *ctx, tx2json_ctx **out,
                                             tx2json_error *err);

/* The i-th language the context's rules name ("zh", "en", ...: the values
 * of their lang: fields), or NULL past the last.  tx2json_options.lang
 * must be one of them, or "auto". */
TX2JSON_API const char *tx2json_ctx_language(const tx2json_ctx *ctx, size_t i);

/* Checks opts before any input is converted: its size and fields (as
 * tx2json_convert_buffer reads them), that ICU has a converter named
 * opts->encoding, and, when ctx is not NULL, that opts->lang is "auto" or
 * a language of ctx's rules.  Returns TX2JSON_OK, TX2JSON_EINVAL with the
 * reason in err, or TX2JSON_ENOMEM. */
TX2JSON_API tx2json_status tx2json_options_check(const tx2json_ctx *ctx,
                                                 const tx2json_options *opts, tx2json_error *err);

/* Frees a context; NULL is allowed. */
TX2JSON_API void tx2json_ctx_free(tx2json_ctx *ctx);

/* Converts the bytes data[0..len) that were read from `name` (used in
 * messages and in source.path).  On success *json_out holds a NUL-terminated
 * JSON document (caller frees with tx2json_free).  On failure *json_out is
 * NULL and err is filled. */
TX2JSON_API tx2json_status tx2json_convert_buffer(tx2json_ctx *ctx, const char *name,
                                                  const unsigned char *data, size_t len,
                                                  const tx2json_options *opts, char **json_out,
                                                  tx2json_error *err);

/* Receives the output of tx2json_convert_stream in pieces, in order:
 * returns 0 to go on, nonzero to stop the conversion (TX2JSON_EIO). */
typedef int (*tx2json_write_fn)(void *user, const char *bytes, size_t len);

/* Converts as tx2json_convert_buffer, with two differences that keep the
 * memory a large input needs in proportion to it.  The input: data must
 * come from malloc; the call takes it over and frees it before it returns
 * (decoding may turn it into the decoded text instead of copying it).
 * The output: the JSON document (opts->output 0) goes to write in pieces
 * as it is made, the same bytes tx2json_convert_buffer returns, and is
 * never held whole; any other output is made whole and given to write at
 * once.  Warnings go to opts->on_warning before the first piece is
 * written.  A failure while writing (out of memory, or write returning
 * nonzero) leaves the pieces written so far. */
TX2JSON_API tx2json_status tx2json_convert_stream(tx2json_ctx *ctx, const char *name,
                                                  unsigned char *data, size_t len,
                                                  const tx2json_options *opts,
                                                  tx2json_write_fn write, void *user,
                                                  tx2json_error *err);

/* Reads the file at path and converts it, as tx2json_convert_buffer.
 * A directory, a missing file or an unreadable one gives TX2JSON_EIO. */
TX2JSON_API tx2json_status tx2json_convert_file(tx2json_ctx *ctx, const char *path,
                                                const tx2json_options *opts, char **json_out,
                                                tx2json_error *err);

/* Releases ICU's process-wide caches (transliterator registry, break
 * dictionaries).  Optional; call once at exit, after every context is
 * freed and no other thread uses ICU. */
TX2JSON_API void tx2json_global_cleanup(void);

typedef enum tx2json_check_format {
    TX2JSON_CHECK_TEXT, /* file:line:col: error|warning: message [rule], source line, caret */
    TX2JSON_CHECK_JSON, /* a JSON array, one object per diagnostic */
    TX2JSON_CHECK_SARIF /* SARIF 2.1.0, one run */
} tx2json_check_format;

/* Checks the rule files or directories paths[0..npaths): syntax, PCRE2
 * compilation, each rule's examples, match limits on examples and on
 * generated worst cases, rules without examples, shadowed rules.  Stores
 * the report in *report (caller frees with tx2json_free; empty text when
 * clean) and the counts in *nerrors and *nwarnings.  Problems in the rules
 * are not failures of this call: it returns TX2JSON_OK unless memory runs
 * out. */
TX2JSON_API tx2json_status tx2json_check(const char *const *paths, size_t npaths,
                                         tx2json_check_format fmt, char **report, size_t *nerrors,
                                         size_t *nwarnings, tx2json_error *err);

/* One converted (or failed) episode of a batch's review index. */
typedef struct tx2json_index_row {
    const char *source; /* the input's path, as shown */
    const char *page;   /* its page, relative to the index; NULL: it failed */
    size_t entries, links, unlinked, warnings;
} tx2json_index_row;

/* Writes the review index of a batch (the `index.html` beside the pages
 * of --format html): a table of rows[0..n) with each episode's counts
 * and a link to its page, sortable by each column (a small inline script
 * whose hash the page's Content-Security-Policy names; the table reads
 * the same without it).  Stores the page in *html_out (caller frees with
 * tx2json_free) and returns TX2JSON_OK, or TX2JSON_ENOMEM (err filled,
 * *html_out NULL). */
TX2JSON_API tx2json_status tx2json_html_index(const tx2json_index_row *rows, size_t n,
                                              char **html_out, tx2json_error *err);

/* Frees memory returned by the library; NULL is allowed. */
TX2JSON_API void tx2json_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
