/* SPDX-License-Identifier: GPL-3.0-or-later */
// pagemap's parts: the page sink (filter, list, summary: pagemap.c) that the
// page sources feed, live (/proc: pagemap_live.c) or from a dump.
#ifndef KDIVE_PAGEMAP_H
#define KDIVE_PAGEMAP_H

#include <stdbool.h>
#include <stdint.h>

#include <kdive/kpf.h>
#include <kdive/module.h>

/** One page as a source sees it. */
struct pm_page {
	uint64_t vpn;      /**< virtual page number (with -p/-f), else = the pfn */
	uint64_t pfn;      /**< page frame, or the swap offset when swapped */
	uint64_t pme;      /**< the pagemap entry (0 when walking frames) */
	uint64_t flags;    /**< the kpageflags word as the kernel reports it */
	uint64_t count;    /**< kpagecount: how many times mapped */
	uint64_t cgroup;   /**< kpagecgroup: the memory cgroup's inode */
	bool swapped;
};

struct pm_sum {
	uint64_t flags, pages;
};

/** What the sink does with each page; one per run. */
struct pm_sink {
	struct kd_session *s;
	uint64_t ps;         /**< page size: the live kernel's or the dump's */
	bool by_va;          /**< lines start with the virtual page (-p, -f) */
	bool raw, list_each, list_ranges, no_summary, mapcnt, cgroup, json;
	bool need_count;     /**< the map count is shown (-M, or a --json list): live, kpagecount is read */
	struct kd_kpf_filter filter;
	bool has_filter;
	bool root_hint;      /**< a present page with pfn 0 was seen (not root) */
	uint64_t total;
	struct pm_sum *sum;  /**< open hash of flags values */
	size_t nsum, capsum;
	// the range being gathered for -l
	struct pm_page run;
	uint64_t run_len, run_flags;
};

/** Feed one page. */
struct kd_error *pm_add(struct pm_sink *k, const struct pm_page *p);

/** Page-number range from -a, or all. */
struct pm_range {
	uint64_t lo, hi;  /**< [lo, hi) in pages */
};

/* Live sources (pagemap_live.c). */
struct kd_error *pm_live_pid(struct pm_sink *k, long pid, const struct pm_range *r);
struct kd_error *pm_live_frames(struct pm_sink *k, const struct pm_range *r);
struct kd_error *pm_live_file(struct pm_sink *k, const char *path, const struct pm_range *r);

/* Dump sources (pagemap_dump.c). */
struct kd_error *pm_dump_pid(struct pm_sink *k, long pid, const struct pm_range *r);
struct kd_error *pm_dump_frames(struct pm_sink *k, const struct pm_range *r);

#endif
