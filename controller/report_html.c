/*
 * report_html.c - the post-show report page: data, chart library, script
 * and style inline in one HTML file. See report_html.h.
 *
 * The chart library and the report's script and style are compiled into
 * the binary (report_assets.c, made by controller/embed_files.cmake), so a
 * report needs no file beside the binary, and a page needs nothing beside
 * itself.
 *
 * Thread: any.
 */
#include "report_html.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_data.h"

/* report_assets.c, generated at build time. */
extern const char report_uplot_js[], report_uplot_css[], report_js[], report_css[];
extern const size_t report_uplot_js_len, report_uplot_css_len, report_js_len, report_css_len;

/*
 * JSON inside a <script> element: "</" would end the element, so it is
 * written "<\/", which JSON reads the same.
 */
static int write_script_json(FILE *out, const char *json)
{
	for (const char *p = json; *p; p++) {
		if (p[0] == '<' && p[1] == '/') {
			if (fputs("<\\", out) < 0)
				return -1;
		} else if (fputc(*p, out) == EOF) {
			return -1;
		}
	}
	return 0;
}

int report_html_write(FILE *out, const json_t *data)
{
	char *json = json_dumps(data, JSON_COMPACT | JSON_REAL_PRECISION(6));
	const json_t *show = json_object_get(data, "show");
	const char *venue = json_string_value(json_object_get(show, "venue"));
	int rc = 0;

	if (!json)
		return -1;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      /* Nothing may leave the file: the page itself forbids every request that is not inline. */
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n<title>", out);
	/* The venue's name is escaped by the script again when shown; here it only titles the tab. */
	for (const char *p = venue ? venue : "Show"; *p; p++) {
		if (*p == '<' || *p == '>' || *p == '&')
			fprintf(out, "&#%d;", *p);
		else
			fputc(*p, out);
	}
	fputs(" \u2014 post-show report</title>\n<style>\n", out);
	fwrite(report_uplot_css, 1, report_uplot_css_len, out);
	fputs("\n", out);
	fwrite(report_css, 1, report_css_len, out);
	fputs("\n</style>\n</head>\n<body>\n<main id=\"report\" data-testid=\"report\"></main>\n"
	      "<script type=\"application/json\" id=\"report-data\">", out);
	if (write_script_json(out, json) != 0)
		rc = -1;
	fputs("</script>\n<script>\n", out);
	fwrite(report_uplot_js, 1, report_uplot_js_len, out);
	fputs("\n</script>\n<script>\n", out);
	fwrite(report_js, 1, report_js_len, out);
	fputs("\n</script>\n</body>\n</html>\n", out);
	free(json);
	return rc == 0 && !ferror(out) ? 0 : -1;
}

const char *report_html_part(const char *name, size_t *len, const char **mime)
{
	const struct {
		const char *name, *mime, *bytes;
		const size_t *len;
	} parts[] = {
		{ "uplot.js", "text/javascript", report_uplot_js, &report_uplot_js_len },
		{ "uplot.css", "text/css", report_uplot_css, &report_uplot_css_len },
		{ "report.js", "text/javascript", report_js, &report_js_len },
		{ "report.css", "text/css", report_css, &report_css_len },
	};

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (strcmp(name, parts[i].name) == 0) {
			*len = *parts[i].len;
			*mime = parts[i].mime;
			return parts[i].bytes;
		}
	return NULL;
}

char *report_html_string(const json_t *data, size_t *len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&buf, &size);

	if (!mem)
		return NULL;
	if (report_html_write(mem, data) != 0) {
		fclose(mem);
		free(buf);
		return NULL;
	}
	fclose(mem);
	*len = size;
	return buf;
}

int report_write_file(const char *journal, const struct venue_config *cfg, const char *out_path, char *err,
		      size_t err_size)
{
	char tmp[4096];
	json_t *data = report_data_build(journal, cfg, err, err_size);
	FILE *f;
	int rc;

	if (!data)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.tmp", out_path);
	f = fopen(tmp, "w");
	if (!f) {
		snprintf(err, err_size, "%s: cannot write: %s", out_path, strerror(errno));
		json_decref(data);
		return -1;
	}
	rc = report_html_write(f, data);
	if (fclose(f) != 0)
		rc = -1;
	json_decref(data);
	if (rc != 0 || rename(tmp, out_path) != 0) {
		snprintf(err, err_size, "%s: cannot write: %s", out_path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
