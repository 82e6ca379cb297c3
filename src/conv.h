/* conv.h - what a conversion runs with: the context (rules and caches,
 * shared by the documents of one thread). */
#ifndef TX2JSON_CONV_H
#define TX2JSON_CONV_H

#include "rules.h"
#include "similar.h"

struct tx2json_ctx {
    tx_ruleset *rules;
    tx_pinyin *pinyin;
    void *sbrk, *wbrk; /* UBreakIterator *: sentence and word, opened once */
};

#endif
