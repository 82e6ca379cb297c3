/* html.h - stage 9 (optional), the review page: the JSON document drawn
 * over the decoded transcript as one self-contained HTML page
 * (--format html), for a person to check what was extracted. */
#ifndef TX2JSON_HTML_H
#define TX2JSON_HTML_H

#include "conv.h"

/* Writes the review page of the JSON document `json` (tx_write_json's,
 * for the conversion c, whose decoded text it marks) to *out (malloc'd,
 * NUL-terminated; the caller frees it).  TX2JSON_OK; ERULES when the
 * rules give no param:review-weak; ENOMEM.  Errors go to c->err. */
TXI tx2json_status tx_write_html(const tx_conv *c, const char *json, char **out);

#endif
