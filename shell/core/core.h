/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The core: one open dump, as the session sees it.  kd_core_open() opens the
 * files (shell/core/file.h), finds the format backend (shell/fmt/format.h)
 * and reads physical memory through the page cache (shell/core/cache.h).
 * This header includes those three, so including it is enough for the
 * layers above.  This layer knows nothing of the shell.
 */
#ifndef KD_CORE_CORE_H
#define KD_CORE_CORE_H

#include <stddef.h>
#include <stdint.h>

#include <kdive/error.h>

#include "cache.h"
#include "file.h"
#include "../fmt/format.h"

struct kd_error *kd_core_open(const char *path, struct kd_core **ret);
/* Open a dump made of several files (makedumpfile --split parts). */
struct kd_error *kd_core_open_multi(const char *const *paths, size_t npaths, struct kd_core **ret);
void kd_core_close(struct kd_core *c);
/*
 * Read len bytes of physical memory at paddr.  page_size is the session's
 * (VMCOREINFO PAGESIZE); the format's own, if it has one, wins.
 */
struct kd_error *kd_core_read_phys(struct kd_core *c, uint64_t paddr, void *buf, size_t len,
				   uint64_t page_size);

/* Statistics of the page cache (zeros when there is none). */
void kd_core_cache_stats(const struct kd_core *c, struct kd_cache_stats *st);
/* Resize the page cache (0 disables it). */
struct kd_error *kd_core_set_cache(struct kd_core *c, size_t npages);

#endif
