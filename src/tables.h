/* tables.h - the table outputs of the command line (--format csv and
 * --format sqlite): each document becomes rows of five tables, episodes,
 * entries, mentions, organizations and references, keyed by episode_id
 * (the input's SHA-256) and per-table indices.  Not part of the library. */
#ifndef TX2JSON_TABLES_H
#define TX2JSON_TABLES_H

typedef enum tables_kind {
    TABLES_NONE = 0,
    TABLES_CSV,   /* -o DIR: DIR/episodes.csv ... (RFC 4180, UTF-8, header row) */
    TABLES_SQLITE /* -o FILE.db: an SQLite database through libsqlite3 */
} tables_kind;

typedef struct tables tables;

/* Opens the output: CSV creates DIR and a temporary per table beside
 * its final name; SQLite opens or creates the database, its tables,
 * indexes and views, and starts the run's transaction.  Returns NULL after
 * printing an error ("tx2json: PATH: error: ..."). */
tables *tables_open(tables_kind kind, const char *path, int quiet);

/* Adds the rows of one document (JSON text) converted from input `name`.
 * An episode already added in this run (same episode_id) is skipped with
 * a note; in SQLite an episode stored by an earlier run is replaced.
 * Returns 0, or -1 after printing an error (the document is then not in
 * the tables). */
int tables_add(tables *t, const char *name, const char *json);

/* Finishes the output: CSV renames the temporaries into place, SQLite
 * commits.  Frees t.  Returns 0, or -1 after printing an error (nothing
 * of the run is then kept). */
int tables_close(tables *t);

#endif
