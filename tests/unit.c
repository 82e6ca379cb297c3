/* unit.c - unit tests, one group per pipeline stage, linked against the
 * static library so internal functions can be reached.  Prints one line
 * per failed check and ends with "unit: N passed, N failed". */
#include "container.h"
#include "episode.h"
#include "boundaries.h"
#include "link.h"
#include "conv.h"
#include "numeral.h"
#include "prefilter.h"
#include "normalize.h"
#include "read.h"
#include "references.h"
#include "segment.h"
#include "similar.h"
#include "span.h"

#include <cjson/cJSON.h>
#include <unicode/ubrk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int passed, failed;
static const char *rules_dir = "rules";

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (cond) {                                                                                \
            passed++;                                                                              \
        } else {                                                                                   \
            failed++;                                                                              \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                            \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
        }                                                                                          \
    } while (0)

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    tx_strbuf b = {0};
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        tx_sb_add(&b, buf, n);
    fclose(f);
    *len = b.len;
    return b.s;
}

/* The stages take a conversion state (conv.h); these build one around the
 * pieces a test holds. */
static tx2json_status decode(tx_doc *d, const unsigned char *s, size_t n, const char *enc,
                             tx2json_error *err)
{
    tx2json_options o = {0};
    o.encoding = enc;
    tx_conv c = {0};
    c.name = d->name;
    c.opts = &o;
    c.err = err;
    c.doc = d;
    return tx_decode(&c, s, n);
}

static tx2json_status normalize(tx_doc *d, tx_norm *n, tx2json_error *err)
{
    tx2json_options o = {0};
    tx_conv c = {0};
    c.name = d->name;
    c.opts = &o;
    c.err = err;
    c.doc = d;
    c.norm = n;
    return tx_normalize(&c);
}

/* ---- read.c ---- */
static void test_decode(void)
{
    tx2json_error err;
    tx_doc d = {.name = "t"};
    const unsigned char bom[] = "\xEF\xBB\xBF"
                                "a\r\nb\rc";
    CHECK(decode(&d, bom, sizeof bom - 1, NULL, &err) == TX2JSON_OK, "BOM + CRLF decodes");
    CHECK(d.text && strcmp(d.text, "a\nb\nc") == 0, "BOM dropped, CRLF/CR folded: got '%s'",
          d.text ? d.text : "(null)");
    CHECK(d.ncp == 5 && strcmp(d.encoding, "UTF-8") == 0, "5 code points, UTF-8");
    tx_doc_free(&d);

    const unsigned char bad[] = "ok\xE4\xB8";
    tx_doc d2 = {.name = "bad.txt"};
    CHECK(decode(&d2, bad, sizeof bad - 1, NULL, &err) == TX2JSON_EDECODE, "truncated UTF-8");
    CHECK(err.offset == 2 && strstr(err.message, "byte offset 2"), "offset 2 named: %s",
          err.message);
    tx_doc_free(&d2);

    const unsigned char overlong[] = "a\xC0\xAF";
    tx_doc d3 = {.name = "o"};
    CHECK(decode(&d3, overlong, 3, NULL, &err) == TX2JSON_EDECODE && err.offset == 1,
          "overlong encoding rejected at offset 1");
    tx_doc_free(&d3);

    const unsigned char u16[] = {0xFF, 0xFE, 0x2D, 0x4E, 'A', 0};
    tx_doc d4 = {.name = "u16"};
    CHECK(decode(&d4, u16, 6, NULL, &err) == TX2JSON_OK && strcmp(d4.text, "中A") == 0 &&
              strcmp(d4.encoding, "UTF-16LE") == 0,
          "UTF-16LE with BOM");
    tx_doc_free(&d4);

    const unsigned char gb[] = {0xD6, 0xD0, 0xCE, 0xC4}; /* 中文 in GB18030 */
    tx_doc d5 = {.name = "gb"};
    CHECK(decode(&d5, gb, 4, "GB18030", &err) == TX2JSON_OK && strcmp(d5.text, "中文") == 0,
          "forced GB18030");
    tx_doc_free(&d5);

    tx_doc d6 = {.name = "n"};
    CHECK(decode(&d6, (const unsigned char *)"a\0b", 3, NULL, &err) == TX2JSON_EDECODE &&
              strstr(err.message, "NUL"),
          "NUL byte rejected");
    tx_doc_free(&d6);

    tx_doc d7 = {.name = "x"};
    CHECK(decode(&d7, gb, 4, "NO-SUCH-CHARSET", &err) == TX2JSON_EINVAL,
          "unknown --encoding is an error");
    tx_doc_free(&d7);
}

/* ---- normalize.c ---- */
static void test_normalize(void)
{
    tx2json_error err;
    tx_doc d = {.name = "t"};
    const char *s = "ＡＢ，中。";
    decode(&d, (const unsigned char *)s, strlen(s), NULL, &err);
    tx_norm n = {0};
    CHECK(normalize(&d, &n, &err) == TX2JSON_OK, "normalise");
    CHECK(strcmp(n.s, "AB,中。") == 0, "full-width folded: '%s'", n.s);
    CHECK(tx_norm_cp(&n, 0) == 0 && tx_norm_cp(&n, 1) == 1 && tx_norm_cp(&n, 2) == 2 &&
              tx_norm_cp(&n, 3) == 3 && tx_norm_cp(&n, 6) == 4 && tx_norm_cp(&n, n.len) == 5,
          "map points back to original code points");
    tx_norm_free(&n);
    tx_doc_free(&d);

    /* Where each byte of the matching form comes from, byte by byte: the
     * code point of the input its chunk starts at (the last entry is the
     * end, byte len).  Expansions (one code point, several characters),
     * combining sequences and four-byte characters break the plain
     * "character k is code point k" stretch; the long ASCII run crosses
     * TX_NORM_STRIDE and the code point samples of the decoded text. */
    static const struct {
        const char *in, *norm;
        unsigned cp[80];
    } maps[] = {
        /* a, U+FB01 (fi), a space, b and U+0301, c, U+FF0C (full-width comma), d */
        {"a\xef\xac\x81 b\xcc\x81"
         "c\xef\xbc\x8c"
         "d",
         "afi b\xcc\x81"
         "c,d",
         {0, 1, 1, 2, 3, 3, 3, 5, 6, 7, 8}},
        {"\xf0\xa0\x80\x80x\xe3\x8e\x8fy", /* U+20000, x, U+338F (kg), y */
         "\xf0\xa0\x80\x80xkgy",
         {0, 0, 0, 0, 1, 2, 2, 3, 4}},
        {"0123456789012345678901234567890123456789012345678901234567890123456789\xef\xac\x81z",
         "0123456789012345678901234567890123456789012345678901234567890123456789fiz",
         {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16, 17, 18,
          19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37,
          38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56,
          57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 70, 71, 72}},
    };
    for (size_t q = 0; q < sizeof maps / sizeof maps[0]; q++) {
        tx_doc dm = {.name = "m"};
        tx_norm nm = {0};
        decode(&dm, (const unsigned char *)maps[q].in, strlen(maps[q].in), NULL, &err);
        int ok = normalize(&dm, &nm, &err) == TX2JSON_OK && strcmp(nm.s, maps[q].norm) == 0;
        size_t bad = 0;
        for (size_t b = 0; ok && b <= nm.len; b++)
            if (tx_norm_cp(&nm, b) != maps[q].cp[b]) ok = 0, bad = b;
        for (size_t k = 0; ok && k <= dm.ncp; k++) /* code points and bytes agree both ways */
            if (tx_byte_to_cp(&dm, tx_cp_to_byte(&dm, k)) != k) ok = 0;
        CHECK(ok, "map of case %zu: '%s', byte %zu -> %zu, expected %u", q, nm.s ? nm.s : "", bad,
              nm.s ? tx_norm_cp(&nm, bad) : 0, maps[q].cp[bad]);
        tx_norm_free(&nm);
        tx_doc_free(&dm);
    }

    /* Name keys: input, expected key, what the case shows. */
    static const char *const keys[][3] = {
        {"Stable Diffusion Three", "stablediffusion3", "number words"},
        {"Foo one point five", "foo15", "one point five -> 15"},
        {"Bar eight by twenty two B", "bar8x22b", "eight by twenty two B -> 8x22b"},
        {"Foo four three hundred forty B", "foo4340b", "four three hundred forty -> 4340"},
        {"Foo one point seven zero", "foo170", "digits after a point are read singly"},
        {"某尼三", "某尼3", "trailing Han numeral keys as a digit"},
        {"Foo Bar三", "foobar3", "Han numeral after Latin"},
        {"Foo K一点五", "fook15", "spoken Han version with a point"},
        {"Foo二十", "foo20", "Han tens"},
        {"三点", "三点", "a numeral alone is not a version"},
        {"QWQ三十二B", "qwq32b", "Han number between Latin parts"},
        {"Foo一B", "foo1b", "Han digit between Latin letters"},
        {"GLM四Voice", "glm4voice", "Han digit inside a name"},
        {"某某二零二五", "某某2025", "Han digits read one by one"},
        {"某三个", "某三个", "a numeral inside Han text stays"},
        {"Point-E", "pointe", "'point' outside numbers stays"},
        {"MM-Interleaved", "mminterleaved", "punctuation dropped, case folded"},
    };
    /* The numerals come from the shipped rules' tables. */
    tx_ruleset *rs = NULL;
    tx_numerals *nt = NULL;
    CHECK(tx_rules_load(rules_dir, &rs, &err) == TX2JSON_OK && (nt = tx_numerals_new(rs)),
          "numeral tables load");
    for (size_t q = 0; nt && q < sizeof keys / sizeof keys[0]; q++) {
        char *k = tx_name_key(nt, keys[q][0], strlen(keys[q][0]));
        CHECK(k && strcmp(k, keys[q][1]) == 0, "%s: '%s' -> '%s'", keys[q][2], keys[q][0],
              k ? k : "(null)");
        free(k);
    }
    tx_numerals_free(nt);
    tx_rules_free(rs);
    CHECK(tx_han_share("中文中文", 12) > 0.9 && tx_han_share("hello world", 11) < 0.1, "Han share");
}

