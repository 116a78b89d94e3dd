// SPDX-License-Identifier: GPL-3.0-or-later
// vtop: virtual-to-physical translation shown level by level, in crash's
// x86_64 layout, plus a teaching mode (-v) that spells out which address
// bits index each table and the arithmetic from one level to the next, a
// fast-path cross-check (--check) and a search for the page-table roots of
// the processes in the dump (--roots).  Architecture-neutral: everything
// comes from kd_walk() and kd_vm_*() in <kdive/session.h>.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/arch.h>
#include <kdive/module.h>

enum { O_C, O_K, O_U, O_PGD, O_V, O_CHECK, O_ROOTS, O_JSON, O_NOPT };

static const struct kd_option vtop_opts[] = {
	[O_C] = { "c", KD_ARG_PID, "PID", "in the address space of process PID" },
	[O_K] = { "k", KD_ARG_NONE, NULL, "the addresses are kernel virtual" },
	[O_U] = { "u", KD_ARG_NONE, NULL, "the addresses are user virtual (the current context, -c PID or --pgd)" },
	[O_PGD] = { "pgd", KD_ARG_ADDR, "PADDR",
		    "the page-table root: physical address of a process's top table, or a CR3 value" },
	[O_V] = { "v", KD_ARG_NONE, NULL, "teaching mode: explain every step of the walk" },
	[O_CHECK] = { "check", KD_ARG_NONE, NULL,
		      "compare the linear fast path with the full walk for each address" },
	[O_ROOTS] = { "roots", KD_ARG_NONE, NULL,
		      "find the page-table roots in physical memory (and translate the addresses in each)" },
	[O_JSON] = KD_OPTION_JSON,
	[O_NOPT] = { NULL },
};

/* ---- collecting the walk -------------------------------------------------------- */

enum { MAX_LEVELS = 8 };

struct walk {
	struct kd_walk_level l[MAX_LEVELS];
	unsigned n;
};

static struct kd_error *collect(const struct kd_walk_level *lvl, void *arg)
{
	struct walk *w = arg;
	if (w->n < MAX_LEVELS)
		w->l[w->n++] = *lvl;
	return NULL;
}

static const struct kd_walk_level *last_level(const struct walk *w)
{
	return w->n ? &w->l[w->n - 1] : NULL;
}

static const char *size_name(uint64_t size, char *buf, size_t len)
{
	return kd_format_size(buf, len, (double)size, 1, "", false);
}

// crash's mkstring(CENTER|LJUST): the extra space goes on the right.
static void center(struct kd_session *s, const char *str, int width)
{
	int len = (int)strlen(str);
	int left = width > len ? (width - len) / 2 : 0;
	int right = width > len ? width - len - left : 0;
	kd_printf(s, "%*s%s%*s", left, "", str, right, "");
}

/* ---- crash's layout ---------------------------------------------------------------- */

// The "PTE PHYSICAL FLAGS" (or "PTE SWAP OFFSET") table that crash's
// x86_64_translate_pte() prints under the walk.
static void print_pte_table(struct kd_session *s, uint64_t pte, uint64_t frame, bool present)
{
	char ptebuf[24], buf[32], flags[256];
	snprintf(ptebuf, sizeof(ptebuf), "%" PRIx64, pte);
	int len1 = (int)strlen(ptebuf) > 3 ? (int)strlen(ptebuf) : 3;
	uint64_t type, off;
	if (!present && kd_pte_swap(s, pte, &type, &off)) {
		char tbuf[24], obuf[24];
		snprintf(tbuf, sizeof(tbuf), "%" PRIu64, type);
		snprintf(obuf, sizeof(obuf), "%" PRIx64, off);
		int len2 = (int)strlen(tbuf) > 4 ? (int)strlen(tbuf) : 4;
		int len3 = (int)strlen(obuf) > 6 ? (int)strlen(obuf) : 6;
		center(s, "PTE", len1);
		kd_printf(s, "  ");
		center(s, "SWAP", len2);
		kd_printf(s, "  OFFSET\n");
		kd_printf(s, "%*s  %*s  %*s\n", len1, ptebuf, len2, tbuf, len3, obuf);
		kd_printf(s, "(a swap entry: type %" PRIu64 " is the swap area, offset %#" PRIx64
			     " the page slot in it)\n", type, off);
		return;
	}
	snprintf(buf, sizeof(buf), "%" PRIx64, frame);
	int len2 = (int)strlen(buf) > 8 ? (int)strlen(buf) : 8;
	center(s, "PTE", len1);
	kd_printf(s, "  ");
	center(s, "PHYSICAL", len2);
	kd_printf(s, "  FLAGS\n");
	kd_printf(s, "%*s  %*s  (%s)\n", len1, ptebuf, len2, buf, kd_pte_flags(s, pte, flags, sizeof(flags)));
}

