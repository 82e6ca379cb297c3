/* signals.h - stage 6a, features: what is known about each unit of the
 * episode body (a sentence, or a subtitle line) as a possible entry start,
 * each fact a named feature, and the weights the rule files give them (a
 * table of kind `weights`, written by tools/train from the gold corpora).
 *
 * A unit's start score is the sum of its features' weights, of the
 * weights of the pairs of its features that fire together (`A&B` rows),
 * and of the weights of the entry-start and continuation rules that match
 * it (`rule:NAME` rows); boundaries.c chooses the starts. */
#ifndef TX2JSON_SIGNALS_H
#define TX2JSON_SIGNALS_H

#include "conv.h"

/* Unit features, then segment features (scored once per entry). */
enum {
    TXF_BIAS,
    TXF_ENTRY_RULE,    /* an entry-start rule matches */
    TXF_ENTRY_OK,      /* ... and its requirements hold */
    TXF_ANNOUNCE,      /* ... one that announces the next item (next-name, announce) */
    TXF_CONTINUATION,  /* a continuation rule matches */
    TXF_PARA,          /* after a blank line */
    TXF_LINE,          /* the first sentence of its line (prose) */
    TXF_TURN,          /* a speaker label opens it */
    TXF_ITEM,          /* an item number opens it */
    TXF_NEW_NAME,      /* it names something not heard before in the body */
    TXF_NEW_NAME_NEXT, /* the unit after it does */
    TXF_NO_NAME,       /* it names nothing at all */
    TXF_QUESTION,      /* it ends with a question mark */
    TXF_PREV_QUESTION, /* the unit before it does */
    TXF_OUTRO,         /* an outro rule matches */
    TXF_HEADLINES,     /* a headlines rule matches */
    TXF_ORG,           /* an organization rule matches */
    TXF_MENTION,       /* a mention rule names a project in it */
    TXF_ANCHOR,        /* a reference is first heard here */
    TXF_ANCHOR_NEXT,   /* ... in the unit after it */
    TXF_ANCHOR_PREV,   /* ... in the unit before it */
    TXF_RECENT_NAMES,  /* every name in it was heard in the last few units */
    TXF_NEW_NAME_PREV, /* the unit before it named something new */
    TXF_SHORT,         /* it is short (a transition: "Next one.") */
    TXF_TRANSITION,    /* a transition rule matches (a spoken move to the next item) */
    TXF_INTRO,         /* an intro rule matches */
    TXF_FIRST,         /* the first unit of the text */
    TXF_PREV_SHORT,    /* the unit before it is short */
    TXF_PREV_LEADIN,   /* ... and a transition or an entry lead-in matches there */
    TXF_EVENT,         /* it is a non-speech sound the recogniser wrote ("[Music]") */
    TXF_PREV_EVENT,    /* the unit before it is */
    TXF_NEXT_LEADIN,   /* it is short and the unit after it opens with a transition or lead-in
                          ("Okay." before "Next, ...") */
    TXF_ORG_HEARD,     /* the organisation an entry-start or org rule names in it was
                          named in the last few units too (the same company goes on) */
    TXF_PREV_INTRO,    /* an intro rule matches the unit before it (the greeting is over) */
    TXF_COHESION_DIP,  /* the words around its start share less than around any start
                          near it (cohesion.c) */
    TXF_COHESION_LOW,  /* ... and less than param:cohesion-low times the episode's mean */
    TXF_NUNIT,
    TXF_SEG_NO_ANCHOR = TXF_NUNIT, /* an entry where no reference is first heard */
    TXF_SEG_MULTI_ANCHOR,          /* an entry where two or more are */
    TXF_SEG_INTRO_UNIT,            /* a unit of the intro, before the first entry */
    TXF_SEG_INTRO_ANCHOR,          /* a reference first heard in the intro (per reference) */
    TXF_SEG_ONE_UNIT,              /* an entry of one unit (a start right before the next) */
    TXF_N
};
/* Parameters of the features (windows), rows `param:NAME`. */
enum {
    TXP_REACH_PROSE,         /* sentences a next-name lead-in may look ahead */
    TXP_REACH_LINES,         /* subtitle lines it may look ahead */
    TXP_ANCHOR_MIN,          /* the similarity at which a name anchors a reference */
    TXP_ANCHOR_MAX_REFS,     /* more references than this: no anchors (cost) */
    TXP_RECENT_UNITS,        /* how many units back a name still counts as recent */
    TXP_SHORT_UNIT,          /* code points up to which a unit is short */
    TXP_COMMON_RATE,         /* share of units above which a layout mark is no signal */
    TXP_ANCHOR_OCCURRENCES,  /* sentences per reference an anchor may be chosen from */
    TXP_ANCHOR_SHARE,        /* the cost of two anchors in one sentence */
    TXP_LINK_ANCHOR_BONUS,   /* what a reference's anchor in an entry adds to its links there */
    TXP_ANCHOR_WINDOW_WORDS, /* Latin words in a run the anchor search also tries as a name */
    TXP_OUTRO_TAIL,          /* the share of the text at its end where an outro may start */
    TXP_LINK_MIN,            /* the linker: a pair below this similarity is not linked */
    TXP_LINK_STRONG,         /* ... a second reference or a repeat mention needs this */
    TXP_LINK_PRIMARY,        /* ... bonus of a mention a rule names as the entry's project */
    TXP_LINK_FIRST,          /* ... bonus of the first time a name is heard */
    TXP_LINK_FLOOR,          /* ... a linkable pair counts at least this in the assignment */
    TXP_LINK_PRIMARY_EXTRA,  /* ... above link-min, what a named project's second ref needs */
    TXP_MATCH_PARTIAL,       /* similarity: the name is a label's trailing words */
    TXP_MATCH_PREFIX,        /* ... the label starts with the name, or the name with a word */
    TXP_MATCH_WORDS,         /* ... share of the name's words in the label */
    TXP_MATCH_PHONETIC,      /* ... the phonetic keys */
    TXP_MATCH_PINYIN_SAME,   /* ... Han against Han with the same pinyin */
    TXP_MATCH_PINYIN,        /* ... pinyin against a Latin key or other pinyin */
    TXP_MATCH_PINYIN_SOUND,  /* ... phonetic key of the pinyin */
    TXP_MATCH_PINYIN_TAIL,   /* ... pinyin of the name's last Han characters */
    TXP_MATCH_URL_HOST,      /* ... a word of the URL's host (the maker) */
    TXP_MATCH_URL_PATH,      /* ... a word of the URL's path (the project) */
    TXP_MATCH_URL_SAME,      /* ... added when the URL word is the name exactly */
    TXP_MATCH_URL_SOUND,     /* ... taken off when the URL word only sounds alike */
    TXP_ANCHOR_URL_HOST,     /* the anchor search: what a URL host word counts */
    TXP_ANCHOR_BACK_MARGIN,  /* an anchor moves back to a weaker first hearing only this close */
    TXP_ANCHOR_MAKER,        /* the most a maker's name counts there, unless it is a label */
    TXP_REVIEW_WEAK,         /* the review page (html.c): a link scoring below is weak */
    TXP_PAUSE_CLAUSE_MIN,    /* scored units: code points a clause needs before a pause ends it */
    TXP_NAME_MIN,            /* names.c: an unlinked mention scoring below is dropped */
    TXP_CUE_PROSE_STOPS,     /* cut prose: sentence ends per cue the cue text needs at least */
    TXP_CUE_PROSE_OPEN,      /* ... and the share of cues ending mid-sentence it needs above */
    TXP_CUE_PARAGRAPH_GAP,   /* ... seconds of silence between two cues that end a paragraph */
    TXP_NAME_CUE_WINDOW,     /* names.c: code points on each side a name-before/after rule sees */
    TXP_LAYOUT_MIN_LINES,    /* episode.c, the layout: lines a text needs to be subtitles */
    TXP_LAYOUT_SHORT_HAN,    /* ... code points a short line with Han text holds at most */
    TXP_LAYOUT_SHORT_LATIN,  /* ... and one without */
    TXP_LAYOUT_SHORT_SHARE,  /* ... the share of short lines subtitles need at least */
    TXP_LAYOUT_STOP_SHARE,   /* ... the share of lines ending a sentence they stay below */
    TXP_HEADLINE_GAP,        /* numbered headlines: sentences between two numbers at most */
    TXP_HEADLINES_WINDOW,    /* sentences before item one a headlines rule is looked for in */
    TXP_MENTION_LINES,       /* subtitles: an entry's first lines the mention rules see together */
    TXP_MENTION_SENTENCES,   /* an entry's first sentences the mention rules run on */
    TXP_MATCH_PHONETIC_LENGTH, /* similarity: phonetic keys compare only at this length ratio */
    TXP_MATCH_PREFIX_MIN,      /* ... a name needs this many key bytes to match a label's start */
    TXP_MATCH_PHONETIC_MIN,    /* ... and this many to be compared by sound */
    TXP_MARK_REF_RATIO,        /* a layout mark on more units than this times the references
                                  is no item mark (optional: no row, no limit) */
    TXP_COHESION_SHARE,        /* cohesion.c: a window's words, as a share of the mean item's
                                  (optional: no row, no cohesion features; with it, the
                                  four below are required) */
    TXP_COHESION_WINDOW_MIN,   /* ... the fewest words a window holds */
    TXP_COHESION_WINDOW_MAX,   /* ... and the most */
    TXP_COHESION_LATIN_MIN,    /* ... letters or digits a Latin word needs */
    TXP_COHESION_LOW,          /* ... a start is low below this times the mean cohesion */
    TXP_COHESION_MAX_WORDS,    /* ... a body of more words than this gets none (memory) */
    TXP_ANCHOR_WINDOW_HAN,     /* anchor.c: Han characters in a run the anchor search also tries
                                  as a name, through its pinyin (optional: no row, none) */
    TXP_MENTION_GROW_WORDS,    /* grow.c: words a linked mention may take on each side from its
                                  reference's label (optional: no row, none) */
    TXP_MENTION_GROW_JOINER,   /* ... the longest lower-case label word taken between two */
    TXP_MATCH_LABEL_PART,      /* similarity: a name against one part of a label that mixes
                                  scripts or spaced Han words ("Foo 某某助手"), times this
                                  (optional: no row, no parts) */
    TXP_REFLIST_STRAY_LINES,   /* references.c: lines of a list that no rule reads, skipped when a
                                  reference stands above them (optional: no row, none) */
    TXP_N
};

