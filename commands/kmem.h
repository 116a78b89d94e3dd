/* SPDX-License-Identifier: GPL-3.0-or-later */
// The parts of the kmem command that live in their own files; kmem.c parses
// the options and calls them.  Each prints with kd_printf or, in --json
// mode, as members of the object kmem.c has opened.
#ifndef KDIVE_COMMANDS_KMEM_H
#define KDIVE_COMMANDS_KMEM_H

#include <stdbool.h>
#include <stdint.h>

#include <kdive/session.h>

// kmem -s [CACHE] (objects false), kmem -S CACHE (objects true): slab caches (kmem_slab.c).
struct kd_error *kmem_slab_show(struct kd_session *s, const char *cache, bool objects);
// kmem -v: vmalloc areas (kmem_vmalloc.c).
struct kd_error *kmem_vmalloc_show(struct kd_session *s);
// kmem ADDR: the slab object holding addr; *found true when it printed one.
struct kd_error *kmem_slab_addr(struct kd_session *s, uint64_t addr, bool *found);
// kmem ADDR: the vmalloc area holding addr; *found true when it printed one.
struct kd_error *kmem_vmalloc_addr(struct kd_session *s, uint64_t addr, bool *found);

#endif