static void print_crash(struct kd_session *s, const struct kd_as *as, uint64_t root,
			const struct kd_vm_info *info, const struct walk *w)
{
	if (as->kind == KD_AS_KERNEL)
		kd_printf(s, "PGD DIRECTORY: %" PRIx64 "\n", info->kernel_root_va);
	kd_printf(s, "PAGE DIRECTORY: %" PRIx64 "\n", root);
	for (unsigned i = 0; i < w->n; i++) {
		const struct kd_walk_level *l = &w->l[i];
		if (l->state == KD_WALK_UNREADABLE) {
			kd_printf(s, "   %s: %" PRIx64 " => (not in the dump)\n", l->name, l->entry_addr);
			continue;
		}
		kd_printf(s, "   %s: %" PRIx64 " => %" PRIx64 "\n", l->name, l->entry_addr, l->entry);
	}
	const struct kd_walk_level *l = last_level(w);
	if (!l)
		return;
	char sb[16];
	if (l->state == KD_WALK_PAGE) {
		if (l->page_size > 4096)
			kd_printf(s, "  PAGE: %" PRIx64 "  (%s)\n\n", l->next,
				  size_name(l->page_size, sb, sizeof(sb)));
		else
			kd_printf(s, "  PAGE: %" PRIx64 "\n\n", l->next);
		print_pte_table(s, l->entry, l->next, true);
	} else if (l->state == KD_WALK_NOT_PRESENT && l->entry) {
		kd_printf(s, "\n");
		print_pte_table(s, l->entry, 0, false);
	}
}

/* ---- the teaching mode ----------------------------------------------------------------- */

static void binary(char *buf, uint64_t v, unsigned bits)
{
	for (unsigned i = 0; i < bits; i++)
		buf[i] = (v >> (bits - 1 - i)) & 1 ? '1' : '0';
	buf[bits] = '\0';
}

static void print_fields(struct kd_session *s, uint64_t va, const struct kd_vm_info *info,
			 const struct walk *w)
{
	// Columns: sign extension, one per level, page offset.
	struct {
		char name[16];
		unsigned hi, lo;
	} col[MAX_LEVELS + 2];
	unsigned n = 0, offbits = 12;
	if (info->va_bits < 64) {
		snprintf(col[n].name, sizeof(col[n].name), "sign");
		col[n].hi = 63;
		col[n].lo = info->va_bits;
		n++;
	}
	// All levels of the paging mode, not just the ones the walk reached:
	// each below the top indexes page_shift - 3 bits, the top one the rest.
	unsigned shift = info->page_shift ? info->page_shift : 12, per = shift - 3;
	(void)w;
	for (unsigned d = 0; d < info->levels && n < MAX_LEVELS + 1; d++) {
		const char *name = info->level_names[d] ? info->level_names[d] : "?";
		unsigned lo = shift + per * (info->levels - 1 - d);
		unsigned hi = d == 0 ? info->va_bits - 1 : lo + per - 1;
		snprintf(col[n].name, sizeof(col[n].name), "%s", name);
		col[n].hi = hi;
		col[n].lo = lo;
		n++;
		offbits = lo;
	}
	snprintf(col[n].name, sizeof(col[n].name), "offset");
	col[n].hi = offbits - 1;
	col[n].lo = 0;
	n++;
	char line1[256] = "", line2[256] = "", line3[256] = "", line4[256] = "", line5[256] = "";
	for (unsigned i = 0; i < n; i++) {
		unsigned bits = col[i].hi - col[i].lo + 1;
		uint64_t v = (va >> col[i].lo) & (bits == 64 ? ~0ull : ((1ull << bits) - 1));
		char bin[72], range[16], hex[24], dec[24];
		binary(bin, v, bits);
		snprintf(range, sizeof(range), "%u..%u", col[i].hi, col[i].lo);
		snprintf(hex, sizeof(hex), "%#" PRIx64, v);
		snprintf(dec, sizeof(dec), "%" PRIu64, v);
		int width = (int)bits > 9 ? (int)bits : 9;
		size_t l1 = strlen(line1), l2 = strlen(line2), l3 = strlen(line3), l4 = strlen(line4),
		       l5 = strlen(line5);
		snprintf(line1 + l1, sizeof(line1) - l1, " %*s", width, col[i].name);
		snprintf(line2 + l2, sizeof(line2) - l2, " %*s", width, range);
		snprintf(line3 + l3, sizeof(line3) - l3, " %*s", width, bin);
		snprintf(line4 + l4, sizeof(line4) - l4, " %*s", width, hex);
		snprintf(line5 + l5, sizeof(line5) - l5, " %*s", width, i == 0 && info->va_bits < 64 ? "" : dec);
	}
	kd_printf(s, "  bits    %s\n          %s\n          %s\n  hex     %s\n  decimal %s\n", line2, line1, line3,
		  line4, line5);
}