/* Features of a mention left unlinked, rows `name:FEATURE` (names.c): is
 * it a project's name at all, or a capitalised word, an organisation, a
 * phrase a rule cut too long? */
enum {
    TXN_BIAS,
    TXN_RULE,         /* a mention rule (not a bare capitalised run) named it */
    TXN_ANCHOR,       /* it is where a reference is first heard */
    TXN_ONE_WORD,     /* one Latin word */
    TXN_MANY_WORDS,   /* three words or more */
    TXN_DIGIT,        /* it holds a digit */
    TXN_INNER_CAP,    /* a capital letter inside a word ("DeepMind", "GPT") */
    TXN_TITLE_WORD,   /* one word, a capital then lower-case letters ("Apple") */
    TXN_SENT_START,   /* it opens its sentence */
    TXN_COMMON_FIRST, /* its first word is heard in lower case elsewhere ("all") */
    TXN_COMMON_ALL,   /* ... and so is every other word */
    TXN_ORG,          /* an organisation of the org-aliases table */
    TXN_POSSESSIVE,   /* it ends in 's */
    TXN_HAN,          /* it holds Han characters */
    TXN_LOWER_WORD,   /* it holds a Latin word in lower case */
    TXN_SHORT,        /* two code points or fewer */
    TXN_PUNCT,        /* it ends in punctuation */
    TXN_SIMILAR,      /* its best similarity to a reference (a value, not 0/1) */
    TXN_REPEAT,       /* its key is heard again in the episode */
    TXN_OTHER_ENTRY,  /* ... in another entry */
    TXN_IN_HAN,       /* Han text is next to it (a Latin name in Chinese talk) */
    TXN_PRIMARY,      /* a rule names it as the entry's project */
    TXN_SURNAME,      /* one word, the last word of a longer mention heard before ("Altman") */
    TXN_N
};

