// SPDX-License-Identifier: GPL-3.0-or-later
// kdcmp: compare every physical page of a dump with a reference dump (the
// QEMU ELF), through the core API (kd_session, kd_read_phys).  For each page
// of the reference's ranges: the dump under test either gives bytes (which
// must be identical), says the page was excluded (KD_ERR_NODATA), or says it
// is not in the dump (KD_ERR_FAULT).  Prints one summary line:
//   pages=N kept=N same=N differ=N excluded=N absent=N errors=N
// and the first few differing pages and errors on stderr.  Exit 0 when no
// page differs and no read failed otherwise; 1 else.
//
// usage: kdcmp [-z] REFERENCE DUMP [PART...]
//   -z  also count excluded pages whose reference bytes are all zero
//       (zero=N), to see zero pages told apart from excluded ones
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/session_priv.h"

static bool all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

int main(int argc, char **argv)
{
	bool zflag = false;
	int a = 1;
	if (a < argc && strcmp(argv[a], "-z") == 0) {
		zflag = true;
		a++;
	}
	if (argc - a < 2) {
		fprintf(stderr, "usage: kdcmp [-z] REFERENCE DUMP [PART...]\n");
		return 2;
	}
	setenv("KDIVE_CACHE_PAGES", "0", 0); // every page once: a cache only costs copies
	struct kd_session *ref, *dut;
	struct kd_error *err = kd_session_create(argv[a], NULL, &ref);
	if (err) {
		fprintf(stderr, "kdcmp: %s\n", err->msg);
		return 2;
	}
	err = kd_session_create_multi((const char *const *)argv + a + 1, (size_t)(argc - a - 1), NULL,
				      &dut);
	if (err) {
		fprintf(stderr, "kdcmp: %s\n", err->msg);
		return 2;
	}
	uint64_t ps = kd_page_size(ref);
	unsigned char *x = malloc(ps), *y = malloc(ps);
	if (!x || !y)
		return 2;
	uint64_t pages = 0, kept = 0, same = 0, differ = 0, excluded = 0, absent = 0, errors = 0,
		 zero_excl = 0;
	int shown = 0;
	for (size_t i = 0; i < kd_phys_range_count(ref); i++) {
		const struct kd_phys_range *r = kd_phys_range_get(ref, i);
		for (uint64_t pa = r->start; pa - r->start < r->size; pa += ps) {
			pages++;
			err = kd_read_phys(ref, pa, x, ps);
			if (err) {
				errors++;
				if (shown++ < 10)
					fprintf(stderr, "reference: %s\n", err->msg);
				kd_error_destroy(err);
				continue;
			}
			err = kd_read_phys(dut, pa, y, ps);
			if (!err) {
				kept++;
				if (memcmp(x, y, ps) == 0) {
					same++;
				} else {
					differ++;
					if (shown++ < 10)
						fprintf(stderr, "page 0x%llx differs%s\n",
							(unsigned long long)pa,
							all_zero(y, ps) ? " (dump has zeros)" : "");
				}
			} else if (err->code == KD_ERR_NODATA) {
				excluded++;
				if (zflag && all_zero(x, ps))
					zero_excl++;
			} else if (err->code == KD_ERR_FAULT) {
				absent++;
			} else {
				errors++;
				if (shown++ < 10)
					fprintf(stderr, "dump: %s\n", err->msg);
			}
			kd_error_destroy(err);
		}
	}
	printf("pages=%llu kept=%llu same=%llu differ=%llu excluded=%llu absent=%llu errors=%llu",
	       (unsigned long long)pages, (unsigned long long)kept, (unsigned long long)same,
	       (unsigned long long)differ, (unsigned long long)excluded, (unsigned long long)absent,
	       (unsigned long long)errors);
	if (zflag)
		printf(" zero=%llu", (unsigned long long)zero_excl);
	printf("\n");
	free(x);
	free(y);
	kd_session_destroy(ref);
	kd_session_destroy(dut);
	return differ || errors ? 1 : 0;
}
