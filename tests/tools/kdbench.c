// SPDX-License-Identifier: GPL-3.0-or-later
// kdbench: read speed of one dump through the core (bench/formats.sh).
// Prints: open_ms, sequential MB/s over the pages the dump kept (one pass,
// 64 KiB reads), random 4 KiB reads per second over those pages with the
// page cache off and with the default cache.
// usage: kdbench DUMP [PART...]
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/session_priv.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: kdbench DUMP [PART...]\n");
		return 2;
	}
	double t0 = now();
	struct kd_session *s;
	struct kd_error *err = kd_session_create_multi((const char *const *)argv + 1, (size_t)argc - 1,
						       NULL, &s);
	if (err) {
		fprintf(stderr, "kdbench: %s\n", err->msg);
		return 2;
	}
	double open_ms = (now() - t0) * 1e3;
	uint64_t ps = kd_page_size(s);
	unsigned char *buf = malloc(16 * ps);
	uint64_t *kept = NULL, nkept = 0, cap = 0, bytes = 0;
	kd_dump_set_cache(s, 0);
	t0 = now();
	for (size_t i = 0; i < kd_phys_range_count(s); i++) {
		const struct kd_phys_range *r = kd_phys_range_get(s, i);
		for (uint64_t pa = r->start; pa - r->start < r->size; pa += ps) {
			err = kd_read_phys(s, pa, buf, ps);
			if (err) {
				kd_error_destroy(err);
				continue;
			}
			bytes += ps;
			if (nkept == cap) {
				cap = cap ? 2 * cap : 4096;
				kept = realloc(kept, cap * sizeof(*kept));
			}
			kept[nkept++] = pa;
		}
	}
	double seq = (double)bytes / 1e6 / (now() - t0);
	if (!nkept)
		return 2;
	double rnd[2];
	for (int pass = 0; pass < 2; pass++) {
		kd_dump_set_cache(s, pass ? 1024 : 0);
		srand(1);
		int n = 20000;
		t0 = now();
		for (int i = 0; i < n; i++) {
			uint64_t pa = kept[(uint64_t)rand() % nkept];
			kd_error_destroy(kd_read_phys(s, pa, buf, ps));
		}
		rnd[pass] = n / (now() - t0);
	}
	printf("open_ms=%.1f kept_pages=%llu seq_MBps=%.0f rand_reads_per_s_nocache=%.0f rand_reads_per_s_cache1024=%.0f\n",
	       open_ms, (unsigned long long)nkept, seq, rnd[0], rnd[1]);
	free(kept);
	free(buf);
	kd_session_destroy(s);
	return 0;
}
