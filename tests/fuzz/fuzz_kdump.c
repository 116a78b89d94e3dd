// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: a kdump-compressed dump (header, sub-header, bitmaps, page
// descriptors, compressed pages, notes and VMCOREINFO blobs).  The input is
// opened as a dump from a memfd and up to 512 pages are read through the
// page cache (every page of every range, twice, so cached and uncached reads
// both run), plus the unaligned and cross-page reads commands make.
// Seed: mini.kdump from mkseeds (and a few KiB of a real dump's head).
#include <stdio.h>
#include <unistd.h>

#include "core/session_priv.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		return 0;
	char path[64];
	int fd = fuzz_memfd("kdive-fuzz-kdump", data, size, path);
	if (fd < 0)
		return 0;
	FILE *saved = stderr;
	stderr = devnull;
	struct kd_session *s;
	struct kd_error *err = kd_session_create(path, NULL, &s);
	if (!err) {
		static unsigned char buf[2 * 65536];
		uint64_t ps = kd_page_size(s);
		if (ps > 65536)
			ps = 4096;
		unsigned budget = 512;
		for (int pass = 0; pass < 2; pass++) {
			for (size_t i = 0; i < kd_phys_range_count(s) && budget; i++) {
				const struct kd_phys_range *r = kd_phys_range_get(s, i);
				for (uint64_t pa = r->start; pa - r->start < r->size && budget; pa += ps, budget--)
					kd_error_destroy(kd_read_phys(s, pa, buf, (size_t)ps));
			}
		}
		if (kd_phys_range_count(s)) {
			const struct kd_phys_range *r = kd_phys_range_get(s, 0);
			kd_error_destroy(kd_read_phys(s, r->start + ps - 3, buf, (size_t)ps + 6));
			kd_error_destroy(kd_read_phys(s, r->start + r->size - 8, buf, 16));
		}
		(void)kd_dump_format_desc(s);
		(void)kd_dump_format_detail(s);
		for (size_t i = 0; i < kd_vmcoreinfo_count(s); i++) {
			const char *k, *v;
			kd_vmcoreinfo_entry(s, i, &k, &v);
		}
		kd_error_destroy(kd_read_kernel(s, 0xffffffff81000000ull, buf, 64));
		kd_session_destroy(s);
	} else {
		kd_error_destroy(err);
	}
	stderr = saved;
	close(fd);
	return 0;
}
