// SPDX-License-Identifier: GPL-3.0-or-later
// Data symbols found by reading the kernel's own code, for kernels without
// CONFIG_KALLSYMS_ALL (datasyms.c has the other sources).  A small text
// function that kallsyms names uses the variable: its instructions form the
// variable's address (ADRP, then ADD or a load's offset), load from it with
// a width, or pass it to a call.  Each entry of the table below names the
// variable, the function, and which of its uses is the variable: the
// address passed as argument N of a call to a named function (the callee is
// a text symbol too, so the pick does not depend on the order the compiler
// chose), or the first/last address loaded with a width that no symbol
// already names.  Where the variable's contents can say more, a check
// follows (a list of named objects, an array of pointers to objects that
// know their index).
//
// A64 instructions decoded (Arm ARM C6.2): ADRP, ADD (immediate), MOV
// (register), LDR/LDRSW/LDRH/LDRB (unsigned offset), LDR (pre-indexed), BL;
// a call clobbers x0-x18 (AAPCS64).  Registers are not tracked across
// branches, so a stale value only adds a candidate the rules refuse.
// The functions and what they use, from the kernel sources (6.1 to 6.12):
// mm/util.c vm_memory_committed(), vm_commit_limit(); kernel/irq/irqdesc.c
// irq_to_desc(); mm/swapfile.c si_swapinfo(); mm/slab_common.c slab_next(),
// slab_start(); fs/char_dev.c chrdev_show(); block/genhd.c blkdev_show();
// net/socket.c sock_from_file(); block/bdev.c nr_blockdev_pages();
// mm/hugetlb.c hugetlb_total_pages(); kernel/pid.c pid_nr_ns() ...
#include "config.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/arch.h>
#include <kdive/dump.h>
#include <kdive/symbols.h>
#include <kdive/types.h>
#include <kdive/vm.h>

#include "datasyms_code.h"

enum { FUNC_BYTES = 1024 };

static bool rd(struct kd_session *s, uint64_t va, void *buf, size_t len)
{
	struct kd_error *err = kd_read_kernel(s, va, buf, len);
	kd_error_destroy(err);
	return !err;
}

static bool rd64(struct kd_session *s, uint64_t va, uint64_t *v)
{
	uint8_t b[8];
	if (!rd(s, va, b, 8))
		return false;
	*v = kd_dump_u64(s, b);
	return true;
}

static bool rd32(struct kd_session *s, uint64_t va, uint32_t *v)
{
	uint8_t b[4];
	if (!rd(s, va, b, 4))
		return false;
	*v = kd_dump_u32(s, b);
	return true;
}

/* ---- decoding ------------------------------------------------------------------- */

static void push(struct kd_code_use *out, size_t *n, size_t max, struct kd_code_use u)
{
	if (*n < max)
		out[(*n)++] = u;
}

