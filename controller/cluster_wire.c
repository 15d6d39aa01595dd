/*
 * cluster_wire.c - the edge <-> core messages: little-endian numbers,
 * records of kind, connection, length and data, every length checked on
 * the way in. See cluster_wire.h.
 *
 * Thread: any.
 */
#include "cluster_wire.h"

#include <stdlib.h>
#include <string.h>

#define RECORD_HEAD 9	/* kind u8, conn u32, len u32 */

void wire_buf_reset(struct wire_buf *b)
{
	b->len = 0;
	b->failed = false;
}

void wire_buf_free(struct wire_buf *b)
{
	free(b->p);
	*b = (struct wire_buf){ 0 };
}

static unsigned char *room(struct wire_buf *b, size_t n)
{
	if (b->failed)
		return NULL;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		unsigned char *p;

		while (cap < b->len + n)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->failed = true;
			return NULL;
		}
		b->p = p;
		b->cap = cap;
	}
	b->len += n;
	return b->p + b->len - n;
}

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int bytes)
{
	uint64_t v = 0;

	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put_bytes(struct wire_buf *b, const void *data, size_t len)
{
	unsigned char *p = room(b, len);

	if (p && len)
		memcpy(p, data, len);
}

static void put_num(struct wire_buf *b, uint64_t v, int bytes)
{
	unsigned char *p = room(b, (size_t)bytes);

	if (p)
		put_le(p, v, bytes);
}

void wire_edge_header_put(struct wire_buf *b, const struct wire_edge_header *h)
{
	size_t id_len = strnlen(h->id, WIRE_EDGE_ID_MAX);

	put_num(b, WIRE_EDGE_MAGIC, 4);
	put_num(b, id_len, 1);
	put_bytes(b, h->id, id_len);
	put_num(b, h->phones, 4);
}

void wire_core_header_put(struct wire_buf *b, const struct wire_core_header *h)
{
	uint64_t t;

	memcpy(&t, &h->show_t, sizeof(t));
	put_num(b, WIRE_CORE_MAGIC, 4);
	put_num(b, h->instance, 8);
	put_num(b, t, 8);
}

void wire_core_header_stamp(struct wire_buf *b, double show_t)
{
	uint64_t t;

	if (b->failed || b->len < 20)
		return;
	memcpy(&t, &show_t, sizeof(t));
	put_le(b->p + 12, t, 8);
}

void wire_record_put(struct wire_buf *b, enum wire_kind kind, uint32_t conn, const void *data, size_t len)
{
	put_num(b, (uint64_t)kind, 1);
	put_num(b, conn, 4);
	put_num(b, len, 4);
	put_bytes(b, data, len);
}

void wire_record_u64(struct wire_buf *b, enum wire_kind kind, uint32_t conn, uint64_t v)
{
	unsigned char d[8];

	put_le(d, v, 8);
	wire_record_put(b, kind, conn, d, 8);
}

void wire_record_u32(struct wire_buf *b, enum wire_kind kind, uint32_t conn, uint32_t v)
{
	unsigned char d[4];

	put_le(d, v, 4);
	wire_record_put(b, kind, conn, d, 4);
}

void wire_record_u16(struct wire_buf *b, enum wire_kind kind, uint32_t conn, uint16_t v)
{
	unsigned char d[2];

	put_le(d, v, 2);
	wire_record_put(b, kind, conn, d, 2);
}

/* broadcast u8, show_v u32, beat_v u32, then three parts of u32 length and bytes (show: 0xffffffff = absent). */
void wire_state_put(struct wire_buf *b, const struct wire_state *s)
{
	size_t len = 1 + 4 + 4 + 12 + (s->show ? s->show_len : 0) + s->beat_len + s->live_len;
	unsigned char *p;

	put_num(b, WIRE_STATE, 1);
	put_num(b, 0, 4);
	put_num(b, len, 4);
	p = room(b, len);
	if (!p)
		return;
	p[0] = s->broadcast;
	put_le(p + 1, s->show_v, 4);
	put_le(p + 5, s->beat_v, 4);
	p += 9;
	put_le(p, s->show ? s->show_len : UINT32_MAX, 4);
	if (s->show)
		memcpy(p + 4, s->show, s->show_len);
	p += 4 + (s->show ? s->show_len : 0);
	put_le(p, s->beat_len, 4);
	memcpy(p + 4, s->beat, s->beat_len);
	p += 4 + s->beat_len;
	put_le(p, s->live_len, 4);
	memcpy(p + 4, s->live, s->live_len);
}

static bool take(struct wire_reader *r, size_t n, const unsigned char **p)
{
	if (r->len - r->at < n)
		return false;
	*p = r->p + r->at;
	r->at += n;
	return true;
}

int wire_edge_header_get(struct wire_reader *r, const void *buf, size_t len, struct wire_edge_header *h)
{
	const unsigned char *p;
	size_t id_len;

	*r = (struct wire_reader){ .p = buf, .len = len };
	if (!take(r, 5, &p) || get_le(p, 4) != WIRE_EDGE_MAGIC)
		return -1;
	id_len = p[4];
	if (!id_len || id_len > WIRE_EDGE_ID_MAX || !take(r, id_len, &p))
		return -1;
	memcpy(h->id, p, id_len);
	h->id[id_len] = '\0';
	/* The id becomes a NATS subject (PREFIX.out.ID): letters, digits, - and _ only, as --name allows. */
	if (strspn(h->id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != id_len ||
	    !take(r, 4, &p))
		return -1;
	h->phones = (uint32_t)get_le(p, 4);
	return 0;
}

int wire_core_header_get(struct wire_reader *r, const void *buf, size_t len, struct wire_core_header *h)
{
	const unsigned char *p;
	uint64_t t;

	*r = (struct wire_reader){ .p = buf, .len = len };
	if (!take(r, 20, &p) || get_le(p, 4) != WIRE_CORE_MAGIC)
		return -1;
	h->instance = get_le(p + 4, 8);
	t = get_le(p + 12, 8);
	memcpy(&h->show_t, &t, sizeof(t));
	return 0;
}

int wire_record_next(struct wire_reader *r, struct wire_record *rec)
{
	const unsigned char *p;
	uint32_t len;

	if (r->at == r->len)
		return 0;
	if (!take(r, RECORD_HEAD, &p))
		return -1;
	len = (uint32_t)get_le(p + 5, 4);
	rec->kind = (enum wire_kind)p[0];
	rec->conn = (uint32_t)get_le(p + 1, 4);
	rec->len = len;
	if (!take(r, len, &rec->data))
		return -1;
	return 1;
}

bool wire_record_u64_get(const struct wire_record *rec, uint64_t *v)
{
	if (rec->len != 8)
		return false;
	*v = get_le(rec->data, 8);
	return true;
}

bool wire_record_u32_get(const struct wire_record *rec, uint32_t *v)
{
	if (rec->len != 4)
		return false;
	*v = (uint32_t)get_le(rec->data, 4);
	return true;
}

bool wire_record_u16_get(const struct wire_record *rec, uint16_t *v)
{
	if (rec->len != 2)
		return false;
	*v = (uint16_t)get_le(rec->data, 2);
	return true;
}

/* One part: u32 length then its bytes; @optional allows the "absent" length. */
static bool part_get(struct wire_reader *r, bool optional, const char **s, uint32_t *len)
{
	const unsigned char *p;

	if (!take(r, 4, &p))
		return false;
	*len = (uint32_t)get_le(p, 4);
	if (optional && *len == UINT32_MAX) {
		*s = NULL;
		*len = 0;
		return true;
	}
	if (!take(r, *len, &p))
		return false;
	*s = (const char *)p;
	return true;
}

bool wire_state_get(const struct wire_record *rec, struct wire_state *s)
{
	struct wire_reader r = { .p = rec->data, .len = rec->len };
	const unsigned char *p;

	if (rec->kind != WIRE_STATE || !take(&r, 9, &p))
		return false;
	s->broadcast = p[0] != 0;
	s->show_v = (uint32_t)get_le(p + 1, 4);
	s->beat_v = (uint32_t)get_le(p + 5, 4);
	return part_get(&r, true, &s->show, &s->show_len) && part_get(&r, false, &s->beat, &s->beat_len) &&
	       part_get(&r, false, &s->live, &s->live_len) && r.at == r.len;
}
