/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the value printer (print_value.c) and the definition printer
 * (print_type.c) share: the depth limit of nested structs, indentation, and
 * walking a struct's or union's direct members, where a member the types
 * cannot describe is skipped rather than ending the printing.
 */
#ifndef KDIVE_PRINT_PRIV_H
#define KDIVE_PRINT_PRIV_H

#include <kdive/session.h>
#include <kdive/types.h>

// Nested structs deeper than this print as {...} or are not expanded.
enum { PRINT_MAX_DEPTH = 24 };

static inline void print_indent(struct kd_session *s, int n)
{
	kd_printf(s, "%*s", n, "");
}

/* How many direct members a struct or union has (through typedefs). */
static inline uint32_t print_nmembers(struct kd_session *s, uint32_t id)
{
	struct kd_type_info in;
	if (kd_type_get(s, kd_type_strip(s, id), &in))
		return 0;
	return in.nmembers;
}

/* Its i-th direct member; false if the types cannot describe it. */
static inline bool print_member_at(struct kd_session *s, uint32_t id, uint32_t i, struct kd_member_info *m)
{
	struct kd_error *err = kd_type_member_at(s, id, i, m);
	bool ok = !err;
	kd_error_destroy(err);
	return ok;
}

#endif
