/*
 * check_joinqr.c - the join URL and the QR code printed in the terminal.
 * The QR test draws the code exactly as the daemon prints it, turns the
 * half-block characters back into an image and decodes it with zbarimg
 * (Debian's zbar-tools), as a phone camera would.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "joinqr.h"
#include "test_util.h"

#define SCALE 6	/* pixels per QR module */

/* Decodes one character cell into its top and bottom module (1 = light). */
static int cell_modules(const char *s, int *top, int *bottom)
{
	if (s[0] == ' ') {
		*top = *bottom = 0;
		return 1;
	}
	if ((unsigned char)s[0] == 0xe2 && (unsigned char)s[1] == 0x96) {
		switch ((unsigned char)s[2]) {
		case 0x88: *top = 1; *bottom = 1; return 3;	/* full block */
		case 0x80: *top = 1; *bottom = 0; return 3;	/* upper half */
		case 0x84: *top = 0; *bottom = 1; return 3;	/* lower half */
		}
	}
	return -1;
}

/* Renders the printed QR into a PGM file; returns 0 on success. */
static int terminal_qr_to_pgm(const char *text, const char *path)
{
	static unsigned char light[256][256];
	int rows = 0, cols = 0;
	const char *line = text;
	FILE *f;

	memset(light, 0, sizeof(light));
	while (*line && rows < 254) {
		const char *s = line + 2;	/* two-space indent */
		int x = 0;

		while (*s && *s != '\n' && x < 256) {
			int top, bottom, n = cell_modules(s, &top, &bottom);

			if (n < 0)
				return -1;
			light[rows][x] = (unsigned char)top;
			light[rows + 1][x] = (unsigned char)bottom;
			x++;
			s += n;
		}
		cols = x > cols ? x : cols;
		rows += 2;
		line = *s ? s + 1 : s;
	}
	f = fopen(path, "wb");
	if (!f)
		return -1;
	fprintf(f, "P5\n%d %d\n255\n", cols * SCALE, rows * SCALE);
	for (int y = 0; y < rows * SCALE; y++)
		for (int x = 0; x < cols * SCALE; x++)
			fputc(light[y / SCALE][x / SCALE] ? 255 : 0, f);
	fclose(f);
	return 0;
}

START_TEST(test_joinqr_terminal_code_scans_back_to_the_join_url)
{
	const char *url = "http://192.168.10.5:8080/?zone=floor-a";
	char *text = NULL, cmd[256], decoded[512] = "";
	size_t size = 0;
	char pgm[] = "/tmp/tutti-qr-XXXXXX";
	FILE *mem = open_memstream(&text, &size);
	FILE *zbar;
	int fd = mkstemp(pgm);

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(joinqr_print(mem, url), 0);
	fclose(mem);
	ck_assert_int_eq(terminal_qr_to_pgm(text, pgm), 0);
	snprintf(cmd, sizeof(cmd), "zbarimg --raw -q '%s' 2>/dev/null", pgm);
	zbar = popen(cmd, "r");
	ck_assert_ptr_nonnull(zbar);
	ck_assert_ptr_nonnull(fgets(decoded, sizeof(decoded), zbar));
	pclose(zbar);
	decoded[strcspn(decoded, "\n")] = '\0';
	ck_assert_str_eq(decoded, url);
	unlink(pgm);
	free(text);
}
END_TEST

START_TEST(test_joinqr_url_prefers_public_url_then_listen_address)
{
	struct venue_config *cfg = test_config("{\"name\":\"Q\",\"capacity\":10,"
					       "\"cues\":[{\"id\":\"a\",\"scene\":\"title\"}]}");
	char url[300];

	joinqr_url(url, sizeof(url), cfg, "http", "10.1.2.3", 8080);
	ck_assert_str_eq(url, "http://10.1.2.3:8080/");
	joinqr_url(url, sizeof(url), cfg, "https", "::1", 8443);
	ck_assert_str_eq(url, "https://[::1]:8443/");
	joinqr_url(url, sizeof(url), cfg, "http", "0.0.0.0", 8080);
	ck_assert(strncmp(url, "http://", 7) == 0 && strstr(url, "0.0.0.0") == NULL);
	snprintf(cfg->public_url, sizeof(cfg->public_url), "https://tutti.example/");
	joinqr_url(url, sizeof(url), cfg, "http", "10.1.2.3", 8080);
	ck_assert_str_eq(url, "https://tutti.example/");
	config_destroy(cfg);
}
END_TEST

/* The start-up lines scripts and tests wait for, one join URL per zone, and no QR code into a file. */
START_TEST(test_joinqr_announce_says_where_to_listen_and_join_per_zone)
{
	struct venue_config *cfg = test_config(TEST_VENUE_JSON);
	char text[2048] = "", url[300];
	FILE *f = tmpfile();
	size_t n;

	ck_assert_ptr_nonnull(f);
	joinqr_announce(f, cfg, "http", "127.0.0.1", 8080, true, url, sizeof(url));
	rewind(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	ck_assert_str_eq(url, "http://127.0.0.1:8080/");
	ck_assert_ptr_nonnull(strstr(text, "tutti: listening on http://127.0.0.1:8080/\n"));
	ck_assert_ptr_nonnull(strstr(text, "capacity 100, 2 zone(s)"));
	ck_assert_ptr_nonnull(strstr(text, ", simulated crowd"));
	ck_assert_ptr_nonnull(strstr(text, "http://127.0.0.1:8080/?zone=right\n"));
	ck_assert_ptr_null(strstr(text, "\xe2\x96"));	/* no half blocks: a file is not a terminal */
	config_destroy(cfg);
}
END_TEST

static Suite *joinqr_suite(void)
{
	Suite *s = suite_create("joinqr");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_joinqr_terminal_code_scans_back_to_the_join_url);
	tcase_add_test(tc, test_joinqr_url_prefers_public_url_then_listen_address);
	tcase_add_test(tc, test_joinqr_announce_says_where_to_listen_and_join_per_zone);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(joinqr_suite());
}
