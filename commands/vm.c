// SPDX-License-Identifier: GPL-3.0-or-later
// vm: a process's virtual memory, in crash's layout: the task line, its
// mm_struct, page directory, RSS and total size, then each VMA (struct
// vm_area_struct) with its range, vm_flags and file; -p adds each page's
// translation, -m the mm_struct.  --json gives each VMA as /proc/PID/maps would show it
// (perms, offset, device, inode, path or [heap]/[stack]/[vdso]...), and
// --svg draws the address space.  VMAs come from <kdive/vma.h>, paths from
// <kdive/fs.h>; the vm_flags bits are the long-stable ones of
// include/linux/mm.h (VM_READ 0x1 ... VM_MERGEABLE 0x80000000).
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/fs.h>
#include <kdive/module.h>
#include <kdive/print.h>
#include <kdive/symbols.h>
#include <kdive/task.h>
#include <kdive/types.h>
#include <kdive/vma.h>

enum { O_P, O_M, O_F, O_SVG, O_JSON, O_NOPT };
static const struct kd_option vm_opts[] = {
	[O_P] = { "p", KD_ARG_NONE, NULL, "each page's translation: physical address, swap entry or nothing" },
	[O_M] = { "m", KD_ARG_NONE, NULL, "the task's struct mm_struct, member by member" },
	[O_F] = { "f", KD_ARG_STRING, "FLAGS", "decode a vm_flags value and stop" },
	[O_SVG] = { "svg", KD_ARG_FILE, "FILE", "draw the address space as an SVG picture into FILE" },
	[O_JSON] = KD_OPTION_JSON,
	[O_NOPT] = { NULL },
};

// include/linux/mm.h; bits whose meaning changed across versions are left
// out (shown as a number).
static const struct {
	uint64_t bit;
	const char *name;
} vm_flag_names[] = {
	{ 0x1, "READ" }, { 0x2, "WRITE" }, { 0x4, "EXEC" }, { 0x8, "SHARED" },
	{ 0x10, "MAYREAD" }, { 0x20, "MAYWRITE" }, { 0x40, "MAYEXEC" }, { 0x80, "MAYSHARE" },
	{ 0x100, "GROWSDOWN" }, { 0x400, "PFNMAP" }, { 0x2000, "LOCKED" }, { 0x4000, "IO" },
	{ 0x8000, "SEQ_READ" }, { 0x10000, "RAND_READ" }, { 0x20000, "DONTCOPY" },
	{ 0x40000, "DONTEXPAND" }, { 0x80000, "LOCKONFAULT" }, { 0x100000, "ACCOUNT" },
	{ 0x200000, "NORESERVE" }, { 0x400000, "HUGETLB" }, { 0x800000, "SYNC" },
	{ 0x1000000, "ARCH_1" }, { 0x2000000, "WIPEONFORK" }, { 0x4000000, "DONTDUMP" },
	{ 0x8000000, "SOFTDIRTY" }, { 0x10000000, "MIXEDMAP" }, { 0x20000000, "HUGEPAGE" },
	{ 0x40000000, "NOHUGEPAGE" }, { 0x80000000, "MERGEABLE" },
};

static const char *flag_names(uint64_t f, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(vm_flag_names) / sizeof(vm_flag_names[0]); i++) {
		if (!(f & vm_flag_names[i].bit))
			continue;
		f &= ~vm_flag_names[i].bit;
		int w = snprintf(buf + n, size - n, "%s%s", n ? "|" : "", vm_flag_names[i].name);
		if (w < 0 || (size_t)w >= size - n)
			return buf;
		n += (size_t)w;
	}
	if (f)
		snprintf(buf + n, size - n, "%s0x%" PRIx64, n ? "|" : "", f);
	return buf;
}

static bool ok(struct kd_error *err)
{
	bool r = err == NULL;
	kd_error_destroy(err);
	return r;
}

// What /proc/PID/maps and crash show besides the VMA's own fields.
struct mm_info {
	uint64_t mm, pgd, start_brk, brk, start_stack;
	uint64_t special_ops[2];  // special_mapping_vmops, legacy_special_mapping_vmops
	struct kd_member_info vm_ops, priv;
};

struct run {
	struct kd_session *s;
	const struct kd_task *t;
	struct mm_info mi;
	bool pages, json;
	uint64_t ps;
	size_t nlost;
	char swapnames[32][256];  // swap device names by type, found on first use
	// for --svg
	struct band { uint64_t start, end; char label[160]; } *bands;
	size_t nb, capb;
};