size_t kd_code_uses(struct kd_session *s, uint64_t addr, uint64_t size, struct kd_code_use *out,
		    size_t max)
{
	const struct kd_arch_info *ai = kd_arch_info_get(s);
	if (!ai || ai->e_machine != EM_AARCH64)
		return 0;
	uint8_t code[FUNC_BYTES];
	if (!size || size > FUNC_BYTES)
		size = FUNC_BYTES;
	if (!rd(s, addr, code, (size_t)size))
		return 0;
	uint64_t val[32] = { 0 }; // a register's known address
	size_t n = 0;
	for (uint64_t i = 0; i + 4 <= size && n < max; i += 4) {
		// A64 instructions are little-endian whatever the data's order.
		uint32_t insn = (uint32_t)code[i] | (uint32_t)code[i + 1] << 8 | (uint32_t)code[i + 2] << 16 |
				(uint32_t)code[i + 3] << 24;
		unsigned rd_ = insn & 31, rn = (insn >> 5) & 31;
		if ((insn & 0x9f000000u) == 0x90000000u) { // ADRP
			int64_t imm = (int64_t)((((insn >> 5) & 0x7ffffu) << 2) | ((insn >> 29) & 3));
			imm = (imm ^ (1ll << 20)) - (1ll << 20); // sign-extend 21 bits
			val[rd_] = ((addr + i) & ~0xfffull) + (uint64_t)(imm << 12);
			continue;
		}
		if ((insn & 0xff800000u) == 0x91000000u) { // ADD Xd, Xn, #imm{, lsl 12}
			if (!val[rn] || rn == 31) {
				val[rd_] = 0;
				continue;
			}
			uint64_t imm = (insn >> 10) & 0xfff;
			uint64_t t = val[rn] + (insn & (1u << 22) ? imm << 12 : imm);
			val[rd_] = t;
			push(out, &n, max, (struct kd_code_use){ .target = t });
			continue;
		}
		if ((insn & 0xffe0ffe0u) == 0xaa0003e0u) { // MOV Xd, Xm (ORR Xd, XZR, Xm)
			val[rd_] = val[(insn >> 16) & 31];
			continue;
		}
		if ((insn & 0xfc000000u) == 0x94000000u) { // BL
			int64_t imm = (int64_t)(insn & 0x3ffffffu);
			imm = (imm ^ (1ll << 25)) - (1ll << 25);
			uint64_t callee = addr + i + (uint64_t)(imm * 4);
			for (unsigned r = 0; r < 8; r++)
				if (val[r])
					push(out, &n, max, (struct kd_code_use){ .target = val[r], .callee = callee, .arg = (uint8_t)r });
			memset(val, 0, 19 * sizeof(val[0])); // x0-x18: the callee's
			continue;
		}
		// Loads with an unsigned scaled offset: size bits 31:30, opc 23:22.
		static const struct {
			uint32_t mask, match;
			uint8_t width;
		} loads[] = {
			{ 0xffc00000u, 0xf9400000u, 8 }, // LDR Xt
			{ 0xffc00000u, 0xb9400000u, 4 }, // LDR Wt
			{ 0xffc00000u, 0xb9800000u, 4 }, // LDRSW Xt
			{ 0xffc00000u, 0x79400000u, 2 }, // LDRH Wt
			{ 0xffc00000u, 0x39400000u, 1 }, // LDRB Wt
		};
		bool done = false;
		for (size_t k = 0; k < sizeof(loads) / sizeof(loads[0]) && !done; k++) {
			if ((insn & loads[k].mask) != loads[k].match)
				continue;
			done = true;
			if (val[rn] && rn != 31)
				push(out, &n, max, (struct kd_code_use){
					.target = val[rn] + ((insn >> 10) & 0xfff) * loads[k].width, .width = loads[k].width });
			val[rd_] = 0; // the loaded value
		}
		if (done)
			continue;
		if ((insn & 0xffe00c00u) == 0xf8400c00u && val[rn]) { // LDR Xt, [Xn, #simm]!
			int64_t imm = (int64_t)((insn >> 12) & 0x1ff);
			imm = (imm ^ 0x100) - 0x100;
			uint64_t t = val[rn] + (uint64_t)imm;
			push(out, &n, max, (struct kd_code_use){ .target = t, .width = 8 });
			val[rn] = t; // written back
			if (rd_ != rn)
				val[rd_] = 0;
			continue;
		}
		if ((insn & 0x1f800000u) == 0x12800000u) // MOVN/MOVZ/MOVK: a constant
			val[rd_] = 0;
	}
	return n;
}

size_t kd_code_targets(struct kd_session *s, uint64_t addr, uint64_t size, uint64_t *out, size_t max)
{
	struct kd_code_use u[KD_CODE_MAX_USES];
	size_t nu = kd_code_uses(s, addr, size, u, KD_CODE_MAX_USES), n = 0;
	for (size_t i = 0; i < nu && n < max; i++) {
		bool dup = false;
		for (size_t j = 0; j < n && !dup; j++)
			dup = out[j] == u[i].target;
		if (!dup)
			out[n++] = u[i].target;
	}
	return n;
}

/* ---- checks on what a candidate holds ---------------------------------------------- */

static bool member_off(struct kd_session *s, const char *type, const char *path, uint64_t *off)
{
	struct kd_member_info m;
	struct kd_error *err = kd_type_member(s, type, path, &m);
	kd_error_destroy(err);
	if (err)
		return false;
	*off = m.offset;
	return true;
}

static bool printable(const char *p, size_t n)
{
	if (!n || !memchr(p, 0, n) || !p[0])
		return false;
	for (; *p; p++)
		if (*p <= ' ' || *p > '~')
			return false;
	return true;
}

