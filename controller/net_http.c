/*
 * net_http.c - keep-alive for the daemon's own HTTP responses.
 *
 * The response says it closes whenever the request asked to (RFC 9112
 * 9.6): a client that pools sockets would otherwise send its next request
 * down one that is closing.
 */
#include "net_http.h"

#include <string.h>
#include <strings.h>

bool net_http_request_closes(struct lws *wsi)
{
	char conn[128] = "", version[16] = "";
	bool keep_alive = false;

	lws_hdr_copy(wsi, version, sizeof(version), WSI_TOKEN_HTTP);
	if (lws_hdr_total_length(wsi, WSI_TOKEN_CONNECTION) < (int)sizeof(conn) &&
	    lws_hdr_copy(wsi, conn, sizeof(conn), WSI_TOKEN_CONNECTION) > 0) {
		for (char *save = NULL, *t = strtok_r(conn, ", \t", &save); t;
		     t = strtok_r(NULL, ", \t", &save)) {
			if (strcasecmp(t, "close") == 0)
				return true;
			keep_alive |= strcasecmp(t, "keep-alive") == 0;
		}
	}
	return strcmp(version, "HTTP/1.0") == 0 && !keep_alive;
}

int net_http_add_connection_close(struct lws *wsi, unsigned char **p, unsigned char *end)
{
	if (!net_http_request_closes(wsi))
		return 0;
	return lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION, (const unsigned char *)"close", 5,
					    p, end);
}

int net_http_file_headers(struct lws *wsi, struct lws_process_html_args *args)
{
	unsigned char *p = (unsigned char *)args->p, *end = p + args->max_len;

	if (net_http_add_connection_close(wsi, &p, end))
		return 1;
	args->max_len -= lws_ptr_diff(p, (unsigned char *)args->p);
	args->p = (char *)p;
	return 0;
}
