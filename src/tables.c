/* tables.c - the table outputs of the command line: --format csv -o DIR
 * (five RFC 4180 files) and --format sqlite -o FILE.db (libsqlite3).
 *
 * Each document (the library's JSON, parsed again with cJSON) becomes one
 * row of episodes and rows of entries, organizations, mentions and
 * references.  episode_id is source.sha256, the SHA-256 of the input's
 * bytes, so the same input always gets the same keys: a CSV load keyed on
 * it and an SQLite re-run replace instead of duplicating.  The columns
 * are listed once (the table_def arrays below) for the CSV header, the
 * SQLite inserts and docs/databases.md's PostgreSQL DDL, which must list
 * them in the same order.  Not part of the library. */
#include "tables.h"
#include "cli.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the tables ------------------------------------------------------ */

enum { T_EPISODES, T_ENTRIES, T_MENTIONS, T_ORGANIZATIONS, T_REFERENCES, T_N };

/* The most columns a table has. */
#define MAX_COLS 27
/* Room for "/NAME.csv.tmp.PID.0" beyond the directory and the table name. */
#define CSV_NAME_EXTRA 64
/* An INSERT statement: its text and a "?," per column. */
#define INSERT_SQL_MAX 256

typedef struct table_def {
    const char *name;
    const char *cols[MAX_COLS]; /* NULL-terminated */
} table_def;

static const table_def defs[T_N] = {
    {"episodes", {"episode_id",       "path",           "bytes",       "encoding",
                  "language",         "title",          "date",        "number",
                  "intro_text",       "intro_start",    "intro_end",   "intro_time_start",
                  "intro_time_end",   "outro_text",     "outro_start", "outro_end",
                  "outro_time_start", "outro_time_end", "tool_name",   "tool_version",
                  "rules_sha256",     "schema_version", "offsets",     "date_precision",
                  "number_value",     "record_id",      NULL}},
    {"entries",
     {"episode_id", "entry_index", "span_start", "span_end", "time_start", "time_end", "text",
      "rule", "primary_reference", NULL}},
    {"mentions",
     {"episode_id", "mention_index", "entry_index", "text", "span_start", "span_end", "time_start",
      "time_end", "reference_index", "score", "method", "rule", NULL}},
    {"organizations",
     {"episode_id", "organization_index", "entry_index", "text", "span_start", "span_end", "rule",
      "canonical", NULL}},
    {"references",
     {"episode_id", "reference_index", "label", "url", "span_start", "span_end", "entry_index",
      "entry_rank", "rule", NULL}},
};

/* The SQLite schema.  Children go with their episode (ON DELETE CASCADE),
 * so deleting an episode_id removes every row of it; the views answer
 * the common questions (docs/databases.md). */
