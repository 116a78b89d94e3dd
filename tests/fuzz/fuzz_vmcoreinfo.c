// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: the VMCOREINFO parser and number conversion.
#include "core/vmcoreinfo.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kd_vmcoreinfo v;
	if (kd_vmcoreinfo_parse(&v, (const char *)data, size))
		return 0;
	for (size_t i = 0; i < v.n; i++) {
		uint64_t n;
		kd_error_destroy(kd_vmcoreinfo_value_number(&v, v.keys[i], &n));
	}
	(void)kd_vmcoreinfo_lookup(&v, "OSRELEASE");
	kd_vmcoreinfo_deinit(&v);
	return 0;
}
