/* report_html.c -- the HTML writer of the report layer: one self-contained HTML5 file (inline CSS and
 * SVG; no script, no font, image or style sheet from elsewhere: it opens from a USB stick and prints).
 * The first heading is the <h1> and the page title, each later heading opens a <section> with an
 * <h2>, table titles are <h3>; paragraphs keep their line breaks; tables are HTML tables with numbers
 * right-aligned (in the document's number style: report.h dti_report_lang), highlighted rows and
 * inline bars; charts are inline <svg>; web addresses become links.  Shown to people: the columns
 * text shows (not DTI_COL_DATA_ONLY). */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "internal.h"
#include "report.h"

/* Okabe-Ito blue and sky (chart_int.h) for rules and bars; a light vermillion behind the highlighted
 * row, which is also bold so that it stands out in greyscale. */
static const char S_css[] =
    "body{font-family:\"Noto Sans\",\"DejaVu Sans\",sans-serif;color:#222;background:#fff;margin:0 auto;"
    "max-width:66rem;padding:1.5rem 1.25rem 3rem;line-height:1.45;font-size:15px}\n"
    "h1{font-size:1.55rem;line-height:1.25;margin:0 0 1rem}\n"
    "h2{font-size:1.25rem;margin:2rem 0 .75rem;padding-top:.5rem;border-top:2px solid #0072B2}\n"
    "h3{font-size:1.05rem;margin:1.25rem 0 .5rem}\n"
    "p{margin:.5rem 0}\n"
    "p.lead{font-size:1.05rem;background:#F0F6FB;border-left:4px solid #0072B2;padding:.45rem .75rem}\n"
    "p.note,footer{color:#555;font-size:.88rem}\n"
    ".wide{overflow-x:auto}\n"
    "table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.88rem}\n"
    "th,td{padding:.18rem .5rem;border-bottom:1px solid #DDD;text-align:left;vertical-align:top}\n"
    "td{white-space:nowrap}\n"
    "td.w{white-space:normal;min-width:14em}\n"
    "th{border-bottom:2px solid #888;font-weight:600;vertical-align:bottom}\n"
    "th.n,td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "tr.hl td{background:#FBE1CF;font-weight:700}\n"
    ".bar{display:inline-block;width:3em;height:.62em;background:#ECECEC;margin-right:.4em}\n"
    ".bar span{display:block;height:100%;background:#56B4E9}\n"
    "figure{margin:1rem 0}\n"
    "figure svg{max-width:100%;height:auto}\n"
    "a{color:#005A9C;overflow-wrap:anywhere}\n"
    "footer{margin-top:2.5rem;border-top:1px solid #DDD;padding-top:.5rem}\n"
    "@page{size:A4;margin:14mm}\n"
    "@media print{body{max-width:none;padding:0;font-size:10pt}table{font-size:8pt}th,td{padding:.12rem .3rem}"
    ".bar{width:1.6em}td.w{min-width:8em}h2{border-top:none;margin-top:0}"
    "a{color:inherit;text-decoration:none}figure,tr{break-inside:avoid}h2,h3{break-after:avoid}"
    ".wide{overflow:visible}section.page{break-before:page}}\n";

#define S_WRAP_COLS 24 /* a text column with a cell wider than this (display columns) may wrap */

/* Text with & < > " escaped; a byte that is not UTF-8 and a control character other than a tab or a
 * line break become U+FFFD (HTML forbids them); newlines as <br> when br. */
static void S_text(FILE *out, const char *s, size_t len, int br)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t i = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0) {
            fputs("\xEF\xBF\xBD", out);
            i++;
            continue;
        }
        switch (cp) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\n': fputs(br ? "<br>\n" : "\n", out); break;
        default:
            if ((cp < 0x20 && cp != '\t') || cp == 0x7F)
                fputs("\xEF\xBF\xBD", out);
            else
                fwrite(s + i, 1, (size_t)k, out);
        }
        i += (size_t)k;
    }
}

/* Length of the web address at s ("http://" or "https://" up to a blank, a quote or an angle
 * bracket; punctuation that ends a sentence is left out), or 0. */
static size_t S_url(const char *s)
{
    if (strncmp(s, "http://", 7) && strncmp(s, "https://", 8))
        return 0;
    size_t n = strcspn(s, " \t\n\"<>");
    while (n > 8 && strchr(".,;:)", s[n - 1]))
        n--;
    return n;
}

