/* chapters.c - stage 9 (optional): chapters from the JSON document (see
 * chapters.h).  The document is the output contract, so chapters are
 * read from it, not from the stages' state: one chapter for the intro
 * (titled by the episode's title), one per entry that has a time, one for
 * the outro.  An entry's title is its primary reference's label, else its
 * first mention, else its first organisation and its first words, else its
 * first words; its url is its primary reference's.
 *
 * Podcasting 2.0 JSON chapters (version 1.2.0): {"version", "title"?,
 * "chapters": [{"startTime", "title", "url"?}]}, startTime in seconds.
 * YouTube: "MM:SS Title" lines (H:MM:SS past an hour); the platform wants
 * the first at 00:00, at least three, each at least ten seconds long, so
 * the first starts at 0, and a chapter shorter than that joins the one
 * before it (the first short one: the one after it).  WebVTT: a chapters
 * track, a cue per chapter from its start to the next one's. */
#include "chapters.h"
#include "rules.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>

/* The version of the Podcasting 2.0 chapters format written. */
#define PODCAST_CHAPTERS_VERSION "1.2.0"
/* YouTube's rules for chapters in a description. */
#define YOUTUBE_MIN_CHAPTERS 3
#define YOUTUBE_MIN_SECONDS 10
/* Clock units. */
#define SECONDS_PER_MINUTE 60
#define SECONDS_PER_HOUR 3600
#define MS_PER_S 1000.0

typedef struct chapter {
    double start;
    char *title;     /* owned */
    const char *url; /* the document's, or NULL */
} chapter;

typedef struct chapters {
    chapter *v;
    size_t n, cap;
    double end; /* the last time of the document */
    int oom;
} chapters;

static int is_cjk(uint32_t c)
{
    return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0x20000 && c <= 0x3FFFF);
}

/* The row `key` of the rules' chapter-title table, or 0. */
static unsigned long title_row(const tx_ruleset *rs, const char *key)
{
    size_t n;
    const tx_table *t = tx_rules_tables(rs, &n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; t[i].kind == TK_CHAPTER_TITLE && j < t[i].nrow; j++)
            if (!strcmp(t[i].row[j].key, key)) return strtoul(t[i].row[j].value, NULL, 10);
    return 0;
}

char *tx_first_words(const tx_ruleset *rs, const char *text)
{
    unsigned long words = title_row(rs, "words"), per = title_row(rs, "cjk-per-word");
    if (!per) per = 1;
    unsigned long budget = words * per, used = 0; /* in 1/per of a word */
    size_t n = strlen(text), i = 0, end = 0;
    while (i < n && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n'))
        i++;
    size_t start = i;
    int in_word = 0;
    while (i < n && text[i] != '\n') {
        uint32_t c = tx_u8_next(text, &i);
        int space = c == ' ' || c == '\t';
        if (is_cjk(c)) {
            if (words && used + 1 > budget) break;
            used += 1;
            in_word = 0;
        } else if (!space && !in_word) {
            if (words && used + per > budget) break;
            used += per;
            in_word = 1;
        } else if (space) {
            in_word = 0;
        }
        if (!space) end = i;
    }
    /* Trailing punctuation goes. */
    while (end > start) {
        size_t k = end - 1;
        while (k > start && ((unsigned char)text[k] & 0xC0) == 0x80)
            k--;
        size_t kk = k;
        uint32_t c = tx_u8_next(text, &kk);
        if (!u_ispunct((UChar32)c) && c != ' ') break;
        end = k;
    }
    return tx_strndup(text + start, end - start);
}

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The [start, end] of a "time" field: 1 when there is one. */
static int time_of(const cJSON *o, double *t0, double *t1)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "time");
    if (!cJSON_IsArray(t) || cJSON_GetArraySize(t) != 2) return 0;
    *t0 = cJSON_GetArrayItem(t, 0)->valuedouble;
    *t1 = cJSON_GetArrayItem(t, 1)->valuedouble;
    return 1;
}

static void add(chapters *cs, double start, char *title, const char *url)
{
    if (!title) {
        cs->oom = 1;
        return;
    }
    chapter *v = tx_grow(cs->v, &cs->cap, cs->n + 1, sizeof *v);
    if (!v) {
        free(title);
        cs->oom = 1;
        return;
    }
    cs->v = v;
    v[cs->n++] = (chapter){start, title, url};
}

