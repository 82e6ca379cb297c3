/* fuzz_extract.c - libFuzzer harness: the whole conversion path (decode,
 * normalise, segment, rules, entries, references, linking, JSON) on
 * arbitrary bytes, with the shipped rules loaded once.  The input's size
 * picks the output (size % 4: the document, or one of the three chapter
 * formats, which read the document back), the unit of the spans
 * (size / 4 % 3: code points, UTF-16 or bytes) and the segmenter (size / 12
 * % 2: the rules one, or the scored one with its anchors and features). */
#include "internal.h"

#include <stdlib.h>

#ifndef TX2JSON_RULES_DIR
#define TX2JSON_RULES_DIR "rules"
#endif

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* How many outputs and offset units there are to pick from. */
enum { NOUTPUTS = TX2JSON_OUTPUT_VTT_CHAPTERS + 1, NOFFSETS = TX2JSON_OFFSETS_BYTES + 1 };

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static tx2json_ctx *ctx;
    tx2json_error err;
    if (!ctx && tx2json_ctx_new(TX2JSON_RULES_DIR, &ctx, &err) != TX2JSON_OK) abort();
    char *json = NULL;
    tx2json_options o = {0};
    o.max_input = 1 << 20;
    o.output = (tx2json_output)(size % NOUTPUTS);
    o.offsets = (tx2json_offsets)(size / NOUTPUTS % NOFFSETS);
    o.segmenter = (int)(size / NOUTPUTS / NOFFSETS % 2);
    o.features = o.segmenter;
    if (tx2json_convert_buffer(ctx, "fuzz", data, size, &o, &json, &err) == TX2JSON_OK &&
        !json)
        abort(); /* success must come with a document */
    tx2json_free(json);
    return 0;
}