static void print_teaching(struct kd_session *s, uint64_t va, const struct kd_as *as, uint64_t root,
			   const struct kd_vm_info *info, const struct walk *w)
{
	char flags[256], sb[16];
	kd_printf(s, "\nHOW THE CPU FINDS %016" PRIx64 "\n", va);
	const struct kd_vm_region *r = kd_vm_region_find(s, va);
	if (r)
		kd_printf(s, "\n  region: %s, %016" PRIx64 "-%016" PRIx64 "\n          %s\n", r->name,
			  r->start, r->last, r->desc);
	unsigned shift = info->page_shift ? info->page_shift : 12, per = shift - 3;
	unsigned topbits = info->va_bits - shift - per * (info->levels - 1);
	char gran[16];
	snprintf(gran, sizeof(gran), "%u KiB", (1u << shift) / 1024);
	if (topbits == per)
		kd_printf(s, "\n  %u-level paging: the low %u bits of a virtual address are %u table indexes\n"
			     "  of %u bits each (%u entries of 8 bytes = one %s table per level) and a\n"
			     "  %u-bit offset in the page",
			  info->levels, info->va_bits, info->levels, per, 1u << per, gran, shift);
	else
		kd_printf(s, "\n  %u-level paging with %s pages: the low %u bits of a virtual address are\n"
			     "  %u table indexes, the top one of %u bits (%u entries), the others of %u bits\n"
			     "  (%u entries of 8 bytes = one %s table), and a %u-bit offset in the page",
			  info->levels, gran, info->va_bits, info->levels, topbits, 1u << topbits, per, 1u << per,
			  gran, shift);
	if (info->sign_desc)
		kd_printf(s, ".\n  Bits 63..%u: %s.\n\n", info->va_bits, info->sign_desc);
	else
		kd_printf(s, "; bits 63..%u only repeat bit %u (a \"canonical\"\n  address).\n\n", info->va_bits,
			  info->va_bits - 1);
	print_fields(s, va, info, w);
	const struct kd_walk_level *leaf = last_level(w);
	if (leaf && leaf->state == KD_WALK_PAGE && leaf->page_size > (1ull << shift)) {
		char sb2[16];
		unsigned ob = (unsigned)__builtin_ctzll(leaf->page_size);
		kd_printf(s, "\n  This address is in a %s page: the walk ends at the %s, and the bits\n"
			     "  below it (%u..0) are all offset: %#" PRIx64 ".\n",
			  size_name(leaf->page_size, sb2, sizeof(sb2)), leaf->name, ob - 1,
			  va & (leaf->page_size - 1));
	}
	kd_printf(s, "\n");
	char pb[32];
	if ((int64_t)info->phys_base < 0)
		snprintf(pb, sizeof(pb), "- %#" PRIx64, -info->phys_base);
	else
		snprintf(pb, sizeof(pb), "+ %#" PRIx64, info->phys_base);
	const char *reg = info->root_reg ? info->root_reg : "CR3";
	const char *kreg = info->kernel_root_reg ? info->kernel_root_reg : reg;
	if (as->kind == KD_AS_KERNEL && info->image_voffset)
		kd_printf(s, "  %-9s = %#" PRIx64 ": the kernel's top table, %s\n"
			     "              (%#" PRIx64 " - %#" PRIx64 ", kimage_voffset)\n",
			  kreg, root, info->kernel_root_name, info->kernel_root_va, info->image_voffset);
	else if (as->kind == KD_AS_KERNEL)
		kd_printf(s, "  %-9s = %#" PRIx64 ": the kernel's top table, %s\n"
			     "              (%#" PRIx64 " - %#" PRIx64 " %s, phys_base)\n",
			  kreg, root, info->kernel_root_name, info->kernel_root_va,
			  info->kernel_root_va - root + info->phys_base, pb);
	else
		kd_printf(s, "  %-9s = %#" PRIx64 ": the process's top table\n", reg, root);
	for (unsigned i = 0; i < w->n; i++) {
		const struct kd_walk_level *l = &w->l[i];
		kd_printf(s, "\n  %u. %-5s  index = bits %u..%u = %u\n", i + 1, l->name, l->va_hi, l->va_lo,
			  l->index);
		kd_printf(s, "            entry = %#" PRIx64 " + %u * 8 = %#" PRIx64 "\n", l->table, l->index,
			  l->entry_addr);
		if (l->state == KD_WALK_UNREADABLE) {
			kd_printf(s, "            that table is not in the dump: the walk cannot go on\n");
			break;
		}
		kd_printf(s, "            value = 0x%016" PRIx64 "  %s\n", l->entry,
			  kd_pte_flags(s, l->entry, flags, sizeof(flags)));
		switch (l->state) {
		case KD_WALK_TABLE:
			kd_printf(s, "            next  = value & 0x%016" PRIx64 " = %#" PRIx64 "  (the %s table)\n",
				  info->entry_addr_mask, l->next,
				  i + 1 < info->levels && info->level_names[i + 1] ? info->level_names[i + 1] : "next");
			break;
		case KD_WALK_PAGE:
			if (l->page_size > (1ull << shift))
				kd_printf(s, "            %s: this %s entry maps a whole %s %s; the walk stops\n",
					  info->block_desc ? info->block_desc : "PSE is set", l->name,
					  size_name(l->page_size, sb, sizeof(sb)), info->block_desc ? "block" : "page");
			kd_printf(s, "            frame = value & 0x%016" PRIx64 " = %#" PRIx64 "\n",
				  info->entry_addr_mask & ~(l->page_size - 1), l->next);
			kd_printf(s, "\n  physical  = frame + (va & %#" PRIx64 ") = %#" PRIx64 " + %#" PRIx64
				     " = %#" PRIx64 "\n",
				  l->page_size - 1, l->next, va & (l->page_size - 1), l->pa);
			break;
		case KD_WALK_NOT_PRESENT: {
			uint64_t type, off;
			if (kd_pte_swap(s, l->entry, &type, &off))
				kd_printf(s, "            %s is clear but the entry is not empty: a swap entry,\n"
					     "            %s: %" PRIu64 ", %#" PRIx64 "\n",
					  info->swap_desc ? "VALID" : "PRESENT",
					  info->swap_desc ? info->swap_desc : "type = bits 63..59, offset = ~bits 58..9",
					  type, off);
			else if (l->entry)
				kd_printf(s, "            %s is clear: the CPU would fault here\n",
					  info->swap_desc ? "VALID" : "PRESENT");
			else
				kd_printf(s, "            the entry is empty: nothing is mapped here\n");
			kd_printf(s, "\n  physical  = none: not mapped, the walk stopped at the %s\n", l->name);
			break;
		}
		default:
			break;
		}
	}
	uint64_t fpa;
	struct kd_error *err = kd_translate_fast(s, as, va, &fpa, NULL);
	if (!err && r) {
		const struct kd_walk_level *l = last_level(w);
		bool same = l && l->state == KD_WALK_PAGE && l->pa == fpa;
		kd_printf(s, "\n  shortcut: the %s is a linear map, so kdive may skip the walk:\n"
			     "            physical = %#" PRIx64 " (%s the walk)\n",
			  r->name, fpa, same ? "the same as" : "DIFFERENT from");
	}
	kd_error_destroy(err);
}