/* ---- container.c ---- */

/* A framed text taken through decoding, the container stage and
 * normalisation, as the pipeline does. */
typedef struct framed {
    tx2json_options o;
    tx2json_error err;
    tx_doc d;
    tx_container k;
    tx_norm n;
    tx_conv c;
    tx2json_status rc;
} framed;

static void framed_open(framed *f, const char *s)
{
    memset(f, 0, sizeof *f);
    f->d.name = "t";
    f->c = (tx_conv){
        .name = "t", .opts = &f->o, .err = &f->err, .doc = &f->d, .cont = &f->k, .norm = &f->n};
    f->rc = tx_decode(&f->c, (const unsigned char *)s, strlen(s));
    if (!f->rc) f->rc = tx_container_parse(&f->c);
    if (!f->rc) f->rc = tx_normalize(&f->c);
}

static void framed_close(framed *f)
{
    tx_diags_free(&f->c.diags);
    tx_norm_free(&f->n);
    tx_container_free(&f->k);
    tx_doc_free(&f->d);
}

/* The diagnostic codes of f, comma-separated, in buf. */
static const char *codes(const framed *f, char *buf, size_t size)
{
    size_t w = 0;
    buf[0] = 0;
    for (size_t i = 0; i < f->c.diags.n && w < size; i++)
        w += (size_t)snprintf(buf + w, size - w, "%s%s", i ? "," : "", f->c.diags.d[i].code);
    return buf;
}

static void test_container(void)
{
    /* Input, kind, matching form, cues, diagnostic codes, what it shows. */
    static const struct {
        const char *in;
        tx_container_kind kind;
        const char *norm;
        size_t ncue;
        const char *codes;
        const char *what;
    } cases[] = {
        {"1\n00:00:02,600 --> 00:00:05,100\nHello there\n\n2\n00:00:05,100 --> 00:00:06,000\nBye\n",
         TX_SRT, "Hello there\nBye", 2, "", "SRT: numbers and timing lines are framing"},
        {"\xef\xbb\xbf"
         "1\r\n00:00:01,000 --> 00:00:02,000\r\nA\r\n",
         TX_SRT, "A", 1, "", "BOM and CRLF"},
        {"00:00:01,000 --> 00:00:02,000\nno number\n", TX_SRT, "no number", 1, "",
         "SRT without cue numbers, a timing line first"},
        {"1\n00:00:01,000 --> 00:00:02,000\nA\n2\n00:00:02,000 --> 00:00:03,000\nB\n", TX_SRT,
         "A\nB", 2, "", "missing blank line: the number before a timing line is framing"},
        {"1\n00:00:01,000 --> 00:00:02,000\n42\n\n2\n00:00:02,000 --> 00:00:03,000\nB\n", TX_SRT,
         "42\nB", 2, "", "a number as cue text, a blank line after it, is text"},
        {"1\n00:00:01,000 --> 00:00:02,000\n<i>Open</i>AI {\\an8}said\n", TX_SRT, "OpenAI said", 1,
         "", "SRT tags and {\\an8} cut out"},
        {"1\n00:00:01,000 --> 00:00:02,000\na < b and c>d\n", TX_SRT, "a < b and c>d", 1, "",
         "SRT: '<' not opening a tag stays"},
        {"1\n00:00:01,000 --> 00:00:02,000\ntwo\nlines\n\n2\n00:00:02,000 --> "
         "00:00:03,000\n这是\n一个\n",
         TX_SRT, "two lines\n这是一个", 2, "",
         "a cue's lines: a space between, nothing between CJK characters"},
        {"Title\n\n1\n00:00:01,000 --> 00:00:02,000\nA\n", TX_SRT, "Title\nA", 1, "text-before-cue",
         "text before the first cue: kept, a warning"},
        {"1\n00:00:01,000 -> 00:00:02,000\nA\n\n2\n00:00:02,000 --> 00:00:03,000\nB\n", TX_SRT,
         "A\nB", 2, "malformed-timing",
         "a broken first timing line: found by the good one after it, a cue without a time"},
        {"1\n00:00:01,000 --> 00:00:02,000\nA\n\n2\n00:00:02,000 -> 00:00:03,000\nB\n", TX_SRT,
         "A\nB", 2, "malformed-timing", "a malformed timing line: its cue's text kept"},
        {"1\n00:00:01,000 --> 00:00:02,000\nA\n\nstray\n\n2\n00:00:02,000 --> "
         "00:00:03,000\nB\n\nLinks:\n[X] https://x.example/\n",
         TX_SRT, "A\nstray\nB\nLinks:\n[X] https://x.example/", 2, "text-outside-cue",
         "text between cues warned, text after the last cue kept as is"},
        {"1\n00:00:03,000 --> 00:00:04,000\nA\n\n2\n00:00:01,000 --> 00:00:02,000\nB\n\n3\n"
         "00:00:01,500 --> 00:00:05,000\nC\n",
         TX_SRT, "A\nB\nC", 3, "cue-order,cue-overlap", "out of order, overlapping"},
        {"WEBVTT\nKind: captions\n\nNOTE a\nb --> c\n\nSTYLE\n::cue {}\n\nid-1\n00:01.000 --> "
         "1:00:02.5 align:start\n<v Bob>Tom &amp; <c.x>Jerry</c>&lrm;</v>\n",
         TX_VTT, "Tom & Jerry", 1, "", "WebVTT: header, NOTE, STYLE, id, settings, tags, entities"},
        {"WEBVTT\n\n00:01.000 --> 00:02.000\nA <00:01.500>b\nc\n00:02.000 --> 00:03.000\nD\n",
         TX_VTT, "A b c\nD", 2, "", "WebVTT: inline timestamp; no blank line before a cue"},
        {"He said a --> b.\nAnd 00:01,000 was it.\n", TX_PLAIN,
         "He said a --> b.\nAnd 00:01,000 "
         "was it.\n",
         0, "", "plain text with an arrow stays plain"},
        {"WEBVTTX\n00:01.000 --> 00:02.000\nA\n", TX_PLAIN, "WEBVTTX\n00:01.000 --> 00:02.000\nA\n",
         0, "", "WEBVTTX is no WebVTT signature, and no cue number precedes the timing"},
    };
    char buf[256];
    for (size_t q = 0; q < sizeof cases / sizeof cases[0]; q++) {
        framed f;
        framed_open(&f, cases[q].in);
        CHECK(f.rc == TX2JSON_OK && f.k.kind == cases[q].kind && f.k.ncue == cases[q].ncue &&
                  strcmp(f.n.s, cases[q].norm) == 0 &&
                  strcmp(codes(&f, buf, sizeof buf), cases[q].codes) == 0,
              "%s: rc %d kind %d cues %zu, matching form '%s', diagnostics '%s'", cases[q].what,
              f.rc, f.k.kind, f.k.ncue, f.rc ? "" : f.n.s, codes(&f, buf, sizeof buf));
        framed_close(&f);
    }

    /* Times, text and spans through the tools the output uses. */
    framed f;
    framed_open(&f, "1\n00:00:02,600 --> 00:00:05,100\nFirst, <i>Open</i>AI\nsaid &amp;\n\n"
                    "2\n01:00:05,100 --> 01:00:06,5\nBye\n");
    CHECK(f.rc == TX2JSON_OK && f.k.ncue == 2 && f.k.cue[0].start_ms == 2600 &&
              f.k.cue[0].end_ms == 5100 && f.k.cue[1].start_ms == 3605100 &&
              f.k.cue[1].end_ms == 3606500,
          "timestamps: hours, a one-digit fraction");
    if (f.rc == TX2JSON_OK) {
        const char *o = strstr(f.n.s, "OpenAI");
        size_t s = o ? (size_t)(o - f.n.s) : 0, cs, ce;
        tx_span_cp(&f.c, s, s + 4, &cs, &ce); /* "Open" */
        CHECK(o && ce - cs == 4 && memcmp(f.d.text + tx_cp_to_byte(&f.d, cs), "Open", 4) == 0,
              "a span ends where its text does, not after the tag that follows");
        char *t = tx_span_copy(&f.c, 0, f.n.len);
        CHECK(t && strcmp(t, "First, OpenAI\nsaid &amp;\nBye") == 0,
              "spoken text (entities are WebVTT's, not SRT's): '%s'", t);
        free(t);
        long long t0 = 0, t1 = 0;
        tx_span_cp(&f.c, 0, f.n.len, &cs, &ce);
        CHECK(tx_container_time(&f.c, cs, ce, &t0, &t1) && t0 == 2600 && t1 == 3606500,
              "time of everything: first cue's start, last cue's end");
        CHECK(tx_container_time(&f.c, cs, cs + 1, &t0, &t1) && t0 == 2600 && t1 == 5100,
              "time of the first character: its cue");
    }
    framed_close(&f);
    framed_open(&f, "WEBVTT\n\nNOTE only\n");
    CHECK(f.rc == TX2JSON_EEMPTY, "WebVTT without cues: an error");
    framed_close(&f);
}

