/* fuzz_rules.c - libFuzzer harness: the rule-file parser and the checks of
 * `tx2json check` (compilation, examples, worst-case probes) on arbitrary
 * text. */
#include "rules.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    tx_ruleset *rs = NULL;
    tx2json_error err;
    if (size > 8192) return 0;
    if (tx_rules_load_text("fuzz.rules", (const char *)data, size, 1, &rs, &err) == TX2JSON_OK) {
        const tx_rdiag *dg;
        size_t n = tx_rules_diags(rs, &dg);
        for (size_t i = 0; i < n; i++)
            if (!dg[i].msg || !dg[i].file) abort();
    }
    tx_rules_free(rs);
    return 0;
}
