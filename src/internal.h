/* internal.h - types shared by the pipeline stages of libtx2json.
 *
 * Data flows one way:  read.c (bytes -> text)  ->  normalize.c (text ->
 * matching form + offset map)  ->  segment.c (sentences, tokens, name
 * candidates)  ->  rules.c (compiled patterns, used by the later stages)  ->
 * episode.c (intro, outro, entries, organisations, mentions)  ->
 * references.c (reference list)  ->  link.c (scoring + assignment)  ->
 * output.c (JSON).  tx2json.c drives the stages.  Nothing here is exported.
 */
#ifndef TX2JSON_INTERNAL_H
#define TX2JSON_INTERNAL_H

#include "tx2json.h"
#include <stddef.h>
#include <stdint.h>

#define TXI __attribute__((visibility("hidden")))

/* ---- util.c ---------------------------------------------------------- */
TXI void tx_seterr(tx2json_error *err, tx2json_status code, const char *file, size_t line,
                   size_t col, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
TXI char *tx_strndup(const char *s, size_t n);                     /* NULL on OOM; caller frees */
TXI void *tx_grow(void *p, size_t *cap, size_t need, size_t elem); /* NULL on OOM */

/* Growable byte buffer; s is always NUL-terminated when non-NULL. */
typedef struct tx_strbuf {
    char *s;
    size_t len, cap;
    int oom;
} tx_strbuf;
TXI void tx_sb_add(tx_strbuf *b, const char *s, size_t n);
TXI void tx_sb_addc(tx_strbuf *b, char c);
TXI void tx_sb_addcp(tx_strbuf *b, uint32_t cp); /* append one code point as UTF-8 */
TXI void tx_sb_free(tx_strbuf *b);

/* A set of strings (open addressing; the set owns copies). */
typedef struct tx_strset {
    char **slot;
    size_t cap, n;
} tx_strset;
TXI size_t tx_str_hash(const char *s);          /* FNV-1a */
TXI int tx_strset_add(tx_strset *s, const char *key); /* 0, or -1 on OOM */
TXI int tx_strset_has(const tx_strset *s, const char *key);
TXI void tx_strset_free(tx_strset *s);

/* A map from byte strings to indices (open addressing).  The map does not
 * own its keys: each must stay valid, unchanged, while the map lives. */
typedef struct tx_nmap_slot {
    const char *key; /* NULL: empty slot */
    size_t len, val;
} tx_nmap_slot;
typedef struct tx_nmap {
    tx_nmap_slot *slot;
    size_t cap, n;
} tx_nmap;
TXI size_t tx_mem_hash(const char *s, size_t n); /* FNV-1a */
/* Sets key -> val (replacing any value); 0, or -1 on OOM. */
TXI int tx_nmap_put(tx_nmap *m, const char *key, size_t len, size_t val);
/* 1 and *val when key is present, else 0. */
TXI int tx_nmap_get(const tx_nmap *m, const char *key, size_t len, size_t *val);
TXI void tx_nmap_free(tx_nmap *m);

/* Reads one UTF-8 code point at s[*i] (input known valid); advances *i. */
TXI uint32_t tx_u8_next(const char *s, size_t *i);
/* Offset of the first invalid UTF-8 byte of s[0..len) (overlongs,
 * surrogates and values past U+10FFFF are invalid), or len when valid;
 * counts valid multi-byte sequences and invalid bytes. */
TXI size_t tx_utf8_check(const unsigned char *s, size_t len, size_t *nmulti, size_t *nbad);
TXI void tx_sha256_hex(const unsigned char *data, size_t len, char out[65]);

/* Diagnostics of one conversion (link.c keeps the functions). */
typedef struct tx_diag {
    const char *severity;
    const char *code;
    char *message;
    long start, end; /* norm bytes, -1 when none */
} tx_diag;
typedef struct tx_diags {
    tx_diag *d;
    size_t n, cap;
} tx_diags;
TXI void tx_diag_add(tx_diags *ds, const char *severity, const char *code, long start, long end,
                     const char *fmt, ...) __attribute__((format(printf, 6, 7)));
TXI void tx_diags_free(tx_diags *ds);

/* ---- read.c ---------------------------------------------------------- */
/* The decoded input: UTF-8 text with CRLF/CR folded to LF and no BOM, plus
 * the byte offset of every code point, so spans can be given in code points
 * as Python's str indexing does. */
typedef struct tx_doc {
    const char *name;
    size_t raw_len;
    char sha256[65];
    char encoding[64];
    char *text;       /* decoded UTF-8 */
    size_t len;       /* bytes */
    size_t ncp;       /* code points */
    uint32_t *cp_off; /* ncp+1 byte offsets */
    char lang[4];
} tx_doc;

TXI tx2json_status tx_decode(tx_doc *doc, const unsigned char *data, size_t len,
                             const char *forced_encoding, tx2json_error *err);
TXI void tx_doc_free(tx_doc *doc);
TXI size_t tx_byte_to_cp(const tx_doc *doc, size_t byte); /* text byte -> code point */

/* ---- normalize.c ----------------------------------------------------- */
/* The matching form: NFKC applied per normalisation chunk, so full-width
 * forms become half-width; map[b] is the code point of the original text
 * where the chunk holding normalised byte b starts. */
typedef struct tx_norm {
    char *s;
    size_t len;
    uint32_t *map; /* len+1 entries; map[len] == doc->ncp */
} tx_norm;
TXI tx2json_status tx_normalize(const tx_doc *doc, tx_norm *out, tx2json_error *err);
TXI void tx_norm_free(tx_norm *n);
/* Matching key of a name: NFKC, case-folded, letters and digits only, with
 * spoken number words turned into digits.  Caller frees; NULL on OOM. */
TXI char *tx_name_key(const char *s, size_t n);
TXI int tx_is_number_word(const char *s, size_t n);
TXI int tx_has_han(const char *s, size_t n);
TXI double tx_han_share(const char *s, size_t n);

typedef struct tx_ruleset tx_ruleset;

/* ---- segment.c ------------------------------------------------------- */
typedef struct tx_sentence {
    size_t start, end; /* byte offsets into norm, after any speaker label */
    size_t label;      /* start of the line's speaker label ("HOST: "), else start */
} tx_sentence;

enum { CAND_LATIN = 1, CAND_HAN = 2 };
typedef struct tx_cand {
    size_t start, end; /* byte offsets into norm */
    int kind;
    int sentence;
} tx_cand;

typedef struct tx_seg {
    tx_sentence *sent;
    size_t nsent;
    tx_cand *cand;
    size_t ncand;
} tx_seg;
/* Splits norm[from..to) into sentences and Latin name candidates. */
/* sbrk/wbrk are the context's ICU sentence and word break iterators
 * (UBreakIterator *), reused across documents.  With rs, speaker labels
 * that its speaker rules find at the start of two or more lines are kept
 * out of the sentences and candidates (tx_sentence.label). */
TXI tx2json_status tx_segment(const tx_norm *n, size_t from, size_t to, int lines_layout,
                              const tx_ruleset *rs, const char *lang, void *sbrk, void *wbrk,
                              tx_seg *out, tx2json_error *err);
TXI void tx_seg_free(tx_seg *s);

/* ---- rules.c --------------------------------------------------------- */
typedef enum rule_kind {
    RK_INTRO,
    RK_OUTRO,
    RK_REFHEADER,
    RK_REFERENCE,
    RK_ENTRY,
    RK_CONTINUATION,
    RK_ORG,
    RK_MENTION,
    RK_STOPNAME,
    RK_URLNOISE,
    RK_ITEMNUM,
    RK_HEADLINES,
    RK_SPEAKER,
    RK_NKINDS
} rule_kind;

/* Requirements, and the announce flag (a), as bits of tx_rule_requires. */
enum {
    REQ_NEWNAME = 1,
    REQ_NEXTNAME = 2,
    REQ_HEARD = 4,
    REQ_LINESTART = 8,
    REQ_ANNOUNCE = 16,
    REQ_PARASTART = 32
};

typedef struct tx_rule tx_rule;
typedef struct tx_ruleset tx_ruleset;

/* A match: group spans as byte offsets in the subject, -1 when unset. */
#define TX_MAXGROUPS 16
typedef struct tx_match {
    size_t start, end;
    int ngroups;
    const char *gname[TX_MAXGROUPS];
    long gstart[TX_MAXGROUPS], gend[TX_MAXGROUPS];
} tx_match;

TXI extern const char *const tx_kind_names[RK_NKINDS];

/* A problem found in rule files (tx2json check). */
typedef struct tx_rdiag {
    int error;      /* 1 error, 0 warning */
    const char *id; /* stable check id: "pcre2-compile", "shadowed", ... */
    char *file;
    size_t line, col; /* 1-based; 0 when unknown */
    char *rule;       /* rule name or NULL */
    char *msg;
} tx_rdiag;

/* Loads rules for conversion: the first error stops the load. */
TXI tx2json_status tx_rules_load(const char *path, tx_ruleset **out, tx2json_error *err);
/* Loads rules for checking: every problem is collected (tx_rules_diags)
 * and loading goes on; only OOM fails. */
TXI tx2json_status tx_rules_load_check(const char *const *paths, size_t n, tx_ruleset **out,
                                       tx2json_error *err);
/* Runs examples, worst-case limit probes and the warnings over a ruleset
 * loaded with tx_rules_load_check; results go to its diagnostics. */
TXI tx2json_status tx_rules_check(tx_ruleset *rs, tx2json_error *err);
TXI size_t tx_rules_diags(const tx_ruleset *rs, const tx_rdiag **out);
/* Parses rule text held in memory (includes resolve against the working
 * directory); with check set, collects diagnostics and runs the checks.
 * For the fuzzers and tests. */
TXI tx2json_status tx_rules_load_text(const char *name, const char *text, size_t len, int check,
                                      tx_ruleset **out, tx2json_error *err);
TXI void tx_rules_free(tx_ruleset *rs);
/* A view of rs with its own match data and limit counters, for another
 * thread; free it (tx_rules_free) before rs.  NULL on OOM. */
TXI tx_ruleset *tx_rules_clone(const tx_ruleset *rs);
TXI size_t tx_rules_count(const tx_ruleset *rs, rule_kind k, const char *lang);
/* Iterates rules of kind k for language lang ("zh"/"en"); idx from 0. */
TXI const tx_rule *tx_rules_get(const tx_ruleset *rs, rule_kind k, const char *lang, size_t idx);
TXI const char *tx_rule_name(const tx_rule *r);
TXI int tx_rule_requires(const tx_rule *r);
/* Matches r against subj[0..len) from byte offset `from`.  Returns 1 on a
 * match (filled into m), 0 on no match, -1 when a PCRE2 limit was hit or
 * the match failed (no match is then assumed). */
TXI int tx_rule_match(const tx_ruleset *rs, const tx_rule *r, const char *subj, size_t len,
                      size_t from, tx_match *m);
/* 1 when any rule of kind k matches the whole of s[0..n). */
TXI int tx_rules_any_full(const tx_ruleset *rs, rule_kind k, const char *lang, const char *s,
                          size_t n);
TXI size_t tx_rules_limit_hits(const tx_ruleset *rs);
/* Rules switched off in this document for hitting a limit `budget` times:
 * call with *i = 0, then again until NULL. */
TXI const tx_rule *tx_rules_switched_off(const tx_ruleset *rs, size_t *i);
/* Sets the limits (0 keeps one); a depth limit makes matches run in the
 * interpreter.  0, or -1 on OOM (the JIT stack is remade). */
TXI int tx_rules_set_limits(tx_ruleset *rs, unsigned long match, unsigned long depth,
                            unsigned long heap_kib);
/* Starts a document: no limit hits yet; a rule is switched off for the
 * document once it hits a limit `budget` times (0: never). */
TXI void tx_rules_reset_hits(tx_ruleset *rs, size_t budget);

/* ---- references.c ---------------------------------------------------- */
typedef struct tx_ref {
    size_t start, end;   /* norm byte span of the whole line */
    size_t lstart, lend; /* label, norm bytes */
    size_t ustart, uend; /* url, norm bytes */
    char *label, *url;   /* copies (original text) */
    const char *rule;
    int entry; /* owning entry or -1 */
} tx_ref;
typedef struct tx_reflist {
    tx_ref *ref;
    size_t nref;
    size_t max_refs;     /* set by the caller; 0 = no limit */
    int over_limit;      /* more reference lines than max_refs */
    size_t region_start; /* norm byte where the list (or its header) starts; == len when none */
} tx_reflist;
/* Reads the reference list at the end of the text into out (whose
 * max_refs the caller sets); lines that look like references but have no
 * usable URL, and repeated labels, become warnings in diags. */
TXI tx2json_status tx_find_references(const tx_ruleset *rs, const tx_doc *doc, const tx_norm *n,
                                      tx_reflist *out, tx_diags *diags, tx2json_error *err);
TXI void tx_reflist_free(tx_reflist *r);
/* Splits a URL into lower-case word tokens, dropping rule-listed noise.
 * Returns count; tokens are written to toks (each malloc'd, caller frees);
 * the first *nhost of them come from the host name. */
TXI size_t tx_url_tokens(const tx_ruleset *rs, const char *url, char ***toks, size_t *nhost);

/* ---- episode.c ------------------------------------------------------- */
typedef struct tx_item {
    size_t start, end; /* norm bytes */
    const char *rule;
    int reference; /* mentions: linked reference or -1 */
    double score;
    const char *method;
    int primary; /* mentions: named by an entry/mention rule */
    char *key;   /* mentions: matching key (owned) */
} tx_item;

typedef struct tx_entry {
    size_t start, end; /* norm bytes */
    const char *rule;
    tx_item *org;
    size_t norg, orgcap;
    tx_item *men;
    size_t nmen, mencap;
    int *refs;
    size_t nrefs;
} tx_entry;

typedef struct tx_episode {
    int lines_layout;
    int has_intro, has_outro, has_headlines;
    size_t headlines_start, headlines_end;
    size_t intro_start, intro_end, outro_start, outro_end;
    char *title, *date, *number;
    tx_entry *entry;
    size_t nentry;
} tx_episode;

/* lines_layout: the transcript is one short phrase per line (subtitles);
 * numbered items, when present, then define the entries. */
TXI tx2json_status tx_build_episode(const tx_ruleset *rs, const tx_doc *doc, const tx_norm *n,
                                    const tx_seg *seg, int lines_layout, tx_episode *ep,
                                    tx2json_error *err);
/* 1 when norm[0,end) looks like auto-generated subtitles: many short lines,
 * few of them ending in a sentence terminator. */
TXI int tx_is_lines_layout(const tx_norm *n, size_t end);
TXI void tx_episode_free(tx_episode *ep);

/* ---- similar.c ------------------------------------------------------- */
typedef struct tx_pinyin tx_pinyin; /* lazy Han-Latin transliterator + cache */
TXI tx_pinyin *tx_pinyin_new(void);
TXI void tx_pinyin_free(tx_pinyin *p);
/* Returns the cached pinyin key (letters only) of s, or NULL on failure;
 * the string belongs to the cache. */
TXI const char *tx_pinyin_key(tx_pinyin *p, const char *s);
/* Edit distance in code points: bit-parallel when a side has at most 64;
 * _table always fills the whole table (the reference for tests). */
TXI size_t tx_levenshtein(const char *a, const char *b);
TXI size_t tx_levenshtein_table(const char *a, const char *b);
TXI double tx_edit_sim(const char *a, const char *b);
TXI char *tx_phonetic_key(const char *key); /* caller frees; NULL on OOM */

/* ---- link.c ---------------------------------------------------------- */

TXI tx2json_status tx_link(const tx_ruleset *rs, tx_pinyin *py, const tx_norm *n, tx_episode *ep,
                           tx_reflist *refs, tx_diags *diags, tx2json_error *err);
/* The assignment solver, exposed for unit tests: maximises the summed
 * score of a rows x cols matrix; writes the column of each row to
 * assign[row] (-1 when none).  Returns 0, or -1 on OOM. */
TXI int tx_assign(const double *score, size_t rows, size_t cols, int *assign);

/* ---- output.c -------------------------------------------------------- */
TXI tx2json_status tx_write_json(const tx_doc *doc, const tx_norm *n, const tx_episode *ep,
                                 const tx_reflist *refs, const tx_diags *diags, int compact,
                                 char **out, tx2json_error *err);

/* ---- tx2json.c ------------------------------------------------------- */
struct tx2json_ctx {
    tx_ruleset *rules;
    tx_pinyin *pinyin;
    void *sbrk, *wbrk; /* UBreakIterator *: sentence and word, opened once */
};

#endif