/* ---- segment.c ---- */
static void test_segment(void)
{
    tx2json_error err;
    tx_doc d = {.name = "t"};
    const char *s = "某公司推出Cross-home LLM模型,还有GPT-4 Vision。第二句话!Third one? 第四句";
    decode(&d, (const unsigned char *)s, strlen(s), NULL, &err);
    tx_norm n = {0};
    normalize(&d, &n, &err);
    tx_seg seg = {0};
    UErrorCode ust = U_ZERO_ERROR;
    UBreakIterator *sb = ubrk_open(UBRK_SENTENCE, "zh", NULL, 0, &ust),
                   *wb = ubrk_open(UBRK_WORD, "zh", NULL, 0, &ust);
    tx2json_options o = {0};
    tx_conv c = {0};
    c.opts = &o;
    c.err = &err;
    c.norm = &n;
    c.sbrk = sb;
    c.wbrk = wb;
    c.seg = &seg;
    CHECK(tx_segment(&c, 0, n.len) == TX2JSON_OK, "segment");
    CHECK(seg.nsent == 4, "4 sentences (。 ! ? and the rest), got %zu", seg.nsent);
    int whole = 0, vision = 0;
    for (size_t i = 0; i < seg.ncand; i++) {
        size_t l = seg.cand[i].end - seg.cand[i].start;
        if (l == 14 && memcmp(n.s + seg.cand[i].start, "Cross-home LLM", 14) == 0) whole = 1;
        if (l == 12 && memcmp(n.s + seg.cand[i].start, "GPT-4 Vision", 12) == 0) vision = 1;
    }
    CHECK(whole, "multi-word Latin name is one candidate");
    CHECK(vision, "name with a number and a word is one candidate");
    tx_seg_free(&seg);
    ubrk_close(sb);
    ubrk_close(wb);
    tx_norm_free(&n);
    tx_doc_free(&d);
}

/* ---- rules.c ---- */
static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* Code point counts and skips, eight bytes at a time: against a byte by
 * byte walk, on strings whose multi-byte characters straddle the words. */
static void test_u8_count(void)
{
    static const char *const texts[] = {
        "",
        "abc",
        "abcdefg\xe4\xb8\xad"
        "xyz",
        "\xf0\xa0\x80\x80\xe4\xb8\xad\xe6\x96\x87\xc3\xa9"
        "abcdefghij\xe4\xb8\xad\xf0\xa0\x80\x80z",
    };
    for (size_t q = 0; q < sizeof texts / sizeof texts[0]; q++) {
        const char *t = texts[q];
        size_t n = strlen(t), ok = 1;
        for (size_t len = 0; len <= n; len++) {
            size_t want = 0;
            for (size_t i = 0; i < len; i++)
                want += ((unsigned char)t[i] & 0xC0) != 0x80;
            if (tx_u8_count(t, len) != want) ok = 0;
        }
        for (size_t k = 0, i = 0; i <= n; i++) { /* the start of every code point, then n */
            if (i < n && ((unsigned char)t[i] & 0xC0) == 0x80) continue;
            if (tx_u8_skip(t, n, k++) != i) ok = 0;
        }
        CHECK(ok, "tx_u8_count and tx_u8_skip agree with a byte walk on text %zu", q);
    }
}

/* SHA-256 against the examples of FIPS 180-2 (appendix B): one block,
 * two blocks, and a million bytes. */
