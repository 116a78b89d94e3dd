// SPDX-License-Identifier: GPL-3.0-or-later
// Standalone fuzz driver for `make check`: runs every seed file given on the
// command line through the target, then random mutations of them (bit
// flips, byte sets, truncation, duplication, splicing) for KDIVE_FUZZ_SECONDS
// (default 2) with a fixed PRNG seed, so a run is repeatable.  A crash is
// caught by the sanitizers (or the kernel) and fails the test.  For real,
// coverage-guided fuzzing use scripts/fuzz, which builds with libFuzzer.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz.h"

static uint64_t rng = 0x6b64697665ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0, r;
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			unsigned char *nb = realloc(buf, cap);
			if (!nb)
				break;
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	fclose(f);
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	double seconds = getenv("KDIVE_FUZZ_SECONDS") ? atof(getenv("KDIVE_FUZZ_SECONDS")) : 2.0;
	unsigned char **seeds = calloc((size_t)argc, sizeof(*seeds));
	size_t *lens = calloc((size_t)argc, sizeof(*lens));
	int nseeds = 0;
	for (int i = 1; i < argc; i++) {
		seeds[nseeds] = read_file(argv[i], &lens[nseeds]);
		if (!seeds[nseeds]) {
			fprintf(stderr, "cannot read seed '%s'\n", argv[i]);
			return 2;
		}
		LLVMFuzzerTestOneInput(seeds[nseeds], lens[nseeds]);
		nseeds++;
	}
	if (!nseeds) {
		static unsigned char empty[1];
		seeds[0] = empty;
		lens[0] = 0;
		nseeds = 1;
	}
	size_t cap = 1 << 20;
	unsigned char *buf = malloc(cap);
	unsigned long execs = 0;
	clock_t end = clock() + (clock_t)(seconds * CLOCKS_PER_SEC);
	while (clock() < end) {
		int k = (int)(next() % (uint64_t)nseeds);
		size_t len = lens[k] < cap ? lens[k] : cap;
		memcpy(buf, seeds[k], len);
		unsigned nmut = 1 + (unsigned)(next() % 8);
		for (unsigned m = 0; m < nmut; m++) {
			uint64_t r = next();
			size_t pos = len ? (size_t)(next() % len) : 0;
			switch (r % 6) {
			case 0: if (len) buf[pos] ^= (unsigned char)(1u << (r >> 8) % 8); break;
			case 1: if (len) buf[pos] = (unsigned char)(r >> 16); break;
			case 2: if (len) buf[pos] = (r >> 16) & 1 ? 0xff : 0x00; break;
			case 3: len = pos; break; // truncate
			case 4: { // copy a chunk within the buffer
				if (!len) break;
				size_t src = (size_t)(next() % len), n = (size_t)(next() % 64);
				if (src + n > len) n = len - src;
				if (pos + n > cap) n = cap - pos;
				memmove(buf + pos, buf + src, n);
				if (pos + n > len) len = pos + n;
				break;
			}
			default: { // splice from another seed
				int j = (int)(next() % (uint64_t)nseeds);
				if (!lens[j]) break;
				size_t src = (size_t)(next() % lens[j]), n = (size_t)(next() % 256);
				if (src + n > lens[j]) n = lens[j] - src;
				if (pos + n > cap) n = cap - pos;
				memcpy(buf + pos, seeds[j] + src, n);
				if (pos + n > len) len = pos + n;
			}
			}
		}
		LLVMFuzzerTestOneInput(buf, len);
		execs++;
	}
	printf("%lu executions in %.1f s\n", execs, seconds);
	free(buf);
	for (int i = 0; i < argc - 1; i++)
		free(seeds[i]);
	free(seeds);
	free(lens);
	return 0;
}
