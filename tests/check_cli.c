/* check_cli.c - `tutti` command line: every flag, and clear errors for bad ones. */
#include <check.h>
#include <string.h>

#include "cli.h"
#include "test_util.h"

static int parse(struct cli_options *o, char *err, int argc, char **argv)
{
	return cli_parse(argc, argv, o, err, 256);
}

#define ARGV(...) (char *[]){ "tutti", __VA_ARGS__, NULL }
#define ARGC(...) ((int)(sizeof((char *[]){ "tutti", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(o, err, ...) parse(o, err, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

START_TEST(test_cli_run_takes_every_documented_flag)
{
	struct cli_options o;
	char err[256];

	ck_assert_int_eq(PARSE(&o, err, "run", "v.json", "--port", "9000", "--listen", "127.0.0.1",
			       "--headless", "--audio", "none", "--simulate", "40", "--seed=7"), 0);
	ck_assert_int_eq(o.command, CLI_RUN);
	ck_assert_str_eq(o.config_path, "v.json");
	ck_assert_int_eq(o.port, 9000);
	ck_assert_str_eq(o.listen, "127.0.0.1");
	ck_assert(o.headless);
	ck_assert_str_eq(o.audio, "none");
	ck_assert_uint_eq(o.simulate, 40);
	ck_assert_uint_eq(o.seed, 7);
}
END_TEST

START_TEST(test_cli_stage_flags_and_hash_password)
{
	struct cli_options o;
	char err[256];

	ck_assert_int_eq(PARSE(&o, err, "run", "v.json"), 0);
	ck_assert_int_eq(o.stage, CLI_STAGE_AUTO);
	ck_assert_int_eq(o.stage_width, 1280);
	ck_assert_int_eq(PARSE(&o, err, "run", "v.json", "--stage", "fullscreen", "--stage-size", "1920x1080",
			       "--stage-display", "1", "--stage-fps=30", "--stage-png", "/tmp/s",
			       "--stage-png-every", "0.5", "--stage-png-keep"), 0);
	ck_assert_int_eq(o.stage, CLI_STAGE_FULLSCREEN);
	ck_assert_int_eq(o.stage_width, 1920);
	ck_assert_int_eq(o.stage_height, 1080);
	ck_assert_int_eq(o.stage_display, 1);
	ck_assert_double_eq(o.stage_fps, 30);
	ck_assert_str_eq(o.stage_png, "/tmp/s");
	ck_assert_double_eq(o.stage_png_every, 0.5);
	ck_assert(o.stage_png_keep);
	ck_assert_uint_eq(o.stage_png_keep_max, CLI_STILLS_KEPT);
	ck_assert_ptr_null(o.journal);
	ck_assert_int_eq(PARSE(&o, err, "run", "v.json", "--journal", "/var/lib/tutti/show.db", "--journal-fresh"), 0);
	ck_assert_str_eq(o.journal, "/var/lib/tutti/show.db");
	ck_assert(o.journal_fresh);
	ck_assert_int_eq(PARSE(&o, err, "run", "v.json", "--journal"), -1);
	ck_assert_int_eq(PARSE(&o, err, "run", "v.json", "--stage-png-keep-max", "5"), 0);
	ck_assert_uint_eq(o.stage_png_keep_max, 5);
	ck_assert_int_eq(PARSE(&o, err, "run", "v.json", "--stage-png-keep-max", "0"), -1);
	ck_assert_int_eq(PARSE(&o, err, "run", "v.json", "--headless"), 0);
	ck_assert_int_eq(o.stage, CLI_STAGE_NONE);
	ck_assert_int_eq(PARSE(&o, err, "hash-password"), 0);
	ck_assert_int_eq(o.command, CLI_HASH_PASSWORD);
	ck_assert_int_eq(PARSE(&o, err, "tls-cert", "/etc/tutti", "--name", "10.0.0.2", "--name", "tutti.lan",
			       "--days", "90"), 0);
	ck_assert_int_eq(o.command, CLI_TLS_CERT);
	ck_assert_str_eq(o.tls_dir, "/etc/tutti");
	ck_assert_uint_eq(o.tls_name_count, 2);
	ck_assert_str_eq(o.tls_names[1], "tutti.lan");
	ck_assert_int_eq(o.tls_days, 90);
	ck_assert_int_eq(PARSE(&o, err, "tls-cert"), -1);
	ck_assert_int_eq(PARSE(&o, err, "tls-cert", "/x", "--days", "9999"), -1);
}
END_TEST

