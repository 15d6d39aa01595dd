/*
 * check_cluster_wire.c - what edges and the core say to each other reads
 * back as it was written: headers, records, the state with and without its
 * show part, large batches; and a message cut short or garbled anywhere is
 * refused without a read past its end.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_wire.h"
#include "test_util.h"

START_TEST(test_an_edge_batch_reads_back_record_by_record)
{
	struct wire_buf b = { 0 };
	struct wire_reader r;
	struct wire_edge_header h = { .phones = 13333 }, got;
	struct wire_record rec;
	const char *hello = "{\"type\":\"hello\",\"token\":null,\"zone\":\"left\"}";
	unsigned char key[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	strcpy(h.id, "north-1a2b3c4d");
	wire_edge_header_put(&b, &h);
	wire_record_put(&b, WIRE_OPEN, 0x100001, key, sizeof(key));
	wire_record_put(&b, WIRE_TEXT, 0x100001, hello, strlen(hello));
	wire_record_put(&b, WIRE_CLOSED, 0x200002, NULL, 0);
	ck_assert(!b.failed);

	ck_assert_int_eq(wire_edge_header_get(&r, b.p, b.len, &got), 0);
	ck_assert_str_eq(got.id, "north-1a2b3c4d");
	ck_assert_uint_eq(got.phones, 13333);
	ck_assert_int_eq(wire_record_next(&r, &rec), 1);
	ck_assert_int_eq(rec.kind, WIRE_OPEN);
	ck_assert_uint_eq(rec.conn, 0x100001);
	ck_assert_mem_eq(rec.data, key, sizeof(key));
	ck_assert_int_eq(wire_record_next(&r, &rec), 1);
	ck_assert_int_eq(rec.kind, WIRE_TEXT);
	ck_assert_uint_eq(rec.len, strlen(hello));
	ck_assert_mem_eq(rec.data, hello, rec.len);
	ck_assert_int_eq(wire_record_next(&r, &rec), 1);
	ck_assert_int_eq(rec.kind, WIRE_CLOSED);
	ck_assert_uint_eq(rec.conn, 0x200002);
	ck_assert_uint_eq(rec.len, 0);
	ck_assert_int_eq(wire_record_next(&r, &rec), 0);
	/* An id that would not be one NATS subject token is refused (the core publishes to PREFIX.out.ID). */
	for (const char *bad = "a b\0a.b\0a*\0a>\0a\r\nUNSUB 1\0"; *bad; bad += strlen(bad) + 1) {
		struct wire_buf evil = { 0 };
		struct wire_edge_header eh = { .phones = 1 };

		strcpy(eh.id, bad);
		wire_edge_header_put(&evil, &eh);
		ck_assert_msg(wire_edge_header_get(&r, evil.p, evil.len, &got) == -1, "id \"%s\" taken", bad);
		wire_buf_free(&evil);
	}
	/* Not an edge's message: a core's magic, or nothing. */
	ck_assert_int_eq(wire_core_header_get(&r, b.p, b.len, &(struct wire_core_header){ 0 }), -1);
	ck_assert_int_eq(wire_edge_header_get(&r, b.p, 3, &got), -1);
	wire_buf_free(&b);
}
END_TEST

START_TEST(test_the_core_message_carries_the_state_then_the_answers)
{
	struct wire_buf b = { 0 };
	struct wire_reader r;
	struct wire_core_header h;
	struct wire_record rec;
	struct wire_state s;
	const char *show = "\"frozen\":false,\"over\":false", *live = "\"n\":42,\"v\":3,\"p\":2,\"a\":0";
	uint64_t seq;
	uint16_t code;

	wire_core_header_put(&b, &(struct wire_core_header){ .instance = 0xfeedfacecafef00dull, .show_t = 1.0 });
	wire_state_put(&b, &(struct wire_state){ .broadcast = true, .show_v = 3, .beat_v = 1,
		.show = show, .show_len = (uint32_t)strlen(show), .beat = "null", .beat_len = 4,
		.live = live, .live_len = (uint32_t)strlen(live) });
	wire_record_put(&b, WIRE_PERSONAL, 9, "{\"type\":\"welcome\"}", 18);
	wire_record_put(&b, WIRE_JOINED, 9, NULL, 0);
	wire_record_u64(&b, WIRE_ACK, 9, 1ull << 40);
	wire_record_u16(&b, WIRE_CLOSE, 10, 4001);
	wire_core_header_stamp(&b, 1234.5625);	/* the time it goes, not the time it was begun */

	ck_assert_int_eq(wire_core_header_get(&r, b.p, b.len, &h), 0);
	ck_assert(h.instance == 0xfeedfacecafef00dull);
	ck_assert_double_eq(h.show_t, 1234.5625);
	ck_assert_int_eq(wire_record_next(&r, &rec), 1);
	ck_assert(wire_state_get(&rec, &s));
	ck_assert(s.broadcast && s.show_v == 3 && s.beat_v == 1);
	ck_assert_uint_eq(s.show_len, strlen(show));
	ck_assert_mem_eq(s.show, show, s.show_len);
	ck_assert_mem_eq(s.beat, "null", 4);
	ck_assert_mem_eq(s.live, live, s.live_len);
	ck_assert_int_eq(wire_record_next(&r, &rec), 1);
	ck_assert_int_eq(rec.kind, WIRE_PERSONAL);
	ck_assert_int_eq(wire_record_next(&r, &rec), 1);
	ck_assert_int_eq(rec.kind, WIRE_JOINED);
	ck_assert_int_eq(wire_record_next(&r, &rec), 1);
	ck_assert(wire_record_u64_get(&rec, &seq) && seq == 1ull << 40);
	ck_assert(!wire_record_u16_get(&rec, &code));	/* the wrong size for a close code */
	ck_assert_int_eq(wire_record_next(&r, &rec), 1);
	ck_assert(wire_record_u16_get(&rec, &code) && code == 4001);
	ck_assert_uint_eq(rec.conn, 10);
	ck_assert_int_eq(wire_record_next(&r, &rec), 0);
	wire_buf_free(&b);

	/* Without its show part: the edge keeps the show it has. */
	wire_state_put(&b, &(struct wire_state){ .show_v = 3, .beat = "null", .beat_len = 4,
		.live = live, .live_len = (uint32_t)strlen(live) });
	r = (struct wire_reader){ .p = b.p, .len = b.len };
	ck_assert_int_eq(wire_record_next(&r, &rec), 1);
	ck_assert(wire_state_get(&rec, &s));
	ck_assert_ptr_null(s.show);
	ck_assert(!s.broadcast);
	wire_buf_free(&b);
}
END_TEST