// The VMA's name as fs/proc/task_mmu.c show_map_vma() gives it.
static void vma_name(struct run *r, const struct kd_vma *v, char *path, size_t size, uint64_t *dev,
		     uint64_t *ino)
{
	struct kd_session *s = r->s;
	*dev = *ino = 0;
	path[0] = '\0';
	if (v->file) {
		struct kd_fs_file ff;
		struct kd_error *err = kd_fs_file(s, v->file, &ff);
		if (!err)
			err = kd_fs_path(s, ff.vfsmount, ff.dentry, path, size);
		if (err) {
			snprintf(path, size, "? (file 0x%" PRIx64 ": %s)", v->file, err->msg);
			kd_error_destroy(err);
			return;
		}
		*ino = ff.ino;
		uint64_t d;
		if (ff.sb && ok(kd_read_member_u64(s, "super_block", "s_dev", ff.sb, &d)))
			*dev = d;
		return;
	}
	// A special mapping ([vdso], [vvar]...): its vm_special_mapping's name.
	uint8_t b[8];
	uint64_t ops = 0, priv = 0, name = 0;
	if (r->mi.vm_ops.size == 8 && ok(kd_read_kernel(s, v->addr + r->mi.vm_ops.offset, b, 8)))
		ops = kd_dump_u64(s, b);
	if (ops && (ops == r->mi.special_ops[0] || ops == r->mi.special_ops[1]) && r->mi.priv.size == 8 &&
	    ok(kd_read_kernel(s, v->addr + r->mi.priv.offset, b, 8)) && (priv = kd_dump_u64(s, b)) &&
	    ok(kd_read_member_u64(s, "vm_special_mapping", "name", priv, &name)) && name) {
		char nm[64] = "";
		if (ok(kd_read_kernel(s, name, nm, sizeof(nm) - 1))) {
			nm[sizeof(nm) - 1] = '\0';
			snprintf(path, size, "%s", nm);
			return;
		}
	}
	if (v->start <= r->mi.brk && v->end >= r->mi.start_brk)
		snprintf(path, size, "[heap]");
	else if (v->start <= r->mi.start_stack && v->end >= r->mi.start_stack)
		snprintf(path, size, "[stack]");
}

static void perms(uint64_t f, char out[5])
{
	out[0] = f & 0x1 ? 'r' : '-';
	out[1] = f & 0x2 ? 'w' : '-';
	out[2] = f & 0x4 ? 'x' : '-';
	out[3] = f & 0x80 ? 's' : 'p';
	out[4] = '\0';
}

// The name of swap device TYPE (d_path of swap_info[TYPE]->swap_file,
// include/linux/swap.h), or "?" when the dump does not say.
static const char *swap_name(struct run *r, uint64_t type)
{
	if (type >= sizeof(r->swapnames) / sizeof(r->swapnames[0]))
		return "?";
	char *n = r->swapnames[type];
	if (n[0])
		return n;
	struct kd_session *s = r->s;
	uint64_t arr, si = 0, file = 0, mnt = 0, dentry = 0;
	struct kd_error *err = kd_symbol_address(s, "swap_info", &arr);
	if (!err)
		err = kd_read_kernel(s, arr + type * 8, &si, sizeof(si));
	if (!err && si)
		err = kd_read_member_u64(s, "swap_info_struct", "swap_file", si, &file);
	if (!err && file)
		err = kd_read_member_u64(s, "file", "f_path.mnt", file, &mnt);
	if (!err && file)
		err = kd_read_member_u64(s, "file", "f_path.dentry", file, &dentry);
	if (!err && file)
		err = kd_fs_path(s, mnt, dentry, n, sizeof(r->swapnames[0]));
	if (err || !file || !n[0])
		snprintf(n, sizeof(r->swapnames[0]), "?");
	kd_error_destroy(err);
	return n;
}

struct page_walk {
	struct run *r;
	uint64_t next;  // the first address not printed yet
	uint64_t end;
};

