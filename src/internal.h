/* internal.h - the shared basics of libtx2json: errors, memory, a byte
 * buffer, hash tables, UTF-8 and SHA-256.  Every stage has a header of its
 * own (read.h, normalize.h, references.h, segment.h, episode.h, link.h,
 * output.h, with rules.h, similar.h, diag.h and span.h as tools, conv.h for
 * the per-document state); a file includes the headers of what it uses.
 * Nothing here is exported. */
#ifndef TX2JSON_INTERNAL_H
#define TX2JSON_INTERNAL_H

#include "tx2json.h"
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define TXI __attribute__((visibility("hidden")))

/* --max-input when not given: the largest input, in bytes (tx2json.h). */
#define TX_DEFAULT_MAX_INPUT ((size_t)256 << 20)
/* --max-line when not given: the longest line, in bytes (tx2json.h). */
#define TX_DEFAULT_MAX_LINE ((size_t)1 << 20)
/* A byte offset into a document's text where millions of them are kept
 * (sentences, candidates): 32 bits, so a text, decoded or normalised, of
 * more than TX_OFF_MAX bytes is refused (run_stages, tx2json.c). */
typedef uint32_t tx_off;
#define TX_OFF_MAX ((size_t)UINT32_MAX)

TXI void tx_seterr(tx2json_error *err, tx2json_status code, const char *file, size_t line,
                   size_t col, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
TXI char *tx_strndup(const char *s, size_t n); /* NULL on OOM; caller frees */
TXI char *tx_strdup(const char *s);            /* NULL on OOM; caller frees */
/* Does s[0, n) open with "http://" or "https://", in any case?  1 or 0. */
TXI int tx_web_url_at(const char *s, size_t n);
TXI void *tx_grow(void *p, size_t *cap, size_t need, size_t elem); /* NULL on OOM */

/* Growable byte buffer; s is always NUL-terminated when non-NULL. */
typedef struct tx_strbuf {
    char *s;
    size_t len, cap;
    int oom;
} tx_strbuf;
/* tx_sb_add when s[0, n) does not fit: grows the buffer (or notes OOM). */
TXI void tx_sb_add_grow(tx_strbuf *b, const char *s, size_t n);
/* Appends s[0, n): in place when it fits, inlined, as most pieces are a
 * few bytes. */
static inline void tx_sb_add(tx_strbuf *b, const char *s, size_t n)
{
    if (b->oom || n >= b->cap - b->len) { /* the piece and the NUL do not fit (cap >= len) */
        tx_sb_add_grow(b, s, n);
        return;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}
static inline void tx_sb_addc(tx_strbuf *b, char c)
{
    tx_sb_add(b, &c, 1);
}
TXI void tx_sb_addcp(tx_strbuf *b, uint32_t cp); /* append one code point as UTF-8 */
TXI void tx_sb_free(tx_strbuf *b);
/* JSON laid out as `jq .` lays it out: tx_json_layout appends the compact
 * JSON text s to b with every member and element on a line of its own,
 * indent spaces a level from level depth; tx_json_newline appends a line
 * break and the indentation of level depth. */
TXI void tx_json_layout(tx_strbuf *b, const char *s, int indent, int depth);
TXI void tx_json_newline(tx_strbuf *b, int indent, int depth);

/* A set of strings (open addressing; the set owns copies). */
typedef struct tx_strset {
    char **slot;
    size_t cap, n;
} tx_strset;
TXI size_t tx_str_hash(const char *s);                /* FNV-1a */
TXI int tx_strset_add(tx_strset *s, const char *key); /* 0, or -1 on OOM */
TXI int tx_strset_has(const tx_strset *s, const char *key);
TXI void tx_strset_free(tx_strset *s);

/* The one hash table of the library: byte strings to indices, with open
 * addressing.  The map does not own its keys: each must stay valid and
 * unchanged while it is in the map.  Zero-initialise to start. */
typedef struct tx_nmap_slot {
    const char *key;
    size_t len, val;
    unsigned gen; /* the slot is in use when gen == the map's gen */
} tx_nmap_slot;
typedef struct tx_nmap {
    tx_nmap_slot *slot;
    size_t cap, n;
    unsigned gen;
} tx_nmap;
TXI size_t tx_mem_hash(const char *s, size_t n); /* FNV-1a */

/* The library's one sort: a stable merge sort of n elements of size
 * bytes at v, ordered by before(a, b, ctx) ("a goes before b"); input
 * already in order costs one pass.  0, or -1 on OOM (v unchanged). */
TXI int tx_sort(void *v, size_t n, size_t size,
                int (*before)(const void *a, const void *b, const void *ctx), const void *ctx);

/* The library's one binary search: over a sequence of n elements whose
 * keys key_at(base, i) ascend, the first i with key_at(base, i) >= key,
 * or n when there is none. */
TXI size_t tx_lower_bound(const void *base, size_t n, size_t key,
                          size_t (*key_at)(const void *base, size_t i));
/* Sets key -> val (replacing any value); 0, or -1 on OOM. */
TXI int tx_nmap_put(tx_nmap *m, const char *key, size_t len, size_t val);
/* 1 and *val when key is present, else 0. */
TXI int tx_nmap_get(const tx_nmap *m, const char *key, size_t len, size_t *val);
/* Empties the map in O(1) (keeps its memory). */
TXI void tx_nmap_clear(tx_nmap *m);
TXI void tx_nmap_free(tx_nmap *m);

/* Reads one UTF-8 code point at s[*i] (input known valid); advances *i. */
TXI uint32_t tx_u8_next(const char *s, size_t *i);
/* Writes code point c as UTF-8 to u; the byte count (1-4). */
TXI size_t tx_u8_put(uint32_t c, char u[4]);
/* The code points that start in s[0..n) (bytes that are not UTF-8
 * continuation bytes), eight bytes at a time. */
TXI size_t tx_u8_count(const char *s, size_t n);
/* The offset in s[0..n) of the start of code point k (from 0, s[0]
 * starting one), or n when fewer start there. */
TXI size_t tx_u8_skip(const char *s, size_t n, size_t k);
/* Offset of the first invalid UTF-8 byte of s[0..len) (overlongs,
 * surrogates and values past U+10FFFF are invalid), or len when valid;
 * counts valid multi-byte sequences and invalid bytes. */
TXI size_t tx_utf8_check(const unsigned char *s, size_t len, size_t *nmulti, size_t *nbad);
/* A SHA-256 in hex: 64 digits and the NUL. */
#define TX_SHA256_HEX 65
TXI void tx_sha256_hex(const unsigned char *data, size_t len, char out[TX_SHA256_HEX]);

#endif
