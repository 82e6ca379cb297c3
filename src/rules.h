/* rules.h - rule files: loading, checking and bounded matching (stage 3's
 * tool, used by the stages after it). */
#ifndef TX2JSON_RULES_H
#define TX2JSON_RULES_H

#include "internal.h"

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
    RK_REFLABEL,   /* reference-label: a line that labels the bare URL below it */
    RK_URLLABEL,   /* url-label: the label a bare URL gives itself (repository, paper id) */
    RK_CHAPTER,    /* chapter-hint: a timestamp line of show notes, never a reference */
    RK_TRANSITION, /* a spoken move to the next item: a feature of the scored segmenter */
    RK_ORGSTOP,    /* org-stop: a whole organisation text that names none ("the company") */
    RK_TIMEHINT,   /* time-hint: a turn header's time in a plain-text transcript */
    RK_EVENT,      /* event: a sentence that is a non-speech sound ("[Music]"), scored features */
    RK_ASIDE,      /* notes-aside: a show-notes line that is neither a reference nor talk */
    RK_NAMEBEFORE, /* name-before: the words just before a mention (names.c features) */
    RK_NAMEAFTER,  /* name-after: the words just after it */
    RK_FRAMING,    /* framing: a whole line of an export that is no speech ("End time: 12.5") */
    RK_NAMEFORM,   /* name-form: a mention's own text, whole (names.c features) */
    RK_REFINLINE,  /* reference-inline: a link inside a line of notes given apart */
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

/* A table of a rule file: language data the code reads by kind, such as
 * the numerals of a language ("table NAME", kind, lang, "row: KEY = VALUE"
 * lines, "match: INPUT => OUTPUT" examples; docs/rules.md). */
typedef struct tx_table_row {
    char *key, *value; /* value "" when the row has no "= VALUE" */
    size_t line, col;
} tx_table_row;
typedef struct tx_table {
    char *name, *file;
    size_t line;
    int kind; /* TK_* */
    char lang[4];
    tx_table_row *row, *ex; /* rows; examples (key: input, value: output) */
    size_t nrow, rowcap, nex, excap;
} tx_table;
enum {
    TK_NUMERALS,
    TK_MEASURE_WORDS,
    TK_NUMBER_WORDS,
    TK_SCRIPT,
    TK_CHAPTER_TITLE,
    TK_WEIGHTS,
    TK_ORG_ALIASES, /* org-aliases: an organisation's name as said = its canonical name */
    TK_NKINDS
};
TXI extern const char *const tx_table_kind_names[TK_NKINDS];
/* The languages the rule set's rules and tables name (not "any"), in
 * order of first use: the i-th, or NULL past the last. */
TXI const char *tx_rules_language(const tx_ruleset *rs, size_t i);
#define TX_MAXLANGS 8 /* languages one rule set may name */
/* The rule set's tables, in file order: *n of them. */
TXI const tx_table *tx_rules_tables(const tx_ruleset *rs, size_t *n);
/* The canonical name of the organisation text s[0..n) by the rule set's
 * org-aliases tables: the value of the last row whose key equals s when
 * both are folded (ASCII letters lower-cased, white space and hyphens
 * dropped: "Foo Lab", "foo-lab" and "FooLab" are one key).  Returns a
 * pointer into rs (nul-terminated), or NULL when no row names s. */
TXI const char *tx_org_canonical(const tx_ruleset *rs, const char *s, size_t n);
/* Adds a diagnostic to a rule set loaded for checking (check.c's table
 * examples).  0, or -1 on OOM. */
TXI int tx_rules_report(tx_ruleset *rs, int error, const char *id, const char *file, size_t line,
                        size_t col, const char *rule, const char *msg, tx2json_error *err);

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
/* The SHA-256 (hex) of the bytes of every rule file loaded, in load order
 * (a directory's files in name order, an included file after the file
 * that includes it); "" for a rule set loaded for checking. */
TXI const char *tx_rules_sha256(const tx_ruleset *rs);
/* A view of rs with its own match data and limit counters, for another
 * thread; free it (tx_rules_free) before rs.  NULL on OOM. */
TXI tx_ruleset *tx_rules_clone(const tx_ruleset *rs);
/* Iterates rules of kind k for language lang ("zh"/"en"); idx from 0. */
TXI const tx_rule *tx_rules_get(const tx_ruleset *rs, rule_kind k, const char *lang, size_t idx);
TXI const char *tx_rule_name(const tx_rule *r);
TXI int tx_rule_requires(const tx_rule *r);
/* Matches r against subj[0..len) from byte offset `from`.  Returns 1 on a
 * match (filled into m), 0 on no match, -1 when a PCRE2 limit was hit or
 * the match failed (no match is then assumed). */
TXI int tx_rule_match(const tx_ruleset *rs, const tx_rule *r, const char *subj, size_t len,
                      size_t from, tx_match *m);
/* One subject's prefilter answers (prefilter.h: the literals a rule's
 * matches need), for a caller that tries several rules on it: start it
 * zeroed for each subject. */
enum { TX_PFMEMO_MAX = 16 };
typedef struct tx_pfmemo {
    const void *pf[TX_PFMEMO_MAX];
    int may[TX_PFMEMO_MAX];
    size_t n;
} tx_pfmemo;
/* tx_rule_match through memo (which must belong to subj[0..len)). */
TXI int tx_rule_match_memo(const tx_ruleset *rs, const tx_rule *r, const char *subj, size_t len,
                           size_t from, tx_match *m, tx_pfmemo *memo);
/* The first non-empty group from number `from` on whose name starts with
 * prefix ("org" finds org, org2, ...): its number, with its span in
 * *s, *e; 0 when there is none. */
TXI int tx_match_group(const tx_match *m, const char *prefix, int from, size_t *s, size_t *e);
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

#endif
