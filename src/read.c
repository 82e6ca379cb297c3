/* read.c - stage 1: bytes in, decoded text out.
 *
 * Accepts UTF-8 (with or without BOM), UTF-16/32 with a BOM, a forced
 * encoding (--encoding, any ICU converter name) and, when the bytes are not
 * valid UTF-8, ICU charset detection limited to multi-byte CJK and Unicode
 * encodings.  CRLF and lone CR become LF.  Malformed input is an error that
 * names the byte offset; nothing is replaced silently. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>

/* Converts with an ICU converter; stops at the first illegal sequence and
 * reports its byte offset.  Output is UTF-8 in *out (caller frees). */
static tx2json_status icu_decode(const char *name, const char *enc, const unsigned char *data,
                                 size_t len, char **out, size_t *outlen, tx2json_error *err)
{
    UErrorCode st = U_ZERO_ERROR;
    UConverter *cv = ucnv_open(enc, &st);
    if (U_FAILURE(st)) {
        tx_seterr(err, TX2JSON_EINVAL, name, 0, 0, (size_t)-1, "unknown encoding '%s'", enc);
        return TX2JSON_EINVAL;
    }
    ucnv_setToUCallBack(cv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &st);
    UConverter *u8 = ucnv_open("UTF-8", &st);
    if (U_FAILURE(st)) {
        ucnv_close(cv);
        tx_seterr(err, TX2JSON_EINTERNAL, name, 0, 0, (size_t)-1, "ICU: %s", u_errorName(st));
        return TX2JSON_EINTERNAL;
    }
    /* Convert chunk-wise through UTF-16 so that errors carry offsets. */
    strbuf b = {0};
    UChar ubuf[4096];
    int32_t offs[4096];
    const char *src = (const char *)data, *lim = src + len;
    tx2json_status rc = TX2JSON_OK;
    while (src < lim || src == (const char *)data) {
        UChar *t = ubuf;
        const char *chunk_start = src;
        st = U_ZERO_ERROR;
        ucnv_toUnicode(cv, &t, ubuf + 4096, &src, lim, offs, 1, &st);
        if (st == U_BUFFER_OVERFLOW_ERROR) st = U_ZERO_ERROR;
        if (U_FAILURE(st)) {
            /* src points just past the bad sequence; ask ICU for its length. */
            char bad[32];
            int8_t blen = sizeof bad;
            UErrorCode s2 = U_ZERO_ERROR;
            ucnv_getInvalidChars(cv, bad, &blen, &s2);
            size_t off = (size_t)(src - (const char *)data) - (U_SUCCESS(s2) ? (size_t)blen : 0);
            tx_seterr(err, TX2JSON_EDECODE, name, 0, 0, off,
                      "invalid %s byte sequence at byte offset %zu", ucnv_getName(cv, &s2), off);
            rc = TX2JSON_EDECODE;
            break;
        }
        (void)chunk_start;
        char u8buf[4096 * 3 + 4];
        UErrorCode s3 = U_ZERO_ERROR;
        int32_t n = ucnv_fromUChars(u8, u8buf, sizeof u8buf, ubuf, (int32_t)(t - ubuf), &s3);
        if (U_FAILURE(s3)) {
            tx_seterr(err, TX2JSON_EINTERNAL, name, 0, 0, (size_t)-1, "ICU: %s", u_errorName(s3));
            rc = TX2JSON_EINTERNAL;
            break;
        }
        sb_add(&b, u8buf, (size_t)n);
        if (src >= lim) break;
    }
    ucnv_close(cv);
    ucnv_close(u8);
    if (rc == TX2JSON_OK && b.oom) {
        tx_seterr(err, TX2JSON_ENOMEM, name, 0, 0, (size_t)-1, "out of memory");
        rc = TX2JSON_ENOMEM;
    }
    if (rc != TX2JSON_OK) {
        sb_free(&b);
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

tx2json_status tx_decode(tx_doc *doc, const unsigned char *data, size_t len, const char *forced,
                         tx2json_error *err)
{
    const char *name = doc->name;
    char *u8 = NULL;
    size_t u8len = 0;
    tx2json_status rc;
    size_t nm0 = 0, nb0 = 0, bad0 = 0;
    doc->raw_len = len;
    sha256_hex(data, len, doc->sha256);

    if (forced && *forced) {
        rc = icu_decode(name, forced, data, len, &u8, &u8len, err);
        if (rc) return rc;
        snprintf(doc->encoding, sizeof doc->encoding, "%s", forced);
    } else if (len >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF) {
        size_t nm, nb, bad = tx_utf8_check(data + 3, len - 3, &nm, &nb);
        if (bad != len - 3) {
            tx_seterr(err, TX2JSON_EDECODE, name, 0, 0, bad + 3, "invalid UTF-8 at byte offset %zu",
                      bad + 3);
            return TX2JSON_EDECODE;
        }
        u8 = tx_strndup((const char *)data + 3, len - 3);
        u8len = len - 3;
        strcpy(doc->encoding, "UTF-8");
    } else if (len >= 2 &&
               ((data[0] == 0xFF && data[1] == 0xFE) || (data[0] == 0xFE && data[1] == 0xFF))) {
        const char *enc = data[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
        if (len >= 4 && data[0] == 0xFF && data[2] == 0 && data[3] == 0) enc = "UTF-32LE";
        rc = icu_decode(name, enc, data + (enc[4] == '3' ? 4 : 2), len - (enc[4] == '3' ? 4 : 2),
                        &u8, &u8len, err);
        if (rc) {
            if (err && err->offset != (size_t)-1) err->offset += enc[4] == '3' ? 4 : 2;
            return rc;
        }
        strcpy(doc->encoding, enc);
    } else if (utf16_plausible(data, len, (bad0 = tx_utf8_check(data, len, &nm0, &nb0)) == len) &&
               utf16_guess(data, len)) {
        const char *enc = utf16_guess(data, len);
        rc = icu_decode(name, enc, data, len, &u8, &u8len, err);
        if (rc) return rc;
        strcpy(doc->encoding, enc);
    } else {
        size_t nm = nm0, nb = nb0, bad = bad0; /* checked just above */
        if (bad == len) {
            u8 = tx_strndup((const char *)data, len);
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
            rc = icu_decode(name, cs, data, len, &u8, &u8len, err);
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
    size_t ncp = 0;
    for (size_t i = 0; i < w; i++)
        if (((unsigned char)u8[i] & 0xC0) != 0x80) ncp++;
    if (w > UINT32_MAX - 1) {
        tx_seterr(err, TX2JSON_ELIMIT, name, 0, 0, (size_t)-1, "input larger than 4 GiB");
        return TX2JSON_ELIMIT;
    }
    doc->cp_off = malloc((ncp + 1) * sizeof *doc->cp_off);
    if (!doc->cp_off) {
        tx_seterr(err, TX2JSON_ENOMEM, name, 0, 0, (size_t)-1, "out of memory");
        return TX2JSON_ENOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < w; i++)
        if (((unsigned char)u8[i] & 0xC0) != 0x80) doc->cp_off[k++] = (uint32_t)i;
    doc->cp_off[k] = (uint32_t)w;
    doc->ncp = ncp;
    return TX2JSON_OK;
}

size_t tx_byte_to_cp(const tx_doc *doc, size_t byte)
{
    size_t lo = 0, hi = doc->ncp;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (doc->cp_off[mid] < byte)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void tx_doc_free(tx_doc *doc)
{
    free(doc->text);
    free(doc->cp_off);
    doc->text = NULL;
    doc->cp_off = NULL;
}