/* An entry's title and url (see the top of the file). */
static char *entry_title(const tx_ruleset *rs, const cJSON *e, const cJSON *refs, const char **url)
{
    const cJSON *r = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(e, "references"), 0);
    const cJSON *ref = cJSON_IsNumber(r) ? cJSON_GetArrayItem(refs, r->valueint) : NULL;
    *url = ref ? str_of(ref, "url") : NULL;
    if (ref && str_of(ref, "label")) return tx_strdup(str_of(ref, "label"));
    const cJSON *m = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(e, "mentions"), 0);
    if (m && str_of(m, "text")) return tx_strdup(str_of(m, "text"));
    const char *text = str_of(e, "text");
    char *w = tx_first_words(rs, text ? text : "");
    const cJSON *o = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(e, "organizations"), 0);
    const char *org = o ? str_of(o, "text") : NULL;
    if (!w || !org || strstr(w, org)) return w;
    size_t ol = strlen(org), wl = strlen(w);
    char *t = malloc(ol + wl + 3);
    if (t) {
        memcpy(t, org, ol);
        memcpy(t + ol, ": ", 2);
        memcpy(t + ol + 2, w, wl + 1);
    }
    free(w);
    return t;
}

/* The chapters of the document: intro, timed entries, outro. */
static void collect(const tx_conv *c, const cJSON *doc, chapters *cs)
{
    const cJSON *ep = cJSON_GetObjectItemCaseSensitive(doc, "episode");
    const cJSON *refs = cJSON_GetObjectItemCaseSensitive(doc, "references");
    const cJSON *intro = cJSON_GetObjectItemCaseSensitive(ep, "intro");
    const cJSON *outro = cJSON_GetObjectItemCaseSensitive(ep, "outro");
    const cJSON *e;
    double t0, t1;
    cs->end = 0;
    if (intro && time_of(intro, &t0, &t1)) {
        const char *title = str_of(ep, "title");
        add(cs, t0, title ? tx_strdup(title) : tx_first_words(c->rules, str_of(intro, "text")),
            NULL);
        cs->end = t1;
    }
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, "entries"))
    {
        if (!time_of(e, &t0, &t1)) continue;
        const char *url = NULL;
        char *title = entry_title(c->rules, e, refs, &url);
        add(cs, t0, title, url);
        if (t1 > cs->end) cs->end = t1;
    }
    if (outro && time_of(outro, &t0, &t1) && cs->n) {
        add(cs, t0, tx_first_words(c->rules, str_of(outro, "text")), NULL);
        if (t1 > cs->end) cs->end = t1;
    }
    /* One line each; never out of order (two entries may share a cue). */
    for (size_t i = 0; i < cs->n; i++) {
        for (char *p = cs->v[i].title; *p; p++)
            if (*p == '\n' || *p == '\r' || *p == '\t') *p = ' ';
        if (i && cs->v[i].start < cs->v[i - 1].start) cs->v[i].start = cs->v[i - 1].start;
    }
}

static void drop(chapters *cs, size_t i)
{
    free(cs->v[i].title);
    memmove(cs->v + i, cs->v + i + 1, (cs->n - i - 1) * sizeof *cs->v);
    cs->n--;
}

/* YouTube's rules: whole seconds, the first at 0, each at least
 * YOUTUBE_MIN_SECONDS long (a short one joins its neighbour). */
static void youtube_fit(chapters *cs)
{
    for (size_t i = 0; i < cs->n; i++)
        cs->v[i].start = floor(cs->v[i].start);
    if (cs->n) cs->v[0].start = 0;
    for (size_t i = 0; i < cs->n;) {
        double next = i + 1 < cs->n ? cs->v[i + 1].start : floor(cs->end);
        if (next - cs->v[i].start >= YOUTUBE_MIN_SECONDS) {
            i++;
        } else if (i == 0 && cs->n > 1) { /* the next one starts at 0 instead */
            drop(cs, 0);
            cs->v[0].start = 0;
        } else if (i > 0) { /* its time goes to the one before */
            drop(cs, i);
        } else {
            i++;
        }
    }
}

static void put_clock(tx_strbuf *b, double s, int hours, int vtt)
{
    char buf[64];
    long long ms = (long long)llround(s * MS_PER_S), sec = ms / (long long)MS_PER_S;
    long long h = sec / SECONDS_PER_HOUR, m = sec % SECONDS_PER_HOUR / SECONDS_PER_MINUTE,
              ss = sec % SECONDS_PER_MINUTE;
    if (vtt)
        snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%03lld", h, m, ss,
                 ms % (long long)MS_PER_S);
    else if (hours)
        snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", h, m, ss);
    else
        snprintf(buf, sizeof buf, "%02lld:%02lld", m, ss);
    tx_sb_add(b, buf, strlen(buf));
}

/* A title in a text format: in WebVTT, '&', '<' and '>' as entities (so
 * no "-->" either); for YouTube, which refuses '<' and '>' in a
 * description, parentheses for them. */
static void title_text(tx_strbuf *b, const char *t, int vtt)
{
    for (; *t; t++) {
        if (vtt && *t == '&')
            tx_sb_add(b, "&amp;", 5);
        else if (vtt && *t == '<')
            tx_sb_add(b, "&lt;", 4);
        else if (vtt && *t == '>')
            tx_sb_add(b, "&gt;", 4);
        else if (!vtt && (*t == '<' || *t == '>'))
            tx_sb_addc(b, *t == '<' ? '(' : ')');
        else
            tx_sb_addc(b, *t);
    }
}

