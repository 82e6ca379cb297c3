/* episode.h - stage 6, episode: intro, outro, entries, organisations, mentions. */
#ifndef TX2JSON_EPISODE_H
#define TX2JSON_EPISODE_H

#include "conv.h"

typedef struct tx_item {
    tx_off start, end; /* norm bytes */
    int reference;     /* mentions: linked reference or -1 */
    int primary;       /* mentions: named by an entry/mention rule */
    const char *rule;
    double score;
    const char *method;
    char *key; /* mentions: matching key (owned) */
} tx_item;

/* Where a reference of the show notes is first heard in the body (the
 * scored segmenter's anchors; link.c gives an anchored reference to the
 * entry that holds its anchor). */
typedef struct tx_anchor {
    size_t sent;       /* sentence index, SIZE_MAX when not anchored */
    size_t start, end; /* the name heard (norm bytes) */
    double score;
} tx_anchor;

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

/* A mention names.c dropped (kept for --features). */
typedef struct tx_dropped {
    size_t entry;
    tx_item it;
} tx_dropped;

typedef struct tx_episode {
    int lines_layout;
    int has_intro, has_outro, has_headlines;
    size_t headlines_start, headlines_end;
    size_t intro_start, intro_end, outro_start, outro_end;
    char *title, *date, *number;
    tx_entry *entry;
    size_t nentry;
    struct tx_unit *unit; /* the body's units with their features (signals.h) */
    size_t nunit;
    int unit_intro;      /* the units before the first entry were free to be the intro */
    tx_anchor *anchor;   /* per reference, or NULL (no body) */
    tx_dropped *dropped; /* unlinked mentions that are no names (names.c) */
    size_t ndropped;
} tx_episode;

/* Builds c->ep from c->seg: intro, outro, headlines, entries with their
 * organisations and mentions.  With c->lines_layout (one short phrase per
 * line, as in subtitles), numbered items, when present, define the
 * entries.  TX2JSON_OK, or ENOMEM in c->err (c->ep is then empty). */
TXI tx2json_status tx_build_episode(tx_conv *c);
/* 1 when c->norm[0,end) looks like auto-generated subtitles: many short
 * lines, few of them ending in a sentence terminator. */
TXI int tx_is_lines_layout(const tx_conv *c, size_t end);
TXI void tx_episode_free(tx_episode *ep);

#endif