/* ---- JSON ------------------------------------------------------------------------------- */

static const char *state_name(enum kd_walk_state st)
{
	switch (st) {
	case KD_WALK_TABLE: return "table";
	case KD_WALK_PAGE: return "page";
	case KD_WALK_NOT_PRESENT: return "not present";
	default: return "unreadable";
	}
}

static void print_json(struct kd_session *s, uint64_t va, const struct kd_as *as, uint64_t root,
		       const struct walk *w)
{
	char flags[256];
	const struct kd_walk_level *l = last_level(w);
	kd_json_begin_object(s, NULL);
	kd_json_hex(s, "virtual", va);
	kd_json_string(s, "address_space", as->kind == KD_AS_KERNEL ? "kernel" : "user");
	kd_json_hex(s, "root", root);
	bool mapped = l && l->state == KD_WALK_PAGE;
	kd_json_bool(s, "mapped", mapped);
	if (mapped) {
		kd_json_hex(s, "physical", l->pa);
		kd_json_u64(s, "page_size", l->page_size);
	} else {
		kd_json_null(s, "physical");
		if (l)
			kd_json_string(s, "stopped_at", l->name);
	}
	const struct kd_vm_region *r = kd_vm_region_find(s, va);
	kd_json_string(s, "region", r ? r->name : NULL);
	kd_json_begin_array(s, "levels");
	for (unsigned i = 0; i < w->n; i++) {
		const struct kd_walk_level *x = &w->l[i];
		kd_json_begin_object(s, NULL);
		kd_json_string(s, "name", x->name);
		kd_json_u64(s, "va_hi", x->va_hi);
		kd_json_u64(s, "va_lo", x->va_lo);
		kd_json_hex(s, "table", x->table);
		kd_json_u64(s, "index", x->index);
		kd_json_hex(s, "entry_addr", x->entry_addr);
		kd_json_string(s, "state", state_name(x->state));
		if (x->state != KD_WALK_UNREADABLE) {
			kd_json_hex(s, "entry", x->entry);
			kd_json_string(s, "flags", kd_pte_flags(s, x->entry, flags, sizeof(flags)));
		}
		if (x->state == KD_WALK_TABLE || x->state == KD_WALK_PAGE)
			kd_json_hex(s, "next", x->next);
		if (x->state == KD_WALK_PAGE)
			kd_json_u64(s, "page_size", x->page_size);
		uint64_t type, off;
		if (x->state == KD_WALK_NOT_PRESENT && kd_pte_swap(s, x->entry, &type, &off)) {
			kd_json_begin_object(s, "swap");
			kd_json_u64(s, "type", type);
			kd_json_hex(s, "offset", off);
			kd_json_end_object(s);
		}
		kd_json_end_object(s);
	}
	kd_json_end_array(s);
	kd_json_end_object(s);
}

