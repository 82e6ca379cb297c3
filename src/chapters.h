/* chapters.h - stage 9 (optional), chapters: the JSON document turned into
 * chapters (Podcasting 2.0 JSON chapters, YouTube description lines, a
 * WebVTT chapters track) when tx2json_options.output asks for them. */
#ifndef TX2JSON_CHAPTERS_H
#define TX2JSON_CHAPTERS_H

#include "conv.h"

/* Writes the chapters of the JSON document `json` (tx_write_json's) in
 * the format c->opts->output names to *out (malloc'd, NUL-terminated).
 * TX2JSON_OK; EOUTPUT when the document has no times or (YouTube) too
 * few chapters long enough; ENOMEM.  Errors go to c->err. */
TXI tx2json_status tx_write_chapters(const tx_conv *c, const char *json, char **out);

/* The first words of text as a chapter title: at most the `words` of the
 * rules' chapter-title table (a CJK character counting 1/cjk-per-word of
 * a word), on one line, trailing punctuation dropped; without the table,
 * the first line.  malloc'd; NULL on OOM. */
TXI char *tx_first_words(const tx_ruleset *rs, const char *text);

#endif