START_TEST(test_cli_defaults_leave_the_config_in_charge)
{
	struct cli_options o;
	char err[256];

	ck_assert_int_eq(PARSE(&o, err, "run", "v.json"), 0);
	ck_assert_int_eq(o.port, -1);
	ck_assert_ptr_null(o.listen);
	ck_assert_uint_eq(o.simulate, 0);
	ck_assert_str_eq(o.audio, "");	/* the config's device */
}
END_TEST

START_TEST(test_cli_check_help_and_version)
{
	struct cli_options o;
	char err[256];

	ck_assert_int_eq(PARSE(&o, err, "check", "v.json"), 0);
	ck_assert_int_eq(o.command, CLI_CHECK);
	ck_assert_int_eq(PARSE(&o, err, "--help"), 0);
	ck_assert_int_eq(o.command, CLI_HELP);
	ck_assert_int_eq(PARSE(&o, err, "--version"), 0);
	ck_assert_int_eq(o.command, CLI_VERSION);
}
END_TEST

/* A command line that must be refused: up to 4 words after "tutti", and what it says. */
struct refused {
	const char *args[4];
	const char *says;
};

/* Parses "tutti" and @r's words, which must fail, with its message into @err (256 bytes). */
static void parse_refused(const struct refused *r, char *err)
{
	struct cli_options o;
	char *argv[6] = { "tutti" };
	int argc = 1;

	for (int i = 0; i < 4 && r->args[i]; i++)
		argv[argc++] = (char *)r->args[i];
	ck_assert_int_eq(cli_parse(argc, argv, &o, err, 256), -1);
}

static const struct refused bad[] = {
	{ { "run", "v.json", "--loud" }, "unknown option '--loud'" },
	{ { "run", "v.json", "-x" }, "unknown option '-x'" },
	{ { "run", "v.json", "--port", "70000" }, "--port: '70000' is not a port number" },
	{ { "run", "v.json", "--port", "eighty" }, "--port: 'eighty'" },
	{ { "run", "v.json", "--port" }, "--port needs a value" },
	{ { "run", "v.json", "--listen", "my-laptop" }, "not an IPv4 or IPv6 address" },
	{ { "run", "v.json", "--simulate", "-3" }, "--simulate: '-3'" },
	{ { "run", "v.json", "--audio", "" }, "--audio: give none, default or a device name" },
	{ { "run" }, "missing VENUE.json" },
	{ { "run", "a.json", "b.json" }, "unexpected argument 'b.json'" },
	{ { "check", "v.json", "--port", "1" }, "--port is an option of 'tutti run'" },
	{ { "run", "v.json", "--headless=yes" }, "--headless takes no value" },
	{ { "run", "v.json", "--stage", "projector" }, "--stage: 'projector' is not window" },
	{ { "run", "v.json", "--stage-size", "big" }, "--stage-size: 'big' is not WIDTHxHEIGHT" },
	{ { "run", "v.json", "--stage-fps", "0" }, "--stage-fps: '0' is not a frame rate" },
	{ { "hash-password", "hunter22" }, "reads the password on stdin" },
	{ { "rehearse", "v.json", "--out", "/tmp/r" }, "rehearse: give the show's length: --duration S" },
	{ { "rehearse", "v.json", "--duration", "60" }, "rehearse: give the folder to write into: --out DIR" },
	{ { "rehearse", "--duration", "60", "--out" }, "rehearse: --out needs a value" },
	{ { "rehearse", "v.json", "--duration", "1:75" }, "rehearse: --duration: '1:75' is not a length of show" },
	{ { "rehearse", "v.json", "--crowd", "lots" }, "rehearse: --crowd: 'lots' is not a number of phones" },
	{ { "rehearse", "v.json", "--frames-every", "-1" }, "rehearse: --frames-every: '-1' is not seconds" },
	{ { "rehearse", "a.json", "b.json" }, "rehearse: unexpected argument 'b.json' (one venue config only)" },
	{ { "replay", "--out", "/tmp/r" }, "replay: give the show's journal (SHOW.db)" },
	{ { "replay", "show.db", "--crowd", "10" }, "replay: unknown option '--crowd'" },
	{ { "replay", "show.db", "--stage-fps", "500" }, "replay: --stage-fps: '500' is not a frame rate" },
};