/* ---- the command -------------------------------------------------------------------------- */

struct ctx {
	struct kd_as user;
	bool have_user, force_kernel, force_user, verbose;
	struct kd_vm_info info;
};

static struct kd_error *choose_as(struct kd_session *s, const struct ctx *c, uint64_t va,
				  struct kd_as *as, uint64_t *root)
{
	// A kernel address walks the kernel's root even when the context is a
	// process (its upper half is the same), as crash's vtop does; -u forces
	// the process's tables.
	bool user = c->force_user || (!c->force_kernel && c->have_user && va < c->info.user_end);
	if (!user && !c->force_kernel && va < c->info.user_end)
		return kd_error_create(KD_ERR_USAGE,
				       "%" PRIx64 " is a user address: give its page-table root with -u --pgd PADDR"
				       " (or -k to walk the kernel's tables)", va);
	(void)s;
	if (user) {
		*as = c->user;
		*root = c->user.pgd & 0x000ffffffffff000ull;
	} else {
		*as = (struct kd_as){ .kind = KD_AS_KERNEL };
		*root = c->info.kernel_root;
	}
	return NULL;
}

static struct kd_error *vtop_one(struct kd_session *s, const struct ctx *c, uint64_t va, bool first)
{
	struct kd_as as = { .kind = KD_AS_KERNEL };
	uint64_t root = 0;
	struct kd_error *err = choose_as(s, c, va, &as, &root);
	if (err)
		return err;
	struct walk w = { .n = 0 };
	err = kd_walk(s, &as, va, collect, &w);
	if (err)
		return err;
	if (kd_json_mode(s)) {
		print_json(s, va, &as, root, &w);
		return NULL;
	}
	const struct kd_walk_level *l = last_level(&w);
	if (!first)
		kd_printf(s, "\n");
	kd_printf(s, "%-16s  %s\n", "VIRTUAL", "PHYSICAL");
	if (l && l->state == KD_WALK_PAGE)
		kd_printf(s, "%-16" PRIx64 "  %" PRIx64 "\n\n", va, l->pa);
	else
		kd_printf(s, "%-16" PRIx64 "  (not mapped)\n\n", va);
	print_crash(s, &as, root, &c->info, &w);
	if (c->verbose)
		print_teaching(s, va, &as, root, &c->info, &w);
	return NULL;
}