static void page_line(struct run *r, uint64_t va, const char *kind, uint64_t pa, uint64_t type)
{
	struct kd_session *s = r->s;
	if (r->json) {
		kd_json_begin_object(s, NULL);
		kd_json_hex(s, "virtual", va);
		if (kind[0] == 'u') {
			kd_json_bool(s, "incomplete", true);
			kd_json_string(s, "reason", "page table not in the dump");
		} else if (kind[0] == 'p') {
			kd_json_hex(s, "physical", pa);
		} else if (kind[0] == 's') {
			kd_json_string(s, "swap", swap_name(r, type));
			kd_json_u64(s, "swap_type", type);
			kd_json_u64(s, "swap_offset", pa);
		}
		kd_json_end_object(s);
	} else if (kind[0] == 'p') {
		kd_printf(s, "%-16" PRIx64 "  %" PRIx64 "\n", va, pa);
	} else if (kind[0] == 's') {
		kd_printf(s, "%-16" PRIx64 "  SWAP: %s  OFFSET: %" PRIu64 "\n", va, swap_name(r, type), pa);
	} else if (kind[0] == 'u') {
		kd_printf(s, "%-16" PRIx64 "  (page table not in the dump)\n", va);
	} else {
		kd_printf(s, "%-16" PRIx64 "  (not mapped)\n", va);
	}
}

static void unmapped_until(struct page_walk *w, uint64_t va)
{
	for (; w->next < va; w->next += w->r->ps)
		page_line(w->r, w->next, "-", 0, 0);
}

// kd_walk_range's callback: the pages of one leaf entry, with the unmapped
// pages before it.
static struct kd_error *page_leaf(const struct kd_walk_level *lvl, void *arg)
{
	struct page_walk *w = arg;
	struct run *r = w->r;
	uint64_t span = kd_walk_level_span(lvl);
	uint64_t lo = lvl->va > w->next ? lvl->va : w->next;
	uint64_t hi = lvl->va + span - 1 < w->end - 1 ? lvl->va + span : w->end;
	uint64_t type, off;
	unmapped_until(w, lo);
	if (lvl->state == KD_WALK_PAGE) {
		for (uint64_t va = lo; va < hi; va += r->ps)
			page_line(r, va, "p", lvl->next + (va - lvl->va), 0);
		w->next = hi;
	} else if (lvl->state == KD_WALK_NOT_PRESENT && span == r->ps &&
		   kd_pte_swap(r->s, lvl->entry, &type, &off)) {
		page_line(r, lo, "s", off, type);
		w->next = hi;
	} else if (lvl->state == KD_WALK_UNREADABLE) {
		if (!r->nlost++)
			kd_warn(r->s, "vm: the %s table at physical 0x%" PRIx64 " for 0x%" PRIx64 " is not in the dump",
				lvl->name, lvl->table, lo);
		for (uint64_t va = lo; va < hi; va += r->ps)
			page_line(r, va, "u", 0, 0);
		w->next = hi;
	}
	return kd_check_interrupt(r->s);
}

// -p: each page of the VMA, as crash's vm -p lists it: its physical
// address, its swap device and offset, or "(not mapped)".
static void page_lines(struct run *r, const struct kd_vma *v)
{
	struct kd_session *s = r->s;
	if (!r->json)
		kd_printf(s, "VIRTUAL           PHYSICAL\n");
	else
		kd_json_begin_array(s, "pages");
	struct page_walk w = { r, v->start, v->end };
	struct kd_error *err = kd_walk_range(s, &r->t->user_as, v->start, v->end, page_leaf, &w);
	if (!err)
		unmapped_until(&w, v->end);
	else if (err->code != KD_ERR_INTERRUPTED)
		kd_warn(s, "vm: walking the pages of 0x%" PRIx64 "-0x%" PRIx64 ": %s", v->start, v->end, err->msg);
	kd_error_destroy(err);
	if (r->json)
		kd_json_end_array(s);
}

