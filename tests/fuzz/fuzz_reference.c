/* fuzz_reference.c - libFuzzer harness: the reference-list reader and URL
 * tokeniser on arbitrary text placed after a short transcript (read as
 * notes given apart, inline links included, when the first byte is odd). */
#include "normalize.h"
#include "read.h"
#include "references.h"
#include "signals.h"

#include <stdlib.h>
#include <string.h>

#ifndef TX2JSON_RULES_DIR
#define TX2JSON_RULES_DIR "rules"
#endif

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static tx_ruleset *rs;
    static tx_weights w; /* the parameters the reader reads (reflist-stray-lines) */
    tx2json_error err;
    if (!rs && (tx_rules_load(TX2JSON_RULES_DIR, &rs, &err) != TX2JSON_OK ||
                tx_weights_load(rs, &w, &err) != TX2JSON_OK))
        abort();
    if (size > 65536) return 0;
    static const char head[] = "某公司推出FooNet。\n\n";
    unsigned char *buf = malloc(sizeof head + size);
    if (!buf) return 0;
    memcpy(buf, head, sizeof head - 1);
    memcpy(buf + sizeof head - 1, data, size);
    tx_doc doc = {0};
    tx_norm n = {0};
    tx_reflist refs = {0};
    tx2json_options o = {0};
    tx_conv c = {0};
    c.name = "fuzz";
    c.opts = &o;
    c.err = &err;
    c.rules = rs;
    c.weights = &w;
    c.doc = &doc;
    c.norm = &n;
    c.refs = &refs;
    strcpy(c.lang, "zh");
    c.notes_only = size > 0 && (data[0] & 1); /* as notes given apart: inline links read too */
    if (tx_decode(&c, buf, sizeof head - 1 + size) == TX2JSON_OK &&
        tx_normalize(&c) == TX2JSON_OK && tx_find_references(&c) == TX2JSON_OK) {
        for (size_t i = 0; i < refs.nref; i++) {
            if (refs.ref[i].start > n.len || refs.ref[i].end > n.len || refs.ref[i].uend > n.len ||
                refs.ref[i].ustart > refs.ref[i].uend || refs.ref[i].lstart > refs.ref[i].lend)
                abort();
            char **tok = NULL;
            size_t nh = 0, nt = tx_url_tokens(rs, refs.ref[i].url, &tok, &nh);
            if (nh > nt) abort();
            for (size_t t = 0; t < nt; t++)
                free(tok[t]);
            free(tok);
        }
    }
    tx_reflist_free(&refs);
    tx_diags_free(&c.diags);
    tx_norm_free(&n);
    tx_doc_free(&doc);
    free(buf);
    return 0;
}
