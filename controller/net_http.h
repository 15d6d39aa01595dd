/*
 * net_http.h - keep-alive done right for the daemon's own HTTP responses
 * (/healthz, /metrics, the phone app's files): whether a request asked to
 * close its connection, and the header that tells the client so.
 *
 * Thread: the net thread (reads one connection's request headers).
 */
#ifndef TUTTI_NET_HTTP_H
#define TUTTI_NET_HTTP_H

#include <libwebsockets.h>
#include <stdbool.h>

/*
 * True when the connection ends after this response: a "close" option in
 * the request's Connection header, or HTTP/1.0 without "keep-alive".
 */
bool net_http_request_closes(struct lws *wsi);
/* Adds "connection: close" to a response when the request asked for it. Non-zero when out of room. */
int net_http_add_connection_close(struct lws *wsi, unsigned char **p, unsigned char *end);
/* The headers of a static file's response (LWS_CALLBACK_ADD_HEADERS's @args). Non-zero when out of room. */
int net_http_file_headers(struct lws *wsi, struct lws_process_html_args *args);

#endif