static int each_vma(struct kd_session *s, const struct kd_vma *v, void *arg)
{
	struct run *r = arg;
	char path[KD_FS_PATH_MAX], pm[5];
	uint64_t dev, ino;
	vma_name(r, v, path, sizeof(path), &dev, &ino);
	perms(v->flags, pm);
	uint64_t off = v->file ? v->pgoff * r->ps : 0;
	if (r->json) {
		char fl[512];
		kd_json_begin_object(s, NULL);
		kd_json_hex(s, "vma", v->addr);
		kd_json_hex(s, "start", v->start);
		kd_json_hex(s, "end", v->end);
		kd_json_hex(s, "flags", v->flags);
		kd_json_string(s, "flag_names", flag_names(v->flags, fl, sizeof(fl)));
		kd_json_string(s, "perms", pm);
		kd_json_hex(s, "offset", off);
		kd_json_u64(s, "dev_major", dev >> 20);
		kd_json_u64(s, "dev_minor", dev & 0xfffff);
		kd_json_u64(s, "inode", ino);
		kd_json_hex(s, "file", v->file);
		kd_json_string(s, "name", path);
		if (r->pages)
			page_lines(r, v);
		kd_json_end_object(s);
	} else {
		kd_printf(s, "%016" PRIx64 " %10" PRIx64 " %10" PRIx64 " %7" PRIx64 " %s\n", v->addr, v->start, v->end,
			  v->flags, v->file ? path : "");
		if (r->pages)
			page_lines(r, v);
	}
	if (r->nb == r->capb) {
		size_t cap = r->capb ? 2 * r->capb : 64;
		struct band *b = realloc(r->bands, cap * sizeof(*b));
		if (b) {
			r->bands = b;
			r->capb = cap;
		}
	}
	if (r->nb < r->capb) {
		struct band *b = &r->bands[r->nb++];
		b->start = v->start;
		b->end = v->end;
		snprintf(b->label, sizeof(b->label), "%s %.150s", pm, path[0] ? path : "(anonymous)");
	}
	return kd_check_interrupt(s) ? 1 : 0;
}

static void vma_lost(struct kd_session *s, uint64_t addr, const struct kd_error *why, void *arg)
{
	struct run *r = arg;
	r->nlost++;
	kd_warn(s, "vm: vm_area_struct at 0x%" PRIx64 ": %s", addr, why->msg);
}

static void svg_text(FILE *f, double x, double y, int size, const char *color, const char *text)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-family=\"monospace\" font-size=\"%d\" fill=\"%s\">", x, y,
		size, color);
	for (const char *p = text; *p; p++)
		switch (*p) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		default: fputc(*p, f);
		}
	fputs("</text>\n", f);
}

// A band's height: 6 px per doubling of its size, at least 14 px, the rule
// layout --svg draws the kernel's regions and holes by.
static double band_height(uint64_t size)
{
	double h = log2((double)size) * 6.0;
	return h < 14 ? 14 : h;
}

// One band: a VMA, or a gap between two (grey, as layout --svg draws holes),
// labelled with its range and size.
static void svg_band(FILE *f, double y, double bh, uint64_t start, uint64_t end, bool gap, const char *color,
		     const char *label)
{
	char buf[256], sz[32];
	fprintf(f, "<rect x=\"20\" y=\"%.1f\" width=\"200\" height=\"%.1f\" fill=\"%s\" stroke=\"#333333\" "
		   "stroke-width=\"0.5\"/>\n", y, bh, color);
	snprintf(buf, sizeof(buf), "%012" PRIx64 "-%012" PRIx64 "  %s  %s", start, end,
		 kd_format_size(sz, sizeof(sz), (double)(end - start), 0, " ", true), label);
	svg_text(f, 230, y + bh / 2 + 4, 10, gap ? "#888888" : "black", buf);
}

// The address space, highest address on top, each VMA and each gap between
// two a band whose height grows with log2 of its size (band_height()).
static struct kd_error *write_svg(struct run *r, const char *file)
{
	FILE *f = fopen(file, "w");
	if (!f)
		return kd_error_os(errno, "cannot create '%s'", file);
	double y = 70, h = 0;
	for (size_t i = 0; i < r->nb; i++) {
		h += band_height(r->bands[i].end - r->bands[i].start);
		if (i > 0 && r->bands[i].start > r->bands[i - 1].end)
			h += band_height(r->bands[i].start - r->bands[i - 1].end);
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1000\" height=\"%.0f\">\n"
		   "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", y + h + 30);
	char buf[256];
	snprintf(buf, sizeof(buf), "PID %" PRId64 " (%s): %zu VMAs", r->t->pid, r->t->comm, r->nb);
	svg_text(f, 20, 28, 18, "black", buf);
	svg_text(f, 20, 50, 12, "#555555", "band heights are proportional to log2(size), gaps (grey) as VMAs; "
		 "top = highest address");
	for (size_t j = r->nb; j-- > 0;) {
		const struct band *b = &r->bands[j];
		double bh = band_height(b->end - b->start);
		const char *color = strstr(b->label, "[stack]") ? "#fdae6b" : strstr(b->label, "[heap]") ? "#a1d99b" :
				    strchr(b->label, '/') ? "#9ecae1" : "#d9d9d9";
		svg_band(f, y, bh, b->start, b->end, false, color, b->label);
		y += bh;
		if (j > 0 && b->start > r->bands[j - 1].end) {
			uint64_t gs = r->bands[j - 1].end, ge = b->start;
			bh = band_height(ge - gs);
			svg_band(f, y, bh, gs, ge, true, "#eeeeee", "(gap)");
			y += bh;
		}
	}
	fputs("</svg>\n", f);
	if (fclose(f))
		return kd_error_os(errno, "writing '%s'", file);
	return NULL;
}

