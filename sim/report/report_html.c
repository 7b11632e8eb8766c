/* sim/report/report_html.c — index.html: one self-contained page (inline
 * CSS and JS, the report embedded as JSON) with a heat map per scenario and
 * an evidence panel.  The page template is report.html, embedded at build
 * time (report_html_tpl.h). */
#include "report.h"
#include "report_int.h"
#include "report_html_tpl.h"

#include <stdlib.h>
#include <string.h>

static void html_esc(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* JSON text safe inside <script type="application/json">: '<', '>' and '&'
 * only occur inside JSON strings, where \u003c etc. mean the same thing; so
 * neither "</script" nor "<!--" can appear in the element. */
static void json_embed(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("\\u003c", f); break;
        case '>': fputs("\\u003e", f); break;
        case '&': fputs("\\u0026", f); break;
        default: fputc(*s, f);
        }
    }
}

int report_write_html(json_t *r, FILE *f)
{
    char *js = json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!js)
        return -1;
    fputs(report_html_head, f);
    fputs("hvsim report", f);
    if (rj_str(r, "generated", NULL)) {
        fputs(" — ", f);
        html_esc(f, rj_str(r, "generated", ""));
    }
    fputs(report_html_mid, f);
    json_embed(f, js);
    fputs(report_html_tail, f);
    free(js);
    return ferror(f) ? -1 : 0;
}
