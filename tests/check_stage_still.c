/*
 * check_stage_still.c - stills on disk: a PNG is written whole, numbered
 * stills are bounded (the oldest go), and a restarted daemon numbers on from
 * the stills of its previous run instead of failing on every one.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "stage_still.h"
#include "test_util.h"

static char dir[64];

static void make_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/tutti-stills-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static bool exists(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

/* Writes a 2x2 still to DIR/latest.png, as the render thread does. */
static void write_latest(char *latest, size_t cap)
{
	static const uint32_t px[4] = { 0xff102030, 0xff405060, 0xff708090, 0xffa0b0c0 };
	char err[256];

	snprintf(latest, cap, "%s/latest.png", dir);
	ck_assert_msg(stillframe_write_png(latest, px, 2, 2, 8, err, sizeof(err)) == 0, "%s", err);
}

static void remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_kept_stills_are_bounded_and_the_oldest_go)
{
	struct still_keeper k;
	char latest[128], err[256];

	make_dir();
	ck_assert_int_eq(still_keeper_open(&k, dir, 3, err, sizeof(err)), 0);
	for (int i = 0; i < 5; i++) {
		write_latest(latest, sizeof(latest));
		ck_assert_msg(still_keeper_add(&k, latest, err, sizeof(err)) == 0, "%s", err);
	}
	ck_assert(!exists("stage-000000.png"));
	ck_assert(!exists("stage-000001.png"));
	ck_assert(exists("stage-000002.png"));
	ck_assert(exists("stage-000004.png"));
	ck_assert(exists("latest.png"));
	remove_dir();
}
END_TEST

START_TEST(test_a_restart_numbers_on_from_the_stills_already_there)
{
	struct still_keeper k;
	char latest[128], err[256];

	make_dir();
	ck_assert_int_eq(still_keeper_open(&k, dir, 100, err, sizeof(err)), 0);
	for (int i = 0; i < 3; i++) {
		write_latest(latest, sizeof(latest));
		ck_assert(still_keeper_add(&k, latest, err, sizeof(err)) == 0);
	}
	/* The daemon restarts into the same folder. */
	ck_assert_int_eq(still_keeper_open(&k, dir, 3, err, sizeof(err)), 0);
	write_latest(latest, sizeof(latest));
	ck_assert_msg(still_keeper_add(&k, latest, err, sizeof(err)) == 0, "%s", err);
	ck_assert(exists("stage-000003.png"));
	/* The bound covers the previous run's stills too. */
	ck_assert(!exists("stage-000000.png"));
	ck_assert(exists("stage-000001.png"));
	remove_dir();
}
END_TEST

START_TEST(test_an_unreadable_folder_is_an_error_with_its_name)
{
	struct still_keeper k;
	char err[256] = "";

	ck_assert_int_eq(still_keeper_open(&k, "/nonexistent/stills", 3, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/stills"));
}
END_TEST

TEST_MAIN("stage_still", test_kept_stills_are_bounded_and_the_oldest_go,
	  test_a_restart_numbers_on_from_the_stills_already_there,
	  test_an_unreadable_folder_is_an_error_with_its_name)
