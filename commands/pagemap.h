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
	const char *cgroup_path; /**< its path, when known (dump: the kernfs names) */
	bool cgroup_unknown;     /**< the memory cgroup could not be read ('?') */
	bool swapped;
};

struct pm_sum {
	uint64_t flags, pages;
};

/** -C's per-cgroup census: one memory cgroup's pages. */
struct pm_cgsum {
	uint64_t ino, pages;
	const char *path;
	bool unknown;
};

struct pm_cg;

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
	struct pm_cg *cg;        /**< -C on a dump: the memcg reader */
	struct pm_cgsum *cgsum;  /**< -C: pages per cgroup */
	size_t ncg, capcg;
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

/* -C on a dump (pagemap_cgroup.c). */
struct kd_page;
struct kd_error *pm_cg_create(struct kd_session *s, struct pm_cg **ret);
void pm_cg_destroy(struct pm_cg *c);
/** Fill p's cgroup, cgroup_path and cgroup_unknown from pg's folio. */
void pm_cg_page(struct pm_cg *c, const struct kd_page *pg, struct pm_page *p);
/** Name the pages whose memcg was unreadable, once; an error if any. */
struct kd_error *pm_cg_end(struct pm_cg *c);
/** "present" or "absent": whether the kernel has CONFIG_PAGE_OWNER. */
const char *pm_page_owner_state(struct kd_session *s);

#endif