static void test_sha256(void)
{
    static const struct {
        const char *in;
        size_t repeat;
        const char *want;
    } v[] = {
        {"", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
    };
    for (size_t q = 0; q < sizeof v / sizeof v[0]; q++) {
        size_t n = strlen(v[q].in) * v[q].repeat;
        unsigned char *b = malloc(n + 1);
        char got[TX_SHA256_HEX] = "";
        for (size_t k = 0; b && k < v[q].repeat; k++)
            memcpy(b + k * strlen(v[q].in), v[q].in, strlen(v[q].in));
        if (b) tx_sha256_hex(b, n, got);
        CHECK(strcmp(got, v[q].want) == 0, "SHA-256 of '%s' x %zu: %s", v[q].in, v[q].repeat, got);
        free(b);
    }
}

/* tool.rules_sha256: the SHA-256 of the rule files' bytes in load order
 * (a directory's files in name order). */
static void test_rules_sha256(void)
{
    static const char a[] = "rule a\nkind: mention\npattern: foo\n";
    static const char b[] = "# second file\nrule b\nkind: mention\npattern: bar\n";
    char dir[] = "/tmp/tx2json-unit-sha-XXXXXX", pa[sizeof dir + 16], pb[sizeof dir + 16];
    char want[TX_SHA256_HEX], both[sizeof a + sizeof b];
    tx2json_error err;
    tx_ruleset *rs = NULL;
    if (!mkdtemp(dir)) return;
    snprintf(pa, sizeof pa, "%s/b.rules", dir); /* a's text in the file read second */
    snprintf(pb, sizeof pb, "%s/a.rules", dir);
    write_file(pa, a);
    write_file(pb, b);
    snprintf(both, sizeof both, "%s%s", b, a);
    tx_sha256_hex((const unsigned char *)both, strlen(both), want);
    CHECK(tx_rules_load(dir, &rs, &err) == TX2JSON_OK && rs &&
              strcmp(tx_rules_sha256(rs), want) == 0,
          "rules_sha256 of a directory is that of its files in name order: %s, want %s",
          rs ? tx_rules_sha256(rs) : "(no rules)", want);
    tx_rules_free(rs);
    rs = NULL;
    tx_sha256_hex((const unsigned char *)a, strlen(a), want);
    CHECK(tx_rules_load(pa, &rs, &err) == TX2JSON_OK && rs &&
              strcmp(tx_rules_sha256(rs), want) == 0,
          "rules_sha256 of one file is that of its bytes");
    tx_rules_free(rs);
    unlink(pa);
    unlink(pb);
    rmdir(dir);
}

static void test_rules(void)
{
    tx2json_error err;
    tx_ruleset *rs = NULL;
    CHECK(tx_rules_load(rules_dir, &rs, &err) == TX2JSON_OK, "shipped rules load: %s:%zu: %s",
          err.file, err.line, err.message);
    if (rs) tx_rules_free(rs);
    /* Every shipped rule's examples hold, and the set is clean of warnings. */
    const char *paths[] = {rules_dir};
    rs = NULL;
    CHECK(tx_rules_load_check(paths, 1, &rs, &err) == TX2JSON_OK && rs, "check-mode load");
    if (rs) {
        CHECK(tx_rules_check(rs, &err) == TX2JSON_OK, "rule checks run");
        const tx_rdiag *dg;
        size_t nd = tx_rules_diags(rs, &dg);
        for (size_t i = 0; i < nd; i++)
            printf("%s:%zu:%zu: %s: %s [%s]\n", dg[i].file, dg[i].line, dg[i].col,
                   dg[i].error ? "error" : "warning", dg[i].msg,
                   dg[i].rule ? dg[i].rule : dg[i].id);
        CHECK(nd == 0, "shipped rules: %zu diagnostics", nd);
        tx_rules_free(rs);
    }
    char tmp[] = "/tmp/tx2json-unit-XXXXXX";
    int fd = mkstemp(tmp);
    if (fd >= 0) close(fd);
    write_file(tmp, "rule a\nkind: mention\npattern: (?<name>foo\n");
    CHECK(tx_rules_load(tmp, &rs, &err) == TX2JSON_ERULES && err.line == 3 && err.column == 21,
          "PCRE2 error (at the end of the pattern) mapped to line 3 col 21, got %zu:%zu %s",
          err.line, err.column, err.message);
    write_file(tmp, "define x = a(b\nrule a\nkind: mention\npattern: zz${x}\n");
    CHECK(tx_rules_load(tmp, &rs, &err) == TX2JSON_ERULES && err.line == 4,
          "error inside a define reported at its use, line %zu", err.line);
    write_file(tmp, "rule a\nkind: nonsense\npattern: x\n");
    CHECK(tx_rules_load(tmp, &rs, &err) == TX2JSON_ERULES &&
              strstr(err.message, "unknown rule kind"),
          "unknown kind: %s", err.message);
    write_file(tmp, "rule a\nkind: mention\npattern: x\nrule a\nkind: mention\npattern: y\n");
    CHECK(tx_rules_load(tmp, &rs, &err) == TX2JSON_ERULES && strstr(err.message, "duplicate") &&
              err.line == 4,
          "duplicate name: %s", err.message);
    write_file(tmp, "rule a\nkind: mention\ncolour: red\npattern: x\n");
    CHECK(tx_rules_load(tmp, &rs, &err) == TX2JSON_ERULES && strstr(err.message, "unknown key"),
          "unknown key: %s", err.message);
    write_file(tmp, "rule a\nkind: mention\npattern: ${nope}\n");
    CHECK(tx_rules_load(tmp, &rs, &err) == TX2JSON_ERULES && strstr(err.message, "unknown define"),
          "unknown define: %s", err.message);
    /* A catastrophic pattern is stopped by the match limit, not hung. */
    write_file(tmp, "rule slow\nkind: mention\npattern: ^(a+)+$\n");
    CHECK(tx_rules_load(tmp, &rs, &err) == TX2JSON_OK, "slow rule compiles");
    if (rs) {
        char subj[64];
        memset(subj, 'a', 40);
        subj[40] = 'b';
        tx_match m;
        CHECK(tx_rule_match(rs, tx_rules_get(rs, RK_MENTION, NULL, 0), subj, 41, 0, &m) == -1 &&
                  tx_rules_limit_hits(rs) == 1,
              "catastrophic backtracking hits the match limit");
        tx_rules_free(rs);
    }
    remove(tmp);
}

/* ---- references.c ---- */
static void test_references(void)
{
    tx2json_error err;
    tx_ruleset *rs = NULL;
    if (tx_rules_load(rules_dir, &rs, &err)) return;
    const char *s =
        "正文。\n\n相关链接:\n[Foo] https://a.org/x\n- [Bar Baz](https://github.com/o/bar-baz)\n"
        "Qux: https://qux.example.cn/\n- 某项目: https://b.cn/p\n";
    tx_doc d = {.name = "t"};
    decode(&d, (const unsigned char *)s, strlen(s), NULL, &err);
    tx_norm n = {0};
    normalize(&d, &n, &err);
    tx_reflist r = {0};
    tx2json_options o = {0};
    tx_conv c = {0};
    c.opts = &o;
    c.err = &err;
    c.rules = rs;
    c.doc = &d;
    c.norm = &n;
    c.refs = &r;
    strcpy(c.lang, "zh");
    CHECK(tx_find_references(&c) == TX2JSON_OK, "references parse");
    CHECK(r.nref == 4, "4 references in 4 forms, got %zu", r.nref);
    if (r.nref == 4) {
        CHECK(strcmp(r.ref[0].label, "Foo") == 0 && strcmp(r.ref[1].label, "Bar Baz") == 0 &&
                  strcmp(r.ref[2].label, "Qux") == 0 && strcmp(r.ref[3].label, "某项目") == 0,
              "labels in reading order");
        CHECK(strcmp(r.ref[1].url, "https://github.com/o/bar-baz") == 0, "markdown URL");
        CHECK(tx_norm_cp(&n, r.region_start) == 5, "list starts at the header line (cp 5), got %zu",
              tx_norm_cp(&n, r.region_start));
        char **tok = NULL;
        size_t nh = 9, nt = tx_url_tokens(rs, r.ref[1].url, &tok, &nh);
        CHECK(nt == 3 && nh == 0 && strcmp(tok[0], "bar") == 0 && strcmp(tok[1], "baz") == 0 &&
                  strcmp(tok[2], "barbaz") == 0,
              "URL tokens drop host noise (github, com) and add joined path segments");
        for (size_t i = 0; i < nt; i++)
            free(tok[i]);
        free(tok);
        nt = tx_url_tokens(rs, r.ref[2].url, &tok, &nh);
        CHECK(nt == 2 && nh == 2 && strcmp(tok[0], "qux") == 0, "host words counted: %zu %zu", nt,
              nh);
        for (size_t i = 0; i < nt; i++)
            free(tok[i]);
        free(tok);
    }
    tx_reflist_free(&r);
    tx_diags_free(&c.diags);
    tx_norm_free(&n);
    tx_doc_free(&d);
    tx_rules_free(rs);
}

/* ---- similar.c and link.c ---- */
static void test_similar(void)
{
    CHECK(tx_levenshtein("kitten", "sitting") == 3, "levenshtein");
    CHECK(tx_levenshtein("中文", "中午") == 1, "levenshtein counts code points");
    CHECK(tx_levenshtein("", "abc") == 3 && tx_levenshtein("abc", "") == 3, "levenshtein empty");
    /* The bit-parallel distance against the full table: random strings
     * over a small alphabet of ASCII and Han, lengths 0..90 (both sides
     * of the 64 code point word), so equal letters are frequent. */
    {
        static const char *alpha[] = {"a", "b", "c", "中", "文", "-"};
        unsigned seed = 12345;
        int bad = 0;
        for (int t = 0; t < 3000 && !bad; t++) {
            char x[400], y[400];
            size_t xl = 0, yl = 0;
            seed = seed * 1103515245u + 12345u;
            size_t n = (seed >> 16) % 91;
            seed = seed * 1103515245u + 12345u;
            size_t m = t % 3 == 0 ? n : (seed >> 16) % 91;
            for (size_t i = 0; i < n; i++) {
                seed = seed * 1103515245u + 12345u;
                const char *c = alpha[(seed >> 16) % 6];
                memcpy(x + xl, c, strlen(c)), xl += strlen(c);
            }
            for (size_t i = 0; i < m; i++) {
                seed = seed * 1103515245u + 12345u;
                const char *c = alpha[(seed >> 16) % 6];
                memcpy(y + yl, c, strlen(c)), yl += strlen(c);
            }
            x[xl] = y[yl] = 0;
            if (tx_levenshtein(x, y) != tx_levenshtein_table(x, y)) {
                bad = 1;
                fprintf(stderr, "mismatch: '%s' '%s' %zu %zu\n", x, y, tx_levenshtein(x, y),
                        tx_levenshtein_table(x, y));
            }
            /* The same first key again (kept decoded from the call before)
             * against a shorter second one, then the pair swapped. */
            size_t cut = yl / 2;
            while (cut > 0 && ((unsigned char)y[cut] & 0xC0) == 0x80)
                cut--;
            y[cut] = 0;
            if (tx_levenshtein(x, y) != tx_levenshtein_table(x, y) ||
                tx_levenshtein(y, x) != tx_levenshtein_table(y, x)) {
                bad = 1;
                fprintf(stderr, "mismatch after a kept key: '%s' '%s'\n", x, y);
            }
        }
        CHECK(!bad, "bit-parallel levenshtein matches the table on 3000 random pairs, "
                    "with the first key kept between calls");
    }
    char *a = tx_phonetic_key("glroffer"), *b = tx_phonetic_key("dlrover");
    CHECK(a && b && tx_levenshtein(a, b) == 1, "phonetic keys close: %s %s", a, b);
    free(a);
    free(b);
    a = tx_phonetic_key("sansnova");
    b = tx_phonetic_key("sensenova");
    CHECK(a && b && strcmp(a, b) == 0, "vowel changes share a key: %s %s", a, b);
    free(a);
    free(b);
    tx_pinyin *py = tx_pinyin_new();
    const char *p1 = tx_pinyin_key(py, "商汤");
    const char *p2 = tx_pinyin_key(py, "商汤");
    CHECK(p1 && strcmp(p1, "shangtang") == 0, "pinyin of Han: %s", p1 ? p1 : "(null)");
    CHECK(p1 == p2, "pinyin results are cached");
    const char *p3 = tx_pinyin_key(py, "双汤");
    CHECK(p3 && strcmp(p3, "shuangtang") == 0, "pinyin of a homophone-ish name");
    tx_pinyin_free(py);

    /* Greedy would take (0,0)=0.9 and leave row 1 with 0.1; the optimum
     * pairs (0,1) and (1,0) for 0.8 + 0.85. */
    double m[] = {0.9, 0.8, 0.85, 0.1};
    int as[2];
    CHECK(tx_assign(m, 2, 2, as) == 0 && as[0] == 1 && as[1] == 0,
          "assignment is global, not greedy: %d %d", as[0], as[1]);
    double r[] = {0.0, 0.7, 0.0, 0.0, 0.6, 0.5};
    int as3[3];
    CHECK(tx_assign(r, 3, 2, as3) == 0 && as3[0] == 1 && as3[1] == -1 && as3[2] == 0,
          "rectangular: row 0 -> 1, row 1 none, row 2 -> 0: %d %d %d", as3[0], as3[1], as3[2]);
}

/* ---- whole pipeline and output.c ---- */
static char *convert(tx2json_ctx *ctx, const char *path, const char *enc)
{
    tx2json_options o = {0};
    o.encoding = enc;
    char *json = NULL;
    tx2json_error err;
    if (tx2json_convert_file(ctx, path, &o, &json, &err) != TX2JSON_OK)
        printf("convert %s: %s\n", path, err.message);
    return json;
}

static char *without_source(const char *json)
{
    cJSON *j = cJSON_Parse(json);
    if (!j) return NULL;
    cJSON_DeleteItemFromObject(j, "source");
    char *s = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    return s;
}

static void test_pipeline(void)
{
    tx2json_error err;
    tx2json_ctx *ctx = NULL;
    CHECK(tx2json_ctx_new(rules_dir, &ctx, &err) == TX2JSON_OK, "context");
    if (!ctx) return;
    char *a = convert(ctx, "corpora/000_3c858c9825c89cc2.txt", NULL);
    char *b = convert(ctx, "tests/data/seed-gb18030.txt", NULL);
    char *c = convert(ctx, "tests/data/seed-gb18030.txt", "GB18030");
    CHECK(a && b && c, "seed converts in UTF-8 and GB18030");
    if (a && b && c) {
        cJSON *j = cJSON_Parse(b);
        cJSON *src = cJSON_GetObjectItem(j, "source");
        CHECK(strcmp(cJSON_GetObjectItem(src, "encoding")->valuestring, "GB18030") == 0,
              "GB18030 detected");
        cJSON_Delete(j);
        char *sa = without_source(a), *sb = without_source(b), *sc = without_source(c);
        CHECK(sa && sb && strcmp(sa, sb) == 0, "GB18030 copy gives identical entries and spans");
        CHECK(sa && sc && strcmp(sa, sc) == 0, "--encoding GB18030 gives the same");
        cJSON_free(sa);
        cJSON_free(sb);
        cJSON_free(sc);
    }
    /* Every span's text equals the input cut at those code points. */
    if (a) {
        size_t len = 0;
        char *raw = slurp("corpora/000_3c858c9825c89cc2.txt", &len);
        tx_doc d = {.name = "s"};
        decode(&d, (unsigned char *)raw, len, NULL, &err);
        cJSON *j = cJSON_Parse(a);
        cJSON *e;
        int ok = 1, count = 0;
        cJSON_ArrayForEach(e, cJSON_GetObjectItem(j, "entries"))
        {
            cJSON *sp = cJSON_GetObjectItem(e, "span");
            size_t s = (size_t)cJSON_GetArrayItem(sp, 0)->valuedouble;
            size_t t = (size_t)cJSON_GetArrayItem(sp, 1)->valuedouble;
            const char *txt = cJSON_GetObjectItem(e, "text")->valuestring;
            size_t bl = tx_cp_to_byte(&d, t) - tx_cp_to_byte(&d, s);
            if (strlen(txt) != bl || memcmp(txt, d.text + tx_cp_to_byte(&d, s), bl) != 0) ok = 0;
            cJSON *m;
            cJSON_ArrayForEach(m, cJSON_GetObjectItem(e, "mentions"))
            {
                sp = cJSON_GetObjectItem(m, "span");
                s = (size_t)cJSON_GetArrayItem(sp, 0)->valuedouble;
                t = (size_t)cJSON_GetArrayItem(sp, 1)->valuedouble;
                txt = cJSON_GetObjectItem(m, "text")->valuestring;
                bl = tx_cp_to_byte(&d, t) - tx_cp_to_byte(&d, s);
                if (strlen(txt) != bl || memcmp(txt, d.text + tx_cp_to_byte(&d, s), bl) != 0)
                    ok = 0;
                count++;
            }
        }
        CHECK(ok && count > 15, "entry and mention spans cut the input to their text (%d)", count);
        cJSON_Delete(j);
        tx_doc_free(&d);
        free(raw);
    }
    free(a);
    free(b);
    free(c);
    char *none = NULL;
    tx2json_error derr;
    CHECK(tx2json_convert_file(ctx, "tests/data", NULL, &none, &derr) == TX2JSON_EIO && !none &&
              strcmp(derr.message, "is a directory, not a file") == 0,
          "a directory passed as a file is refused: %s", derr.message);
    tx2json_ctx_free(ctx);
}

/* ---- check.c: JSON and SARIF reports, read back with a JSON parser ---- */
static void test_check(void)
{
    const char *paths[] = {"tests/rules/pcre2-compile.rules", "tests/rules/shadowed.rules"};
    char *rep = NULL;
    size_t ne = 0, nw = 0;
    tx2json_error err;
    CHECK(tx2json_check(paths, 2, TX2JSON_CHECK_JSON, &rep, &ne, &nw, &err) == TX2JSON_OK &&
              ne == 1 && nw == 1,
          "check counts one error and one warning");
    cJSON *j = rep ? cJSON_Parse(rep) : NULL;
    CHECK(cJSON_IsArray(j) && cJSON_GetArraySize(j) == 2, "JSON report is an array of 2");
    if (cJSON_GetArraySize(j) == 2) {
        cJSON *d = cJSON_GetArrayItem(j, 0);
        CHECK(strcmp(cJSON_GetObjectItem(d, "file")->valuestring,
                     "tests/rules/pcre2-compile.rules") == 0 &&
                  cJSON_GetObjectItem(d, "line")->valuedouble == 4 &&
                  cJSON_GetObjectItem(d, "column")->valuedouble == 29 &&
                  strcmp(cJSON_GetObjectItem(d, "severity")->valuestring, "error") == 0 &&
                  strcmp(cJSON_GetObjectItem(d, "id")->valuestring, "pcre2-compile") == 0 &&
                  strcmp(cJSON_GetObjectItem(d, "rule")->valuestring, "demo.unclosed") == 0,
              "JSON diagnostic fields");
        d = cJSON_GetArrayItem(j, 1);
        CHECK(strcmp(cJSON_GetObjectItem(d, "severity")->valuestring, "warning") == 0 &&
                  strcmp(cJSON_GetObjectItem(d, "id")->valuestring, "shadowed") == 0,
              "JSON warning");
    }
    cJSON_Delete(j);
    tx2json_free(rep);

    rep = NULL;
    CHECK(tx2json_check(paths, 2, TX2JSON_CHECK_SARIF, &rep, &ne, &nw, &err) == TX2JSON_OK,
          "SARIF report");
    j = rep ? cJSON_Parse(rep) : NULL;
    cJSON *run = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "runs"), 0);
    cJSON *driver = cJSON_GetObjectItem(cJSON_GetObjectItem(run, "tool"), "driver");
    cJSON *results = cJSON_GetObjectItem(run, "results");
    CHECK(j && strcmp(cJSON_GetObjectItem(j, "version")->valuestring, "2.1.0") == 0 &&
              cJSON_GetArraySize(cJSON_GetObjectItem(j, "runs")) == 1 &&
              strcmp(cJSON_GetObjectItem(driver, "name")->valuestring, "tx2json") == 0 &&
              cJSON_GetArraySize(results) == 2,
          "SARIF: version 2.1.0, one run, tool tx2json, 2 results");
    if (cJSON_GetArraySize(results) == 2) {
        cJSON *r0 = cJSON_GetArrayItem(results, 0);
        cJSON *reg = cJSON_GetObjectItem(
            cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r0, "locations"), 0),
                                "physicalLocation"),
            "region");
        int idx = (int)cJSON_GetObjectItem(r0, "ruleIndex")->valuedouble;
        cJSON *rule = cJSON_GetArrayItem(cJSON_GetObjectItem(driver, "rules"), idx);
        CHECK(strcmp(cJSON_GetObjectItem(r0, "ruleId")->valuestring, "pcre2-compile") == 0 &&
                  strcmp(cJSON_GetObjectItem(r0, "level")->valuestring, "error") == 0 &&
                  cJSON_GetObjectItem(reg, "startLine")->valuedouble == 4 &&
                  cJSON_GetObjectItem(reg, "startColumn")->valuedouble == 29 && rule &&
                  strcmp(cJSON_GetObjectItem(rule, "id")->valuestring, "pcre2-compile") == 0,
              "SARIF result: rule id, level, region, ruleIndex into tool.driver.rules");
    }
    cJSON_Delete(j);
    tx2json_free(rep);
}

