// SPDX-License-Identifier: GPL-3.0-or-later
// The output side of a session: the current command's stream (stdout, a
// pipe or a file, chosen by the dispatcher), warnings on stderr counted per
// command (after "FILE:LINE: " for a command read from a file), and the
// Ctrl-C flag that long loops poll.  The JSON writer is beside it in json.c.
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "session_priv.h"

FILE *kd_out(struct kd_session *s)
{
	return s->out;
}

int kd_printf(struct kd_session *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vfprintf(s->out, fmt, ap);
	va_end(ap);
	return r;
}

void kd_warn(struct kd_session *s, const char *fmt, ...)
{
	va_list ap;
	fflush(s->out);
	if (s->where)
		fprintf(stderr, "%s: ", s->where);
	fputs("warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	s->warnings++;
}

struct kd_error *kd_check_interrupt(struct kd_session *s)
{
	if (*s->interrupted)
		return kd_error_create(KD_ERR_INTERRUPTED, "interrupted");
	return NULL;
}

const char *kd_format_size(char *buf, size_t len, double bytes, unsigned min_unit, const char *sep,
			   bool decimals)
{
	static const char *const units[] = { "B", "KB", "MB", "GB", "TB", "PB", "EB" };
	const unsigned last = sizeof(units) / sizeof(units[0]) - 1;
	unsigned u = 0;
	double v = bytes;
	while (u < last && (u < min_unit || v >= 1024.0)) {
		v /= 1024.0;
		u++;
	}
	if (!decimals || v == floor(v))
		snprintf(buf, len, "%.0f%s%s", decimals ? v : floor(v), sep, units[u]);
	else
		snprintf(buf, len, "%.1f%s%s", v, sep, units[u]);
	return buf;
}
