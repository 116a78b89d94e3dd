// SPDX-License-Identifier: GPL-3.0-or-later
// kmem -p, -m, -g and kmem ADDR: the page array through <kdive/page.h>.
// -p prints struct page in crash's layout (PAGE PHYSICAL MAPPING INDEX CNT
// FLAGS) with the kernel's flag names (enum pageflags) and page types; -m
// prints chosen struct page members by BTF path; -g lists or decodes the
// flag bits; kmem ADDR says what an address is: a symbol, a task's kernel
// stack (THREAD_SIZE from __start_init_task..__end_init_task), and the page
// that holds it with its state (free in a buddy block, slab, page table,
// compound, mapped).  The slab and vmalloc parts of kmem ADDR come from
// kmem_slab.c and kmem_vmalloc.c.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/page.h>
#include <kdive/symbols.h>
#include <kdive/task.h>
#include <kdive/types.h>

#include "kmem.h"

enum { MAX_MEMBERS = 16 };

// A run of struct pages the dump does not hold, reported once.
struct lost {
	uint64_t first_pfn, last_pfn, first_addr, count;
	char *why;
	struct kd_error *err;  // the first, returned at the end
};

static void lost_flush(struct kd_session *s, struct lost *l)
{
	if (!l->why)
		return;
	if (l->first_pfn == l->last_pfn)
		kd_warn(s, "%s", l->why);
	else
		kd_warn(s, "%s (and the struct pages of pfns %" PRIx64 "-%" PRIx64 ")", l->why, l->first_pfn + 1,
			l->last_pfn);
	free(l->why);
	l->why = NULL;
}

static void lost_add(struct kd_session *s, struct lost *l, const struct kd_page *pg, const struct kd_error *err)
{
	l->count++;
	if (!l->err)
		l->err = kd_error_copy(err);
	if (l->why && pg->pfn == l->last_pfn + 1) {
		l->last_pfn = pg->pfn;
		return;
	}
	lost_flush(s, l);
	l->first_pfn = l->last_pfn = pg->pfn;
	l->first_addr = pg->addr;
	l->why = strdup(err->msg);
}

static struct kd_error *lost_end(struct kd_session *s, struct lost *l)
{
	lost_flush(s, l);
	if (!l->err)
		return NULL;
	kd_error_destroy(l->err);
	return kd_error_create(KD_ERR_NODATA, "%" PRIu64 " struct page%s could not be read (named above)",
			       l->count, l->count == 1 ? "" : "s");
}

static void page_header(struct kd_session *s)
{
	kd_printf(s, "      PAGE           PHYSICAL       MAPPING        INDEX CNT FLAGS\n");
}

static void page_json(struct kd_session *s, const struct kd_page *pg)
{
	char buf[512];
	kd_json_begin_object(s, NULL);
	kd_json_hex(s, "page", pg->addr);
	kd_json_u64(s, "pfn", pg->pfn);
	kd_json_hex(s, "paddr", pg->pfn * kd_page_size(s));
	kd_json_hex(s, "mapping", pg->mapping);
	kd_json_hex(s, "index", pg->index);
	kd_json_hex(s, "private", pg->private_);
	kd_json_i64(s, "count", pg->refcount);
	kd_json_i64(s, "mapcount", pg->mapcount);
	kd_json_hex(s, "flags", pg->flags);
	kd_json_begin_array(s, "flag_names");
	kd_page_flags_str(s, pg->flags, ",", buf, sizeof(buf));
	for (char *w = strtok(buf, ","); w; w = strtok(NULL, ","))
		kd_json_string(s, NULL, w);
	kd_json_end_array(s);
	kd_json_begin_array(s, "types");
	kd_page_types_str(pg->types, ",", buf, sizeof(buf));
	for (char *w = strtok(buf, ","); w; w = strtok(NULL, ","))
		kd_json_string(s, NULL, w);
	kd_json_end_array(s);
	if (pg->compound) {
		kd_json_hex(s, "head", pg->head);
		kd_json_bool(s, "tail", pg->head != pg->addr);
	}
	if (pg->order || (pg->types & KD_PT_BUDDY))
		kd_json_u64(s, "order", pg->order);
	kd_json_end_object(s);
}

