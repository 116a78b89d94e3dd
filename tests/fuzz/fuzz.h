/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz targets: each file defines LLVMFuzzerTestOneInput.  Built two ways:
 * with clang -fsanitize=fuzzer for real fuzzing (scripts/fuzz), and with the
 * standalone driver (driver.c) for the seconds-long smoke in make check.
 */
#ifndef KD_FUZZ_H
#define KD_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A memfd holding len bytes of data, so the real file-opening code runs on
 * it; its /proc/self/fd path in path.  -1 on failure. */
static inline int fuzz_memfd(const char *name, const void *data, size_t len, char path[64])
{
	int fd = memfd_create(name, 0);
	if (fd < 0)
		return -1;
	if (len && write(fd, data, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	snprintf(path, 64, "/proc/self/fd/%d", fd);
	return fd;
}
#endif