static const char sqlite_ddl[] =
    "PRAGMA foreign_keys = ON;\n"
    "CREATE TABLE IF NOT EXISTS episodes (\n"
    "  episode_id TEXT PRIMARY KEY, path TEXT NOT NULL, bytes INTEGER NOT NULL,\n"
    "  encoding TEXT NOT NULL, language TEXT NOT NULL, title TEXT, date TEXT, number TEXT,\n"
    "  intro_text TEXT, intro_start INTEGER, intro_end INTEGER, intro_time_start REAL,\n"
    "  intro_time_end REAL, outro_text TEXT, outro_start INTEGER, outro_end INTEGER,\n"
    "  outro_time_start REAL, outro_time_end REAL, tool_name TEXT NOT NULL,\n"
    "  tool_version TEXT NOT NULL, rules_sha256 TEXT NOT NULL, schema_version INTEGER NOT NULL,\n"
    "  offsets TEXT NOT NULL, date_precision TEXT, number_value INTEGER, record_id TEXT);\n"
    "CREATE TABLE IF NOT EXISTS entries (\n"
    "  episode_id TEXT NOT NULL REFERENCES episodes ON DELETE CASCADE,\n"
    "  entry_index INTEGER NOT NULL, span_start INTEGER NOT NULL, span_end INTEGER NOT NULL,\n"
    "  time_start REAL, time_end REAL, text TEXT NOT NULL, rule TEXT NOT NULL,\n"
    "  primary_reference INTEGER,\n"
    "  PRIMARY KEY (episode_id, entry_index));\n"
    "CREATE TABLE IF NOT EXISTS \"references\" (\n"
    "  episode_id TEXT NOT NULL REFERENCES episodes ON DELETE CASCADE,\n"
    "  reference_index INTEGER NOT NULL, label TEXT NOT NULL, url TEXT NOT NULL,\n"
    "  span_start INTEGER, span_end INTEGER, entry_index INTEGER, entry_rank INTEGER,\n"
    "  rule TEXT NOT NULL,\n"
    "  PRIMARY KEY (episode_id, reference_index),\n"
    "  FOREIGN KEY (episode_id, entry_index) REFERENCES entries ON DELETE CASCADE);\n"
    "CREATE TABLE IF NOT EXISTS mentions (\n"
    "  episode_id TEXT NOT NULL REFERENCES episodes ON DELETE CASCADE,\n"
    "  mention_index INTEGER NOT NULL, entry_index INTEGER NOT NULL, text TEXT NOT NULL,\n"
    "  span_start INTEGER NOT NULL, span_end INTEGER NOT NULL, time_start REAL, time_end REAL,\n"
    "  reference_index INTEGER, score REAL NOT NULL, method TEXT NOT NULL, rule TEXT NOT NULL,\n"
    "  PRIMARY KEY (episode_id, mention_index),\n"
    "  FOREIGN KEY (episode_id, entry_index) REFERENCES entries ON DELETE CASCADE,\n"
    "  FOREIGN KEY (episode_id, reference_index) REFERENCES \"references\" ON DELETE CASCADE);\n"
    "CREATE TABLE IF NOT EXISTS organizations (\n"
    "  episode_id TEXT NOT NULL REFERENCES episodes ON DELETE CASCADE,\n"
    "  organization_index INTEGER NOT NULL, entry_index INTEGER NOT NULL, text TEXT NOT NULL,\n"
    "  span_start INTEGER NOT NULL, span_end INTEGER NOT NULL, rule TEXT NOT NULL,\n"
    "  canonical TEXT NOT NULL,\n"
    "  PRIMARY KEY (episode_id, organization_index),\n"
    "  FOREIGN KEY (episode_id, entry_index) REFERENCES entries ON DELETE CASCADE);\n"
    "CREATE INDEX IF NOT EXISTS mentions_entry ON mentions (episode_id, entry_index);\n"
    "CREATE INDEX IF NOT EXISTS mentions_reference ON mentions (episode_id, reference_index);\n"
    "CREATE INDEX IF NOT EXISTS mentions_unlinked ON mentions (text) WHERE reference_index IS "
    "NULL;\n"
    "CREATE INDEX IF NOT EXISTS organizations_entry ON organizations (episode_id, entry_index);\n"
    "CREATE INDEX IF NOT EXISTS organizations_text ON organizations (text);\n"
    "CREATE INDEX IF NOT EXISTS organizations_canonical ON organizations (canonical);\n"
    "CREATE INDEX IF NOT EXISTS references_entry ON \"references\" (episode_id, entry_index);\n"
    "CREATE INDEX IF NOT EXISTS references_url ON \"references\" (url);\n"
    "CREATE INDEX IF NOT EXISTS episodes_rules ON episodes (rules_sha256);\n"
    "CREATE VIEW IF NOT EXISTS entries_per_episode AS\n"
    "  SELECT e.episode_id, e.path, e.title, COUNT(n.entry_index) AS entries\n"
    "  FROM episodes e LEFT JOIN entries n ON n.episode_id = e.episode_id\n"
    "  GROUP BY e.episode_id, e.path, e.title;\n"
    "CREATE VIEW IF NOT EXISTS mentions_by_url AS\n"
    "  SELECT r.url, r.label, m.episode_id, e.path, m.entry_index, m.mention_index, m.text,\n"
    "         m.score, m.method\n"
    "  FROM mentions m\n"
    "  JOIN \"references\" r ON r.episode_id = m.episode_id AND r.reference_index = "
    "m.reference_index\n"
    "  JOIN episodes e ON e.episode_id = m.episode_id;\n"
    "CREATE VIEW IF NOT EXISTS unlinked_mentions AS\n"
    "  SELECT m.episode_id, e.path, m.entry_index, m.mention_index, m.text, m.score, m.method\n"
    "  FROM mentions m JOIN episodes e ON e.episode_id = m.episode_id\n"
    "  WHERE m.reference_index IS NULL;\n"
    "CREATE VIEW IF NOT EXISTS organizations_ranked AS\n"
    "  SELECT canonical AS organization, COUNT(*) AS mentions,\n"
    "         COUNT(DISTINCT episode_id) AS episodes\n"
    "  FROM organizations GROUP BY canonical;\n";

