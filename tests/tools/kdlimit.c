// SPDX-License-Identifier: GPL-3.0-or-later
// kdlimit: the speed limit of reading a compressed dump -- how fast each
// compression library alone decompresses the dump's own pages (bench/
// formats.sh prints it next to kdive's read speeds).  Reads the first 8192
// kept, non-zero pages of DUMP through the core, compresses each with zlib (level 1, as
// makedumpfile -c asks for Z_BEST_SPEED), lzo1x_1, snappy and zstd (level 1),
// then times decompressing them all, several passes.  Prints one line of
// NAME_MBps=... figures (MB of decompressed pages per second).
// usage: kdlimit DUMP [PART...]
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "config.h"
#include "core/session_priv.h"
#ifdef HAVE_LZO2
#include <lzo/lzo1x.h>
#endif
#ifdef HAVE_SNAPPY
#include <snappy-c.h>
#endif
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif

enum { MAX_PAGES = 8192, PASSES = 5 };

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

struct comp {
	unsigned char *data[MAX_PAGES];
	size_t len[MAX_PAGES];
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: kdlimit DUMP [PART...]\n");
		return 2;
	}
	struct kd_session *s;
	struct kd_error *err = kd_session_create_multi((const char *const *)argv + 1, (size_t)argc - 1,
						       NULL, &s);
	if (err) {
		fprintf(stderr, "kdlimit: %s\n", err->msg);
		return 2;
	}
	size_t ps = (size_t)kd_page_size(s), n = 0;
	unsigned char *pages = malloc(MAX_PAGES * ps), *out = malloc(2 * ps + 1024);
	if (!pages || !out)
		return 1;
	// Kept, non-zero pages spread over the dump.
	for (size_t i = 0; i < kd_phys_range_count(s) && n < MAX_PAGES; i++) {
		const struct kd_phys_range *r = kd_phys_range_get(s, i);
		for (uint64_t a = r->start; a + ps <= r->start + r->size && n < MAX_PAGES; a += ps) {
			struct kd_error *e = kd_read_phys(s, a, pages + n * ps, ps);
			if (e) {
				kd_error_destroy(e);
				continue;
			}
			bool zero = true;
			for (size_t k = 0; k < ps && zero; k++)
				zero = pages[n * ps + k] == 0;
			if (!zero)
				n++;
		}
	}
	kd_session_destroy(s);
	printf("pages=%zu", n);
	static struct comp c;
	for (int lib = 0; lib < 4; lib++) {
		const char *name = (const char *[]){ "zlib", "lzo", "snappy", "zstd" }[lib];
		bool have = lib == 0;
#ifdef HAVE_LZO2
		have |= lib == 1 && lzo_init() == LZO_E_OK;
#endif
#ifdef HAVE_SNAPPY
		have |= lib == 2;
#endif
#ifdef HAVE_ZSTD
		have |= lib == 3;
#endif
		if (!have || !n)
			continue;
		for (size_t i = 0; i < n; i++) {
			const unsigned char *src = pages + i * ps;
			size_t olen = 2 * ps + 1024;
			if (lib == 0) {
				uLongf l = (uLongf)olen;
				compress2(out, &l, src, (uLong)ps, Z_BEST_SPEED);
				olen = l;
			}
#ifdef HAVE_LZO2
			if (lib == 1) {
				static unsigned char wrk[LZO1X_1_MEM_COMPRESS];
				lzo_uint l = olen;
				lzo1x_1_compress(src, ps, out, &l, wrk);
				olen = l;
			}
#endif
#ifdef HAVE_SNAPPY
			if (lib == 2)
				snappy_compress((const char *)src, ps, (char *)out, &olen);
#endif
#ifdef HAVE_ZSTD
			if (lib == 3)
				olen = ZSTD_compress(out, olen, src, ps, 1);
#endif
			c.data[i] = malloc(olen);
			memcpy(c.data[i], out, olen);
			c.len[i] = olen;
		}
#ifdef HAVE_ZSTD
		ZSTD_DCtx *dctx = ZSTD_createDCtx(); // one context, as kdive's reader keeps
#endif
		double t0 = now();
		for (int p = 0; p < PASSES; p++)
			for (size_t i = 0; i < n; i++) {
				size_t dl = ps;
				if (lib == 0) {
					uLongf l = (uLongf)ps;
					uncompress(out, &l, c.data[i], (uLong)c.len[i]);
				}
#ifdef HAVE_LZO2
				if (lib == 1) {
					lzo_uint l = ps;
					lzo1x_decompress_safe(c.data[i], c.len[i], out, &l, NULL);
				}
#endif
#ifdef HAVE_SNAPPY
				if (lib == 2)
					snappy_uncompress((const char *)c.data[i], c.len[i], (char *)out, &dl);
#endif
#ifdef HAVE_ZSTD
				if (lib == 3)
					ZSTD_decompressDCtx(dctx, out, ps, c.data[i], c.len[i]);
#endif
				(void)dl;
			}
		double secs = now() - t0;
#ifdef HAVE_ZSTD
		ZSTD_freeDCtx(dctx);
#endif
		printf(" %s_MBps=%.0f", name, (double)(n * ps) * PASSES / secs / 1e6);
		for (size_t i = 0; i < n; i++)
			free(c.data[i]);
	}
	printf("\n");
	free(pages);
	free(out);
	return 0;
}