static void page_line(struct kd_session *s, const struct kd_page *pg)
{
	if (kd_json_mode(s)) {
		page_json(s, pg);
		return;
	}
	char names[512], types[128];
	kd_page_flags_str(s, pg->flags, ",", names, sizeof(names));
	kd_page_types_str(pg->types, ",", types, sizeof(types));
	kd_printf(s, "%016" PRIx64 " %10" PRIx64 " %16" PRIx64 " %8" PRIx64 " %3d %" PRIx64 " %s%s%s%s\n", pg->addr,
		  pg->pfn * kd_page_size(s), pg->mapping, pg->index, pg->refcount, pg->flags, names,
		  *types ? (*names ? " [" : "[") : "", types, *types ? "]" : "");
}

struct members {
	int n;
	struct kd_member_info m[MAX_MEMBERS];
	char *names[MAX_MEMBERS];
};

static void members_line(struct kd_session *s, const struct members *mb, uint64_t addr)
{
	uint64_t sz = kd_page_struct_size(s);
	uint8_t buf[1024];
	struct kd_error *err = sz <= sizeof(buf) ? kd_read_kernel(s, addr, buf, sz) : NULL;
	bool json = kd_json_mode(s);
	if (json) {
		kd_json_begin_object(s, NULL);
		kd_json_hex(s, "page", addr);
	} else {
		kd_printf(s, "%016" PRIx64, addr);
	}
	for (int i = 0; i < mb->n; i++) {
		uint64_t v = 0;
		bool ok = !err && sz <= sizeof(buf) && kmem_ok(kd_member_extract(s, &mb->m[i], buf, sz, &v));
		if (json) {
			if (ok)
				kd_json_hex(s, mb->names[i], v);
			else
				kd_json_null(s, mb->names[i]);
		} else {
			if (ok)
				kd_printf(s, "  %16" PRIx64, v);
			else
				kd_printf(s, "  %16s", "?");
		}
	}
	if (json)
		kd_json_end_object(s);
	else
		kd_printf(s, "\n");
	kd_error_destroy(err);
}

struct walk_arg {
	struct kd_session *s;
	const struct members *mb;
	struct lost lost;
};

static int walk_cb(const struct kd_page *pg, const struct kd_error *err, void *arg)
{
	struct walk_arg *w = arg;
	if (err) {
		lost_add(w->s, &w->lost, pg, err);
		return 0;
	}
	if (w->mb)
		members_line(w->s, w->mb, pg->addr);
	else
		page_line(w->s, pg);
	return 0;
}

static struct kd_error *parse_members(struct kd_session *s, char *list, struct members *mb)
{
	mb->n = 0;
	for (char *w = strtok(list, ","); w; w = strtok(NULL, ",")) {
		if (mb->n >= MAX_MEMBERS)
			return kd_error_create(KD_ERR_USAGE, "at most %d members", MAX_MEMBERS);
		struct kd_error *err = kd_type_member(s, "page", w, &mb->m[mb->n]);
		if (err)
			return err;
		// A wrapper struct of one member (atomic_t's counter): its value.
		struct kd_type_info ti;
		for (int depth = 0; depth < 4; depth++) {
			struct kd_member_info in;
			if (!kmem_ok(kd_type_get(s, kd_type_strip(s, mb->m[mb->n].type), &ti)) ||
			    (ti.kind != KD_TYPE_STRUCT && ti.kind != KD_TYPE_UNION) || ti.nmembers != 1 ||
			    !kmem_ok(kd_type_member_at(s, ti.id, 0, &in)))
				break;
			in.offset += mb->m[mb->n].offset;
			in.bit_offset += mb->m[mb->n].offset * 8;
			mb->m[mb->n] = in;
		}
		mb->names[mb->n++] = w;
	}
	if (!mb->n)
		return kd_error_create(KD_ERR_USAGE, "-m needs member names");
	return NULL;
}

// An operand of -p/-m: the address of a struct page, else a physical address.
static struct kd_error *operand_page(struct kd_session *s, const char *arg, uint64_t *page_ret)
{
	uint64_t a, pfn;
	struct kd_error *err = kd_parse_address(s, arg, &a);
	if (err)
		return err;
	if (kmem_ok(kd_page_to_pfn(s, a, &pfn)))
		return kd_pfn_to_page(s, pfn, page_ret);
	return kd_pfn_to_page(s, a / kd_page_size(s), page_ret);
}