/* ---- values and rows ------------------------------------------------- */

typedef enum { V_NULL, V_INT, V_REAL, V_TEXT } vtype;

typedef struct val {
    vtype t;
    double d;      /* V_INT and V_REAL (JSON numbers are doubles) */
    const char *s; /* V_TEXT */
} val;

/* The seen episode_ids of this run (open addressing, grown at half). */
typedef struct idset {
    char **slot;
    size_t cap, n;
} idset;

struct tables {
    tables_kind kind;
    const char *path;
    int quiet;
    int failed; /* a write failed: close keeps nothing */
    idset seen;
    /* CSV */
    FILE *f[T_N];
    char *tmp[T_N], *final[T_N];
    /* SQLite */
    sqlite3 *db;
    sqlite3_stmt *ins[T_N], *del;
};

/* FNV-1a, for the set. */
#define FNV_OFFSET 2166136261u
#define FNV_PRIME 16777619u
#define IDSET_START 64

static size_t hash_str(const char *s)
{
    unsigned h = FNV_OFFSET;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * FNV_PRIME;
    return h;
}

/* Adds id; returns 1 when added, 0 when already there, -1 on OOM. */
static int idset_add(idset *s, const char *id)
{
    if ((s->n + 1) * 2 > s->cap) {
        size_t nc = s->cap ? s->cap * 2 : IDSET_START;
        char **ns = calloc(nc, sizeof *ns);
        if (!ns) return -1;
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->slot[i]) continue;
            size_t k = hash_str(s->slot[i]) & (nc - 1);
            while (ns[k])
                k = (k + 1) & (nc - 1);
            ns[k] = s->slot[i];
        }
        free(s->slot);
        s->slot = ns;
        s->cap = nc;
    }
    size_t k = hash_str(id) & (s->cap - 1);
    for (; s->slot[k]; k = (k + 1) & (s->cap - 1))
        if (!strcmp(s->slot[k], id)) return 0;
    if (!(s->slot[k] = strdup(id))) return -1;
    s->n++;
    return 1;
}

static void idset_free(idset *s)
{
    for (size_t i = 0; i < s->cap; i++)
        free(s->slot[i]);
    free(s->slot);
}

static size_t ncols(int t)
{
    size_t n = 0;
    while (defs[t].cols[n])
        n++;
    return n;
}

/* A number printed back as JSON had it: integers plainly, the rest with
 * the shortest "%.15g" (scores and seconds have at most 3 decimals). */
#define NUM_BUF 40
static void number_text(const val *v, char buf[NUM_BUF])
{
    if (v->t == V_INT)
        snprintf(buf, NUM_BUF, "%.0f", v->d);
    else
        snprintf(buf, NUM_BUF, "%.15g", v->d);
}

/* One CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or
 * LF, or is empty text (an empty unquoted field is NULL, as PostgreSQL's
 * COPY reads it), with quotes doubled. */
