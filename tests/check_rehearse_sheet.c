/*
 * check_rehearse_sheet.c - a rehearsal's run sheet: times as people write
 * them (seconds, minutes:seconds, hours too), commands checked against the
 * console's table when the sheet is read, every bad line named by its
 * number (with the command it most likely meant), notes and blank lines
 * skipped, and the commands handed out in time order as the show reaches
 * them.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rehearse_sheet.h"
#include "test_util.h"

static char path[64];

/* Writes @text to a fresh file; loads it; what it said about it goes to @said. */
static struct run_sheet *load(const char *text, char *said, size_t said_size)
{
	char dir[] = "/tmp/tutti-sheet-XXXXXX";
	FILE *f, *problems = fmemopen(said, said_size, "w");
	struct run_sheet *s;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sheet.txt", dir);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	memset(said, 0, said_size);
	s = run_sheet_load(path, problems);
	fclose(problems);
	return s;
}

START_TEST(test_sheet_times_as_people_write_them_in_time_order)
{
	char said[2048];
	struct run_sheet *s = load("# the show\n"
				   "\n"
				   "1:05    {\"cmd\":\"poll.open\",\"poll\":\"song\"}\n"
				   "12.5\t{\"cmd\":\"cue.go\"}   \n"
				   "  1:00:00.5 {\"cmd\":\"safety.fade\",\"on\":true}\r\n"
				   "12.5 {\"cmd\":\"cue.back\"}\n", said, sizeof(said));

	ck_assert_msg(s != NULL, "%s", said);
	ck_assert_str_eq(said, "");
	ck_assert_uint_eq(s->count, 4);
	ck_assert_double_eq(s->commands[0].t, 12.5);
	ck_assert_str_eq(s->commands[0].text, "{\"cmd\":\"cue.go\"}");
	ck_assert_uint_eq(s->commands[0].line, 4);
	ck_assert_uint_eq(s->commands[1].line, 6);	/* the same time: in the sheet's order */
	ck_assert_double_eq(s->commands[2].t, 65);
	ck_assert_double_eq(s->commands[3].t, 3600.5);
	ck_assert_ptr_null(run_sheet_next_due(s, 12.4));
	ck_assert_uint_eq(run_sheet_next_due(s, 12.5)->line, 4);
	ck_assert_uint_eq(run_sheet_next_due(s, 12.5)->line, 6);
	ck_assert_ptr_null(run_sheet_next_due(s, 60));
	ck_assert_uint_eq(run_sheet_next_due(s, 4000)->line, 3);
	ck_assert_uint_eq(run_sheet_next_due(s, 4000)->line, 5);
	ck_assert_ptr_null(run_sheet_next_due(s, 4000));
	run_sheet_free(s);
}
END_TEST

START_TEST(test_sheet_every_bad_line_is_named_and_nothing_is_kept)
{
	char said[4096];
	struct run_sheet *s = load("5 {\"cmd\":\"cue.go\"}\n"
				   "soon {\"cmd\":\"cue.go\"}\n"
				   "-3 {\"cmd\":\"cue.go\"}\n"
				   "1:75 {\"cmd\":\"cue.go\"}\n"
				   "0x10 {\"cmd\":\"cue.go\"}\n"
				   "7 {\"cmd\":\"cue.goo\"}\n"
				   "8 cue.go\n"
				   "9 [\"cue.go\"]\n"
				   "10\n"
				   "11 {\"cmd\":\"poll.open\",\"cmd\":\"cue.go\"}\n", said, sizeof(said));

	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(said, ":1:") == NULL, "a good line is not a problem: %s", said);
	ck_assert_msg(strstr(said, "sheet.txt:2: 'soon' is not a show time"), "%s", said);
	ck_assert_msg(strstr(said, "sheet.txt:3: '-3' is not a show time"), "%s", said);
	ck_assert_msg(strstr(said, "sheet.txt:4: '1:75' is not a show time"), "%s", said);
	ck_assert_msg(strstr(said, "sheet.txt:5: '0x10' is not a show time"), "%s", said);
	ck_assert_msg(strstr(said, "sheet.txt:6: unknown console command \"cue.goo\"; did you mean \"cue.go\"?"),
		      "%s", said);
	ck_assert_msg(strstr(said, "sheet.txt:7: not JSON"), "%s", said);
	ck_assert_msg(strstr(said, "sheet.txt:8: a command is a JSON object with \"cmd\""), "%s", said);
	ck_assert_msg(strstr(said, "sheet.txt:9: a time needs a console command after it"), "%s", said);
	ck_assert_msg(strstr(said, "sheet.txt:10: not JSON"), "%s (a repeated key is refused)", said);
}
END_TEST

START_TEST(test_sheet_missing_file_is_named)
{
	char said[512] = "";
	FILE *problems = fmemopen(said, sizeof(said), "w");

	ck_assert_ptr_null(run_sheet_load("/nonexistent/sheet.txt", problems));
	fclose(problems);
	ck_assert_msg(strstr(said, "/nonexistent/sheet.txt: cannot read the run sheet: No such file"), "%s", said);
}
END_TEST

/* The run sheets shipped beside the venues (venue-configs/NAME.run-sheet.txt) all load. */
START_TEST(test_sheet_shipped_run_sheets_load)
{
	const char *src = getenv("TUTTI_SOURCE_DIR");
	char dir[600], file[900], said[2048];
	struct dirent *de;
	int loaded = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/venue-configs", src && *src ? src : ".");
	d = opendir(dir);
	ck_assert_msg(d != NULL, "cannot open %s (set TUTTI_SOURCE_DIR)", dir);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		FILE *problems = fmemopen(said, sizeof(said), "w");
		struct run_sheet *s;

		if (len < 14 || strcmp(de->d_name + len - 14, ".run-sheet.txt") != 0) {
			fclose(problems);
			continue;
		}
		snprintf(file, sizeof(file), "%s/%s", dir, de->d_name);
		memset(said, 0, sizeof(said));
		s = run_sheet_load(file, problems);
		fclose(problems);
		ck_assert_msg(s != NULL && s->count > 3, "%s: %s", file, said);
		run_sheet_free(s);
		loaded++;
	}
	closedir(d);
	ck_assert_int_ge(loaded, 2);
}
END_TEST

TEST_MAIN("rehearse_sheet", test_sheet_shipped_run_sheets_load, test_sheet_times_as_people_write_them_in_time_order,
	  test_sheet_every_bad_line_is_named_and_nothing_is_kept, test_sheet_missing_file_is_named)