struct kd_error *kmem_pages_show(struct kd_session *s, int argc, char **argv, const char *members)
{
	struct kd_error *err = kd_pages_load(s), *first = NULL;
	if (err)
		return err;
	struct members mb;
	char *list = members ? strdup(members) : NULL;
	if (members && !list)
		return &kd_enomem;
	if (list && (err = parse_members(s, list, &mb))) {
		free(list);
		return err;
	}
	bool json = kd_json_mode(s);
	if (json)
		kd_json_begin_array(s, NULL);
	else if (list) {
		kd_printf(s, "      PAGE      ");
		for (int i = 0; i < mb.n; i++)
			kd_printf(s, "  %16s", mb.names[i]);
		kd_printf(s, "\n");
	} else {
		page_header(s);
	}
	if (argc == 0) {
		struct walk_arg w = { .s = s, .mb = list ? &mb : NULL };
		err = kd_page_walk(s, 0, kd_page_max_pfn(s), walk_cb, &w);
		struct kd_error *l = lost_end(s, &w.lost);
		first = err ? err : l;
		if (err)
			kd_error_destroy(l);
	}
	int bad = 0;
	for (int i = 0; i < argc; i++) {
		uint64_t page;
		struct kd_page pg;
		err = operand_page(s, argv[i], &page);
		if (!err && !list)
			err = kd_page_read(s, page, &pg);
		if (err) {
			kd_warn(s, "%s: %s", argv[i], err->msg);
			kd_error_destroy(err);
			bad++;
			continue;
		}
		if (list)
			members_line(s, &mb, page);
		else
			page_line(s, &pg);
	}
	if (json)
		kd_json_end_array(s);
	free(list);
	if (bad && !first)
		first = kd_error_create(KD_ERR_NOTFOUND, "%d of %d operand%s could not be shown (named above)", bad,
					argc, argc == 1 ? "" : "s");
	return first;
}

struct kd_error *kmem_flags_show(struct kd_session *s, int argc, char **argv)
{
	struct kd_error *err = kd_pages_load(s);
	if (err)
		return err;
	unsigned n = kd_page_flag_count(s);
	bool json = kd_json_mode(s);
	if (argc == 0) {
		if (json)
			kd_json_begin_array(s, NULL);
		else
			kd_printf(s, "BIT  VALUE             NAME\n");
		for (unsigned b = 0; b < n; b++) {
			const char *name = kd_page_flag_name(s, b);
			if (json) {
				kd_json_begin_object(s, NULL);
				kd_json_u64(s, "bit", b);
				kd_json_hex(s, "value", 1ull << b);
				kd_json_string(s, "name", name ? name : "");
				const char *al = kd_page_flag_aliases(s, b);
				if (al) {
					char *dup = strdup(al);
					kd_json_begin_array(s, "aliases");
					for (char *w = dup ? strtok(dup, ",") : NULL; w; w = strtok(NULL, ","))
						kd_json_string(s, NULL, w);
					kd_json_end_array(s);
					free(dup);
				}
				kd_json_end_object(s);
			} else {
				const char *al = kd_page_flag_aliases(s, b);
				kd_printf(s, "%3u  %016llx  %s%s%s%s\n", b, 1ull << b, name ? name : "?", al ? "  (" : "",
					  al ? al : "", al ? ")" : "");
			}
		}
		if (json)
			kd_json_end_array(s);
		return NULL;
	}
	if (json && argc > 1)
		kd_json_begin_array(s, NULL);
	for (int i = 0; i < argc; i++) {
		uint64_t v;
		if ((err = kd_parse_u64(argv[i], true, &v)))
			return kd_error_prefix(err, "%s", argv[i]);
		uint64_t mask = n >= 64 ? ~0ull : (1ull << n) - 1;
		char names[512];
		if (json) {
			kd_json_begin_object(s, NULL);
			kd_json_hex(s, "flags", v);
			kd_json_begin_array(s, "bits");
		} else {
			kd_printf(s, "%sFLAGS: %" PRIx64 "\n", i ? "\n" : "", v);
			kd_printf(s, "  BIT  VALUE             NAME\n");
		}
		for (unsigned b = 0; b < n; b++) {
			if (!((v >> b) & 1))
				continue;
			const char *name = kd_page_flag_name(s, b);
			if (json) {
				kd_json_begin_object(s, NULL);
				kd_json_u64(s, "bit", b);
				kd_json_string(s, "name", name ? name : "");
				kd_json_end_object(s);
			} else {
				kd_printf(s, "  %3u  %016llx  %s\n", b, 1ull << b, name ? name : "?");
			}
		}
		kd_page_flags_str(s, v, ",", names, sizeof(names));
		if (json) {
			kd_json_end_array(s);
			kd_json_hex(s, "upper_bits", v & ~mask);
			kd_json_end_object(s);
		} else if (v & ~mask) {
			kd_printf(s, "  upper bits (zone, node, section...): %" PRIx64 "\n", v & ~mask);
		}
	}
	if (json && argc > 1)
		kd_json_end_array(s);
	return NULL;
}

