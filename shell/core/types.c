// SPDX-License-Identifier: GPL-3.0-or-later
// Types from BTF.  (Stub until the types work lands: no types yet.)
#include "session_priv.h"

struct kd_error *kd_types_init(struct kd_session *s)
{
	(void)s;
	return NULL;
}

void kd_types_fini(struct kd_session *s)
{
	(void)s;
}
