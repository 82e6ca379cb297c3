/* fuzz_subtitle.c - libFuzzer harness: the subtitle layout.  Arbitrary
 * bytes are cut into short caption lines, optionally framed as SRT cues
 * (number, timestamps, blank line) or WebVTT cues (header, NOTE block,
 * identifiers, settings, voice tags) with CRLF endings, and followed by a
 * reference list built from the input's own words, so the short-line
 * paths (numbered items, headline blocks, announcements a few lines
 * ahead, linking) and the container stage run on every input.  When the
 * input is framed, no entry's text may hold a timing line's arrow: the
 * framing never reaches the text.
 *
 * With flag 16 the lines are the segments of a Whisper verbose_json
 * document instead (every byte that JSON must escape escaped, every other
 * non-ASCII character too when flag 2 is set), and the reference list
 * goes in show notes; no entry may then hold JSON syntax ("\"start\"").
 *
 * With flag 32 the text is the file as given, framing and all, so the
 * malformed subtitles of tests/bad (bad timing lines, text before the
 * first cue, binary in a .vtt, broken JSON) and hand-cut ones (prose cut
 * mid-sentence, joined back by cuejoin.c) are seeds as they are; byte 1
 * then sets the line limit (--max-line) to (byte 1 + 1) x AS_GIVEN_LINE
 * bytes, so a cue over the limit (tests/bad/srt-cue-10mb's error) fits in
 * a seed.
 *
 * Input: byte 0 holds flags (1: SRT cues, 2: CRLF, 4: reference list,
 * 8: WebVTT cues, 16: Whisper JSON, 32: as given), byte 1 the line width
 * (8 to 39 bytes), the rest the
 * text; a 0xFF byte ends the text and starts the labels of the reference
 * list, one per 0xFE-separated piece (not with flag 32). */
#include "internal.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TX2JSON_RULES_DIR
#define TX2JSON_RULES_DIR "rules"
#endif

static void add_eol(tx_strbuf *b, int crlf)
{
    if (crlf) tx_sb_addc(b, '\r');
    tx_sb_addc(b, '\n');
}

/* One caption line, as a cue when srt is set (1: SRT, 2: WebVTT). */
static void add_line(tx_strbuf *b, const unsigned char *s, size_t n, int srt, int crlf, size_t *cue)
{
    if (srt == 2) {
        char head[96];
        size_t t = *cue * 2;
        if (*cue % 3 == 0) {
            snprintf(head, sizeof head, "c%zu", *cue);
            tx_sb_add(b, head, strlen(head));
            add_eol(b, crlf);
        }
        snprintf(head, sizeof head, "%02zu:%02zu.000 --> %02zu:%02zu.500%s", t / 60 % 60, t % 60,
                 (t + 1) / 60 % 60, (t + 1) % 60, *cue % 4 == 1 ? " align:start" : "");
        tx_sb_add(b, head, strlen(head));
        add_eol(b, crlf);
        if (++*cue % 5 == 2) tx_sb_add(b, "<v Host>", 8);
        tx_sb_add(b, (const char *)s, n);
        add_eol(b, crlf);
        add_eol(b, crlf);
        return;
    }
    if (srt) {
        char head[64];
        size_t t = *cue * 2;
        snprintf(head, sizeof head, "%zu", ++*cue);
        tx_sb_add(b, head, strlen(head));
        add_eol(b, crlf);
        snprintf(head, sizeof head, "00:%02zu:%02zu,000 --> 00:%02zu:%02zu,500", t / 60 % 60,
                 t % 60, (t + 1) / 60 % 60, (t + 1) % 60);
        tx_sb_add(b, head, strlen(head));
        add_eol(b, crlf);
    }
    tx_sb_add(b, (const char *)s, n);
    add_eol(b, crlf);
    if (srt) add_eol(b, crlf);
}

/* One line as a Whisper segment (srt 3): its text a JSON string, with
 * \uXXXX escapes for non-ASCII characters when ascii is set. */
static void add_segment(tx_strbuf *b, const unsigned char *s, size_t n, int ascii, size_t *cue)
{
    char head[160];
    size_t t = *cue * 2;
    snprintf(head, sizeof head, "%s{\"id\": %zu, \"seek\": 0, \"start\": %zu.0, \"end\": %zu.5, \"text\": \" ",
             *cue ? ", " : "", *cue, t, t + 1);
    tx_sb_add(b, head, strlen(head));
    ++*cue;
    for (size_t i = 0; i < n;) {
        unsigned char ch = s[i];
        if (ch == '"' || ch == '\\') {
            tx_sb_addc(b, '\\');
            tx_sb_addc(b, (char)ch);
            i++;
        } else if (ch < 0x20 || (ascii && ch >= 0x80) || ch == 0x7F) {
            size_t j = i + 1;
            uint32_t cp = ch;
            /* A UTF-8 sequence, checked (the input is arbitrary bytes): a
             * byte that starts none is written as the code point of its
             * value. */
            size_t len = ch >= 0xF0 && ch < 0xF5 ? 4 : ch >= 0xE0 ? 3 : ch >= 0xC2 ? 2 : 1;
            if (ch >= 0x80 && len > 1 && i + len <= n) {
                uint32_t v = ch & (0x7F >> len);
                size_t k = 1;
                for (; k < len && (s[i + k] & 0xC0) == 0x80; k++)
                    v = v << 6 | (s[i + k] & 0x3F);
                if (k == len && v <= 0x10FFFF && (v < 0xD800 || v > 0xDFFF)) cp = v, j = i + len;
            }
            if (cp >= 0x10000)
                snprintf(head, sizeof head, "\\u%04X\\u%04X", 0xD800 + ((cp - 0x10000) >> 10),
                         0xDC00 + ((cp - 0x10000) & 0x3FF));
            else
                snprintf(head, sizeof head, "\\u%04X", cp);
            tx_sb_add(b, head, strlen(head));
            i = j;
        } else {
            tx_sb_addc(b, (char)ch);
            i++;
        }
    }
    static const char tail[] = "\", \"tokens\": [50364, 50365]}\n";
    tx_sb_add(b, tail, strlen(tail));
}

