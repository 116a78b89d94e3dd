// SPDX-License-Identifier: GPL-3.0-or-later
// Address operands: numbers now; symbol[+offset] once symbols are loaded.
#include <kdive/session.h>

struct kd_error *kd_parse_address(struct kd_session *s, const char *str, uint64_t *ret)
{
	(void)s;
	return kd_parse_u64(str, true, ret);
}
