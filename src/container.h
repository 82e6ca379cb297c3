/* container.h - stage 1b, container: subtitle framing told apart from the
 * spoken text.  SRT, WebVTT, SBV and speech-recognition JSON (Whisper's
 * verbose_json, or a list of {start, end, text} segments) are found by
 * content (not by file name); cue numbers, timing lines, headers,
 * NOTE/STYLE/REGION blocks, inline tags and JSON syntax are framing.  The stage does not copy or
 * change the text: it lists the pieces of c->doc->text that are spoken (cue text, tags cut out) or
 * lie outside every cue (a reference list after the last cue), and normalisation builds the
 * matching form from those pieces alone, so every matching-form byte still maps to a code point of
 * the input as given. */
#ifndef TX2JSON_CONTAINER_H
#define TX2JSON_CONTAINER_H

#include "conv.h"

#define MS_PER_SECOND 1000

/* SBV: YouTube's caption format, a cue is an "H:MM:SS.mmm,H:MM:SS.mmm"
 * timing line then its text, up to a blank line; no cue numbers. */
typedef enum tx_container_kind { TX_PLAIN, TX_SRT, TX_VTT, TX_JSON, TX_SBV } tx_container_kind;

/* A kept piece of the decoded text.  The matching form is the pieces in
 * order, each preceded by its sep byte (none when 0): '\n' before a cue's
 * first piece and before text outside the cues (each cue becomes one line),
 * ' ' between the lines of one cue (nothing between two CJK characters,
 * as CJK text wraps without a space), nothing where a tag was cut out.
 * In JSON each segment is a cue and its text string's lines (split at
 * \n escapes) are the cue's lines; an escape is a piece that stands for
 * the code point it writes. */
typedef struct tx_piece {
    size_t s, e;    /* bytes of c->doc->text, s < e */
    long cue;       /* index into the cues, -1 outside every cue */
    char sep;       /* byte the matching form puts before the piece, or 0 */
    uint32_t subst; /* nonzero: the piece stands for this code point (&amp; is '&') */
    int newline;    /* the piece starts a line of the input */
    int para;       /* the separator is a blank line (sep '\n' twice): a paragraph break */
} tx_piece;

/* A cue: its times (milliseconds, -1 when the timing line was malformed)
 * and where its timing line is (1-based line, code point of its start). */
typedef struct tx_cue {
    long long start_ms, end_ms;
    size_t line, cp;
} tx_cue;

/* A time hint of a plain-text transcript: a turn header ("说话人1 00:12",
 * "Speaker 1 (00:01:02):", "[00:01:02] Name:") found by a time-hint rule
 * at the start of a line; cp is the line's first code point. */
typedef struct tx_hint {
    size_t cp;
    long long ms;
} tx_hint;

typedef struct tx_container {
    tx_container_kind kind;
    int prose;       /* the cues are prose cut into pieces, joined as prose (cuejoin.c) */
    tx_piece *piece; /* in text order, disjoint */
    size_t npiece, piececap;
    tx_cue *cue;
    size_t ncue, cuecap;
    tx_hint *hint; /* plain text only, in text order */
    size_t nhint, hintcap;
} tx_container;

/* Finds the container of c->doc and fills c->cont; plain text gives kind
 * TX_PLAIN and no pieces (the whole text is spoken).  Problems of the
 * framing are warnings with their line (in c->diags); a cue whose text is
 * longer than --max-line is an error.  TX2JSON_OK, ELIMIT or ENOMEM in
 * c->err. */
TXI tx2json_status tx_container_parse(tx_conv *c);
TXI void tx_container_free(tx_container *k);

/* Cut prose (cuejoin.c): when the cues of c->cont are prose cut into
 * pieces (measured against the rules' cue-prose-stops and cue-prose-open
 * parameters), sets k->prose and gives the first piece of each cue the
 * separator prose has there: a space, nothing between two CJK characters,
 * a blank line after a silence of cue-paragraph-gap seconds or more, a
 * line break where the line would grow past max_line bytes.  The pieces,
 * and so the offsets and the cue of every byte, do not change. */
TXI void tx_container_join_prose(tx_conv *c, size_t max_line);

/* 1 when code point u is a CJK character (no space is put between two). */
TXI int tx_is_cjk(uint32_t u);
/* The code point that ends t[0, e) (e > 0). */
TXI uint32_t tx_last_cp(const char *t, size_t e);

/* Plain text only (after normalisation and the language are known): the
 * time hints, from the time-hint rules matched at the start of each line
 * of the matching form (groups hours, minutes, seconds, fraction).  A line
 * whose groups write no valid time (seconds over 59) is no hint.
 * TX2JSON_OK, or ENOMEM in c->err. */
TXI tx2json_status tx_container_hints(tx_conv *c);

/* 1 when c's text has framing (an SRT, WebVTT or JSON container). */
TXI int tx_container_framed(const tx_conv *c);

/* 1 when text[0, len) is read as speech-recognition JSON: its first byte
 * that is not white space opens an object (a key or '}' next), or a list
 * whose first item is such an object (or that is empty), so a transcript
 * that opens with "[Music]" or "{laughs}" stays plain text.  Its lines are not held to --max-line
 * (a JSON export is often one line); its segments' text is. */
TXI int tx_container_is_json(const char *text, size_t len);

/* The times of the cues whose kept text lies in the code points [cs, ce)
 * of the decoded text: the first such cue's start and the last one's end,
 * in milliseconds.  In plain text with time hints: the time of the
 * nearest hint at or before cs (the turn the span starts in) and that of
 * the last hint before ce (the turn it ends in: when that turn started,
 * as a turn header gives no end).  Returns 0 (and leaves the times alone)
 * when no timed cue, or no hint at or before cs, is there. */
TXI int tx_container_time(const tx_conv *c, size_t cs, size_t ce, long long *t0, long long *t1);

/* Appends to b the kept text inside the code points [cs, ce): the pieces
 * clipped to the range, a line break between pieces that start a line of
 * the input, substitutions applied.  Returns 0, or -1 on OOM. */
TXI int tx_container_text(const tx_conv *c, size_t cs, size_t ce, tx_strbuf *b);

/* The end, in code points, of a span of the matching form that ends
 * before norm byte e (e > 0) and whose last byte comes from code point
 * last: code point `next` (where byte e comes from) when that is in the
 * same piece, else the end of the piece holding `last`, so a span never
 * takes in the framing after its text. */
TXI size_t tx_container_span_end(const tx_conv *c, size_t last, size_t next);

#endif