/* Cuts text into lines of at most width bytes, never inside a UTF-8
 * sequence, starting a new line at each newline of the input. */
static void add_text(tx_strbuf *b, const unsigned char *s, size_t n, size_t width, int srt,
                     int crlf)
{
    size_t cue = 0, i = 0;
    while (i < n) {
        size_t j = i, last_ok = i;
        while (j < n && s[j] != '\n' && j - i < width) {
            j++;
            if (j == n || (s[j] & 0xC0) != 0x80) last_ok = j;
        }
        if (j < n && s[j] != '\n' && last_ok > i) j = last_ok;
        if (srt == 3)
            add_segment(b, s + i, j - i, crlf, &cue);
        else
            add_line(b, s + i, j - i, srt, crlf, &cue);
        i = j < n && s[j] == '\n' ? j + 1 : j;
    }
}

static void add_refs(tx_strbuf *b, const unsigned char *s, size_t n, int crlf)
{
    tx_sb_add(b, "References:", 11);
    add_eol(b, crlf);
    size_t k = 0;
    for (size_t i = 0; i <= n; k++) {
        const unsigned char *e = memchr(s + i, 0xFE, n - i);
        size_t j = e ? (size_t)(e - s) : n;
        char url[64];
        tx_sb_addc(b, '[');
        tx_sb_add(b, (const char *)s + i, j - i);
        snprintf(url, sizeof url, "] https://example.com/p%zu", k);
        tx_sb_add(b, url, strlen(url));
        add_eol(b, crlf);
        i = j + 1;
    }
}

/* No entry text of a framed input holds a timing line's arrow (the
 * input's own bytes hold no '>', so any arrow would be framing), or, in
 * JSON, a segment's key (the input holds no '"'). */
static void check_no_framing(const char *json, int is_json)
{
    cJSON *d = cJSON_Parse(json);
    if (!d) return; /* out of memory: nothing to check */
    cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(d, "entries"))
    {
        const cJSON *t = cJSON_GetObjectItem(e, "text");
        if (cJSON_IsString(t) && strstr(t->valuestring, is_json ? "\"start\"" : "-->")) abort();
    }
    cJSON_Delete(d);
}

/* Flag 32: the line limit's unit (byte 1 + 1 of them). */
#define AS_GIVEN_LINE 64

/* Flag 32: the bytes are the file; any status but success without a
 * document is fine (a malformed file is an error value, never a crash). */
static int convert_as_given(tx2json_ctx *ctx, unsigned char width, const unsigned char *s,
                            size_t n)
{
    tx2json_error err;
    tx2json_options o = {0};
    char *json = NULL;
    o.max_input = 1 << 20;
    o.max_line = ((size_t)width + 1) * AS_GIVEN_LINE;
    if (tx2json_convert_buffer(ctx, "fuzz.srt", s, n, &o, &json, &err) == TX2JSON_OK && !json)
        abort();
    tx2json_free(json);
    return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static tx2json_ctx *ctx;
    tx2json_error err;
    if (size < 2 || size > 16384) return 0;
    if (!ctx && tx2json_ctx_new(TX2JSON_RULES_DIR, &ctx, &err) != TX2JSON_OK) abort();
    int flags = data[0];
    if (flags & 32) return convert_as_given(ctx, data[1], data + 2, size - 2);
    size_t width = 8 + data[1] % 32;
    const unsigned char *text = data + 2, *ff = memchr(text, 0xFF, size - 2);
    size_t tn = ff ? (size_t)(ff - text) : size - 2;
    tx_strbuf b = {0};
    int framing = flags & 16 ? 3 : flags & 8 ? 2 : flags & 1;
    static const char json_head[] = "{\"text\": \"\", \"segments\": [\n",
                      json_tail[] = "], \"language\": \"en\"}\n";
    if (framing == 3) tx_sb_add(&b, json_head, strlen(json_head));
    if (framing == 2) {
        tx_sb_add(&b, "WEBVTT", 6);
        add_eol(&b, flags & 2);
        add_eol(&b, flags & 2);
        tx_sb_add(&b, "NOTE fuzz", 9);
        add_eol(&b, flags & 2);
        add_eol(&b, flags & 2);
    }
    add_text(&b, text, tn, width, framing, flags & 2);
    tx_strbuf notes = {0};
    if (framing == 3) tx_sb_add(&b, json_tail, strlen(json_tail));
    if ((flags & 4) && ff) {
        tx_strbuf *r = framing == 3 ? &notes : &b;
        add_eol(r, flags & 2);
        add_refs(r, ff + 1, size - 2 - tn - 1, flags & 2);
    }
    if (b.oom || notes.oom) abort();
    char *json = NULL;
    tx2json_options o = {0};
    o.max_input = 1 << 20;
    if (notes.len) {
        o.notes = (const unsigned char *)notes.s;
        o.notes_len = notes.len;
        o.notes_name = "fuzz.notes.txt";
    }
    if (tx2json_convert_buffer(ctx, "fuzz.srt", (const unsigned char *)(b.s ? b.s : ""), b.len, &o,
                               &json, &err) == TX2JSON_OK &&
        !json)
        abort(); /* success must come with a document */
    if (json && framing && !memchr(data, framing == 3 ? '"' : '>', size))
        check_no_framing(json, framing == 3);
    tx2json_free(json);
    tx_sb_free(&b);
    tx_sb_free(&notes);
    return 0;
}
