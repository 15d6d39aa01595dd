/*
 * report_html.h - the post-show report as one self-contained HTML file: the
 * report's data (report_data.h) as JSON, the vendored chart library
 * (uPlot, assets/vendor/uplot/) and the report's own script and style, all
 * inline, so it opens offline and asks the network for nothing
 * (docs/report.md).
 *
 * Thread: any.
 */
#ifndef TUTTI_REPORT_HTML_H
#define TUTTI_REPORT_HTML_H

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

#include "config.h"

/* Writes the report page for @data to @out. 0, or -1 when writing failed. */
int report_html_write(FILE *out, const json_t *data);
/* The page as one malloc'd string (the console's live report); NULL when out of memory. *@len gets its length. */
char *report_html_string(const json_t *data, size_t *len);
/*
 * The page's parts by name, for a page that loads them from its server
 * rather than inline (the console's Report view, whose own policy runs
 * only scripts from its origin): "uplot.js", "uplot.css", "report.js",
 * "report.css". Static bytes and their MIME type; NULL for any other name.
 */
const char *report_html_part(const char *name, size_t *len, const char **mime);
/*
 * `tutti report` and `tutti rehearse`: the report of the journal at
 * @journal (run with @cfg) written to the file @out_path (replaced whole:
 * written aside, then renamed). 0, or -1 with @err.
 */
int report_write_file(const char *journal, const struct venue_config *cfg, const char *out_path, char *err,
		      size_t err_size);

#endif
