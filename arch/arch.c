// SPDX-License-Identifier: GPL-3.0-or-later
// Architecture layer: chooses the backend for the dump's machine.
// (Stub until the translation work lands: no translation yet.)
#include "core/session_priv.h"

struct kd_error *kd_arch_init(struct kd_session *s)
{
	(void)s;
	return NULL;
}

struct kd_error *kd_arch_post_symbols(struct kd_session *s)
{
	(void)s;
	return NULL;
}

void kd_arch_fini(struct kd_session *s)
{
	(void)s;
}
