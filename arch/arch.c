// SPDX-License-Identifier: GPL-3.0-or-later
// The table of architecture backends (see arch.h): one entry per machine.
// Everything generic about translation (the TLB, the public API) lives in
// the core (vm.c), so that adding an architecture touches only
// arch/ and one Makefile.am line.
#include "arch.h"

// One entry per architecture; the ops are defined in arch/<name>.c.
extern const struct kd_arch_ops kd_arch_x86_64;
extern const struct kd_arch_ops kd_arch_aarch64;

static const struct kd_arch_ops *const backends[] = {
	&kd_arch_x86_64,
	&kd_arch_aarch64,
};

const struct kd_arch_ops *kd_arch_find(unsigned e_machine)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (backends[i]->info->e_machine == e_machine)
			return backends[i];
	return NULL;
}
