/*
 * fuzz_config.c - a venue config file as `tutti check` and `tutti run`
 * read it: parse, every section's checks, the warnings, and each error
 * formatted as the operator would see it.
 */
#include <stdint.h>

#include "fuzz_target.h"
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_errors errors = { 0 }, warnings = { 0 };
	struct venue_config *cfg = config_parse((const char *)data, size, "fuzz.json", &errors);
	char line[1024];

	for (size_t i = 0; i < errors.count; i++)
		config_error_format(&errors.items[i], "fuzz.json", line, sizeof(line));
	if (cfg) {
		config_warnings(cfg, &warnings);
		for (size_t i = 0; i < warnings.count; i++)
			config_error_format(&warnings.items[i], "fuzz.json", line, sizeof(line));
		config_errors_free(&warnings);
		config_destroy(cfg);
	}
	config_errors_free(&errors);
	return 0;
}
