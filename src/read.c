/* read.c - stage 1: bytes in, decoded text out.
 *
 * Accepts UTF-8 (with or without BOM), UTF-16/32 with a BOM, a forced
 * encoding (--encoding, any ICU converter name) and, when the bytes are not
 * valid UTF-8, ICU charset detection limited to multi-byte CJK and Unicode
 * encodings.  CRLF and lone CR become LF.  Malformed input is an error that
 * names the byte offset; nothing is replaced silently. */
#include "read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>

#define CHUNK 4096 /* UTF-16 units per ucnv_toUnicode call */

/* Appends ubuf[0..n) to b as UTF-8.  The units hold only whole surrogate
 * pairs (icu_decode keeps a trailing lead back for the next chunk); a lone
 * surrogate, which ICU lets through from CESU-8 or UTF-7, returns its
 * index, else -1. */
static int32_t utf16_to_utf8(tx_strbuf *b, const UChar *u, int32_t n)
{
    char out[CHUNK * 3];
    size_t w = 0;
    for (int32_t i = 0; i < n; i++) {
        uint32_t c = u[i];
        if (c >= 0xD800 && c <= 0xDFFF) {
            if (c > 0xDBFF || i + 1 == n || u[i + 1] < 0xDC00 || u[i + 1] > 0xDFFF) return i;
            c = 0x10000 + ((c - 0xD800) << 10) + (u[++i] - 0xDC00u);
        }
        if (c < 0x80) {
            out[w++] = (char)c;
        } else if (c < 0x800) {
            out[w++] = (char)(0xC0 | (c >> 6));
            out[w++] = (char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            out[w++] = (char)(0xE0 | (c >> 12));
            out[w++] = (char)(0x80 | ((c >> 6) & 0x3F));
            out[w++] = (char)(0x80 | (c & 0x3F));
        } else {
            out[w++] = (char)(0xF0 | (c >> 18));
            out[w++] = (char)(0x80 | ((c >> 12) & 0x3F));
            out[w++] = (char)(0x80 | ((c >> 6) & 0x3F));
            out[w++] = (char)(0x80 | (c & 0x3F));
        }
    }
    tx_sb_add(b, out, w);
    return -1;
}

/* Converts with an ICU converter; stops at the first illegal sequence and
 * reports its byte offset, counted from base (the length of a BOM the
 * caller took off).  Output is UTF-8 in *out (caller frees).
 *
 * The text goes through UTF-16 CHUNK units at a time.  A supplementary
 * character can end one chunk with its lead surrogate while ICU holds the
 * trail back for the next call, so a lead at the end of a chunk is carried
 * over to the front of the next one instead of being converted alone
 * (which once turned the pair into two U+FFFD, silently). */
static tx2json_status icu_decode(const char *name, const char *enc, const unsigned char *data,
                                 size_t len, size_t base, char **out, size_t *outlen,
                                 tx2json_error *err)
{
    UErrorCode st = U_ZERO_ERROR;
    UConverter *cv = ucnv_open(enc, &st);
    if (U_FAILURE(st)) {
        tx_seterr(err, TX2JSON_EINVAL, name, 0, 0, (size_t)-1, "unknown encoding '%s'", enc);
        return TX2JSON_EINVAL;
    }
    ucnv_setToUCallBack(cv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &st);
    tx_strbuf b = {0};
    /* One spare unit, so that ICU's end-of-target pointer ubuf + CHUNK
     * lies inside the array: a pointer just past an array's end may be the
     * next local's address, and make asan's pointer checks (rightly strict)
     * would see t - ubuf as two objects. */
    UChar ubuf[CHUNK + 1];
    int32_t offs[CHUNK]; /* source offset of each unit from the call's start, or -1 */
    int32_t carry = 0;   /* 1 when ubuf[0] is a lead surrogate from the last chunk */
    size_t carry_off = 0, last_off = 0; /* source offsets of that lead, of the last unit */
    const char *src = (const char *)data, *lim = src + len;
    tx2json_status rc = TX2JSON_OK;
    int more = 1;
    while (more) {
        UChar *t = ubuf + carry;
        size_t call_start = (size_t)(src - (const char *)data);
        st = U_ZERO_ERROR;
        ucnv_toUnicode(cv, &t, ubuf + CHUNK, &src, lim, offs + carry, 1, &st);
        /* Overflow: the chunk is full and more is to come (input, or units
         * ICU keeps back); otherwise all input is converted and flushed. */
        more = st == U_BUFFER_OVERFLOW_ERROR;
        if (more) st = U_ZERO_ERROR;
        if (U_FAILURE(st)) {
            /* src points just past the bad sequence; ask ICU for its length. */
            char bad[32];
            int8_t blen = sizeof bad;
            UErrorCode s2 = U_ZERO_ERROR;
            ucnv_getInvalidChars(cv, bad, &blen, &s2);
            size_t off =
                base + (size_t)(src - (const char *)data) - (U_SUCCESS(s2) ? (size_t)blen : 0);
            s2 = U_ZERO_ERROR;
            tx_seterr(err, TX2JSON_EDECODE, name, 0, 0, off,
                      "invalid %s byte sequence at byte offset %zu", ucnv_getName(cv, &s2), off);
            rc = TX2JSON_EDECODE;
            break;
        }
        int32_t n = (int32_t)(t - ubuf);
        /* Source offset of unit i: units ICU had kept back from the last
         * call (offset -1) belong to the sequence that call ended with. */
#define UNIT_OFF(i)                                                                                \
    ((i) < carry ? carry_off : offs[i] >= 0 ? call_start + (size_t)offs[i] : last_off)
        int32_t keep = more && n > carry && (ubuf[n - 1] & 0xFC00) == 0xD800;
        int32_t lone = utf16_to_utf8(&b, ubuf, n - keep);
        if (lone >= 0) {
            size_t off = base + UNIT_OFF(lone);
            tx_seterr(err, TX2JSON_EDECODE, name, 0, 0, off,
                      "unpaired surrogate U+%04X in %s at byte offset %zu", (unsigned)ubuf[lone],
                      enc, off);
            rc = TX2JSON_EDECODE;
            break;
        }
        if (n > 0) last_off = UNIT_OFF(n - 1);
#undef UNIT_OFF
        carry = keep;
        if (keep) {
            ubuf[0] = ubuf[n - 1];
            carry_off = last_off;
        }
    }
    ucnv_close(cv);
    if (rc == TX2JSON_OK && b.oom) {
        tx_seterr(err, TX2JSON_ENOMEM, name, 0, 0, (size_t)-1, "out of memory");
        rc = TX2JSON_ENOMEM;
    }
    if (rc != TX2JSON_OK) {
        tx_sb_free(&b);
        return rc;
    }
    if (!b.s) b.s = calloc(1, 1);
    if (!b.s) {
        tx_seterr(err, TX2JSON_ENOMEM, name, 0, 0, (size_t)-1, "out of memory");
        return TX2JSON_ENOMEM;
    }
    *out = b.s;
    *outlen = b.len;
    return TX2JSON_OK;
}

/* Multi-byte charsets that detection may choose; single-byte guesses would
 * turn any binary file into plausible-looking garbage. */
static int detect_acceptable(const char *cs)
{
    static const char *ok[] = {"GB18030",  "Big5",     "EUC-JP",   "EUC-KR",   "Shift_JIS",
                               "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE", NULL};
    for (int i = 0; ok[i]; i++)
        if (strcmp(cs, ok[i]) == 0) return 1;
    return 0;
}

static const char *detect(const unsigned char *data, size_t len)
{
    UErrorCode st = U_ZERO_ERROR;
    UCharsetDetector *d = ucsdet_open(&st);
    if (U_FAILURE(st)) return NULL;
    int32_t n = len > 1 << 20 ? 1 << 20 : (int32_t)len;
    ucsdet_setText(d, (const char *)data, n, &st);
    int32_t nm = 0;
    const UCharsetMatch **m = ucsdet_detectAll(d, &nm, &st);
    const char *found = NULL;
    for (int32_t i = 0; U_SUCCESS(st) && i < nm && !found; i++) {
        const char *cs = ucsdet_getName(m[i], &st);
        int32_t conf = ucsdet_getConfidence(m[i], &st);
        if (U_SUCCESS(st) && conf >= 50 && detect_acceptable(cs)) found = cs;
    }
    ucsdet_close(d);
    return found; /* names are static strings inside ICU */
}

/* UTF-16 without a BOM: text with spaces, digits or Latin letters has a
 * zero in one byte of many code units, and almost never in the other. */
static const char *utf16_guess(const unsigned char *d, size_t len)
{
    if (len < 4 || len % 2) return NULL;
    size_t ze = 0, zo = 0;
    for (size_t i = 0; i < len; i += 2) {
        ze += d[i] == 0;
        zo += d[i + 1] == 0;
    }
    size_t units = len / 2;
    if (zo * 10 >= units && ze * 20 <= zo) return "UTF-16LE";
    if (ze * 10 >= units && zo * 20 <= ze) return "UTF-16BE";
    return NULL;
}

/* Only bytes that are not UTF-8 (valid says whether they are), or that
 * are full of NULs, are worth a UTF-16 guess; a stray NUL in UTF-8 text
 * stays an error. */
static int utf16_plausible(const unsigned char *d, size_t len, int valid)
{
    if (!valid) return 1;
    if (!memchr(d, 0, len)) return 0;
    size_t nul = 0;
    for (size_t i = 0; i < len; i++)
        nul += d[i] == 0;
    return nul * 4 >= len;
}

/* The text of data[skip, len), which is valid UTF-8: the buffer the
 * conversion owns (c->take), taken over as it is, when data is that buffer
 * and holds no NUL (a NUL is an error that points into the input, which
 * must then stay as it was); else a copy.  NULL on OOM. */
static char *utf8_text(tx_conv *c, const unsigned char *data, size_t skip, size_t len)
{
    unsigned char *t = c->take;
    if (t != data || memchr(t + skip, 0, len - skip))
        return tx_strndup((const char *)data + skip, len - skip);
    if (skip) memmove(t, t + skip, len - skip);
    char *u = realloc(t, len - skip + 1);
    if (u) c->take = NULL;
    return u;
}

tx2json_status tx_decode(tx_conv *c, const unsigned char *data, size_t len)
{
    tx_doc *doc = c->doc;
    const char *name = c->name, *forced = c->opts->encoding;
    tx2json_error *err = c->err;
    doc->name = name;
    char *u8 = NULL;
    size_t u8len = 0;
    tx2json_status rc;
    size_t nm0 = 0, nb0 = 0, bad0 = 0;
    doc->raw_len = len;
    tx_sha256_hex(data, len, doc->sha256);

    if (forced && *forced) {
        rc = icu_decode(name, forced, data, len, 0, &u8, &u8len, err);
        if (rc) return rc;
        snprintf(doc->encoding, sizeof doc->encoding, "%s", forced);
    } else if (len >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF) {
        size_t nm, nb, bad = tx_utf8_check(data + 3, len - 3, &nm, &nb);
        if (bad != len - 3) {
            tx_seterr(err, TX2JSON_EDECODE, name, 0, 0, bad + 3, "invalid UTF-8 at byte offset %zu",
                      bad + 3);
            return TX2JSON_EDECODE;
        }
        u8 = utf8_text(c, data, 3, len);
        u8len = len - 3;
        strcpy(doc->encoding, "UTF-8");
    } else if (len >= 2 &&
               ((data[0] == 0xFF && data[1] == 0xFE) || (data[0] == 0xFE && data[1] == 0xFF))) {
        const char *enc = data[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
        if (len >= 4 && data[0] == 0xFF && data[2] == 0 && data[3] == 0) enc = "UTF-32LE";
        size_t bom = enc[4] == '3' ? 4 : 2;
        rc = icu_decode(name, enc, data + bom, len - bom, bom, &u8, &u8len, err);
        if (rc) return rc;
        strcpy(doc->encoding, enc);
    } else if (utf16_plausible(data, len, (bad0 = tx_utf8_check(data, len, &nm0, &nb0)) == len) &&
               utf16_guess(data, len)) {
        const char *enc = utf16_guess(data, len);
        rc = icu_decode(name, enc, data, len, 0, &u8, &u8len, err);
        if (rc) return rc;
        strcpy(doc->encoding, enc);
    } else {
        size_t nm = nm0, nb = nb0, bad = bad0; /* checked just above */
        if (bad == len) {
            u8 = utf8_text(c, data, 0, len);
            u8len = len;
            strcpy(doc->encoding, "UTF-8");
        } else {
            const char *cs = nm > 4 * nb ? NULL : detect(data, len);
            if (!cs) {
                tx_seterr(err, TX2JSON_EDECODE, name, 0, 0, bad,
                          "invalid UTF-8 at byte offset %zu (and no other encoding detected; "
                          "use --encoding)",
                          bad);
                return TX2JSON_EDECODE;
            }
            rc = icu_decode(name, cs, data, len, 0, &u8, &u8len, err);
            if (rc) return rc;
            snprintf(doc->encoding, sizeof doc->encoding, "%s", cs);
        }
    }
    if (!u8) {
        tx_seterr(err, TX2JSON_ENOMEM, name, 0, 0, (size_t)-1, "out of memory");
        return TX2JSON_ENOMEM;
    }
    /* Drop a BOM that survived conversion, fold CRLF/CR to LF, reject NUL. */
    size_t r = 0, w = 0;
    if (u8len >= 3 && (unsigned char)u8[0] == 0xEF && (unsigned char)u8[1] == 0xBB &&
        (unsigned char)u8[2] == 0xBF)
        r = 3;
    for (; r < u8len; r++) {
        char c = u8[r];
        if (c == 0) {
            tx_seterr(err, TX2JSON_EDECODE, name, 0, 0, r,
                      "NUL character at decoded byte offset %zu (binary file?)", r);
            free(u8);
            return TX2JSON_EDECODE;
        }
        if (c == '\r') {
            u8[w++] = '\n';
            if (r + 1 < u8len && u8[r + 1] == '\n') r++;
        } else {
            u8[w++] = c;
        }
    }
    u8[w] = 0;
    doc->text = u8;
    doc->len = w;
    /* Code point offsets. */
    size_t ncp = tx_u8_count(u8, w);
    if (w > UINT32_MAX - 1) {
        tx_seterr(err, TX2JSON_ELIMIT, name, 0, 0, (size_t)-1, "input larger than 4 GiB");
        return TX2JSON_ELIMIT;
    }
    doc->cp_at = malloc((ncp / TX_CP_STRIDE + 1) * sizeof *doc->cp_at);
    if (!doc->cp_at) {
        tx_seterr(err, TX2JSON_ENOMEM, name, 0, 0, (size_t)-1, "out of memory");
        return TX2JSON_ENOMEM;
    }
    for (size_t i = 0, k = 0; i < w; i++) {
        if (((unsigned char)u8[i] & 0xC0) == 0x80) continue;
        if (k % TX_CP_STRIDE == 0) doc->cp_at[k / TX_CP_STRIDE] = (uint32_t)i;
        k++;
    }
    if (ncp % TX_CP_STRIDE == 0) doc->cp_at[ncp / TX_CP_STRIDE] = (uint32_t)w;
    doc->ncp = ncp;
    return TX2JSON_OK;
}

static size_t cp_at_at(const void *v, size_t i)
{
    return ((const uint32_t *)v)[i];
}

size_t tx_byte_to_cp(const tx_doc *doc, size_t byte)
{
    if (byte >= doc->len) return doc->ncp;
    /* The last sampled code point at or before byte (the first is at 0). */
    size_t k = tx_lower_bound(doc->cp_at, doc->ncp / TX_CP_STRIDE + 1, byte + 1, cp_at_at) - 1;
    return k * TX_CP_STRIDE + tx_u8_count(doc->text + doc->cp_at[k], byte - doc->cp_at[k]);
}

size_t tx_cp_to_byte(const tx_doc *doc, size_t cp)
{
    if (cp >= doc->ncp) return doc->len;
    size_t at = doc->cp_at[cp / TX_CP_STRIDE];
    return at + tx_u8_skip(doc->text + at, doc->len - at, cp % TX_CP_STRIDE);
}

void tx_doc_free(tx_doc *doc)
{
    free(doc->text);
    free(doc->cp_at);
    doc->text = NULL;
    doc->cp_at = NULL;
}