START_TEST(test_cli_bad_flags_and_values_name_the_problem)
{
	char err[256] = "";

	parse_refused(&bad[_i], err);
	ck_assert_msg(strstr(err, bad[_i].says) != NULL, "said \"%s\", wanted \"%s\"", err, bad[_i].says);
}
END_TEST

/* What a mistyped command line says, word for word. */
static const struct refused near_misses[] = {
	{ { "run", "v.json", "--simlate", "40" }, "unknown option '--simlate'; did you mean '--simulate'?" },
	{ { "run", "v.json", "--stage-png-kepe" }, "unknown option '--stage-png-kepe'; did you mean '--stage-png-keep'?" },
	{ { "run", "v.json", "--jounral=show.db" }, "unknown option '--jounral'; did you mean '--journal'?" },
	{ { "run", "v.json", "-port", "80" }, "unknown option '-port'; did you mean '--port'?" },
	{ { "run", "v.json", "--loud" }, "unknown option '--loud'" },
	{ { "check", "v.json", "--hlep" }, "unknown option '--hlep'; did you mean '--help'?" },
	{ { "check", "v.json", "--simlate" }, "unknown option '--simlate'; did you mean '--simulate'?" },
	{ { "tls-cert", "/x", "--nmae", "h" }, "tls-cert: unknown option '--nmae'; did you mean '--name'?" },
	{ { "tls-cert", "/x", "--dyas", "9" }, "tls-cert: unknown option '--dyas'; did you mean '--days'?" },
	{ { "rehearse", "v.json", "--run-shet", "s.txt" },
	  "rehearse: unknown option '--run-shet'; did you mean '--run-sheet'?" },
	{ { "rehearsal", "v.json" }, "unknown command 'rehearsal'; did you mean 'rehearse'? "
	  "(one of: run, edge, check, rehearse, replay, report, tls-cert, hash-password, purge, --list-audio, --help, "
	  "--version)" },
	{ { "run", "v.json", "--stage", "fulscreen" },
	  "--stage: 'fulscreen' is not window, fullscreen, offscreen or none; did you mean 'fullscreen'?" },
	{ { "chek", "v.json" }, "unknown command 'chek'; did you mean 'check'? "
	  "(one of: run, edge, check, rehearse, replay, report, tls-cert, hash-password, purge, --list-audio, --help, "
	  "--version)" },
	{ { "tls", "/x" }, "unknown command 'tls'; did you mean 'tls-cert'? "
	  "(one of: run, edge, check, rehearse, replay, report, tls-cert, hash-password, purge, --list-audio, --help, "
	  "--version)" },
	{ { "dance", "v.json" }, "unknown command 'dance' "
	  "(one of: run, edge, check, rehearse, replay, report, tls-cert, hash-password, purge, --list-audio, --help, "
	  "--version)" },
	{ { "venue.json" }, "unknown command 'venue.json'; to run it: tutti run venue.json; "
	  "to check it: tutti check venue.json" },
	{ { NULL }, "missing command "
	  "(one of: run, edge, check, rehearse, replay, report, tls-cert, hash-password, purge, --list-audio, --help, "
	  "--version)" },
};

START_TEST(test_cli_near_miss_suggests_the_nearest_and_lists_the_commands)
{
	char err[256] = "";

	parse_refused(&near_misses[_i], err);
	ck_assert_str_eq(err, near_misses[_i].says);
}
END_TEST