/* ---- tx2json.c: defaults ---- */
/* Regression ctx-new-null-rules: tx2json_ctx_new(NULL) failed with "cannot
 * open rules: Bad address", and a buffer without a name gave ENOMEM. */
static void test_defaults(void)
{
    tx2json_ctx *ctx = NULL;
    tx2json_error err;
    CHECK(tx2json_ctx_new(NULL, &ctx, &err) == TX2JSON_OK,
          "rules_dir NULL loads the default rules (%s): %s", tx2json_default_rules(),
          ctx ? "" : err.message);
    static const char text[] = "Hello and welcome.\n\nFirst up, Acme released WidgetNet.\n";
    char *json = NULL;
    CHECK(ctx &&
              tx2json_convert_buffer(ctx, NULL, (const unsigned char *)text, strlen(text), NULL,
                                     &json, &err) == TX2JSON_OK &&
              json && strstr(json, "\"path\": \"-\""),
          "a buffer without a name converts, named -");
    tx2json_free(json);
    json = NULL;
    CHECK(tx2json_version_number() == TX2JSON_VERSION_NUMBER &&
              TX2JSON_VERSION_NUMBER / 10000 == TX2JSON_VERSION_MAJOR,
          "tx2json_version_number() is the header's TX2JSON_VERSION_NUMBER");
    /* The options struct grows at its end: the library reads no field
     * past opts.size, and refuses a newer caller's field it does not know. */
    struct {
        tx2json_options o;
        int later; /* a field of a newer version */
    } big;
    tx2json_options o;
    tx2json_options_init(&o);
    CHECK(o.size == sizeof o && o.indent == TX2JSON_DEFAULT_INDENT && !o.compact,
          "tx2json_options_init: size and default indent");
    o.indent = 4;
    CHECK(ctx &&
              tx2json_convert_buffer(ctx, "t", (const unsigned char *)text, strlen(text), &o, &json,
                                     &err) == TX2JSON_OK &&
              json && strncmp(json, "{\n    \"schema_version\": 2,\n", 27) == 0,
          "indent 4: four spaces per level");
    tx2json_free(json);
    json = NULL;
    o.size = offsetof(tx2json_options, indent);
    o.indent = TX2JSON_MAX_INDENT + 1; /* past size: not read */
    CHECK(ctx &&
              tx2json_convert_buffer(ctx, "t", (const unsigned char *)text, strlen(text), &o, &json,
                                     &err) == TX2JSON_OK &&
              json && strncmp(json, "{\n  \"schema_version\"", 20) == 0,
          "an older caller's smaller options: later fields take their defaults");
    tx2json_free(json);
    json = NULL;
    o.size = sizeof o;
    CHECK(ctx &&
              tx2json_convert_buffer(ctx, "t", (const unsigned char *)text, strlen(text), &o, &json,
                                     &err) == TX2JSON_EINVAL &&
              !json,
          "indent over TX2JSON_MAX_INDENT is EINVAL");
    tx2json_options_init(&o);
    o.segmenter = TX2JSON_SEGMENT_RULES;
    CHECK(ctx &&
              tx2json_convert_buffer(ctx, "t", (const unsigned char *)text, strlen(text), &o, &json,
                                     &err) == TX2JSON_EINVAL &&
              !json && strstr(err.message, "removed in 0.3.0"),
          "the removed rules segmenter is EINVAL, and the message says so");
    tx2json_free(json);
    json = NULL;
    memset(&big, 0, sizeof big);
    tx2json_options_init(&big.o);
    big.o.size = sizeof big;
    big.later = 1;
    CHECK(ctx &&
              tx2json_convert_buffer(ctx, "t", (const unsigned char *)text, strlen(text), &big.o,
                                     &json, &err) == TX2JSON_EINVAL &&
              !json,
          "a newer caller's field this library does not know is EINVAL");
    big.later = 0;
    CHECK(ctx && tx2json_convert_buffer(ctx, "t", (const unsigned char *)text, strlen(text), &big.o,
                                        &json, &err) == TX2JSON_OK,
          "a newer caller's struct with its new fields zero converts");
    tx2json_free(json);
    tx2json_ctx_free(ctx);
}