static void csv_field(FILE *f, const val *v)
{
    char buf[NUM_BUF];
    if (v->t == V_NULL) return;
    if (v->t != V_TEXT) {
        number_text(v, buf);
        fputs(buf, f);
        return;
    }
    const char *s = v->s;
    if (*s && !strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    putc('"', f);
    for (; *s; s++) {
        if (*s == '"') putc('"', f);
        putc(*s, f);
    }
    putc('"', f);
}

static int row(tables *t, int tab, const val *v)
{
    size_t n = ncols(tab);
    if (t->kind == TABLES_CSV) {
        for (size_t i = 0; i < n; i++) {
            if (i) putc(',', t->f[tab]);
            csv_field(t->f[tab], &v[i]);
        }
        fputs("\r\n", t->f[tab]);
        return ferror(t->f[tab]) ? -1 : 0;
    }
    sqlite3_stmt *st = t->ins[tab];
    sqlite3_reset(st);
    for (size_t i = 0; i < n; i++) {
        int k = (int)i + 1;
        switch (v[i].t) {
        case V_NULL:
            sqlite3_bind_null(st, k);
            break;
        case V_INT:
            sqlite3_bind_int64(st, k, (sqlite3_int64)v[i].d);
            break;
        case V_REAL:
            sqlite3_bind_double(st, k, v[i].d);
            break;
        default:
            sqlite3_bind_text(st, k, v[i].s, -1, SQLITE_STATIC);
        }
    }
    return sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

/* ---- from JSON ------------------------------------------------------- */

static val vnull(void)
{
    return (val){V_NULL, 0, NULL};
}

static val vtext(const cJSON *j)
{
    return cJSON_IsString(j) ? (val){V_TEXT, 0, j->valuestring} : vnull();
}

static val vint(const cJSON *j)
{
    return cJSON_IsNumber(j) ? (val){V_INT, j->valuedouble, NULL} : vnull();
}

static val vreal(const cJSON *j)
{
    return cJSON_IsNumber(j) ? (val){V_REAL, j->valuedouble, NULL} : vnull();
}

static val vcount(size_t n)
{
    return (val){V_INT, (double)n, NULL};
}

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* The two ends of a span or time pair (NULLs for null). */
static void pair(const cJSON *a, val *v, val (*conv)(const cJSON *))
{
    v[0] = conv(cJSON_GetArrayItem(a, 0));
    v[1] = conv(cJSON_GetArrayItem(a, 1));
}

/* The intro or outro columns: text, span, time. */
static void passage(const cJSON *p, val *v)
{
    v[0] = vtext(get(p, "text"));
    pair(get(p, "span"), v + 1, vint);
    pair(get(p, "time"), v + 3, vreal);
}

/* The rows of one document; -1 when one could not be written. */
static int add_rows(tables *t, const cJSON *doc, const char *id)
{
    const cJSON *src = get(doc, "source"), *ep = get(doc, "episode"), *tool = get(doc, "tool");
    const cJSON *entries = get(doc, "entries"), *refs = get(doc, "references");
    val v[MAX_COLS];
    int rc = 0;

    v[0] = (val){V_TEXT, 0, id};
    v[1] = vtext(get(src, "path"));
    v[2] = vint(get(src, "bytes"));
    v[3] = vtext(get(src, "encoding"));
    v[4] = vtext(get(src, "language"));
    v[5] = vtext(get(ep, "title"));
    v[6] = vtext(get(ep, "date"));
    v[7] = vtext(get(ep, "number"));
    passage(get(ep, "intro"), v + 8);
    passage(get(ep, "outro"), v + 13);
    v[18] = vtext(get(tool, "name"));
    v[19] = vtext(get(tool, "version"));
    v[20] = vtext(get(tool, "rules_sha256"));
    v[21] = vint(get(doc, "schema_version"));
    v[22] = vtext(get(src, "offsets")); /* the unit of the spans: absent is code points */
    if (v[22].t == V_NULL) v[22] = (val){V_TEXT, 0, "codepoints"};
    v[23] = vtext(get(ep, "date_precision"));
    v[24] = vint(get(ep, "number_value"));
    /* --input jsonl: the record's id, a string or a number as JSON writes
     * it (text in both tables, so SQLite does not make 2 into "2.0") */
    char idnum[NUM_BUF];
    v[25] = vreal(get(doc, "id"));
    if (v[25].t != V_NULL) {
        number_text(&v[25], idnum);
        v[25] = (val){V_TEXT, 0, idnum};
    }
    if (cJSON_IsString(get(doc, "id"))) v[25] = vtext(get(doc, "id"));
    rc |= row(t, T_EPISODES, v);

    size_t nmen = 0, norg = 0;
    const cJSON *en;
    cJSON_ArrayForEach(en, entries)
    {
        const cJSON *e_index = get(en, "index");
        v[0] = (val){V_TEXT, 0, id};
        v[1] = vint(e_index);
        pair(get(en, "span"), v + 2, vint);
        pair(get(en, "time"), v + 4, vreal);
        v[6] = vtext(get(en, "text"));
        v[7] = vtext(get(en, "rule"));
        v[8] = vint(cJSON_GetArrayItem(get(en, "references"), 0));
        rc |= row(t, T_ENTRIES, v);
    }
    /* References before mentions and organisations, which point at them;
     * entry_rank is the reference's place in its entry's list (0 the
     * primary). */
    const cJSON *r;
    cJSON_ArrayForEach(r, refs)
    {
        const cJSON *owner = get(r, "entry");
        val rank = vnull();
        if (cJSON_IsNumber(owner)) {
            const cJSON *lst = get(cJSON_GetArrayItem(entries, owner->valueint), "references"), *x;
            size_t k = 0;
            cJSON_ArrayForEach(x, lst)
            {
                if (cJSON_IsNumber(x) && x->valueint == get(r, "index")->valueint) rank = vcount(k);
                k++;
            }
        }
        v[0] = (val){V_TEXT, 0, id};
        v[1] = vint(get(r, "index"));
        v[2] = vtext(get(r, "label"));
        v[3] = vtext(get(r, "url"));
        pair(get(r, "span"), v + 4, vint);
        v[6] = vint(owner);
        v[7] = rank;
        v[8] = vtext(get(r, "rule"));
        rc |= row(t, T_REFERENCES, v);
    }
    cJSON_ArrayForEach(en, entries)
    {
        const cJSON *m, *o;
        cJSON_ArrayForEach(m, get(en, "mentions"))
        {
            v[0] = (val){V_TEXT, 0, id};
            v[1] = vcount(nmen++);
            v[2] = vint(get(en, "index"));
            v[3] = vtext(get(m, "text"));
            pair(get(m, "span"), v + 4, vint);
            pair(get(m, "time"), v + 6, vreal);
            v[8] = vint(get(m, "reference"));
            v[9] = vreal(get(m, "score"));
            v[10] = vtext(get(m, "method"));
            v[11] = vtext(get(m, "rule"));
            rc |= row(t, T_MENTIONS, v);
        }
        cJSON_ArrayForEach(o, get(en, "organizations"))
        {
            v[0] = (val){V_TEXT, 0, id};
            v[1] = vcount(norg++);
            v[2] = vint(get(en, "index"));
            v[3] = vtext(get(o, "text"));
            pair(get(o, "span"), v + 4, vint);
            v[6] = vtext(get(o, "rule"));
            v[7] = vtext(get(o, "canonical"));
            rc |= row(t, T_ORGANIZATIONS, v);
        }
    }
    return rc ? -1 : 0;
}

/* ---- CSV ------------------------------------------------------------- */

static int csv_open(tables *t)
{
    if (mkdir(t->path, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "tx2json: %s: error: cannot create directory: %s\n", t->path,
                strerror(errno));
        return -1;
    }
    for (int k = 0; k < T_N; k++) {
        size_t n = strlen(t->path) + strlen(defs[k].name) + CSV_NAME_EXTRA;
        t->final[k] = malloc(n);
        t->tmp[k] = malloc(n);
        if (!t->final[k] || !t->tmp[k]) {
            fprintf(stderr, "tx2json: error: out of memory\n");
            return -1;
        }
        snprintf(t->final[k], n, "%s/%s.csv", t->path, defs[k].name);
        /* NAME.csv.tmp.PID.0, as cli_out.c names temporaries: one left by
         * a killed run is removed here, with a note. */
        out_clean_stale_file(t->final[k], t->quiet);
        snprintf(t->tmp[k], n, "%s/%s.csv.tmp.%ld.0", t->path, defs[k].name, (long)getpid());
        if (!(t->f[k] = fopen(t->tmp[k], "wb"))) {
            fprintf(stderr, "tx2json: %s: error: cannot write: %s\n", t->tmp[k], strerror(errno));
            return -1;
        }
        for (size_t i = 0; defs[k].cols[i]; i++)
            fprintf(t->f[k], "%s%s", i ? "," : "", defs[k].cols[i]);
        fputs("\r\n", t->f[k]);
    }
    return 0;
}

/* Closes the files and renames them into place (or removes them). */
static int csv_close(tables *t)
{
    int rc = t->failed ? -1 : 0;
    for (int k = 0; k < T_N; k++) {
        if (!t->f[k]) continue;
        if ((fflush(t->f[k]) != 0 || fsync(fileno(t->f[k])) != 0) && !rc) {
            fprintf(stderr, "tx2json: %s: error: cannot write: %s\n", t->tmp[k], strerror(errno));
            rc = -1;
        }
        if (fclose(t->f[k]) != 0 && !rc) {
            fprintf(stderr, "tx2json: %s: error: cannot write: %s\n", t->tmp[k], strerror(errno));
            rc = -1;
        }
        t->f[k] = NULL;
    }
    for (int k = 0; k < T_N; k++) {
        if (!t->tmp[k]) continue;
        if (!rc && rename(t->tmp[k], t->final[k]) != 0) {
            fprintf(stderr, "tx2json: %s: error: cannot rename: %s\n", t->final[k],
                    strerror(errno));
            rc = -1;
        }
        if (rc) unlink(t->tmp[k]);
    }
    return rc;
}

/* ---- SQLite ---------------------------------------------------------- */

static int sql_error(tables *t, const char *what)
{
    fprintf(stderr, "tx2json: %s: error: %s: %s\n", t->path, what,
            t->db ? sqlite3_errmsg(t->db) : "out of memory");
    return -1;
}

static int sqlite_open(tables *t)
{
    char sql[INSERT_SQL_MAX];
    if (sqlite3_open_v2(t->path, &t->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK)
        return sql_error(t, "cannot open the database");
    if (sqlite3_exec(t->db, sqlite_ddl, NULL, NULL, NULL) != SQLITE_OK)
        return sql_error(t, "cannot create the tables");
    for (int k = 0; k < T_N; k++) {
        size_t n = ncols(k), len = 0;
        len += (size_t)snprintf(sql, sizeof sql, "INSERT INTO \"%s\" VALUES (", defs[k].name);
        for (size_t i = 0; i < n && len < sizeof sql; i++)
            len += (size_t)snprintf(sql + len, sizeof sql - len, "%s?", i ? "," : "");
        if (len < sizeof sql) snprintf(sql + len, sizeof sql - len, ")");
        if (sqlite3_prepare_v2(t->db, sql, -1, &t->ins[k], NULL) != SQLITE_OK)
            return sql_error(t, "cannot prepare an insert");
    }
    if (sqlite3_prepare_v2(t->db, "DELETE FROM episodes WHERE episode_id = ?", -1, &t->del, NULL) !=
        SQLITE_OK)
        return sql_error(t, "cannot prepare a delete");
    if (sqlite3_exec(t->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return sql_error(t, "cannot begin a transaction");
    return 0;
}

static int sqlite_close(tables *t)
{
    int rc = t->failed ? -1 : 0;
    for (int k = 0; k < T_N; k++)
        sqlite3_finalize(t->ins[k]);
    sqlite3_finalize(t->del);
    if (t->db) {
        const char *end = rc ? "ROLLBACK" : "COMMIT";
        if (sqlite3_get_autocommit(t->db) == 0 &&
            sqlite3_exec(t->db, end, NULL, NULL, NULL) != SQLITE_OK && !rc)
            rc = sql_error(t, "cannot commit");
        if (sqlite3_close(t->db) != SQLITE_OK && !rc) rc = sql_error(t, "cannot close");
    }
    return rc;
}

/* The episode's rows replace those of any earlier run, inside a
 * savepoint: a document that fails leaves nothing behind. */
static int sqlite_add(tables *t, const cJSON *doc, const char *id)
{
    if (sqlite3_exec(t->db, "SAVEPOINT doc", NULL, NULL, NULL) != SQLITE_OK)
        return sql_error(t, "cannot start a savepoint");
    sqlite3_reset(t->del);
    sqlite3_bind_text(t->del, 1, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(t->del) == SQLITE_DONE ? 0 : -1;
    if (!rc) rc = add_rows(t, doc, id);
    if (rc) {
        sql_error(t, "cannot store the episode");
        sqlite3_exec(t->db, "ROLLBACK TO doc", NULL, NULL, NULL);
    }
    sqlite3_exec(t->db, "RELEASE doc", NULL, NULL, NULL);
    return rc;
}

/* ---- the interface --------------------------------------------------- */

tables *tables_open(tables_kind kind, const char *path, int quiet)
{
    tables *t = calloc(1, sizeof *t);
    if (!t) {
        fprintf(stderr, "tx2json: error: out of memory\n");
        return NULL;
    }
    t->kind = kind;
    t->path = path;
    t->quiet = quiet;
    if ((kind == TABLES_CSV ? csv_open(t) : sqlite_open(t)) != 0) {
        t->failed = 1;
        tables_close(t);
        return NULL;
    }
    return t;
}

int tables_add(tables *t, const char *name, const char *json)
{
    cJSON *doc = cJSON_Parse(json);
    const cJSON *sha = get(get(doc, "source"), "sha256");
    if (!cJSON_IsString(sha)) {
        fprintf(stderr, "tx2json: %s: error: %s\n", name,
                doc ? "the document has no source.sha256" : "out of memory");
        cJSON_Delete(doc);
        return -1;
    }
    int fresh = idset_add(&t->seen, sha->valuestring), rc = 0;
    if (fresh < 0) {
        fprintf(stderr, "tx2json: error: out of memory\n");
        rc = -1;
    } else if (!fresh) {
        if (!t->quiet)
            fprintf(stderr,
                    "tx2json: %s: note: same bytes as an earlier input (episode_id %s): its rows "
                    "are already in the tables\n",
                    name, sha->valuestring);
    } else if (t->kind == TABLES_CSV) {
        rc = add_rows(t, doc, sha->valuestring);
        if (rc) {
            fprintf(stderr, "tx2json: %s: error: cannot write the tables: %s\n", t->path,
                    strerror(errno));
            t->failed = 1; /* a CSV file with part of a document is kept by nobody */
        }
    } else {
        rc = sqlite_add(t, doc, sha->valuestring);
    }
    cJSON_Delete(doc);
    return rc;
}

int tables_close(tables *t)
{
    if (!t) return 0;
    int rc = t->kind == TABLES_CSV ? csv_close(t) : sqlite_close(t);
    for (int k = 0; k < T_N; k++) {
        free(t->tmp[k]);
        free(t->final[k]);
    }
    idset_free(&t->seen);
    free(t);
    return rc;
}