START_TEST(test_cli_rehearse_and_replay_take_their_options)
{
	struct cli_options o;
	char err[256];

	ck_assert_int_eq(PARSE(&o, err, "rehearse", "v.json", "--crowd", "2000", "--duration", "10:00", "--seed=9",
			       "--run-sheet", "sheet.txt", "--out", "/tmp/r"), 0);
	ck_assert_int_eq(o.command, CLI_REHEARSE);
	ck_assert_str_eq(o.config_path, "v.json");
	ck_assert_uint_eq(o.simulate, 2000);
	ck_assert_double_eq(o.duration_s, 600);
	ck_assert_uint_eq(o.seed, 9);
	ck_assert_str_eq(o.run_sheet, "sheet.txt");
	ck_assert_str_eq(o.out_dir, "/tmp/r");
	ck_assert_double_eq(o.frames_every_s, 1);	/* the defaults: a still a second, 1280x720, 10 pictures/s */
	ck_assert_int_eq(o.stage_width, 1280);
	ck_assert_double_eq(o.stage_fps, 10);
	ck_assert_int_eq(PARSE(&o, err, "rehearse", "v.json", "--duration", "12.5", "--out", "r", "--frames-every", "0",
			       "--stage-size", "640x360", "--stage-fps", "30"), 0);
	ck_assert_double_eq(o.duration_s, 12.5);
	ck_assert_uint_eq(o.simulate, 0);
	ck_assert_ptr_null(o.run_sheet);
	ck_assert_double_eq(o.frames_every_s, 0);
	ck_assert_int_eq(o.stage_height, 360);
	ck_assert_double_eq(o.stage_fps, 30);
	ck_assert_int_eq(PARSE(&o, err, "replay", "show.db", "--out", "/tmp/p", "--frames-every", "0.5"), 0);
	ck_assert_int_eq(o.command, CLI_REPLAY);
	ck_assert_str_eq(o.show_db, "show.db");
	ck_assert_str_eq(o.out_dir, "/tmp/p");
	ck_assert_double_eq(o.frames_every_s, 0.5);
}
END_TEST

START_TEST(test_cli_edge_and_cluster_take_their_options_only)
{
	struct cli_options o;
	char err[256];

	ck_assert_int_eq(PARSE(&o, err, "edge", "v.json", "--cluster", "nats://10.0.0.2:4222", "--port", "8081",
			       "--listen", "127.0.0.1", "--name", "north-1"), 0);
	ck_assert_int_eq(o.command, CLI_EDGE);
	ck_assert_str_eq(o.cluster_url, "nats://10.0.0.2:4222");
	ck_assert_str_eq(o.edge_name, "north-1");
	ck_assert_int_eq(o.port, 8081);
	/* An edge runs no show: the show's options are refused, by name. */
	ck_assert_int_eq(PARSE(&o, err, "edge", "v.json", "--simulate", "10"), -1);
	ck_assert_str_eq(err, "--simulate is not an option of 'tutti edge' (it takes --port, --listen, --cluster and --name)");
	ck_assert_int_eq(PARSE(&o, err, "edge", "v.json", "--journal", "s.db"), -1);
	ck_assert_int_eq(PARSE(&o, err, "edge", "v.json", "--name", "a b"), -1);
	ck_assert_str_eq(err, "--name: 'a b' is not 1 to 40 letters, digits, - or _");
	/* The core: run with --cluster; the URL must say it is NATS. */
	ck_assert_int_eq(PARSE(&o, err, "run", "v.json", "--cluster", "tls://nats.venue:4222"), 0);
	ck_assert_int_eq(o.command, CLI_RUN);
	ck_assert_str_eq(o.cluster_url, "tls://nats.venue:4222");
	ck_assert_int_eq(PARSE(&o, err, "run", "v.json", "--cluster", "10.0.0.2:4222"), -1);
	ck_assert_str_eq(err, "--cluster: '10.0.0.2:4222' is not nats://HOST:PORT (or tls://HOST:PORT)");
	ck_assert_int_eq(PARSE(&o, err, "run", "v.json", "--name", "x"), -1);
	ck_assert_int_eq(PARSE(&o, err, "run", "v.json"), 0);
	ck_assert_ptr_null(o.cluster_url);
}
END_TEST