/* Text with its web addresses as links. */
static void S_linked(FILE *out, const char *s, int br)
{
    const char *start = s;
    for (const char *p = s; *p; p++) {
        size_t n = (p == s || !isalnum((unsigned char)p[-1])) ? S_url(p) : 0;
        if (!n)
            continue;
        S_text(out, start, (size_t)(p - start), br);
        fputs("<a href=\"", out);
        S_text(out, p, n, 0);
        fputs("\">", out);
        S_text(out, p, n, 0);
        fputs("</a>", out);
        p += n - 1;
        start = p + 1;
    }
    S_text(out, start, strlen(start), br);
}

static void S_puts(FILE *out, const char *s) { S_text(out, s, strlen(s), 0); }

/* A cell for people in the document's number style: numbers and intervals localised, text (and what
 * a presenter composed: dti_table_show) as it is. */
static void S_cell(FILE *out, const dti_report *doc, const dti_table *t, size_t r, size_t c)
{
    char buf[128], a[64], b[64];
    const dti_report_cell *x = &t->cell[r * t->n_cols + c];
    const char *s = dti_report_cell_human(t, r, c, buf, sizeof buf);
    int type = t->col[c].type;
    if (x->show || !x->set || (type != DTI_COL_NUM && type != DTI_COL_INT && type != DTI_COL_INTERVAL)) {
        S_linked(out, s, 1);
        return;
    }
    const char *dash = type == DTI_COL_INTERVAL ? strstr(s, "\u2013") : NULL;
    if (dash) {
        snprintf(a, sizeof a, "%.*s", (int)(dash - s), s);
        dti_report_localise(a, doc->decimal_comma, b, sizeof b);
        S_puts(out, b);
        fputs("\u2013", out);
        dti_report_localise(dash + strlen("\u2013"), doc->decimal_comma, b, sizeof b);
    } else {
        dti_report_localise(s, doc->decimal_comma, b, sizeof b);
    }
    S_puts(out, b);
}

/* The range an inline bar spans in column c: the column's, else 0 to its largest value. */
static void S_bar_range(const dti_table *t, size_t c, double *lo, double *hi)
{
    const dti_report_col *col = &t->col[c];
    *lo = isfinite(col->bar_lo) ? col->bar_lo : 0;
    *hi = isfinite(col->bar_hi) ? col->bar_hi : -INFINITY;
    if (isfinite(col->bar_hi))
        return;
    for (size_t r = 0; r < t->n_rows; r++) {
        const dti_report_cell *x = &t->cell[r * t->n_cols + c];
        if (x->set && x->x > *hi)
            *hi = x->x;
    }
}