/* ---- kmem ADDR ---- */

// The task whose kernel stack holds addr, if any.
static const struct kd_task *stack_owner(struct kd_session *s, uint64_t addr, uint64_t *base_ret,
					 uint64_t *size_ret)
{
	uint64_t a, b;
	if (!kmem_ok(kd_symbol_address(s, "__start_init_task", &a)) &&
	    !kmem_ok(kd_symbol_address(s, "init_stack", &a)))
		return NULL;
	if ((!kmem_ok(kd_symbol_address(s, "__end_init_task", &b)) &&
	     !kmem_ok(kd_symbol_address(s, "__end_init_stack", &b))) || // 6.12's name
	    b <= a || b - a > (1u << 20))
		return NULL;
	struct kd_member_info m;
	if (!kmem_ok(kd_type_member(s, "task_struct", "stack", &m)) || !kmem_ok(kd_tasks_load(s)))
		return NULL;
	for (size_t i = 0; i < kd_task_count(s); i++) {
		const struct kd_task *t = kd_task_get(s, i);
		uint8_t buf[8];
		if (!kmem_ok(kd_read_kernel(s, t->addr + m.offset, buf, 8)))
			continue;
		uint64_t st = kd_dump_u64(s, buf);
		if (st && addr >= st && addr < st + (b - a)) {
			*base_ret = st;
			*size_ret = b - a;
			return t;
		}
	}
	return NULL;
}

static const char *page_state(struct kd_session *s, const struct kd_page *pg, char *buf, size_t size,
			      uint64_t *free_head)
{
	bool is_free = false;
	uint64_t head = 0;
	unsigned order = 0;
	*free_head = 0;
	if (kmem_ok(kmem_free_block(s, pg->pfn, &is_free, &head, &order)) && is_free) {
		*free_head = head;
		snprintf(buf, size, "free: in a buddy block of order %u at pfn %" PRIx64, order, head);
	} else if (pg->types & KD_PT_SLAB) {
		snprintf(buf, size, "slab");
	} else if (pg->types & KD_PT_TABLE) {
		snprintf(buf, size, "page table");
	} else if (pg->types & (KD_PT_OFFLINE | KD_PT_GUARD | KD_PT_HUGETLB | KD_PT_ZSMALLOC)) {
		kd_page_types_str(pg->types, ",", buf, size);
	} else if (pg->refcount == 0) {
		snprintf(buf, size, "unused (count 0, not free in the buddy allocator: a per-cpu list)");
	} else if (pg->mapcount >= 0) {
		snprintf(buf, size, "mapped %d time%s, %s", pg->mapcount + 1, pg->mapcount ? "s" : "",
			 pg->mapping & 1 ? "anonymous" : pg->mapping ? "file" : "no mapping");
	} else {
		snprintf(buf, size, "in use%s", pg->mapping & 1 ? ", anonymous" : pg->mapping ? ", page cache" : "");
	}
	return buf;
}