// --check: the fast path against the walk, one summary line (mismatches listed).
static struct kd_error *vtop_check(struct kd_session *s, int nargs, char **args)
{
	uint64_t n = 0, equal = 0, differ = 0, unmapped = 0, nofast = 0;
	struct kd_error *err = NULL;
	for (int i = 0; i < nargs; i++) {
		uint64_t va, fpa, wpa;
		if ((err = kd_parse_address(s, args[i], &va)) || (err = kd_check_interrupt(s)))
			return err;
		n++;
		err = kd_translate_fast(s, NULL, va, &fpa, NULL);
		if (err) {
			kd_error_destroy(err);
			nofast++;
			continue;
		}
		err = kd_translate_walk(s, NULL, va, &wpa, NULL);
		if (err) {
			kd_error_destroy(err);
			unmapped++;
			continue;
		}
		if (fpa == wpa) {
			equal++;
		} else {
			differ++;
			if (!kd_json_mode(s))
				kd_printf(s, "MISMATCH %016" PRIx64 "  fast %" PRIx64 "  walk %" PRIx64 "\n", va,
					  fpa, wpa);
		}
	}
	if (kd_json_mode(s)) {
		kd_json_begin_object(s, NULL);
		kd_json_u64(s, "checked", n);
		kd_json_u64(s, "equal", equal);
		kd_json_u64(s, "different", differ);
		kd_json_u64(s, "unmapped", unmapped);
		kd_json_u64(s, "no_fast_path", nofast);
		kd_json_end_object(s);
	} else {
		kd_printf(s, "checked %" PRIu64 ": %" PRIu64 " equal, %" PRIu64 " different, %" PRIu64
			     " not mapped by the walk, %" PRIu64 " without a fast path\n",
			  n, equal, differ, unmapped, nofast);
	}
	return differ ? kd_error_create(KD_ERR_CORRUPT, "the fast path and the walk disagree on %" PRIu64
				       " address(es)", differ) : NULL;
}