// A list_head whose entries are `type` (linked by its `list` member) with a
// printable name (`name`: a char pointer, or an array when inline), linked
// both ways and back to head within a bound.
static bool check_named_list(struct kd_session *s, uint64_t head, const char *type, const char *list,
			     const char *name, bool name_ptr)
{
	uint64_t list_off, name_off, cur = head, next, prev;
	if (!member_off(s, type, list, &list_off) || !member_off(s, type, name, &name_off))
		return false;
	for (unsigned n = 0; n < 65536; n++) {
		if (!rd64(s, cur, &next) || !rd64(s, next + 8, &prev) || prev != cur)
			return false;
		if (next == head)
			return n > 0;
		uint64_t at = next - list_off + name_off;
		char buf[48];
		if (name_ptr && !rd64(s, at, &at))
			return false;
		if (!rd(s, at, buf, sizeof(buf)) || !printable(buf, sizeof(buf)))
			return false;
		cur = next;
	}
	return false;
}

static bool check_slab_caches(struct kd_session *s, uint64_t a)
{
	return check_named_list(s, a, "kmem_cache", "list", "name", true);
}

// A table of 255 pointers (CHRDEV_MAJOR_HASH_SIZE, BLKDEV_MAJOR_HASH_SIZE):
// each entry NULL or a struct `type` of a major that hashes to its index,
// with a printable name of name_len bytes; at least one used.
static bool check_major_table(struct kd_session *s, uint64_t a, const char *type, size_t name_len)
{
	uint64_t major_off, name_off;
	if (!member_off(s, type, "major", &major_off) || !member_off(s, type, "name", &name_off))
		return false;
	unsigned used = 0;
	for (unsigned i = 0; i < 255; i++) {
		uint64_t p;
		uint32_t major;
		char name[32];
		if (!rd64(s, a + 8ull * i, &p))
			return false;
		if (!p)
			continue;
		if (!rd32(s, p + major_off, &major) || major % 255 != i || !rd(s, p + name_off, name, name_len) ||
		    !printable(name, name_len))
			return false;
		used++;
	}
	return used > 0;
}

// chrdevs[]: char_device_struct entries (with their hash chain's next).
static bool check_chrdevs(struct kd_session *s, uint64_t a)
{
	uint64_t next_off;
	return member_off(s, "char_device_struct", "next", &next_off) &&
	       check_major_table(s, a, "char_device_struct", 32);
}

// major_names[]: blk_major_name entries.
static bool check_major_names(struct kd_session *s, uint64_t a)
{
	return check_major_table(s, a, "blk_major_name", 16);
}

// swap_info[]: the first nr_swapfiles entries are swap_info_structs whose
// type is their index (nr_swapfiles must be known and small).
static bool check_swap_info(struct kd_session *s, uint64_t a)
{
	uint64_t nr_addr, type_off;
	uint32_t nr;
	struct kd_error *err = kd_symbol_address(s, "nr_swapfiles", &nr_addr);
	kd_error_destroy(err);
	if (err || !rd32(s, nr_addr, &nr) || nr > 64 || !member_off(s, "swap_info_struct", "type", &type_off))
		return false;
	for (uint32_t i = 0; i < nr; i++) {
		uint64_t p;
		uint8_t t[1];
		if (!rd64(s, a + 8ull * i, &p) || !p || !rd(s, p + type_off, t, 1) || t[0] != i)
			return false;
	}
	return true;
}

static bool check_small_count(struct kd_session *s, uint64_t a)
{
	uint32_t v;
	return rd32(s, a, &v) && v <= 64; // MAX_SWAPFILES is at most 32
}

// tk_core (kernel/time/timekeeping.c): { seqcount_raw_spinlock_t seq;
// struct timekeeper timekeeper; } (anonymous before 6.13, struct tk_data
// after); the live timekeeper's monotonic and raw readers use the same
// clocksource, whose name is a printable string.
static bool check_tk_core(struct kd_session *s, uint64_t a)
{
	uint64_t off, mono, raw, name_off, clock, name;
	struct kd_member_info m;
	struct kd_error *err = kd_type_member(s, "tk_data", "timekeeper", &m);
	if (!err) {
		off = m.offset;
	} else {
		kd_error_destroy(err);
		if ((err = kd_type_size(s, "seqcount_raw_spinlock_t", &off))) {
			kd_error_destroy(err);
			return false;
		}
		off = (off + 7) & ~7ull; // struct timekeeper starts with u64 members
	}
	char buf[32];
	return member_off(s, "timekeeper", "tkr_mono.clock", &mono) &&
	       member_off(s, "timekeeper", "tkr_raw.clock", &raw) && member_off(s, "clocksource", "name", &name_off) &&
	       rd64(s, a + off + mono, &clock) && clock && rd64(s, a + off + raw, &name) && name == clock &&
	       rd64(s, clock + name_off, &name) && rd(s, name, buf, sizeof(buf)) && printable(buf, sizeof(buf));
}

