/* sim/report/report_html_tpl.h — the page template of index.html (private).
 *
 * The template is sim/report/report.html; tools/embed_html.sh turns it into
 * these three strings at build time ($(BUILD)/gen/report_html_tpl.c).  The
 * page is head, the escaped title, mid, the report JSON (with '<', '>' and
 * '&' written as \u003c etc.), tail.
 */
#ifndef HVSIM_REPORT_HTML_TPL_H
#define HVSIM_REPORT_HTML_TPL_H

extern const char report_html_head[]; /* up to <title> */
extern const char report_html_mid[];  /* </title> … <script type="application/json"> */
extern const char report_html_tail[]; /* </script> … </html> */

#endif