/* Every cut of a valid message, and every single byte changed, reads as an error or as less: never past its end. */
START_TEST(test_a_cut_or_garbled_message_is_refused_within_its_bytes)
{
	struct wire_buf b = { 0 };
	struct wire_reader r;
	struct wire_core_header h;
	struct wire_record rec;
	struct wire_state s;
	int got;

	wire_core_header_put(&b, &(struct wire_core_header){ .instance = 1, .show_t = 2 });
	wire_state_put(&b, &(struct wire_state){ .show_v = 1, .show = "ab", .show_len = 2, .beat = "null",
		.beat_len = 4, .live = "\"n\":1", .live_len = 5 });
	wire_record_u64(&b, WIRE_ACK, 3, 99);
	for (size_t cut = 0; cut < b.len; cut++) {
		/* A copy of exactly @cut bytes: the sanitizers catch a read beyond it. */
		unsigned char *copy = malloc(cut ? cut : 1);
		int records = 0, states = 0;

		memcpy(copy, b.p, cut);
		if (wire_core_header_get(&r, copy, cut, &h) == 0) {
			while ((got = wire_record_next(&r, &rec)) > 0) {
				records++;
				states += rec.kind == WIRE_STATE && wire_state_get(&rec, &s);
			}
			ck_assert_int_le(records, 1);	/* the last record never reads whole from a cut message */
			ck_assert_int_le(states, 1);
		}
		free(copy);
	}
	for (size_t at = 0; at < b.len; at++) {
		unsigned char *copy = malloc(b.len);

		memcpy(copy, b.p, b.len);
		copy[at] ^= 0xa5;
		if (wire_core_header_get(&r, copy, b.len, &h) == 0)
			while ((got = wire_record_next(&r, &rec)) > 0)
				if (rec.kind == WIRE_STATE)
					(void)wire_state_get(&rec, &s);
		free(copy);
	}
	wire_buf_free(&b);
}
END_TEST

/* A batch as big as a join storm's: the buffer grows, and every record is there. */
START_TEST(test_a_large_batch_grows_and_keeps_every_record)
{
	struct wire_buf b = { 0 };
	struct wire_reader r;
	struct wire_edge_header h = { .phones = 1 };
	struct wire_record rec;
	char text[100];
	uint32_t n = 0;

	strcpy(h.id, "e");
	wire_edge_header_put(&b, &h);
	for (uint32_t i = 1; i <= 20000; i++) {
		int len = snprintf(text, sizeof(text), "{\"type\":\"input\",\"seq\":%u,\"control\":\"tap\"}", i);

		wire_record_put(&b, WIRE_TEXT, i, text, (size_t)len);
	}
	ck_assert(!b.failed);
	ck_assert_int_eq(wire_edge_header_get(&r, b.p, b.len, &h), 0);
	while (wire_record_next(&r, &rec) > 0) {
		n++;
		ck_assert_uint_eq(rec.conn, n);
	}
	ck_assert_uint_eq(n, 20000);
	wire_buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	wire_buf_free(&b);
}
END_TEST

TEST_MAIN("cluster_wire", test_an_edge_batch_reads_back_record_by_record,
	  test_the_core_message_carries_the_state_then_the_answers,
	  test_a_cut_or_garbled_message_is_refused_within_its_bytes, test_a_large_batch_grows_and_keeps_every_record)