// --roots: every page whose shared (kernel) part equals the kernel's own top
// table is a process's top table (x86_64's pgd_alloc copies the kernel half
// into each new pgd).  With addresses, translate each in every root.
static struct kd_error *vtop_roots(struct kd_session *s, const struct ctx *c, int nargs, char **args)
{
	const struct kd_vm_info *info = &c->info;
	if (!info->root_shared_offset || info->root_table_size != kd_page_size(s))
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "--roots: page-table roots of %s do not share a kernel part", info->arch);
	size_t off = info->root_shared_offset, tsz = (size_t)info->root_table_size;
	unsigned char *kern = malloc(tsz), *page = malloc(tsz);
	uint64_t *vas = calloc((size_t)nargs + 1, sizeof(*vas));
	struct kd_error *err = NULL;
	if (!kern || !page || !vas) {
		err = &kd_enomem;
		goto out;
	}
	for (int i = 0; i < nargs; i++)
		if ((err = kd_parse_address(s, args[i], &vas[i])))
			goto out;
	if ((err = kd_read_phys(s, info->kernel_root, kern, tsz)))
		goto out;
	unsigned nonzero = 0;
	for (size_t k = off; k < tsz; k += 8) {
		uint64_t e;
		memcpy(&e, kern + k, 8);
		nonzero += e != 0;
	}
	if (!kd_json_mode(s)) {
		kd_printf(s, "%-16s", "ROOT");
		for (int i = 0; i < nargs; i++)
			kd_printf(s, "  %-16" PRIx64, vas[i]);
		kd_printf(s, "\n");
	} else {
		kd_json_begin_array(s, NULL);
	}
	for (size_t ri = 0; ri < kd_phys_range_count(s); ri++) {
		const struct kd_phys_range *r = kd_phys_range_get(s, ri);
		for (uint64_t pa = (r->start + tsz - 1) / tsz * tsz; pa + tsz <= r->start + r->size; pa += tsz) {
			if ((pa & 0xfffff) == 0 && (err = kd_check_interrupt(s)))
				goto out;
			struct kd_error *e = kd_read_phys(s, pa, page, tsz);
			if (e) {
				kd_error_destroy(e);
				continue;
			}
			// Allow two differing slots (the per-mm LDT remap with PTI).
			unsigned diff = 0;
			for (size_t k = off; k < tsz && diff <= 2; k += 8)
				diff += memcmp(kern + k, page + k, 8) != 0;
			if (diff > 2 || nonzero <= diff)
				continue;
			struct kd_as as = { .kind = KD_AS_USER, .pgd = pa };
			if (kd_json_mode(s)) {
				kd_json_begin_object(s, NULL);
				kd_json_hex(s, "root", pa);
				kd_json_bool(s, "kernel", pa == info->kernel_root);
				kd_json_begin_array(s, "physical");
			} else {
				kd_printf(s, "%-16" PRIx64, pa);
			}
			for (int i = 0; i < nargs; i++) {
				uint64_t tpa;
				e = kd_translate_walk(s, &as, vas[i], &tpa, NULL);
				if (kd_json_mode(s)) {
					if (e)
						kd_json_null(s, NULL);
					else
						kd_json_hex(s, NULL, tpa);
				} else if (e) {
					kd_printf(s, "  %-16s", "-");
				} else {
					kd_printf(s, "  %-16" PRIx64, tpa);
				}
				kd_error_destroy(e);
			}
			if (kd_json_mode(s)) {
				kd_json_end_array(s);
				kd_json_end_object(s);
			} else {
				kd_printf(s, "%s\n", pa == info->kernel_root ? "  (kernel)" : "");
			}
		}
	}
	if (kd_json_mode(s))
		kd_json_end_array(s);
out:
	free(kern);
	free(page);
	free(vas);
	return err;
}

static struct kd_error *vtop_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	int nargs = args->argc - 1;
	char **argv = args->argv;
	struct kd_error *err = NULL;
	struct ctx c = { .verbose = v[O_V].count > 0 };
	kd_vm_info_get(s, &c.info);
	if (!c.info.arch && !kd_arch_info_get(s))
		return kd_error_create(KD_ERR_UNSUPPORTED, "no page-table walker for %s dumps", kd_dump_machine_name(s));
	if (!c.info.arch)
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "no address translation for this dump (see the warning at start-up)");
	if (v[O_C].count) {
		uint64_t pid, task;
		if ((err = kd_parse_u64(v[O_C].arg, false, &pid)) ||
		    (err = kd_task_find_pid(s, (int64_t)pid, &task, &c.user)))
			return err;
		if (c.user.kind != KD_AS_USER)
			return kd_error_create(KD_ERR_USAGE, "-c %" PRIu64 ": a kernel thread has no user address space", pid);
		c.have_user = true;
	} else if (!v[O_PGD].count) {
		// The current context's process, when it has user memory.
		uint64_t task;
		struct kd_as as;
		if (kd_context_get(s, &task, &as) && as.kind == KD_AS_USER) {
			c.user = as;
			c.have_user = true;
		}
	}
	if (v[O_K].count && v[O_U].count)
		return kd_error_create(KD_ERR_USAGE, "-u and -k exclude each other");
	if (v[O_PGD].count) {
		err = kd_parse_address(s, v[O_PGD].arg, &c.user.pgd);
		if (err)
			return err;
		c.user.kind = KD_AS_USER;
		c.have_user = true;
	}
	if (v[O_U].count && !c.have_user)
		return kd_error_create(KD_ERR_USAGE,
				       "-u needs a process: the current context has no user memory; use 'set PID', "
				       "-c PID or --pgd PADDR (vtop --roots lists the roots in the dump)");
	c.force_user = v[O_U].count > 0;
	c.force_kernel = v[O_K].count > 0;
	if (v[O_ROOTS].count)
		return vtop_roots(s, &c, nargs, argv + 1);
	if (nargs < 1)
		return kd_error_create(KD_ERR_USAGE, "expected at least one address");
	if (v[O_CHECK].count)
		return vtop_check(s, nargs, argv + 1);
	bool json = kd_json_mode(s);
	if (json && nargs > 1)
		kd_json_begin_array(s, NULL);
	for (int i = 0; i < nargs && !err; i++) {
		uint64_t va;
		err = kd_parse_address(s, argv[i + 1], &va);
		if (!err)
			err = vtop_one(s, &c, va, i == 0);
	}
	if (json && nargs > 1)
		kd_json_end_array(s);
	return err;
}

