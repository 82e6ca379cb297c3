/* symclash.c - a program that defines functions named like the library's
 * old unprefixed internals (sb_free, u8_next, sha256_hex, strset_add) and
 * links against libtx2json.a.  It fails to link if the library still
 * defines any of them, and then converts a small buffer to show that the
 * library's own helpers are the ones it calls. */
#include "tx2json.h"

#include <stdio.h>
#include <string.h>

int sb_free(int x);
int u8_next(int x);
int sha256_hex(int x);
int strset_add(int x);

int sb_free(int x)
{
    return x + 1;
}
int u8_next(int x)
{
    return x + 2;
}
int sha256_hex(int x)
{
    return x + 3;
}
int strset_add(int x)
{
    return x + 4;
}

int main(int argc, char **argv)
{
    if (argc != 2) return 2;
    tx2json_ctx *ctx;
    tx2json_error err;
    if (tx2json_ctx_new(argv[1], &ctx, &err) != TX2JSON_OK) return 1;
    static const char text[] = "Hello and welcome.\n\nFirst up, Acme released WidgetNet.\n";
    char *json = NULL;
    tx2json_status rc = tx2json_convert_buffer(ctx, "symclash", (const unsigned char *)text,
                                               strlen(text), NULL, &json, &err);
    int ok = rc == TX2JSON_OK && json && strstr(json, "\"sha256\"") &&
             sb_free(0) + u8_next(0) + sha256_hex(0) + strset_add(0) == 10;
    tx2json_free(json);
    tx2json_ctx_free(ctx);
    puts(ok ? "symclash: ok" : "symclash: FAIL");
    return ok ? 0 : 1;
}
