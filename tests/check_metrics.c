/* check_metrics.c - Prometheus text: rows, families, labels, and what does not fit. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "audio_device.h"
#include "audio_engine.h"
#include "frame.h"
#include "metrics.h"
#include "stage_render.h"
#include "test_util.h"

START_TEST(test_metrics_rows_write_help_and_type_once_per_family)
{
	const struct metrics_row rows[] = {
		{ "t_seconds", "gauge", "Time.", .v = 0.5, .prec = 3, .label = "stat", .label_value = "max" },
		{ "t_seconds", .v = 0.25, .prec = 3, .label = "stat", .label_value = "p99" },
		{ "t_total", "counter", "Things.", .n = 18446744073709551615ULL },
		{ "t_hist", "histogram", "Spread.", .n = 7, .label = "le", .label_value = "+Inf", .suffix = "_bucket" },
		{ "t_hist", .v = 1.5, .prec = METRICS_G17, .suffix = "_sum" },
	};
	char out[512];
	size_t n = metrics_write_rows(out, sizeof(out), 0, rows, 5);

	ck_assert_uint_gt(n, 0);
	ck_assert_str_eq(out,
		"# HELP t_seconds Time.\n# TYPE t_seconds gauge\n"
		"t_seconds{stat=\"max\"} 0.500\nt_seconds{stat=\"p99\"} 0.250\n"
		"# HELP t_total Things.\n# TYPE t_total counter\nt_total 18446744073709551615\n"
		"# HELP t_hist Spread.\n# TYPE t_hist histogram\nt_hist_bucket{le=\"+Inf\"} 7\n"
		"t_hist_sum 1.5\n");
	ck_assert_uint_eq(n, strlen(out));
}
END_TEST

START_TEST(test_metrics_rows_append_and_refuse_what_does_not_fit)
{
	const struct metrics_row row = { "a_total", "counter", "A.", .n = 1 };
	char out[64];
	size_t n = metrics_write_rows(out, sizeof(out), 0, &row, 1);

	ck_assert_uint_eq(metrics_write_rows(out, sizeof(out), n, &row, 1), 0);	/* twice is 102 bytes */
	ck_assert_uint_eq(metrics_write_rows(out, n, 0, &row, 1), 0);		/* no room for the NUL */
	ck_assert_uint_eq(metrics_write_rows(out, sizeof(out), n, &row, 0), n);
}
END_TEST

/* The families the integration tests and dashboards read, with their types. */
START_TEST(test_metrics_render_names_every_family_with_its_type)
{
	static char out[32768];
	struct metrics m = { .ticks = 3, .tick_buckets = { 1, 2 }, .closes = { 0, 4 } };
	struct engine_stats es = { .callbacks = 12, .budget_s = 0.002, .callback_p999_s = 0.001,
				   .loudness = { .momentary_lufs = -18.25, .shortterm_lufs = -19.5,
						 .integrated_lufs = -INFINITY, .range_lu = 0, .true_peak_dbtp = -1.04 } };
	struct audio_status st = { .device_lost = true };
	struct frame_music mu = { .limiter_db = -1.5f, .beats = 9 };
	struct visuals_stats vs = { .running = true, .frames = 60 };
	struct metrics_live live = { .participants = 5, .uptime_s = 1.25, .engine = &es, .audio = &st,
				     .music = &mu, .stage = &vs, .osc = { .sent = 4 } };
	size_t n = metrics_render(&m, &live, out, sizeof(out));

	ck_assert_uint_gt(n, 0);
	ck_assert_ptr_nonnull(strstr(out, "# TYPE tutti_uptime_seconds gauge\ntutti_uptime_seconds 1.25\n"));
	ck_assert_ptr_nonnull(strstr(out, "# TYPE tutti_participants gauge\ntutti_participants 5\n"));
	ck_assert_ptr_nonnull(strstr(out, "tutti_connections_closed_by_code_total{code=\"1008\"} 4\n"));
	ck_assert_ptr_nonnull(strstr(out, "# TYPE tutti_tick_duration_seconds histogram\n"
					  "tutti_tick_duration_seconds_bucket{le=\"0.0001\"} 1\n"
					  "tutti_tick_duration_seconds_bucket{le=\"0.00025\"} 3\n"));
	ck_assert_ptr_nonnull(strstr(out, "tutti_tick_duration_seconds_bucket{le=\"+Inf\"} 3\n"
					  "tutti_tick_duration_seconds_sum 0.000000000\n"
					  "tutti_tick_duration_seconds_count 3\n"));
	ck_assert_ptr_nonnull(strstr(out, "tutti_audio_callbacks_total 12\n"));
	ck_assert_ptr_nonnull(strstr(out, "tutti_audio_callback_seconds{stat=\"budget\"} 0.002000000\n"));
	ck_assert_ptr_nonnull(strstr(out, "tutti_audio_callback_load 0.5000\n"));
	ck_assert_ptr_nonnull(strstr(out, "tutti_audio_device_lost 1\n"));
	ck_assert_ptr_nonnull(strstr(out, "tutti_audio_limiter_reduction_db -1.50\n"));
	ck_assert_ptr_nonnull(strstr(out, "tutti_audio_input_beats_total 9\n"));
	ck_assert_ptr_nonnull(strstr(out, "# TYPE tutti_audio_loudness_momentary_lufs gauge\n"
					  "tutti_audio_loudness_momentary_lufs -18.25\n"));
	ck_assert_ptr_nonnull(strstr(out, "tutti_audio_loudness_shortterm_lufs -19.50\n"));
	/* Silence in the exposition format's spelling. */
	ck_assert_ptr_nonnull(strstr(out, "tutti_audio_loudness_integrated_lufs -Inf\n"));
	ck_assert_ptr_nonnull(strstr(out, "tutti_audio_true_peak_dbtp -1.04\n"));
	ck_assert_ptr_nonnull(strstr(out, "tutti_stage_running 1\n"));
	ck_assert_ptr_nonnull(strstr(out, "tutti_stage_frame_seconds{stat=\"p99\"} 0.000000\n"));
	ck_assert_ptr_nonnull(strstr(out, "tutti_osc_sent_total 4\n"));
	/* Each family's HELP and TYPE once. */
	ck_assert_ptr_null(strstr(strstr(out, "# TYPE tutti_audio_callback_seconds") + 1,
				  "# TYPE tutti_audio_callback_seconds"));
	/* No stage audio: no audio families, the stage's still. */
	live.engine = NULL;
	ck_assert_uint_gt(metrics_render(&m, &live, out, sizeof(out)), 0);
	ck_assert_ptr_null(strstr(out, "tutti_audio_"));
	ck_assert_ptr_nonnull(strstr(out, "tutti_stage_frames_total 60\n"));
	ck_assert_uint_eq(metrics_render(&m, &live, out, 100), 0);
}
END_TEST

static Suite *metrics_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_metrics_rows_write_help_and_type_once_per_family);
	tcase_add_test(tc, test_metrics_rows_append_and_refuse_what_does_not_fit);
	tcase_add_test(tc, test_metrics_render_names_every_family_with_its_type);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(metrics_suite());
}