static const struct kd_command commands[2] = { {
	.name = "vtop",
	.summary = "virtual to physical address translation, level by level",
	.synopsis = "[-c pid | -k | -u] [--pgd PADDR] [-v] address...   |   --check address...   |   --roots [address...]",
	.help = "Translate virtual addresses by walking the page tables the way the CPU\n"
		"does, and show every level: the entry's physical address and value, the\n"
		"page size, and the final entry's flags decoded (crash's layout).  A\n"
		"not-present entry that holds a swap entry is decoded into its swap type and\n"
		"offset.  Kernel addresses use the kernel's tables (init_top_pgt, from\n"
		"VMCOREINFO); user addresses need the process's page-table root: --pgd PADDR\n"
		"takes the physical address of its top-level table or a CR3 value.  -c PID\n"
		"will choose the process once kdive reads the task list.\n\n"
		"Output follows crash's x86_64 vtop: \"PGD DIRECTORY\" is the virtual address\n"
		"of init_top_pgt (crash's wording on 4- and 5-level paging; there is no\n"
		"\"PML4\"), \"PAGE DIRECTORY\" the physical address of the top table (crash\n"
		"prints the top entry's value there on the kernel path), then one line per\n"
		"level: PGD, P4D (5-level paging only), PUD, PMD, PTE.\n\n"
		"-v explains the walk for teaching: the bits of the address that index each\n"
		"table, the arithmetic from entry to next table, the region of the kernel's\n"
		"memory map the address is in, and the linear shortcut kdive may take.\n"
		"--check compares that shortcut (kernel text, direct map) with the full walk\n"
		"for each address.  --roots scans physical memory for page-table roots (top\n"
		"tables whose kernel half equals the kernel's) and translates the given\n"
		"addresses in each: the way to find a process's --pgd without the task list.\n\n"
		"EXAMPLES\n"
		"  kdive> vtop ffffffff81000000\n"
		"  VIRTUAL           PHYSICAL\n"
		"  ffffffff81000000  1000000\n\n"
		"  PGD DIRECTORY: ffffffff82a10000\n"
		"  PAGE DIRECTORY: 2a10000\n"
		"     PGD: 2a10ff8 => 2a13067\n"
		"     PUD: 2a13ff0 => 2a14063\n"
		"     PMD: 2a14040 => 80000000010001e1\n"
		"    PAGE: 1000000  (2MB)\n\n"
		"        PTE         PHYSICAL  FLAGS\n"
		"  80000000010001e1   1000000  (PRESENT|RW|ACCESSED|DIRTY|PSE|GLOBAL|NX)\n"
		"  kdive> vtop -v linux_banner\n"
		"  kdive> vtop --roots 7ffd12340000\n"
		"  kdive> vtop -u --pgd 1fd9c000 7ffd12340000 --json",
	.options = vtop_opts,
	.operand = KD_ARG_ADDR,
	.flags = KD_CMD_NEEDS_DUMP | KD_CMD_USES_SYMBOLS,
	.run = vtop_run,
}, { NULL } };

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "vtop",
	.version = "1",
	.commands = commands,
};