/* ---- prefilter.c: the literals a pattern's matches need ---- */

/* The literals tx_prefilter_build finds in p, joined by '|' ("" for none). */
static void pf_literals(const char *p, int utf, char *out, size_t n)
{
    tx_prefilter *pf = NULL;
    out[0] = 0;
    if (tx_prefilter_build(p, utf, &pf) || !pf) return;
    for (size_t k = 0; k < pf->nlit; k++)
        snprintf(out + strlen(out), n - strlen(out), "%s%s", k ? "|" : "", pf->lit[k]);
    tx_prefilter_free(pf);
}

static void test_prefilter(void)
{
    static const char *const cases[][2] = {
        {"(?:推出|发布)(?:了)?(?<name>[A-Z]+)", "推出|发布"},
        {"^(?<name>[A-Za-z0-9]+)\\s*是", "是"},
        {"来自(?<org>[^的]{2,16}?)(?:的|团队)", "来自"},
        {"(?:推出|发布)?abc", "abc"}, /* an optional group gives nothing */
        {"ab?c", ""},                 /* b is optional: no run of 2 */
        {"xy*z", ""},
        {"(?:a|bc)de", "de"}, /* a one-byte literal: no set */
        {"foo|bar", "foo|bar"},
        {"foo|ba[rz]", ""}, /* a top-level alternation of more */
        {"(?i)abc", ""},    /* inline options: not read */
        {"\\x41bc", ""},    /* an escape it does not know */
        {"(a)\\1bc", ""},   /* a back reference */
        {"(?=abc)x", ""},   /* a lookahead consumes nothing */
        {"(?<=来自)(?<org>(?!x)[^,]{1,12}(?:大学|公司))", "大学|公司"},
        {"中{2}文字", "文字"}, /* a quantified character leaves the run */
    };
    char got[256];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        pf_literals(cases[i][0], 1, got, sizeof got);
        CHECK(!strcmp(got, cases[i][1]), "prefilter of %s: '%s', expected '%s'", cases[i][0], got,
              cases[i][1]);
    }
    tx_prefilter *pf = NULL;
    CHECK(tx_prefilter_build("(?:推出|发布)x", 1, &pf) == 0 && pf &&
              tx_prefilter_may_match(pf, "他们发布了", strlen("他们发布了")) &&
              !tx_prefilter_may_match(pf, "他们发了布", strlen("他们发了布")) &&
              !tx_prefilter_may_match(pf, "发", strlen("发")),
          "prefilter: a subject passes only with a literal in it");
    tx_prefilter_free(pf);
    /* A pattern anchored by '^': the literal characters right after it. */
    static const char *const heads[][2] = {
        {"^Start time:[ \\t]*(?<s>\\d+)", "Start time:"},
        {"^\\[(?:\\d+)\\]", "["},
        {"^ab?c", "a"}, /* b is optional: the head ends before it */
        {"^\\d+x", ""},
        {"^ab|cd", ""}, /* '^' holds for the first branch only */
        {"a^bc", ""},
        {"^中文(?:x)", "中文"},
    };
    for (size_t i = 0; i < sizeof heads / sizeof *heads; i++) {
        pf = NULL;
        CHECK(tx_prefilter_build(heads[i][0], 1, &pf) == 0, "prefilter of %s", heads[i][0]);
        size_t hl = strlen(heads[i][1]);
        CHECK(hl ? pf && pf->nhead == hl && !memcmp(pf->head, heads[i][1], hl) : !pf || !pf->nhead,
              "prefilter head of %s: expected '%s'", heads[i][0], heads[i][1]);
        tx_prefilter_free(pf);
    }
    pf = NULL;
    CHECK(tx_prefilter_build("^a\\d+(?:xy|zw)", 1, &pf) == 0 && pf &&
              tx_prefilter_may_match(pf, "a5zw", strlen("a5zw")) &&
              !tx_prefilter_may_match(pf, "a5", strlen("a5")) &&
              !tx_prefilter_may_match(pf, "b5xy", strlen("b5xy")) &&
              !tx_prefilter_may_match(pf, "", 0),
          "prefilter: a subject passes only when it starts with the head and has a literal");
    tx_prefilter_free(pf);
    /* One literal: found by its first byte, anywhere, without the sets. */
    pf = NULL;
    CHECK(tx_prefilter_build("发布会(?<x>\\d+)", 1, &pf) == 0 && pf && pf->nlit == 1 && !pf->sets &&
              tx_prefilter_may_match(pf, "发布会", strlen("发布会")) &&
              tx_prefilter_may_match(pf, "发发布会3", strlen("发发布会3")) &&
              tx_prefilter_may_match(pf, "开了发布会", strlen("开了发布会")) &&
              !tx_prefilter_may_match(pf, "发布", strlen("发布")) &&
              !tx_prefilter_may_match(pf, "发布了会", strlen("发布了会")) &&
              !tx_prefilter_may_match(pf, "", 0),
          "prefilter: one literal passes a subject where it stands whole, at any place");
    tx_prefilter_free(pf);
}

