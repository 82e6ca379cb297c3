/* util.c - small helpers shared by the stages: error filling, growable
 * buffers, UTF-8 stepping, SHA-256 (for source.sha256, through Nettle) and the JSON
 * layout of `jq .` (output and check). */
#include "internal.h"

#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void tx_seterr(tx2json_error *err, tx2json_status code, const char *file, size_t line, size_t col,
               size_t offset, const char *fmt, ...)
{
    if (!err) return;
    err->code = code;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->column = col;
    err->offset = offset;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
}

char *tx_strdup(const char *s)
{
    return tx_strndup(s, strlen(s));
}

int tx_web_url_at(const char *s, size_t n)
{
    return (n >= 7 && !strncasecmp(s, "http://", 7)) || (n >= 8 && !strncasecmp(s, "https://", 8));
}

char *tx_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

void *tx_grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return p;
    size_t nc = *cap ? *cap : 8;
    while (nc < need) {
        if (nc > ((size_t)-1) / 2 / elem) return NULL;
        nc *= 2;
    }
    void *q = realloc(p, nc * elem);
    if (!q) return NULL;
    *cap = nc;
    return q;
}

void tx_sb_add_grow(tx_strbuf *b, const char *s, size_t n)
{
    if (b->oom) return;
    char *p = tx_grow(b->s, &b->cap, b->len + n + 1, 1);
    if (!p) {
        b->oom = 1;
        return;
    }
    b->s = p;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

size_t tx_u8_put(uint32_t c, char u[4])
{
    if (c < 0x80) {
        u[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        u[0] = (char)(0xC0 | (c >> 6));
        u[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        u[0] = (char)(0xE0 | (c >> 12));
        u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        u[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    u[0] = (char)(0xF0 | (c >> 18));
    u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    u[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    u[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* The continuation bytes (10xxxxxx) of the eight bytes at s: each one's
 * top bit, moved to the bottom of its byte, and the eight bytes summed
 * into the top byte by one multiplication (no popcount instruction is
 * assumed: without -mpopcnt the builtin is a call into libgcc). */
static size_t continuations8(const char *s)
{
    uint64_t x;
    memcpy(&x, s, sizeof x);
    uint64_t tops = (x & ~(x << 1) & 0x8080808080808080ULL) >> 7;
    return (size_t)((tops * 0x0101010101010101ULL) >> 56);
}

size_t tx_u8_count(const char *s, size_t n)
{
    size_t k = 0, i = 0;
    for (; i + 8 <= n; i += 8)
        k += 8 - continuations8(s + i);
    for (; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

size_t tx_u8_skip(const char *s, size_t n, size_t k)
{
    size_t i = 0, seen = 0; /* code points starting before i */
    for (size_t c; i + 8 <= n && seen + (c = 8 - continuations8(s + i)) <= k; i += 8)
        seen += c;
    for (; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && seen++ == k) return i;
    return n;
}

void tx_sb_addcp(tx_strbuf *b, uint32_t c)
{
    char u[4];
    size_t n = tx_u8_put(c, u);
    tx_sb_add(b, u, n);
}

void tx_sb_free(tx_strbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

uint32_t tx_u8_next(const char *s, size_t *i)
{
    const unsigned char *p = (const unsigned char *)s + *i;
    uint32_t c = p[0];
    if (c < 0x80) {
        *i += 1;
        return c;
    }
    if (c < 0xE0) {
        *i += 2;
        return ((c & 0x1F) << 6) | (p[1] & 0x3F);
    }
    if (c < 0xF0) {
        *i += 3;
        return ((c & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    }
    *i += 4;
    return ((c & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) | ((uint32_t)(p[2] & 0x3F) << 6) |
           (p[3] & 0x3F);
}

/* Returns the offset of the first invalid UTF-8 byte, or len when valid.
 * Counts valid multi-byte sequences and invalid bytes for the heuristic. */
size_t tx_utf8_check(const unsigned char *s, size_t len, size_t *nmulti, size_t *nbad)
{
    size_t i = 0, first = len;
    *nmulti = *nbad = 0;
    while (i < len) {
        unsigned c = s[i];
        size_t n;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            n = 2, cp = c & 0x1F, min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 3, cp = c & 0x0F, min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4, cp = c & 0x07, min = 0x10000;
        } else {
            goto bad;
        }
        if (i + n > len) goto bad;
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xC0) != 0x80) goto bad;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) goto bad;
        (*nmulti)++;
        i += n;
        continue;
    bad:
        if (first == len) first = i;
        (*nbad)++;
        i++;
    }
    return first;
}

int tx_sort(void *v, size_t n, size_t size,
            int (*before)(const void *a, const void *b, const void *ctx), const void *ctx)
{
    char *p = v;
    size_t i = 1;
    while (i < n && !before(p + i * size, p + (i - 1) * size, ctx))
        i++;
    if (i >= n) return 0; /* already in order: the usual case */
    char *tmp = malloc(n * size);
    if (!tmp) return -1;
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t a = lo, b = mid, o = lo;
            /* Stable: an element of the right run goes first only when it
             * is strictly before the left one. */
            while (a < mid && b < hi)
                memcpy(tmp + o++ * size,
                       before(p + b * size, p + a * size, ctx) ? p + b++ * size : p + a++ * size,
                       size);
            memcpy(tmp + o * size, p + a * size, (mid - a) * size);
            o += mid - a;
            memcpy(tmp + o * size, p + b * size, (hi - b) * size);
        }
        memcpy(p, tmp, n * size);
    }
    free(tmp);
    return 0;
}

size_t tx_lower_bound(const void *base, size_t n, size_t key,
                      size_t (*key_at)(const void *base, size_t i))
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (key_at(base, mid) < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t tx_mem_hash(const char *s, size_t n)
{
    size_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

/* The slot of key, or the empty slot where it would go.  A slot counts
 * only when it belongs to the map's current generation. */
static size_t nmap_find(const tx_nmap *m, const char *key, size_t len)
{
    size_t h = tx_mem_hash(key, len) & (m->cap - 1);
    while (m->slot[h].gen == m->gen &&
           (m->slot[h].len != len || memcmp(m->slot[h].key, key, len) != 0))
        h = (h + 1) & (m->cap - 1);
    return h;
}

int tx_nmap_get(const tx_nmap *m, const char *key, size_t len, size_t *val)
{
    if (!m->cap) return 0;
    size_t h = nmap_find(m, key, len);
    if (m->slot[h].gen != m->gen) return 0;
    *val = m->slot[h].val;
    return 1;
}

/* Doubles the table (or makes the first), keeping the current keys. */
static int nmap_grow(tx_nmap *m)
{
    size_t nc = m->cap ? m->cap * 2 : 64;
    tx_nmap_slot *ns = calloc(nc, sizeof *ns);
    if (!ns) return -1;
    tx_nmap old = *m;
    m->slot = ns;
    m->cap = nc;
    m->gen = 1;
    for (size_t i = 0; i < old.cap; i++)
        if (old.slot[i].gen == old.gen) {
            tx_nmap_slot *d = &m->slot[nmap_find(m, old.slot[i].key, old.slot[i].len)];
            *d = old.slot[i];
            d->gen = 1;
        }
    free(old.slot);
    return 0;
}

int tx_nmap_put(tx_nmap *m, const char *key, size_t len, size_t val)
{
    if ((m->n + 1) * 2 > m->cap && nmap_grow(m)) return -1;
    size_t h = nmap_find(m, key, len);
    if (m->slot[h].gen != m->gen) m->n++;
    m->slot[h] = (tx_nmap_slot){key, len, val, m->gen};
    return 0;
}

void tx_nmap_clear(tx_nmap *m)
{
    m->n = 0;
    if (++m->gen == 0) { /* the generation wrapped: really empty the slots */
        if (m->cap) memset(m->slot, 0, m->cap * sizeof *m->slot);
        m->gen = 1;
    }
}

void tx_nmap_free(tx_nmap *m)
{
    free(m->slot);
    memset(m, 0, sizeof *m);
}

size_t tx_str_hash(const char *s)
{
    size_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

int tx_strset_has(const tx_strset *s, const char *key)
{
    if (!s->cap) return 0;
    for (size_t h = tx_str_hash(key) & (s->cap - 1); s->slot[h]; h = (h + 1) & (s->cap - 1))
        if (strcmp(s->slot[h], key) == 0) return 1;
    return 0;
}

int tx_strset_add(tx_strset *s, const char *key)
{
    if (tx_strset_has(s, key)) return 0;
    if ((s->n + 1) * 2 > s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 64;
        char **ns = calloc(nc, sizeof *ns);
        if (!ns) return -1;
        for (size_t i = 0; i < s->cap; i++)
            if (s->slot[i]) {
                size_t h = tx_str_hash(s->slot[i]) & (nc - 1);
                while (ns[h])
                    h = (h + 1) & (nc - 1);
                ns[h] = s->slot[i];
            }
        free(s->slot);
        s->slot = ns;
        s->cap = nc;
    }
    char *copy = tx_strndup(key, strlen(key));
    if (!copy) return -1;
    size_t h = tx_str_hash(key) & (s->cap - 1);
    while (s->slot[h])
        h = (h + 1) & (s->cap - 1);
    s->slot[h] = copy;
    s->n++;
    return 0;
}

void tx_strset_free(tx_strset *s)
{
    for (size_t i = 0; i < s->cap; i++)
        free(s->slot[i]);
    free(s->slot);
    memset(s, 0, sizeof *s);
}

/* ---- SHA-256 (FIPS 180-4) ------------------------------------------- */
void tx_sha256_hex(const unsigned char *data, size_t len, char out[TX_SHA256_HEX])
{
    /* Nettle's SHA-256 uses the CPU's SHA instructions where there are
     * any: some 1.6 GB/s here against 200 MB/s for a portable C one. */
    static const char hex[] = "0123456789abcdef";
    struct sha256_ctx ctx;
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, len, data);
    sha256_digest(&ctx, sizeof d, d);
    for (size_t j = 0; j < sizeof d; j++) {
        out[2 * j] = hex[d[j] >> 4];
        out[2 * j + 1] = hex[d[j] & 0xF];
    }
    out[2 * sizeof d] = 0;
}

/* A line break and the indentation of level depth, in runs of at most
 * INDENT_RUN spaces. */
#define INDENT_RUN 32
void tx_json_newline(tx_strbuf *b, int indent, int depth)
{
    static const char spaces[INDENT_RUN + 1] = "                                ";
    tx_sb_addc(b, '\n');
    for (size_t n = (size_t)(depth * indent); n > 0;) {
        size_t k = n < INDENT_RUN ? n : INDENT_RUN;
        tx_sb_add(b, spaces, k);
        n -= k;
    }
}

/* Appends the compact JSON text s to b laid out as `jq .` lays it out:
 * every member and element on a line of its own, indented one level per
 * nesting (indent spaces a level), "key": value, empty objects and
 * arrays as {} and [].  depth is the level s starts at.  Strings are
 * copied as they are. */
void tx_json_layout(tx_strbuf *b, const char *s, int indent, int depth)
{
    const char *p = s;
    for (;;) {
        const char *q = strpbrk(p, "\"{[]},:");
        if (!q) break;
        if (*q == '"') { /* copy the string, escapes and all */
            const char *e = q + 1;
            while ((e = strpbrk(e, "\"\\")) && *e == '\\' && e[1])
                e += 2;
            if (!e || *e != '"') break; /* unterminated: cannot happen with cJSON */
            tx_sb_add(b, p, (size_t)(e + 1 - p));
            p = e + 1;
            continue;
        }
        tx_sb_add(b, p, (size_t)(q - p));
        p = q + 1;
        switch (*q) {
        case '{':
        case '[':
            if (*p == (*q == '{' ? '}' : ']')) { /* empty: {} or [] */
                tx_sb_add(b, q, 2);
                p++;
            } else {
                tx_sb_addc(b, *q);
                tx_json_newline(b, indent, ++depth);
            }
            break;
        case '}':
        case ']':
            tx_json_newline(b, indent, --depth);
            tx_sb_addc(b, *q);
            break;
        case ',':
            tx_sb_addc(b, ',');
            tx_json_newline(b, indent, depth);
            break;
        default: /* ':' */
            tx_sb_add(b, ": ", 2);
            break;
        }
    }
    tx_sb_add(b, p, strlen(p));
}
