/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file output.h
 * A command's output: its stream, warnings, interrupts, the JSON writer
 * for --json, and shared formatting.  Part of <kdive/session.h>.
 */
#ifndef KDIVE_OUTPUT_H
#define KDIVE_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <kdive/error.h>

struct kd_session;

/** The stream the current command writes to (stdout, a pipe, a file or the pager). */
KD_API FILE *kd_out(struct kd_session *s);
/** printf to the command's output. */
KD_API int kd_printf(struct kd_session *s, const char *fmt, ...) KD_PRINTF(2, 3);
/** Print "warning: ..." on stderr. */
KD_API void kd_warn(struct kd_session *s, const char *fmt, ...) KD_PRINTF(2, 3);
/** True when the current command was given --json. */
KD_API bool kd_json_mode(const struct kd_session *s);
/** True if Ctrl-C was pressed; long loops return kd_check_interrupt() errors. */
KD_API struct kd_error *kd_check_interrupt(struct kd_session *s);

/*
 * A small streaming JSON writer on the command's output.  key is NULL inside
 * arrays and for the top-level value; commas and nesting are handled for you.
 */
KD_API void kd_json_begin_object(struct kd_session *s, const char *key);
KD_API void kd_json_end_object(struct kd_session *s);
KD_API void kd_json_begin_array(struct kd_session *s, const char *key);
KD_API void kd_json_end_array(struct kd_session *s);
KD_API void kd_json_string(struct kd_session *s, const char *key, const char *val);
/** A string from bytes that may hold anything (escaped, \u00XX for non-ASCII). */
KD_API void kd_json_string_n(struct kd_session *s, const char *key, const char *val, size_t len);
KD_API void kd_json_u64(struct kd_session *s, const char *key, uint64_t val);
KD_API void kd_json_i64(struct kd_session *s, const char *key, int64_t val);
/** An address or bit mask: a "0x..." string, so no JSON reader loses bits. */
KD_API void kd_json_hex(struct kd_session *s, const char *key, uint64_t val);
KD_API void kd_json_bool(struct kd_session *s, const char *key, bool val);
KD_API void kd_json_null(struct kd_session *s, const char *key);

/**
 * A size for people: bytes in the largest binary unit (B, KB, MB, GB, TB,
 * PB, EB; 1024 each) it reaches, but at least min_unit (0 = B, 1 = KB,
 * 2 = MB ...); one decimal unless whole when decimals, else whole units;
 * sep between the number and the unit ("512.2 MB", "2MB").  Returns buf.
 */
KD_API const char *kd_format_size(char *buf, size_t len, double bytes, unsigned min_unit,
				  const char *sep, bool decimals);

#endif