TXI extern const char *const tx_feature_names[TXF_N];
TXI extern const char *const tx_name_feature_names[TXN_N];
TXI extern const char *const tx_param_names[TXP_N];

typedef struct tx_weights {
    double w[TXF_N];
    double pair[TXF_NUNIT][TXF_NUNIT]; /* rows "A&B": both features fire (A before B) */
    double param[TXP_N];
    int has_param[TXP_N];
    double name[TXN_N]; /* rows "name:FEATURE" */
    int has_name;       /* some row gives one: unlinked mentions are filtered */
    tx_nmap rule;       /* rule name -> index into rw */
    double *rw;
    size_t nrw;
} tx_weights;

/* Reads the weights tables of rs into *w (rows naming an unknown feature,
 * rule or parameter are errors, and so is a missing link-* parameter,
 * which the linker cannot do without).  TX2JSON_OK, ERULES (with file and line
 * in err), or ENOMEM. */
TXI tx2json_status tx_weights_load(const tx_ruleset *rs, tx_weights *w, tx2json_error *err);
TXI void tx_weights_free(tx_weights *w);
/* The weight of rule r, its `rule:NAME` row (0 when the tables give it
 * none). */
TXI double tx_weights_rule(const tx_weights *w, const tx_rule *r);
/* Is key a row a weights table may hold?  Fills why (size wn) if not. */
TXI int tx_weights_key_ok(const tx_ruleset *rs, const char *key, char *why, size_t wn);

#define TX_UNIT_RULES 8
typedef struct tx_unit {
    size_t sent;  /* sentence index in c->seg */
    size_t start; /* norm byte where an entry starting here starts */
    float f[TXF_NUNIT];
    const tx_rule *rules[TX_UNIT_RULES]; /* entry-start and continuation rules that match */
    size_t nrules;
    const tx_rule *entry_rule; /* the first entry-start rule that matches, or NULL */
    int anchors;               /* references first heard here */
    int no_start;              /* a line holding only an item number: never a start */
    double score;              /* the start score */
} tx_unit;

/* Per-sentence markers layout analysis found, handed to tx_features. */
typedef struct tx_marks {
    size_t *item_start;         /* per sentence: where a numbered item starts, or SIZE_MAX */
    unsigned char *number_line; /* per sentence: a line holding only an item number */
    int *anchors;               /* per sentence: references first heard there (may be NULL) */
} tx_marks;

/* The units of sentences [first, last) with their features and scores, in
 * *out (caller frees).  TX2JSON_OK or ENOMEM. */
TXI tx2json_status tx_features(const tx_conv *c, const tx_marks *mk, size_t first, size_t last,
                               tx_unit **out, size_t *n);

/* End of the head of the subject norm text t[s,e): its first Latin word,
 * or its first two other code points ("谷歌" of "谷歌同月"), so a subject
 * with trailing words still counts as heard. */
size_t tx_subject_head(const char *t, size_t s, size_t e);

#endif
