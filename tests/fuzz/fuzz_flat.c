// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: makedumpfile's flattened format (shell/core/file.c).  The
// input is indexed by the file layer, the rebuilt stream is read in 4 KiB
// steps (up to 1 MiB) and at a few odd offsets, then the whole stack opens
// it as a dump (the kdump backend reading through the flattened map).
// Seed: mini.flat from mkseeds.
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
	int fd = fuzz_memfd("kdive-fuzz-flat", data, size, path);
	if (fd < 0)
		return 0;
	struct kd_file *f;
	struct kd_error *err = kd_file_open(path, &f);
	if (!err) {
		err = kd_file_flatten(f);
		if (!err) {
			static unsigned char buf[4096];
			for (uint64_t off = 0; off < f->size && off < (1u << 20); off += sizeof(buf)) {
				size_t n = f->size - off < sizeof(buf) ? (size_t)(f->size - off) : sizeof(buf);
				kd_error_destroy(kd_file_pread(f, buf, n, off));
			}
			kd_error_destroy(kd_file_pread(f, buf, 7, f->size / 3));
			kd_error_destroy(kd_file_pread(f, buf, 16, f->size - 8));
			kd_error_destroy(kd_file_pread(f, buf, 1, UINT64_MAX));
		}
		kd_error_destroy(err);
		kd_file_close(f);
	} else {
		kd_error_destroy(err);
	}
	FILE *saved = stderr;
	stderr = devnull;
	struct kd_session *s;
	err = kd_session_create(path, NULL, &s);
	if (!err) {
		static unsigned char page[4096];
		for (size_t i = 0; i < kd_phys_range_count(s) && i < 16; i++) {
			const struct kd_phys_range *r = kd_phys_range_get(s, i);
			for (uint64_t pa = r->start; pa - r->start < r->size && pa - r->start < (64u << 12); pa += 4096)
				kd_error_destroy(kd_read_phys(s, pa, page, sizeof(page)));
		}
		kd_session_destroy(s);
	} else {
		kd_error_destroy(err);
	}
	stderr = saved;
	close(fd);
	return 0;
}
