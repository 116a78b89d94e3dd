// SPDX-License-Identifier: GPL-3.0-or-later
// The symbol table.  (Stub until the symbols work lands: no symbols yet.)
#include "session_priv.h"

struct kd_error *kd_symbols_init(struct kd_session *s)
{
	(void)s;
	return NULL;
}

void kd_symbols_fini(struct kd_session *s)
{
	(void)s;
}