// vm -m: the mm_struct (include/linux/mm_types.h) as the value printer
// shows it (crash's vm -m); --json: its members under "mm_struct".
static struct kd_error *print_mm(struct kd_session *s, uint64_t mm)
{
	uint32_t id;
	struct kd_type_info ti;
	struct kd_error *err = kd_type_find(s, "struct mm_struct", &id);
	if (!err)
		err = kd_type_get(s, id, &ti);
	if (err)
		return err;
	if (!kd_json_mode(s))
		return kd_print_object(s, id, mm, NULL, 0);
	uint8_t *buf = malloc(ti.size ? ti.size : 1);
	if (!buf)
		return &kd_enomem;
	if (!(err = kd_read_kernel(s, mm, buf, ti.size)))
		kd_json_value(s, "mm_struct", id, buf, ti.size, NULL);
	free(buf);
	return err ? kd_error_prefix(err, "reading the mm_struct at %016" PRIx64, mm) : NULL;
}

static struct kd_error *one_task(struct kd_session *s, const struct kd_task *t, const struct kd_args *a)
{
	struct run r = { .s = s, .t = t, .pages = a->opt[O_P].count, .json = kd_json_mode(s), .ps = kd_page_size(s) };
	char hdr[160];
	struct kd_error *err = NULL;
	if (r.json) {
		kd_json_begin_object(s, NULL);
		kd_json_i64(s, "pid", t->pid);
		kd_json_hex(s, "task", t->addr);
		kd_json_string(s, "comm", t->comm);
		kd_json_hex(s, "mm", t->mm);
	} else {
		kd_printf(s, "%s\n", kd_task_header(t, hdr, sizeof(hdr)));
	}
	if (!t->mm) {
		if (!r.json)
			kd_printf(s, "       MM               PGD          RSS    TOTAL_VM\n"
				     "%16d  %16d  %4dk  %8dk\n", 0, 0, 0, 0);
		goto out;
	}
	if (a->opt[O_M].count) {
		err = print_mm(s, t->mm);
		goto out;
	}
	r.mi.mm = t->mm;
	kd_error_destroy(kd_read_member_u64(s, "mm_struct", "pgd", t->mm, &r.mi.pgd));
	kd_error_destroy(kd_read_member_u64(s, "mm_struct", "start_brk", t->mm, &r.mi.start_brk));
	kd_error_destroy(kd_read_member_u64(s, "mm_struct", "brk", t->mm, &r.mi.brk));
	kd_error_destroy(kd_read_member_u64(s, "mm_struct", "start_stack", t->mm, &r.mi.start_stack));
	kd_error_destroy(kd_symbol_address(s, "special_mapping_vmops", &r.mi.special_ops[0]));
	kd_error_destroy(kd_symbol_address(s, "legacy_special_mapping_vmops", &r.mi.special_ops[1]));
	if (!ok(kd_type_member(s, "vm_area_struct", "vm_ops", &r.mi.vm_ops)))
		r.mi.vm_ops.size = 0;
	if (!ok(kd_type_member(s, "vm_area_struct", "vm_private_data", &r.mi.priv)))
		r.mi.priv.size = 0;
	uint64_t kb = r.ps / 1024;
	// Counters that could not be read are '?' (absent from --json), never 0.
	bool rss_ok = !(t->unknown & (KD_TU_MM | KD_TU_RSS)), vm_ok = !(t->unknown & KD_TU_MM);
	if (r.json) {
		kd_json_hex(s, "pgd", r.mi.pgd);
		if (rss_ok)
			kd_json_u64(s, "rss_kb", t->rss * kb);
		if (vm_ok)
			kd_json_u64(s, "total_vm_kb", t->total_vm * kb);
		kd_json_begin_array(s, "vmas");
	} else {
		char rss[24] = "?", tvm[24] = "?";
		if (rss_ok)
			snprintf(rss, sizeof(rss), "%" PRIu64 "k", t->rss * kb);
		if (vm_ok)
			snprintf(tvm, sizeof(tvm), "%" PRIu64 "k", t->total_vm * kb);
		kd_printf(s, "       MM               PGD          RSS    TOTAL_VM\n");
		kd_printf(s, "%016" PRIx64 "  %016" PRIx64 "  %s  %s\n", t->mm, r.mi.pgd, rss, tvm);
		kd_printf(s, "      VMA           START       END     FLAGS FILE\n");
	}
	err = kd_vma_foreach(s, t->mm, each_vma, vma_lost, &r, NULL);
	if (r.json)
		kd_json_end_array(s);
	if (!err && a->opt[O_SVG].arg)
		err = write_svg(&r, a->opt[O_SVG].arg);
	if (!err && r.nlost)
		err = kd_error_create(KD_ERR_NODATA, "PID %" PRId64 ": %zu VMA(s) or page table(s) unreadable (named above)", t->pid,
				      r.nlost);
out:
	if (r.json) {
		if (t->incomplete) {
			kd_json_bool(s, "incomplete", true);
			kd_json_string(s, "reason", t->incomplete);
		}
		kd_json_end_object(s);
	}
	free(r.bands);
	return err;
}