static void S_table(FILE *out, const dti_report *doc, const dti_table *t)
{
    if (t->title) {
        fputs("<h3>", out);
        S_puts(out, t->title);
        fputs("</h3>\n", out);
    }
    fputs("<div class=\"wide\"><table>\n<thead><tr>", out);
    for (size_t c = 0; c < t->n_cols; c++) {
        if (!dti_report_col_human(t, c))
            continue;
        fputs(dti_report_col_right(t, c) ? "<th class=\"n\">" : "<th>", out);
        S_puts(out, t->col[c].label ? t->col[c].label : t->col[c].name);
        fputs("</th>", out);
    }
    fputs("</tr></thead>\n<tbody>\n", out);
    double *lo = dti_xcalloc(t->n_cols + 1, sizeof *lo), *hi = dti_xcalloc(t->n_cols + 1, sizeof *hi);
    int *wrap = dti_xcalloc(t->n_cols + 1, sizeof *wrap);
    for (size_t c = 0; c < t->n_cols; c++) {
        if (t->col[c].flags & DTI_COL_BAR)
            S_bar_range(t, c, &lo[c], &hi[c]);
        /* cells stay on one line, but long texts (notes, several regions) wrap */
        char buf[128];
        for (size_t r = 0; r < t->n_rows && !wrap[c] && !dti_report_col_right(t, c); r++)
            wrap[c] = dti_utf8_width(dti_report_cell_human(t, r, c, buf, sizeof buf)) > S_WRAP_COLS;
    }
    for (size_t r = 0; r < t->n_rows; r++) {
        fputs(t->row_flags[r] & DTI_ROW_HIGHLIGHT ? "<tr class=\"hl\">" : "<tr>", out);
        for (size_t c = 0; c < t->n_cols; c++) {
            if (!dti_report_col_human(t, c))
                continue;
            fputs(dti_report_col_right(t, c) ? "<td class=\"n\">" : wrap[c] ? "<td class=\"w\">" : "<td>", out);
            const dti_report_cell *x = &t->cell[r * t->n_cols + c];
            if ((t->col[c].flags & DTI_COL_BAR) && x->set && t->col[c].type == DTI_COL_NUM && hi[c] > lo[c]) {
                double f = (x->x - lo[c]) / (hi[c] - lo[c]);
                f = f < 0 ? 0 : f > 1 ? 1 : f;
                fprintf(out, "<span class=\"bar\"><span style=\"width:%.1f%%\"></span></span>", 100 * f);
            }
            S_cell(out, doc, t, r, c);
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    free(lo);
    free(hi);
    free(wrap);
    fputs("</tbody>\n</table></div>\n", out);
    for (size_t i = 0; i < t->n_notes; i++) {
        fputs("<p class=\"note\">", out);
        S_linked(out, t->note[i], 1);
        fputs("</p>\n", out);
    }
}

static const char *S_first_title(const dti_report *doc)
{
    for (size_t k = 0; k < doc->n_blocks; k++)
        if (doc->block[k].kind == DTI_BLOCK_TITLE)
            return doc->block[k].text;
    return doc->command;
}

static int S_write(const dti_report *doc, const dti_report_options *opt, FILE *out, dti_error *err)
{
    /* every selected chart drawn first: a chart that cannot be drawn leaves nothing written */
    dti_chart_buf *svg = dti_xcalloc(doc->n_blocks + 1, sizeof *svg);
    int rc = DTI_OK;
    for (size_t k = 0; k < doc->n_blocks && !rc; k++) {
        const dti_report_chart *c = doc->block[k].chart;
        dti_chart_buf_init(&svg[k]);
        if (c && dti_report_chart_selected(c, opt))
            rc = dti_report_chart_svg(c, 1, doc->decimal_comma, &svg[k], err);
    }
    if (!rc) {
        fputs("<!DOCTYPE html>\n<html lang=\"", out);
        S_puts(out, doc->lang);
        fputs("\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
              "<meta name=\"generator\" content=\"dtirank " DTI_VERSION "\">\n<title>",
              out);
        S_puts(out, S_first_title(doc));
        fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n", S_css);
        int titles = 0, open = 0;
        for (size_t k = 0; k < doc->n_blocks; k++) {
            const dti_report_block *b = &doc->block[k];
            if (b->kind == DTI_BLOCK_TITLE) {
                if (titles++ == 0) {
                    fputs("<h1>", out);
                    S_puts(out, b->text);
                    fputs("</h1>\n", out);
                    continue;
                }
                fputs(open ? "</section>\n" : "", out);
                /* for print: every section on a new page but the first, which follows the title */
                fputs(doc->page_per_section && titles > 2 ? "<section class=\"page\">\n<h2>" : "<section>\n<h2>", out);
                S_puts(out, b->text);
                fputs("</h2>\n", out);
                open = 1;
            } else if (b->kind == DTI_BLOCK_TEXT) {
                fputs(b->flags & DTI_BLOCK_LEAD ? "<p class=\"lead\">" : "<p>", out);
                S_linked(out, b->text, 1);
                fputs("</p>\n", out);
            } else if (b->table && dti_report_table_selected(b->table, opt) && dti_report_table_human(b->table)) {
                S_table(out, doc, b->table);
            } else if (b->chart && svg[k].len) {
                fputs("<figure>\n", out);
                fwrite(svg[k].data, 1, svg[k].len, out);
                fputs("</figure>\n", out);
            }
        }
        fputs(open ? "</section>\n</main>\n<footer>" : "</main>\n<footer>", out);
        fputs("dtirank " DTI_VERSION " \u00b7 ", out);
        S_puts(out, doc->command);
        for (size_t k = 0; k < doc->n_sources; k++) {
            fputs(k ? ", " : " \u00b7 ", out);
            S_puts(out, doc->source_path[k]);
        }
        fputs("</footer>\n</body>\n</html>\n", out);
    }
    for (size_t k = 0; k < doc->n_blocks; k++)
        dti_chart_buf_clear(&svg[k]);
    free(svg);
    return rc;
}

const dti_report_writer dti_report_writer_html = {"html", S_write};