/* ---- tx2json_convert_stream: the document in pieces ---- */

typedef struct pieces {
    char *s;
    size_t len, n;
    int refuse_after; /* refuse the piece after this many; -1 never */
} pieces;

static int take_piece(void *user, const char *bytes, size_t len)
{
    pieces *p = user;
    if (p->refuse_after >= 0 && p->n >= (size_t)p->refuse_after) return 1;
    char *t = realloc(p->s, p->len + len + 1);
    if (!t) return 1;
    memcpy(t + p->len, bytes, len);
    p->s = t;
    p->len += len;
    p->s[p->len] = 0;
    p->n++;
    return 0;
}

/* A malloc'd copy of text, for tx2json_convert_stream to take over. */
static unsigned char *owned(const char *text)
{
    unsigned char *d = malloc(strlen(text) + 1);
    if (d) memcpy(d, text, strlen(text) + 1);
    return d;
}

static void test_stream(void)
{
    tx2json_ctx *ctx = NULL;
    tx2json_error err;
    if (tx2json_ctx_new(rules_dir, &ctx, &err) != TX2JSON_OK) {
        CHECK(0, "stream: rules load: %s", err.message);
        return;
    }
    /* A BOM and CRLF: decoding reuses the buffer only for UTF-8 without
     * them, and must give the same text either way. */
    static const char *const texts[] = {
        "Hello and welcome.\n\nFirst up, Acme released WidgetNet.\n\n[WidgetNet] https://a.org/w\n",
        "\xef\xbb\xbf\xe5\xa4\xa7\xe5\xae\xb6\xe5\xa5\xbd\xe3\x80\x82\r\nAcme released "
        "WidgetNet.\r\n",
        "hello\r\nworld\n"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        char *json = NULL;
        pieces p = {NULL, 0, 0, -1};
        tx2json_status a = tx2json_convert_buffer(ctx, "t", (const unsigned char *)texts[i],
                                                  strlen(texts[i]), NULL, &json, &err);
        tx2json_status b = tx2json_convert_stream(ctx, "t", owned(texts[i]), strlen(texts[i]), NULL,
                                                  take_piece, &p, &err);
        CHECK(a == TX2JSON_OK && b == TX2JSON_OK && json && p.s && !strcmp(json, p.s),
              "stream %zu: the same bytes as tx2json_convert_buffer", i);
        tx2json_free(json);
        free(p.s);
    }
    pieces p = {NULL, 0, 0, 0};
    CHECK(tx2json_convert_stream(ctx, "t", owned(texts[0]), strlen(texts[0]), NULL, take_piece, &p,
                                 &err) == TX2JSON_EIO,
          "stream: a write function that refuses is EIO");
    free(p.s);
    static const char nul[] = "ab\ncd\0ef\n";
    unsigned char *d = malloc(sizeof nul);
    if (d) memcpy(d, nul, sizeof nul);
    pieces q = {NULL, 0, 0, -1};
    CHECK(tx2json_convert_stream(ctx, "t", d, sizeof nul - 1, NULL, take_piece, &q, &err) ==
                  TX2JSON_EDECODE &&
              err.line == 2 && err.column == 3 && !q.s,
          "stream: a NUL is found at its line and column, nothing written (got %zu:%zu)", err.line,
          err.column);
    free(q.s);
    tx2json_ctx_free(ctx);
}