static struct kd_error *decode_flags(struct kd_session *s, const char *arg)
{
	uint64_t f;
	struct kd_error *err = kd_parse_u64(arg, true, &f);
	if (err)
		return kd_error_prefix(err, "-f");
	char buf[512];
	if (kd_json_mode(s)) {
		kd_json_begin_object(s, NULL);
		kd_json_hex(s, "flags", f);
		kd_json_string(s, "names", flag_names(f, buf, sizeof(buf)));
		kd_json_end_object(s);
	} else {
		kd_printf(s, "%" PRIx64 ": (%s)\n", f, flag_names(f, buf, sizeof(buf)));
	}
	return NULL;
}

static struct kd_error *vm_run(struct kd_session *s, const struct kd_args *a)
{
	if (a->opt[O_F].arg)
		return decode_flags(s, a->opt[O_F].arg);
	struct kd_error *err = kd_tasks_load(s);
	if (err)
		return err;
	const struct kd_task *ts[64];
	int n = 0;
	if (a->argc == 1 && !(ts[n++] = kd_task_current(s)))
		return kd_error_create(KD_ERR_NOTFOUND, "no current task: give a PID or a task address");
	for (int i = 1; i < a->argc && n < 64; i++)
		if ((err = kd_task_lookup(s, a->argv[i], &ts[n++])))
			return err;
	if (a->opt[O_SVG].arg && n != 1)
		return kd_error_create(KD_ERR_USAGE, "--svg draws one task's address space");
	if (kd_json_mode(s))
		kd_json_begin_array(s, NULL);
	struct kd_error *first = NULL;
	for (int i = 0; i < n; i++) {
		if (i && !kd_json_mode(s))
			kd_printf(s, "\n");
		err = one_task(s, ts[i], a);
		if (err && err->code == KD_ERR_INTERRUPTED) {
			kd_error_destroy(first);
			first = err;
			break;
		}
		if (err && !first)
			first = err;
		else
			kd_error_destroy(err);
	}
	if (kd_json_mode(s))
		kd_json_end_array(s);
	return first;
}

static const struct kd_command commands[] = {
	{
		.name = "vm",
		.summary = "a process's virtual memory: its mm and VMAs (crash's vm)",
		.operands = "[PID|TASK]...",
		.help = "Show a task's memory as crash's vm does: the task line, its mm_struct,\n"
			"page directory, RSS and TOTAL_VM, then one line per VMA (struct\n"
			"vm_area_struct): its address, START, END (exclusive), vm_flags and file.\n"
			"Without an operand, the current context's task.  -p lists each page's\n"
			"translation; -m prints the mm_struct instead of the VMAs, member by\n"
			"member; -f FLAGS names the bits of a vm_flags value; --json gives\n"
			"each VMA as /proc/PID/maps shows it (perms, offset, device, inode, path\n"
			"or [heap], [stack], [vdso], [vvar]); --svg FILE draws the address space.\n\n"
			"EXAMPLES\n"
			"  kdive> vm 1\n"
			"  kdive> vm -p 1234 | less\n"
			"  kdive> vm -m 1234\n"
			"  kdive> vm -f 8100073\n"
			"  kdive> vm --svg marker.svg 1234",
		.options = vm_opts,
		.operand = KD_ARG_PID,
		.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_TYPES | KD_CMD_CONTEXT_TASK,
		.run = vm_run,
	},
	{ NULL },
};

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "vm",
	.version = "1",
	.commands = commands,
};
