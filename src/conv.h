/* conv.h - the state of one conversion, handed to every stage (as cmark
 * hands its parser to every phase): what the conversion runs with (the
 * context's rules and caches, the options, the error to fill), then what
 * each stage produces, in pipeline order.  tx2json.c owns the storage; a
 * stage reads what the stages before it wrote and fills its own part.
 *
 * Pipeline: read (doc) -> container (cont) -> normalize (norm) ->
 * references (refs, with the notes' own) -> layout and language -> segment
 * (seg) -> episode (ep) -> link (ep, refs) -> output.  Every stage may add
 * diagnostics. */
#ifndef TX2JSON_CONV_H
#define TX2JSON_CONV_H

#include "diag.h"
#include "numeral.h"
#include "rules.h"
#include "similar.h"

struct tx_weights;

struct tx2json_ctx {
    tx_ruleset *rules;
    struct tx_weights
        *weights;          /* read from the rules' weights tables; a clone shares its parent's */
    tx_numerals *numerals; /* read from the rules' tables; a clone shares its parent's */
    int clone;
    tx_pinyin *pinyin;
    void *sbrk, *wbrk; /* UBreakIterator *: sentence and word, opened once */
};

typedef struct tx_doc tx_doc;
typedef struct tx_container tx_container;
typedef struct tx_norm tx_norm;
typedef struct tx_reflist tx_reflist;
typedef struct tx_seg tx_seg;
typedef struct tx_episode tx_episode;
typedef struct tx_namecache tx_namecache;

typedef struct tx_conv {
    /* What the conversion runs with. */
    const char *name;                 /* the input's name, for messages */
    const tx2json_options *opts;      /* never NULL */
    tx2json_error *err;               /* filled on failure; may be NULL */
    tx_ruleset *rules;                /* the context's (limit counters change) */
    const tx_numerals *num;           /* spoken numbers */
    const struct tx_weights *weights; /* feature weights (signals.h) */
    tx_pinyin *pinyin;
    void *sbrk, *wbrk;
    /* What the stages produce. */
    tx_doc *doc;            /* read */
    tx_container *cont;     /* container: the spoken pieces of doc (all of it when plain) */
    tx_norm *norm;          /* normalize */
    const char *notes_name; /* the notes' name, when opts->notes is given */
    int notes_only;         /* the text is show notes given apart (--notes): all of it is notes */
    tx_doc *notes_doc;      /* the notes, read and normalised as plain text */
    tx_norm *notes_norm;
    tx_reflist *refs;    /* references (links filled by link) */
    char lang[4];        /* "zh" or "en": the option, or the Han share */
    int lines_layout;    /* one short phrase per line (subtitles) */
    tx_seg *seg;         /* segment */
    tx_episode *ep;      /* episode (mention links filled by link) */
    tx_diags diags;      /* every stage's warnings */
    tx_namecache *names; /* the mention rules' names per sentence, filled as
                            they are asked for (tx_conv_sentence_names) */
    /* tx2json_convert_stream: the input buffer the conversion owns (NULL
     * once decoding took it as the text), and where the document goes. */
    unsigned char *take;
    tx2json_write_fn sink;
    void *sink_user;
} tx_conv;

/* Lookups every stage after segmentation may use (conv.c). */
/* The first candidate / sentence of c->seg starting at or after norm byte
 * pos (both are in text order). */
TXI size_t tx_conv_cand_lower(const tx_conv *c, size_t pos);
TXI size_t tx_conv_sent_lower(const tx_conv *c, size_t pos);
/* The first rule of kind (a rule_kind) that matches norm[a,b), its match
 * in *m with offsets relative to a; NULL when none does. */
TXI const tx_rule *tx_conv_first_match(const tx_conv *c, int kind, size_t a, size_t b, tx_match *m);
/* A name a mention rule captures in a span: the rule, and its `name`
 * group's offsets relative to the span's start. */
typedef struct tx_named {
    const tx_rule *r;
    size_t gs, ge;
} tx_named;
/* The mention rules of c->lang, in order, whose first match in norm[a,b)
 * has a `name` group: into *out (malloc'd, the caller frees; NULL when
 * there are none) and *n.  0, or -1 on OOM. */
TXI int tx_conv_names(const tx_conv *c, size_t a, size_t b, tx_named **out, size_t *n);
/* The same for sentence si of c->seg, found once per conversion (several
 * stages ask) and kept in c->names: *out belongs to c and stays valid
 * until the next call.  0, or -1 on OOM. */
TXI int tx_conv_sentence_names(const tx_conv *c, size_t si, const tx_named **out, size_t *n);
/* Makes c->names for the sentences of c->seg, none asked yet (once they
 * are final, before the episode is built).  0, or -1 on OOM. */
TXI int tx_conv_names_init(tx_conv *c);
/* Frees c->names (tx2json.c, when the conversion ends). */
TXI void tx_conv_names_free(tx_conv *c);
/* 1 when a stop-name rule matches the whole of norm[s,e). */
TXI int tx_conv_is_stop(const tx_conv *c, size_t s, size_t e);
/* 1 when norm byte at follows a blank line (spaces allowed in it). */
TXI int tx_conv_para_start(const tx_conv *c, size_t at);

#endif