/* ---- boundaries.c: the decoder tools/train mirrors ---- */
static void test_boundaries(void)
{
    int named = 1;
    for (int f = 0; f < TXF_N; f++)
        for (int g = 0; g < f; g++)
            if (!tx_feature_names[f] || !strcmp(tx_feature_names[f], tx_feature_names[g]))
                named = 0;
    for (int p = 0; p < TXP_N; p++)
        if (!tx_param_names[p]) named = 0;
    CHECK(named, "every feature and parameter has a name of its own");
    tx_weights w = {0};
    tx_unit u[6] = {0};
    unsigned char st[6];
    double sc[6] = {0.5, -1.0, 2.0, -0.5, 1.0, -2.0};
    for (int i = 0; i < 6; i++)
        u[i].score = sc[i];
    CHECK(tx_choose_starts(&w, u, 6, 0, st) == TX2JSON_OK && st[0] && !st[1] && st[2] && !st[3] &&
              st[4] && !st[5],
          "without anchors every unit of positive score starts: %d%d%d%d%d%d", st[0], st[1], st[2],
          st[3], st[4], st[5]);
    u[4].no_start = 1;
    CHECK(tx_choose_starts(&w, u, 6, 0, st) == TX2JSON_OK && !st[4], "a number line never starts");
    u[4].no_start = 0;
    /* Anchors in units 1 and 4; an entry without one costs 3.  Starting
     * at 0, 2 and 4 would score 3.5 but leaves [2,3] without an anchor
     * (0.5); 0 and 2 score 2.5, each entry owning one. */
    u[1].anchors = 1;
    u[4].anchors = 1;
    w.w[TXF_SEG_NO_ANCHOR] = -3;
    CHECK(tx_choose_starts(&w, u, 6, 0, st) == TX2JSON_OK && st[0] && !st[1] && st[2] && !st[3] &&
              !st[4] && !st[5],
          "an entry that anchors no reference is avoided: %d%d%d%d%d%d", st[0], st[1], st[2], st[3],
          st[4], st[5]);
    /* With anchors in 0, 1 and 4, two in one entry cost 5: unit 1 (score
     * -1) starts after all, for 0, 1, 2 (1.5) against 0, 2 (-2.5). */
    w.w[TXF_SEG_MULTI_ANCHOR] = -5;
    u[0].anchors = 1;
    CHECK(tx_choose_starts(&w, u, 6, 0, st) == TX2JSON_OK && st[0] && st[1] && st[2] && !st[3] &&
              !st[4] && !st[5],
          "an entry that anchors two references is split: %d%d%d%d%d%d", st[0], st[1], st[2], st[3],
          st[4], st[5]);
    /* With an intro allowed, units before the first start are the intro,
     * each worth seg-intro-unit. */
    tx_unit v[3] = {0};
    v[0].score = -2.0;
    v[1].score = 1.0;
    v[2].score = -1.0;
    w = (tx_weights){0};
    CHECK(tx_choose_starts(&w, v, 3, 1, st) == TX2JSON_OK && !st[0] && st[1] && !st[2],
          "a unit that scores below zero before the first entry is the intro: %d%d%d", st[0], st[1],
          st[2]);
    CHECK(tx_choose_starts(&w, v, 3, 0, st) == TX2JSON_OK && st[0] && st[1] && !st[2],
          "without an intro the first unit starts: %d%d%d", st[0], st[1], st[2]);
    w.w[TXF_SEG_INTRO_UNIT] = -3;
    CHECK(tx_choose_starts(&w, v, 3, 1, st) == TX2JSON_OK && st[0] && st[1],
          "an intro unit costing more than a start is no intro: %d%d%d", st[0], st[1], st[2]);
    /* seg-intro-anchor: an intro that runs over the items (batch 1601's
     * swallowed the episode).  Units score -1, -0.9, -1, -0.5, and a
     * reference is first heard in unit 1.  Free, the intro runs to unit
     * 3, the best start, over the first hearing; at -2 for a reference
     * heard in the intro, the entry starts at unit 1 instead. */
    tx_unit y[4] = {0};
    double ys[4] = {-1.0, -0.9, -1.0, -0.5};
    for (int i = 0; i < 4; i++)
        y[i].score = ys[i];
    y[1].anchors = 1;
    w = (tx_weights){0};
    CHECK(tx_choose_starts(&w, y, 4, 1, st) == TX2JSON_OK && !st[0] && !st[1] && !st[2] && st[3],
          "a first hearing may sit in the intro when it costs nothing: %d%d%d%d", st[0], st[1],
          st[2], st[3]);
    w.w[TXF_SEG_INTRO_ANCHOR] = -2;
    CHECK(tx_choose_starts(&w, y, 4, 1, st) == TX2JSON_OK && !st[0] && st[1] && !st[2] && !st[3],
          "seg-intro-anchor: the intro ends before a reference is first heard: %d%d%d%d", st[0],
          st[1], st[2], st[3]);
    /* seg-one-unit: two good starts side by side (a heading, then the
     * lead-in under it) make an entry of one unit.  Units score 0, -5, 1,
     * 0.8, -5: free, entries start at 0, 2 and 3 (1.8); at -2 for an
     * entry of one unit, 2..3 costs more than the 0.8 it earns, and the
     * entries start at 0 and 2 only (1.0). */
    tx_unit z[5] = {0};
    double zs[5] = {0.0, -5.0, 1.0, 0.8, -5.0};
    for (int i = 0; i < 5; i++)
        z[i].score = zs[i];
    w = (tx_weights){0};
    CHECK(tx_choose_starts(&w, z, 5, 0, st) == TX2JSON_OK && st[0] && !st[1] && st[2] && st[3] &&
              !st[4],
          "two good starts side by side both start when one unit costs nothing: %d%d%d%d%d", st[0],
          st[1], st[2], st[3], st[4]);
    w.w[TXF_SEG_ONE_UNIT] = -2;
    CHECK(tx_choose_starts(&w, z, 5, 0, st) == TX2JSON_OK && st[0] && !st[1] && st[2] && !st[3] &&
              !st[4],
          "seg-one-unit: an entry of one unit is dropped when it earns less than it costs: "
          "%d%d%d%d%d",
          st[0], st[1], st[2], st[3], st[4]);
}

int main(int argc, char **argv)
{
    if (argc > 1) rules_dir = argv[1];
    test_decode();
    test_normalize();
    test_container();
    test_segment();
    test_rules();
    test_u8_count();
    test_sha256();
    test_rules_sha256();
    test_references();
    test_similar();
    test_pipeline();
    test_check();
    test_defaults();
    test_stream();
    test_prefilter();
    test_boundaries();
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
