// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: the x86_64 page-table walk over arbitrary physical memory,
// driven through the backend's read callback (no dump).  Input: a 72-byte
// header (fuzz_mem.h: flags, root page, 8 virtual addresses) then the
// physical memory from address 0.  Each address is translated (fast path
// and walk), walked level by level, and searched for with next_mapped the
// way derive_page_offset steps through the kernel half; cycles between
// tables must end within the level count and next_mapped must stay linear
// in the number of tables.  Seeds: pgtable-4.in, pgtable-5.in (mkseeds_mem).
#include <stdlib.h>
#include <string.h>

#include "../../arch/x86_64.h"
#include "fuzz.h"
#include "fuzz_mem.h"

struct mem {
	const uint8_t *p;
	size_t len;
	unsigned long reads;
};

static struct kd_error *rd(void *arg, uint64_t pa, void *buf, size_t len)
{
	struct mem *m = arg;
	m->reads++;
	if (pa > m->len || len > m->len - pa)
		return kd_error_addr(KD_ERR_FAULT, pa, "physical address 0x%llx is not in the dump",
				     (unsigned long long)pa);
	memcpy(buf, m->p + pa, len);
	return NULL;
}

struct levels {
	unsigned n;
};

static struct kd_error *level_cb(const struct kd_walk_level *l, void *arg)
{
	struct levels *lv = arg;
	if (++lv->n > 5)
		abort(); // a walk deeper than the paging levels
	char flags[128];
	kd_arch_x86_64.pte_flags(l->entry, flags, sizeof(flags));
	uint64_t type, off;
	kd_arch_x86_64.pte_swap(l->entry, &type, &off);
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < PGT_HDR)
		return 0;
	struct pgt_hdr h;
	memcpy(&h, data, sizeof(h));
	struct mem m = { data + PGT_HDR, size - PGT_HDR, 0 };
	if (m.len > PGT_MAX_MEM)
		m.len = PGT_MAX_MEM;
	struct kd_x86_64_params p = {
		.la57 = h.flags & PGT_LA57,
		.kernel_root = (uint64_t)h.root * 4096,
		.kernel_root_va = 0xffffffff82000000ull,
		.sme_mask = h.flags & PGT_SME ? 1ull << 47 : 0,
		.stext = h.flags & PGT_STEXT ? 0xffffffff81000000ull : 0,
		.kernel_image_size = 1ull << 30,
		.phys_end = m.len,
	};
	void *st;
	struct kd_error *err = kd_x86_64_create(&p, rd, &m, &st);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	if (h.flags & PGT_BASES)
		kd_x86_64_set_bases(st, h.va[0], h.va[1], h.va[2], "fuzz");
	const struct kd_vm_region *r;
	kd_arch_x86_64.regions(st, &r);
	struct kd_vm_info info;
	kd_arch_x86_64.info_get(st, &info);
	struct kd_as as = { .kind = h.flags & PGT_USER ? KD_AS_USER : KD_AS_KERNEL,
			    .pgd = (uint64_t)h.user_root * 4096 };
	for (int i = 0; i < PGT_NVA; i++) {
		uint64_t va = h.va[i], pa, ps, mva, mpa, msize;
		for (int mode = KD_XLAT_ANY; mode <= KD_XLAT_FAST; mode++) {
			err = kd_arch_x86_64.translate(st, &as, va, mode, &pa, &ps);
			kd_error_destroy(err);
		}
		struct levels lv = { 0 };
		kd_error_destroy(kd_arch_x86_64.walk(st, &as, va, level_cb, &lv));
		// derive_page_offset's loop: the next mapping, then the next GiB.
		uint64_t from = va;
		for (int k = 0; k < 8; k++) {
			err = kd_arch_x86_64.next_mapped(st, &as, from, i & 1 ? 0 : va + (1ull << 40),
							 &mva, &mpa, &msize);
			if (err) {
				kd_error_destroy(err);
				break;
			}
			uint64_t next = (mva & ~((1ull << 30) - 1)) + (1ull << 30);
			if (next <= from)
				break;
			from = next;
		}
	}
	kd_arch_x86_64.fini(st);
	return 0;
}
