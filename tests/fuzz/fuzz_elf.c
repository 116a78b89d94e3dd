// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: opening an arbitrary file as a dump (format probing, ELF
// headers, notes, VMCOREINFO, the layers above) and reading from it.  The
// input is put in a memfd so the real file path code runs.
#include <stdio.h>
#include <unistd.h>

#include "core/session_priv.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fuzz_memfd("kdive-fuzz", data, size, path);
	if (fd < 0)
		return 0;
	FILE *devnull = fopen("/dev/null", "w");
	FILE *saved = stderr;
	stderr = devnull ? devnull : stderr; // warnings from the layers
	struct kd_session *s;
	struct kd_error *err = kd_session_create(path, NULL, &s);
	stderr = saved;
	if (!err) {
		unsigned char buf[256];
		for (size_t i = 0; i < kd_phys_range_count(s) && i < 64; i++) {
			const struct kd_phys_range *r = kd_phys_range_get(s, i);
			kd_error_destroy(kd_read_phys(s, r->start, buf, sizeof(buf)));
			kd_error_destroy(kd_read_phys(s, r->start + r->size - 1, buf, 2));
		}
		for (size_t i = 0; i < kd_note_count(s); i++)
			(void)kd_note_get(s, i);
		kd_error_destroy(kd_read_kernel(s, 0xffffffff81000000ull, buf, sizeof(buf)));
		kd_session_destroy(s);
	} else {
		kd_error_destroy(err);
	}
	if (devnull)
		fclose(devnull);
	close(fd);
	return 0;
}
