// SPDX-License-Identifier: GPL-3.0-or-later
// kdwalk: run one of the core's container walkers (<kdive/walk.h>) on a dump,
// for the real-dump tests of the walkers no command exposes (lists).
// Prints "ADDRESS FIRST LAST" per element (hex), each lost element as
// "lost ADDRESS: why" on stderr; exit 1 if something was lost.
// usage: kdwalk DUMP list|hlist|rbtree|xarray|idr|maple ADDRESS|SYMBOL[+OFF]
//        kdwalk DUMP percpu SYMBOL   (kd_percpu_ptr: "CPU ADDRESS" per CPU)
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <kdive/symbols.h>
#include <kdive/types.h>
#include <kdive/walk.h>

#include "core/session_priv.h"

static int each(struct kd_session *s, const struct kd_walk_item *it, void *arg)
{
	(void)s, (void)arg;
	printf("%016" PRIx64 " %" PRIx64 " %" PRIx64 "\n", it->addr, it->first, it->last);
	return 0;
}

static void lost(struct kd_session *s, uint64_t addr, const struct kd_error *why, void *arg)
{
	(void)s, (void)arg;
	fprintf(stderr, "lost %016" PRIx64 ": %s\n", addr, why->msg);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: kdwalk DUMP list|hlist|rbtree|xarray|idr|maple ADDRESS\n");
		return 2;
	}
	struct kd_session *s;
	const char *paths[1] = { argv[1] };
	struct kd_error *err = kd_session_create_multi(paths, 1, NULL, &s);
	uint64_t addr = 0;
	if (!err && !(err = kd_symbols_load(s)) && !(err = kd_types_load(s)))
		err = kd_parse_address(s, argv[3], &addr);
	if (err) {
		fprintf(stderr, "kdwalk: %s\n", err->msg);
		return 2;
	}
	struct kd_walk w = { .fn = each, .lost = lost };
	const char *k = argv[2];
	if (!strcmp(k, "percpu")) {
		for (unsigned cpu = 0; cpu < kd_dump_nr_cpus(s) && !err; cpu++) {
			uint64_t a;
			if (!(err = kd_percpu_ptr(s, addr, cpu, &a)))
				printf("%u %016" PRIx64 "\n", cpu, a);
		}
	} else if (!strcmp(k, "list"))
		err = kd_walk_list(s, addr, &w);
	else if (!strcmp(k, "hlist"))
		err = kd_walk_hlist(s, addr, &w);
	else if (!strcmp(k, "rbtree"))
		err = kd_walk_rbtree(s, addr, &w);
	else if (!strcmp(k, "xarray"))
		err = kd_walk_xarray(s, addr, &w);
	else if (!strcmp(k, "idr"))
		err = kd_walk_idr(s, addr, &w);
	else if (!strcmp(k, "maple"))
		err = kd_walk_maple(s, addr, &w);
	else
		err = kd_error_create(KD_ERR_USAGE, "unknown walk '%s'", k);
	int rc = w.nlost ? 1 : 0;
	if (err) {
		fprintf(stderr, "kdwalk: %s\n", err->msg);
		kd_error_destroy(err);
		rc = 2;
	}
	kd_session_destroy(s);
	return rc;
}