static char *podcast_json(const tx_conv *c, const cJSON *doc, const chapters *cs)
{
    cJSON *o = cJSON_CreateObject(), *arr = cJSON_CreateArray();
    const char *title = str_of(cJSON_GetObjectItemCaseSensitive(doc, "episode"), "title");
    int bad = !o || !arr || !cJSON_AddStringToObject(o, "version", PODCAST_CHAPTERS_VERSION) ||
              (title && !cJSON_AddStringToObject(o, "title", title));
    int attached = !bad && cJSON_AddItemToObject(o, "chapters", arr);
    bad |= !attached;
    for (size_t i = 0; !bad && i < cs->n; i++) {
        cJSON *ch = cJSON_CreateObject();
        bad = !ch || !cJSON_AddNumberToObject(ch, "startTime", cs->v[i].start) ||
              !cJSON_AddStringToObject(ch, "title", cs->v[i].title) ||
              (cs->v[i].url && !cJSON_AddStringToObject(ch, "url", cs->v[i].url));
        if (ch) cJSON_AddItemToArray(arr, ch);
    }
    char *s = bad ? NULL : c->opts->compact ? cJSON_PrintUnformatted(o) : cJSON_Print(o);
    if (!attached) cJSON_Delete(arr); /* NULL is fine */
    cJSON_Delete(o);
    if (!s) return NULL;
    /* cJSON allocates with malloc: the caller frees with free(). */
    size_t n = strlen(s);
    char *r = malloc(n + 2);
    if (r) {
        memcpy(r, s, n);
        r[n] = '\n';
        r[n + 1] = 0;
    }
    cJSON_free(s);
    return r;
}

static char *text_format(const chapters *cs, int vtt)
{
    tx_strbuf b = {0};
    int hours = cs->end >= SECONDS_PER_HOUR;
    if (vtt) tx_sb_add(&b, "WEBVTT\n", 7);
    for (size_t i = 0; i < cs->n; i++) {
        double end = i + 1 < cs->n ? cs->v[i + 1].start : cs->end;
        if (vtt) {
            if (end <= cs->v[i].start) continue;
            char num[32];
            snprintf(num, sizeof num, "\n%zu\n", i + 1);
            tx_sb_add(&b, num, strlen(num));
            put_clock(&b, cs->v[i].start, 1, 1);
            tx_sb_add(&b, " --> ", 5);
            put_clock(&b, end, 1, 1);
            tx_sb_addc(&b, '\n');
        } else {
            put_clock(&b, cs->v[i].start, hours, 0);
            tx_sb_addc(&b, ' ');
        }
        title_text(&b, cs->v[i].title, vtt);
        tx_sb_addc(&b, '\n');
    }
    if (b.oom) {
        tx_sb_free(&b);
        return NULL;
    }
    return b.s;
}

tx2json_status tx_write_chapters(const tx_conv *c, const char *json, char **out)
{
    static const char *const names[] = {"", "Podcasting 2.0 chapters", "YouTube chapters",
                                        "WebVTT chapters"};
    tx2json_output fmt = c->opts->output;
    *out = NULL;
    cJSON *doc = cJSON_Parse(json);
    chapters cs = {0};
    tx2json_status rc = TX2JSON_OK;
    if (!doc) goto oom;
    collect(c, doc, &cs);
    if (cs.oom) goto oom;
    if (!cs.n) {
        tx_seterr(c->err, TX2JSON_EOUTPUT, c->name, 0, 0, (size_t)-1,
                  "%s need times, and this input has none (plain text has them only from "
                  "turn headers such as \"Speaker 1 (00:01:02):\"; SRT, WebVTT and "
                  "speech-recognition JSON have them)",
                  names[fmt]);
        rc = TX2JSON_EOUTPUT;
        goto done;
    }
    if (fmt == TX2JSON_OUTPUT_YOUTUBE) {
        youtube_fit(&cs);
        if (cs.n < YOUTUBE_MIN_CHAPTERS) {
            tx_seterr(c->err, TX2JSON_EOUTPUT, c->name, 0, 0, (size_t)-1,
                      "YouTube needs at least %d chapters of %d s or more; this episode gives %zu",
                      YOUTUBE_MIN_CHAPTERS, YOUTUBE_MIN_SECONDS, cs.n);
            rc = TX2JSON_EOUTPUT;
            goto done;
        }
    }
    *out = fmt == TX2JSON_OUTPUT_CHAPTERS ? podcast_json(c, doc, &cs)
                                          : text_format(&cs, fmt == TX2JSON_OUTPUT_VTT_CHAPTERS);
    if (!*out) goto oom;
    goto done;
oom:
    tx_seterr(c->err, TX2JSON_ENOMEM, c->name, 0, 0, (size_t)-1, "out of memory");
    rc = TX2JSON_ENOMEM;
done:
    for (size_t i = 0; i < cs.n; i++)
        free(cs.v[i].title);
    free(cs.v);
    cJSON_Delete(doc);
    return rc;
}
