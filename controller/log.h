/*
 * log.h - one-line daemon log to stderr: "tutti: LEVEL: message".
 * Thread: any thread but the audio thread (it formats and writes).
 */
#ifndef TUTTI_LOG_H
#define TUTTI_LOG_H

enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Messages above @level are dropped. Default LOG_INFO. */
void log_set_level(enum log_level level);
/*
 * @fn (NULL = none) runs before each line is written: a progress bar
 * drawn in place on the terminal clears itself. Set it from the thread
 * that logs most, before others log.
 */
void log_set_before_line(void (*fn)(void));
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
