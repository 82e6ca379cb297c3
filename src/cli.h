/* cli.h - shared by the command-line tool's files (main.c, cli_in.c,
 * cli_out.c).  Not part of the library: nothing here is exported. */
#ifndef TX2JSON_CLI_H
#define TX2JSON_CLI_H

#include <stddef.h>

typedef struct input {
    char *path; /* as opened ("-" for stdin) */
    char *rel;  /* output name relative to -o DIR */
} input;

typedef struct inputs {
    input *v;
    size_t n, cap;
    const char **globs;
    size_t nglobs;
    int oom;
} inputs;

/* cli_in.c: the input list. */
void add_arg(inputs *in, const char *arg, int *dirs);
int read_list(inputs *in, const char *list, int nul, int *dirs);
void free_inputs(inputs *in);

/* cli_out.c: output files. */
void on_signal(int sig);
int write_atomic(const char *path, const char *data);
char *output_path(const char *dir, const char *rel);

#endif
