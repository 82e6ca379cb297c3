/* jsoncheck.c - exits 0 when standard input is one valid JSON document
 * (parsed with cJSON, nothing but whitespace after it), 1 otherwise. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    size_t cap = 1 << 16, len = 0, n;
    char *buf = malloc(cap + 1);
    while (buf && (n = fread(buf + len, 1, cap - len, stdin)) > 0) {
        len += n;
        if (len == cap) {
            char *nb = realloc(buf, (cap *= 2) + 1);
            if (!nb) free(buf);
            buf = nb;
        }
    }
    if (!buf) return 2;
    buf[len] = 0;
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithOpts(buf, &end, 0);
    int ok = j != NULL;
    while (ok && end && *end && strchr(" \t\r\n", *end))
        end++;
    if (ok && end && *end) ok = 0;
    cJSON_Delete(j);
    free(buf);
    return ok ? 0 : 1;
}