struct kd_error *kmem_addr_show(struct kd_session *s, const char *arg)
{
	uint64_t addr, pfn = 0, pa = 0;
	struct kd_error *err = kd_parse_address(s, arg, &addr);
	if (err)
		return err;
	bool json = kd_json_mode(s), found = false, is_page_struct = false, have_pfn = false;
	bool pages = kmem_ok(kd_pages_load(s));
	if (json) {
		kd_json_begin_object(s, NULL);
		kd_json_hex(s, "address", addr);
	}
	// A struct page of the page array.
	if (pages && kmem_ok(kd_page_to_pfn(s, addr, &pfn))) {
		is_page_struct = have_pfn = true;
		if (json)
			kd_json_bool(s, "struct_page", true);
		else
			kd_printf(s, "%016" PRIx64 ": struct page of pfn %" PRIx64 "\n", addr, pfn);
	}
	// A kernel symbol.
	struct kd_symbol sym;
	uint64_t off;
	if (!is_page_struct && kmem_ok(kd_symbol_at(s, addr, &sym, &off))) {
		found = true;
		if (json) {
			kd_json_string(s, "symbol", sym.name);
			kd_json_u64(s, "offset", off);
			if (sym.module)
				kd_json_string(s, "module", sym.module);
		} else {
			kd_printf(s, "%016" PRIx64 " (%c) %s", addr, sym.type, sym.name);
			if (off)
				kd_printf(s, "+%" PRIu64, off);
			kd_printf(s, "%s%s%s\n", sym.module ? " [" : "", sym.module ? sym.module : "",
				  sym.module ? "]" : "");
		}
	}
	// A slab object (its cache, the object, allocated or free), else a
	// vmalloc area and its caller (commands/kmem_slab.c, kmem_vmalloc.c).
	if (!is_page_struct) {
		bool in = false;
		struct kd_error *e = kmem_slab_addr(s, addr, &in);
		if (!e && !in)
			e = kmem_vmalloc_addr(s, addr, &in);
		if (e && e->code == KD_ERR_INTERRUPTED) {
			if (json)
				kd_json_end_object(s);
			return e;
		}
		if (e)
			kd_warn(s, "kmem: %016" PRIx64 ": %s", addr, e->msg);
		kd_error_destroy(e);
		found |= in;
	}
	// A task's kernel stack.
	uint64_t base, size;
	const struct kd_task *t = is_page_struct ? NULL : stack_owner(s, addr, &base, &size);
	if (t) {
		found = true;
		char hdr[160];
		if (json) {
			kd_json_begin_object(s, "stack");
			kd_json_i64(s, "pid", t->pid);
			kd_json_hex(s, "task", t->addr);
			kd_json_string(s, "comm", t->comm);
			kd_json_hex(s, "base", base);
			kd_json_hex(s, "end", base + size);
			kd_json_end_object(s);
		} else {
			kd_printf(s, "%s\n  KERNEL STACK: %016" PRIx64 "-%016" PRIx64 "\n", kd_task_header(t, hdr, sizeof(hdr)),
				  base, base + size);
		}
	}
	// The page that holds it.
	if (!is_page_struct && kmem_ok(kd_translate(s, NULL, addr, &pa, NULL))) {
		pfn = pa / kd_page_size(s);
		have_pfn = true;
	}
	if (have_pfn && pages) {
		uint64_t page;
		struct kd_page pg;
		err = kd_pfn_to_page(s, pfn, &page);
		if (!err)
			err = kd_page_read(s, page, &pg);
		if (err) {
			err = kd_error_prefix(err, "%s: the page of pfn %" PRIx64, arg, pfn);
		} else {
			found = true;
			char st[160];
			uint64_t fh;
			page_state(s, &pg, st, sizeof(st), &fh);
			struct kmem_zone *z = NULL;
			size_t nz = 0;
			kmem_ok(kmem_zones(s, &z, &nz));
			const struct kmem_zone *zz = kmem_zone_of(z, nz, pfn);
			if (json) {
				if (!is_page_struct)
					kd_json_hex(s, "paddr", pa);
				kd_json_string(s, "state", st);
				if (fh)
					kd_json_u64(s, "free_block_pfn", fh);
				if (zz) {
					kd_json_i64(s, "node", zz->node);
					kd_json_string(s, "zone", zz->name);
				}
				kd_json_begin_array(s, "page");
				page_json(s, &pg);
				kd_json_end_array(s);
			} else {
				if (!is_page_struct)
					kd_printf(s, "  PHYSICAL: %" PRIx64 "\n", pa);
				if (zz)
					kd_printf(s, "  NODE: %d  ZONE: %s\n", zz->node, zz->name);
				kd_printf(s, "  STATE: %s\n", st);
				if (pg.compound)
					kd_printf(s, "  COMPOUND: %s, head %016" PRIx64 "%s\n", pg.head == pg.addr ? "head" : "tail",
						  pg.head, "");
				page_header(s);
				page_line(s, &pg);
			}
			free(z);
		}
	}
	if (json) {
		kd_json_bool(s, "found", found);
		kd_json_end_object(s);
	}
	if (!found && !err)
		err = kd_error_create(KD_ERR_NOTFOUND, "%s: %016" PRIx64 " is no symbol, stack, slab object, vmalloc area or page of the dump",
				      arg, addr);
	return err;
}