START_TEST(test_cli_purge_takes_show_journals_and_nothing_else)
{
	struct cli_options o;
	char err[256];

	/* Its own array: o.journals points into it, and PARSE's would end with the assertion's block. */
	char *argv[] = { "tutti", "purge", "a.db", "b.db", NULL };

	ck_assert_int_eq(parse(&o, err, 4, argv), 0);
	ck_assert_int_eq(o.command, CLI_PURGE);
	ck_assert_int_eq(o.journal_count, 2);
	ck_assert_str_eq(o.journals[1], "b.db");
	ck_assert_int_eq(PARSE(&o, err, "purge"), -1);
	ck_assert_msg(strstr(err, "show journals"), "%s", err);
	ck_assert_int_eq(PARSE(&o, err, "purge", "--all", "a.db"), -1);
	ck_assert_msg(strstr(err, "unknown option '--all'"), "%s", err);
}
END_TEST

START_TEST(test_cli_report_takes_one_journal_and_its_out_file)
{
	struct cli_options o;
	char err[256];

	ck_assert_int_eq(PARSE(&o, err, "report", "show.db", "--out", "r.html"), 0);
	ck_assert_int_eq(o.command, CLI_REPORT);
	ck_assert_str_eq(o.show_db, "show.db");
	ck_assert_str_eq(o.out_dir, "r.html");
	ck_assert_int_eq(PARSE(&o, err, "report", "--out=r.html", "show.db"), 0);
	ck_assert_str_eq(o.out_dir, "r.html");
	ck_assert_int_eq(PARSE(&o, err, "report", "show.db"), -1);
	ck_assert_msg(strstr(err, "--out FILE"), "%s", err);
	ck_assert_int_eq(PARSE(&o, err, "report", "--out", "r.html"), -1);
	ck_assert_msg(strstr(err, "SHOW.db"), "%s", err);
	ck_assert_int_eq(PARSE(&o, err, "report", "a.db", "b.db", "--out", "r.html"), -1);
	ck_assert_msg(strstr(err, "one journal only"), "%s", err);
	ck_assert_int_eq(PARSE(&o, err, "report", "a.db", "--out"), -1);
	ck_assert_int_eq(PARSE(&o, err, "report", "a.db", "--crowd", "3", "--out", "r.html"), -1);
	ck_assert_msg(strstr(err, "unknown option '--crowd'"), "%s", err);
}
END_TEST

START_TEST(test_cli_no_arguments_is_an_error)
{
	struct cli_options o;
	char err[256];
	char *argv[] = { "tutti", NULL };

	ck_assert_int_eq(cli_parse(1, argv, &o, err, sizeof(err)), -1);
}
END_TEST

static Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_cli_run_takes_every_documented_flag);
	tcase_add_test(tc, test_cli_stage_flags_and_hash_password);
	tcase_add_test(tc, test_cli_defaults_leave_the_config_in_charge);
	tcase_add_test(tc, test_cli_check_help_and_version);
	tcase_add_loop_test(tc, test_cli_bad_flags_and_values_name_the_problem, 0,
			    sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_cli_no_arguments_is_an_error);
	tcase_add_loop_test(tc, test_cli_near_miss_suggests_the_nearest_and_lists_the_commands, 0,
			    sizeof(near_misses) / sizeof(near_misses[0]));
	tcase_add_test(tc, test_cli_edge_and_cluster_take_their_options_only);
	tcase_add_test(tc, test_cli_purge_takes_show_journals_and_nothing_else);
	tcase_add_test(tc, test_cli_report_takes_one_journal_and_its_out_file);
	tcase_add_test(tc, test_cli_rehearse_and_replay_take_their_options);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(cli_suite());
}
