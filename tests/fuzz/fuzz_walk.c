// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: the container walkers' core (shell/core/walk.c,
// walk_tree.c) over arbitrary memory: a list (forward, then backwards past
// a lost link), an hlist, a red-black tree, an xarray (as an IDR too) and a
// maple tree, with Linux 6.1's layouts and positions on.  The input is a
// 64-byte header (fuzz_mem.h: where each root is, a page to leave out)
// followed by the memory at WALK_BASE.  Seed: tests/fuzz/seeds/walk/.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_mem.h"
#include "core/walk_priv.h"

static const uint8_t *mem;
static size_t memlen;
static uint64_t hole;

static struct kd_error *fuzz_read(struct kd_session *s, uint64_t addr, void *buf, size_t len)
{
	(void)s;
	if (addr < WALK_BASE || addr - WALK_BASE > memlen || len > memlen - (addr - WALK_BASE))
		return kd_error_addr(KD_ERR_FAULT, addr, "not mapped");
	if (hole && addr < hole + 4096 && addr + len > hole)
		return kd_error_addr(KD_ERR_NODATA, addr, "excluded");
	memcpy(buf, mem + (addr - WALK_BASE), len);
	return NULL;
}

static size_t seen;
static int each(struct kd_session *s, const struct kd_walk_item *it, void *arg)
{
	(void)s, (void)arg;
	seen += (size_t)(it->addr ^ it->first ^ it->last) & 1;
	if (it->path)
		seen += strlen(it->path) & 1;
	if (getenv("KDIVE_FUZZ_WALK_SHOW"))
		printf("%s %016llx %llx-%llx %s\n", (const char *)arg, (unsigned long long)it->addr,
		       (unsigned long long)it->first, (unsigned long long)it->last, it->path ? it->path : "");
	return 0;
}

static void lost(struct kd_session *s, uint64_t addr, const struct kd_error *why, void *arg)
{
	(void)s;
	if (getenv("KDIVE_FUZZ_WALK_SHOW"))
		printf("%s lost %016llx: %s\n", (const char *)arg, (unsigned long long)addr, why->msg);
}

static void run(const char *name, int kind, uint64_t root, unsigned flags)
{
	static const struct kd_list_layout ll = { .next = 0, .prev = 8 }, hl = { .next = 0, .prev = 0 };
	static const struct kd_rb_layout rb = { .root = 0, .left = 16, .right = 8 };
	static const struct kd_xa_layout xl = { .head = 8, .shift = 0, .slots = 40, .nslots = 64, .chunk_shift = 6 };
	struct kd_maple_layout ml = { .root = 8, .node_size = 256, .type = { 0, 1, 2, 3 } };
	ml.t[KD_MT_DENSE].slot = 8, ml.t[KD_MT_DENSE].nslots = 31;
	ml.t[KD_MT_RANGE64].pivot = 8, ml.t[KD_MT_RANGE64].npivots = 15;
	ml.t[KD_MT_RANGE64].slot = 128, ml.t[KD_MT_RANGE64].nslots = 16, ml.t[KD_MT_RANGE64].meta_end = 248;
	ml.t[KD_MT_LEAF64] = ml.t[KD_MT_RANGE64];
	ml.t[KD_MT_ARANGE64].pivot = 8, ml.t[KD_MT_ARANGE64].npivots = 9;
	ml.t[KD_MT_ARANGE64].slot = 80, ml.t[KD_MT_ARANGE64].nslots = 10, ml.t[KD_MT_ARANGE64].meta_end = 240;
	struct kd_walk w = { .fn = each, .lost = lost, .arg = (void *)name, .flags = flags };
	struct kd_walk_ctx c;
	kd_walk_ctx_init(&c, NULL, fuzz_read, &w);
	c.limit = 100000;
	bool node = flags & KD_WALK_START_NODE;
	switch (kind) {
	case 0: kd_walk_list_core(&c, &ll, root, node); break;
	case 1: kd_walk_hlist_core(&c, &hl, root); break;
	case 2: kd_walk_rbtree_core(&c, &rb, root, node); break;
	case 3: kd_walk_xarray_core(&c, &xl, root, node, 0); break;
	case 4: kd_walk_maple_core(&c, &ml, root, node); break;
	}
	kd_error_destroy(kd_walk_ctx_finish(&c, name));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < sizeof(struct walk_hdr))
		return 0;
	struct walk_hdr h;
	memcpy(&h, data, sizeof(h));
	mem = data + sizeof(h);
	memlen = size - sizeof(h);
	hole = h.hole ? WALK_BASE + (uint64_t)(h.hole - 1) * 4096 : 0;
	static const char *const names[5] = { "list", "hlist", "rbtree", "xarray", "maple" };
	for (int k = 0; k < 5; k++) {
		unsigned flags = (h.flags >> (2 * k)) & 3;
		run(names[k], k, WALK_BASE + h.root[k], flags);
	}
	return 0;
}