// nr_threads (kernel/fork.c): an int, at least 1 and at most PID_MAX_LIMIT
// (4 Mi, include/linux/threads.h).
static bool check_nr_threads(struct kd_session *s, uint64_t a)
{
	uint32_t v;
	return rd32(s, a, &v) && v >= 1 && v <= (4u << 20);
}

// max_pfn (mm/memblock.c): past the dump's highest page of RAM is at most
// what a 52-bit physical address space holds, and it covers half the RAM.
static bool check_max_pfn(struct kd_session *s, uint64_t a)
{
	uint64_t v, ps = kd_page_size(s);
	return ps && rd64(s, a, &v) && v && v <= (1ull << 52) / ps && v * ps >= kd_phys_total(s) / 2;
}

// vmstat_text (mm/vmstat.c): the counters' names, the zone counters' first,
// "nr_free_pages" (include/linux/mmzone.h: NR_FREE_PAGES is 0).
static bool check_vmstat_text(struct kd_session *s, uint64_t a)
{
	uint64_t p;
	char buf[16];
	return rd64(s, a, &p) && rd(s, p, buf, sizeof(buf)) && memcmp(buf, "nr_free_pages", 14) == 0;
}

/* ---- the table ------------------------------------------------------------------- */

enum { ANY = 1000 }; // nth: the first address the function forms that passes the check

struct ref {
	const char *var;
	const char *func;
	const char *callee; // the address is argument `arg` of a call to it; NULL: see width
	unsigned arg;
	int width;          // callee NULL: loaded with this width (1, 2, 4, 8); 0: formed, never passed to a call
	int nth;            // among the matching addresses no symbol names: 0 first, -1 last;
			    // ANY: among all of them, the first the check accepts
	bool (*check)(struct kd_session *s, uint64_t a);
	uint64_t size;      // the variable's size when the check established it, else 0
};

static const struct ref refs[] = {
	{ "vm_committed_as", "vm_memory_committed", "__percpu_counter_sum", 0, 0, 0, NULL, 0 },
	{ "irq_desc_tree", "irq_to_desc", "radix_tree_lookup", 0, 0, 0, NULL, 0 },
	{ "sparse_irqs", "irq_to_desc", "mtree_load", 0, 0, 0, NULL, 0 },
	{ "sysctl_overcommit_kbytes", "vm_commit_limit", NULL, 0, 8, 0, NULL, 0 },
	{ "sysctl_overcommit_ratio", "vm_commit_limit", NULL, 0, 4, 0, NULL, 0 },
	{ "total_swap_pages", "vm_commit_limit", NULL, 0, 8, -1, NULL, 0 },
	{ "nr_swapfiles", "si_swapinfo", NULL, 0, 4, 0, check_small_count, 0 },
	{ "swap_info", "si_swapinfo", NULL, 0, 0, 0, check_swap_info, 0 },
	{ "slab_caches", "slab_next", "seq_list_next", 1, 0, 0, check_slab_caches, 0 },
	{ "slab_caches", "slab_start", "seq_list_start", 0, 0, 0, check_slab_caches, 0 },
	// CHRDEV_MAJOR_HASH_SIZE (include/linux/fs.h), BLKDEV_MAJOR_HASH_SIZE
	// (block/genhd.c): 255 pointers each, as the checks read them.
	{ "chrdevs", "chrdev_show", NULL, 0, 0, 0, check_chrdevs, 255 * 8 },
	{ "major_names", "blkdev_show", NULL, 0, 0, 0, check_major_names, 255 * 8 },
	{ "socket_file_ops", "sock_from_file", NULL, 0, 0, 0, NULL, 0 },
	{ "blockdev_superblock", "nr_blockdev_pages", NULL, 0, 8, 0, NULL, 0 },
	{ "hugetlb_max_hstate", "hugetlb_total_pages", NULL, 0, 4, 0, NULL, 0 },
	{ "hstates", "hugetlb_total_pages", NULL, 0, 0, 0, NULL, 0 },
	// kernel/time/timekeeping.c ktime_get() reads tk_core.seq and the
	// timekeeper; fs/proc/loadavg.c loadavg_proc_show() prints nr_threads;
	// kernel/dma/direct.c dma_direct_get_required_mask() reads max_pfn;
	// mm/vmstat.c vmstat_show() prints vmstat_text[i].
	{ "tk_core", "ktime_get", NULL, 0, 0, ANY, check_tk_core, 0 },
	{ "nr_threads", "loadavg_proc_show", NULL, 0, 4, 0, check_nr_threads, 0 },
	{ "max_pfn", "dma_direct_get_required_mask", NULL, 0, 8, 0, check_max_pfn, 0 },
	{ "vmstat_text", "vmstat_show", NULL, 0, 0, ANY, check_vmstat_text, 0 },
};

