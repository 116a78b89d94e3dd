// SPDX-License-Identifier: GPL-3.0-or-later
// The table of architecture backends (see arch.h): one entry per machine.
// Everything generic about translation (the TLB, the public API) lives in
// the core (vm.c), so that adding an architecture touches only
// arch/ and one Makefile.am line.
#include <inttypes.h>

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

struct kd_error *kd_arch_read_virt(kd_virt_xlat_fn *xlat, void *xarg, kd_phys_read_fn *read, void *rarg,
				   uint64_t page_size, uint64_t va, void *buf, size_t len)
{
	char *p = buf;
	while (len) {
		uint64_t in_page = page_size - (va & (page_size - 1));
		size_t n = len < in_page ? len : (size_t)in_page;
		uint64_t pa;
		struct kd_error *err = xlat(xarg, va, &pa);
		if (!err) {
			err = read(rarg, pa, p, n);
			if (err)
				err = kd_error_prefix(err, "0x%" PRIx64 " (physical 0x%" PRIx64 ")", va, pa);
		}
		if (err)
			return err;
		p += n;
		va += n;
		len -= n;
	}
	return NULL;
}
