/*
 * report_data.h - the post-show report's figures, computed from a show's
 * journal (docs/report.md): participation per zone, inputs, cues, polls,
 * the co-creation share of each mapped parameter, influence fairness,
 * co-destruction, tick times, safety, alarms and the output's loudness.
 *
 * The journal is opened read-only (a live show's writer may go on
 * meanwhile: the report is of what it held then).
 *
 * Thread: any; it shares nothing with the show.
 */
#ifndef TUTTI_REPORT_DATA_H
#define TUTTI_REPORT_DATA_H

#include <stddef.h>
#include <jansson.h>

#include "config.h"

/*
 * The report's data as one JSON object (its layout: docs/report.md) for
 * the journal at @path, which ran with @cfg (the config it keeps). The
 * caller owns the result (json_decref). NULL with @err when the file is
 * not a journal this tutti reads.
 */
json_t *report_data_build(const char *path, const struct venue_config *cfg, char *err, size_t err_size);

#endif