// Is a is named already (a symbol exactly there)?
static bool named(struct kd_session *s, uint64_t a)
{
	struct kd_symbol sym;
	uint64_t off = 1;
	struct kd_error *err = kd_symbol_at(s, a, &sym, &off);
	kd_error_destroy(err);
	return !err && off == 0;
}

static bool matches(const struct ref *r, const struct kd_code_use *u, size_t nu, size_t i, uint64_t callee)
{
	uint64_t t = u[i].target;
	if (r->nth == ANY)
		return true;
	if (r->callee)
		return u[i].callee == callee && u[i].arg == r->arg;
	if (r->width)
		return u[i].width == r->width;
	// Formed (and maybe indexed): no use of it is a call's argument.
	for (size_t j = 0; j < nu; j++)
		if (u[j].target == t && u[j].callee)
			return false;
	return true;
}

static bool resolve(struct kd_session *s, struct kd_symtab *t, const struct ref *r, uint64_t *ret)
{
	uint64_t addr, size, callee = 0;
	bool exact;
	struct kd_symbol sym;
	if (!kd_symtab_extent(s, r->func, &addr, &size, &exact))
		return false;
	if (r->callee) {
		if (!kd_symtab_find(t, r->callee, &sym))
			return false;
		callee = sym.address;
	}
	struct kd_code_use u[KD_CODE_MAX_USES];
	size_t nu = kd_code_uses(s, addr, size, u, KD_CODE_MAX_USES);
	uint64_t cand[KD_CODE_MAX_USES];
	size_t nc = 0;
	for (size_t i = 0; i < nu; i++) {
		if (!matches(r, u, nu, i, callee) || named(s, u[i].target))
			continue;
		bool dup = false;
		for (size_t j = 0; j < nc && !dup; j++)
			dup = cand[j] == u[i].target;
		if (!dup)
			cand[nc++] = u[i].target;
	}
	if (!nc)
		return false;
	if (r->nth == ANY) {
		for (size_t i = 0; i < nc; i++)
			if (r->check(s, cand[i])) {
				*ret = cand[i];
				return true;
			}
		return false;
	}
	*ret = r->nth < 0 ? cand[nc - 1] : (size_t)r->nth < nc ? cand[r->nth] : 0;
	return *ret && (!r->check || r->check(s, *ret));
}

void kd_datasyms_code(struct kd_session *s, struct kd_symtab *t)
{
	for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
		const struct ref *r = &refs[i];
		struct kd_symbol have;
		uint64_t a;
		if (kd_symtab_find(t, r->var, &have) || !resolve(s, t, r, &a))
			continue;
		char why[160];
		if (r->callee)
			snprintf(why, sizeof(why), "code: argument %u of %s() in %s()%s", r->arg + 1, r->callee, r->func,
				 r->check ? ", checked" : "");
		else if (r->nth == ANY)
			snprintf(why, sizeof(why), "code: an address formed in %s(), checked", r->func);
		else
			snprintf(why, sizeof(why), "code: %s %s in %s()%s",
				 r->nth < 0 ? "the last" : "the first",
				 r->width == 8 ? "8-byte load" : r->width == 4 ? "4-byte load" : r->width ? "load" : "address",
				 r->func, r->check ? ", checked" : "");
		kd_symtab_set_origin(t, kd_symtab_origin(t, why));
		kd_error_destroy(kd_symtab_add(t, r->var, strlen(r->var), 'D', a, r->size, 0));
		kd_symtab_set_origin(t, 0);
	}
}
