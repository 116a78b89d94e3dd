// SPDX-License-Identifier: GPL-3.0-or-later
// pagemap: what each page of a process, a file or the whole machine is,
// in the layout of the kernel's tools/mm/page-types (users compare the
// two): per page the virtual page, the page frame, its map count and its
// /proc/kpageflags word; ranges of equal flags; a summary by flags value.
// This file is the command and the page sink (filter, lists, summary);
// the sources are in pagemap_live.c (the running kernel's /proc files)
// and pagemap_dump.c (the same words computed from a dump).
// Where page-types' output has no stable order (its summary follows a
// hash table), ours is sorted by flags value.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kdive/page.h>

#include "pagemap.h"

enum { O_P, O_A, O_B, O_L, O_LL, O_N, O_R, O_M, O_C, O_D, O_F, O_LIVE, O_JSON, O_NOPT };
static const struct kd_option pagemap_opts[] = {
	[O_P] = { "p", KD_ARG_INT, "PID", "the pages mapped by process PID (its /proc/PID/maps)" },
	[O_A] = { "a", KD_ARG_STRING, "START[,END]", "only these addresses, END exclusive, or START+N pages (page:N[,M] for page numbers)" },
	[O_B] = { "b", KD_ARG_STRING, "FLAGS", "only pages whose flags match, e.g. anon,~lru" },
	[O_L] = { "l", KD_ARG_NONE, NULL, "list ranges of pages with equal flags" },
	[O_LL] = { "L", KD_ARG_NONE, NULL, "list each page" },
	[O_N] = { "N", KD_ARG_NONE, NULL, "no summary" },
	[O_R] = { "r", KD_ARG_NONE, NULL, "raw flags: kernel-internal bits, overloaded bits told apart" },
	[O_M] = { "M", KD_ARG_NONE, NULL, "show each page's map count in the lists" },
	[O_C] = { "C", KD_ARG_NONE, NULL, "show each page's memory cgroup (inode) in the lists" },
	[O_D] = { "d", KD_ARG_STRING, "FLAGS", "describe a flags word and stop" },
	[O_F] = { "f", KD_ARG_FILE, "FILE", "the page-cache pages of FILE" },
	[O_LIVE] = { "live", KD_ARG_NONE, NULL, "the running kernel's /proc even when a dump is open" },
	[O_JSON] = KD_OPTION_JSON,
	[O_NOPT] = { NULL },
};

// The live kernel's page size.
static uint64_t live_page_size(void)
{
	long ps = sysconf(_SC_PAGESIZE);
	return ps > 0 ? (uint64_t)ps : 4096;
}

static uint64_t shown_flags(const struct pm_sink *k, const struct pm_page *p)
{
	return k->raw ? kd_kpf_raw(p->flags, p->pme) : kd_kpf_well_known(p->flags);
}

// The columns before page-types' offset column.
static void prefix_cols(struct pm_sink *k, const struct pm_page *p)
{
	if (k->by_va)
		kd_printf(k->s, "%" PRIx64 "\t", p->vpn);
	if (k->cgroup && p->cgroup_unknown)
		kd_printf(k->s, "@?\t");
	else if (k->cgroup)
		kd_printf(k->s, "@%" PRIu64 "\t", p->cgroup);
	if (k->mapcnt)
		kd_printf(k->s, "%" PRIu64 "\t", p->count);
}

static void json_page(struct pm_sink *k, const struct pm_page *p, uint64_t flags, uint64_t len)
{
	char sym[80], lng[1024];
	kd_json_begin_object(k->s, NULL);
	if (k->by_va) {
		kd_json_hex(k->s, "vaddr", p->vpn * k->ps);
		kd_json_hex(k->s, "vpn", p->vpn);
	}
	kd_json_hex(k->s, p->swapped ? "swap_offset" : "pfn", p->pfn);
	if (len)
		kd_json_u64(k->s, "pages", len);
	kd_json_hex(k->s, "flags", flags);
	kd_json_string(k->s, "symbolic", kd_kpf_symbolic(flags, sym, sizeof(sym)));
	kd_json_string(k->s, "long", kd_kpf_long(flags, lng, sizeof(lng)));
	if (!p->swapped)
		kd_json_hex(k->s, "kpageflags", p->flags); // the kernel's word, before either view
	kd_json_u64(k->s, "mapcount", p->count);
	if (k->cgroup && p->cgroup_unknown)
		kd_json_null(k->s, "cgroup");
	else if (k->cgroup)
		kd_json_u64(k->s, "cgroup", p->cgroup);
	if (k->cgroup && p->cgroup_path)
		kd_json_string(k->s, "cgroup_path", p->cgroup_path);
	if (p->pme) {
		kd_json_hex(k->s, "pagemap_entry", p->pme);
		kd_json_bool(k->s, "swapped", p->swapped);
		kd_json_bool(k->s, "file_or_shared", p->pme & KD_PM_FILE);
		kd_json_bool(k->s, "exclusive", p->pme & KD_PM_MMAP_EXCLUSIVE);
		kd_json_bool(k->s, "soft_dirty", p->pme & KD_PM_SOFT_DIRTY);
	}
	kd_json_end_object(k->s);
}

static void flush_run(struct pm_sink *k)
{
	if (!k->run_len)
		return;
	char sym[80];
	if (k->json) {
		json_page(k, &k->run, k->run_flags, k->run_len);
	} else {
		prefix_cols(k, &k->run);
		kd_printf(k->s, "%" PRIx64 "\t%" PRIx64 "\t%s\n", k->run.pfn, k->run_len,
			  kd_kpf_symbolic(k->run_flags, sym, sizeof(sym)));
	}
	k->run_len = 0;
}

static struct kd_error *count_flags(struct pm_sink *k, uint64_t flags)
{
	if (2 * (k->nsum + 1) > k->capsum) {
		size_t cap = k->capsum ? 2 * k->capsum : 64;
		struct pm_sum *v = calloc(cap, sizeof(*v));
		if (!v)
			return &kd_enomem;
		for (size_t i = 0; i < k->capsum; i++) {
			if (!k->sum[i].pages)
				continue;
			size_t j = (size_t)(k->sum[i].flags * 0x9e3779b97f4a7c15ULL >> 7) & (cap - 1);
			while (v[j].pages)
				j = (j + 1) & (cap - 1);
			v[j] = k->sum[i];
		}
		free(k->sum);
		k->sum = v;
		k->capsum = cap;
	}
	size_t j = (size_t)(flags * 0x9e3779b97f4a7c15ULL >> 7) & (k->capsum - 1);
	while (k->sum[j].pages && k->sum[j].flags != flags)
		j = (j + 1) & (k->capsum - 1);
	if (!k->sum[j].pages) {
		k->sum[j].flags = flags;
		k->nsum++;
	}
	k->sum[j].pages++;
	return NULL;
}

// -C: pages per memory cgroup (few distinct: a linear search).
static struct kd_error *count_cgroup(struct pm_sink *k, const struct pm_page *p)
{
	for (size_t i = 0; i < k->ncg; i++) {
		struct pm_cgsum *c = &k->cgsum[i];
		if (c->unknown == p->cgroup_unknown && (p->cgroup_unknown || c->ino == p->cgroup)) {
			c->pages++;
			if (!c->path)
				c->path = p->cgroup_path;
			return NULL;
		}
	}
	if (k->ncg == k->capcg) {
		size_t cap = k->capcg ? 2 * k->capcg : 16;
		struct pm_cgsum *v = realloc(k->cgsum, cap * sizeof(*v));
		if (!v)
			return &kd_enomem;
		k->cgsum = v;
		k->capcg = cap;
	}
	k->cgsum[k->ncg++] = (struct pm_cgsum){ .ino = p->cgroup, .pages = 1, .path = p->cgroup_path,
						.unknown = p->cgroup_unknown };
	return NULL;
}

struct kd_error *pm_add(struct pm_sink *k, const struct pm_page *p)
{
	uint64_t flags = p->swapped ? (k->raw ? kd_kpf_raw(0, p->pme) : 0) : shown_flags(k, p);
	if (k->has_filter && !kd_kpf_filter_ok(&k->filter, flags))
		return NULL;
	if (k->list_each) {
		char sym[80];
		if (k->json) {
			json_page(k, p, flags, 0);
		} else {
			prefix_cols(k, p);
			kd_printf(k->s, "%" PRIx64 "\t%s\n", p->pfn, kd_kpf_symbolic(flags, sym, sizeof(sym)));
		}
	} else if (k->list_ranges) {
		bool same = k->run_len && flags == k->run_flags && p->pfn == k->run.pfn + k->run_len &&
			    p->vpn == k->run.vpn + k->run_len && p->swapped == k->run.swapped &&
			    (!k->mapcnt || p->count == k->run.count) && (!k->cgroup || (p->cgroup == k->run.cgroup && p->cgroup_unknown == k->run.cgroup_unknown));
		if (same) {
			k->run_len++;
		} else {
			flush_run(k);
			k->run = *p;
			k->run_flags = flags;
			k->run_len = 1;
		}
	}
	// page-types' walk_swap() counts a swapped page too, under the flags
	// its pagemap entry gives (none unless -r: then swap, file, ...).
	k->total++;
	if (k->cgroup) {
		struct kd_error *err = count_cgroup(k, p);
		if (err)
			return err;
	}
	return count_flags(k, flags);
}

static int cmp_sum(const void *a, const void *b)
{
	const struct pm_sum *x = a, *y = b;
	return (x->flags > y->flags) - (x->flags < y->flags);
}

static int cmp_cgsum(const void *a, const void *b)
{
	const struct pm_cgsum *x = a, *y = b;
	if (x->unknown != y->unknown)
		return x->unknown - y->unknown;
	return (x->ino > y->ino) - (x->ino < y->ino);
}

// -C: the pages of each memory cgroup, by inode ('?' last), with its path.
static void cgroup_summary(struct pm_sink *k)
{
	if (k->ncg)
		qsort(k->cgsum, k->ncg, sizeof(*k->cgsum), cmp_cgsum);
	uint64_t ps = k->ps;
	if (k->json) {
		kd_json_begin_array(k->s, "cgroups");
		for (size_t i = 0; i < k->ncg; i++) {
			const struct pm_cgsum *c = &k->cgsum[i];
			kd_json_begin_object(k->s, NULL);
			if (c->unknown)
				kd_json_null(k->s, "cgroup");
			else
				kd_json_u64(k->s, "cgroup", c->ino);
			kd_json_u64(k->s, "pages", c->pages);
			kd_json_u64(k->s, "mb", c->pages * ps >> 20);
			if (c->path)
				kd_json_string(k->s, "path", c->path);
			kd_json_end_object(k->s);
		}
		kd_json_end_array(k->s);
		return;
	}
	kd_printf(k->s, "\n            cgroup\tpage-count       MB  path\n");
	for (size_t i = 0; i < k->ncg; i++) {
		const struct pm_cgsum *c = &k->cgsum[i];
		char ino[24];
		if (c->unknown)
			snprintf(ino, sizeof(ino), "@?");
		else
			snprintf(ino, sizeof(ino), "@%" PRIu64, c->ino);
		kd_printf(k->s, "%18s\t%10" PRIu64 " %8" PRIu64 "  %s\n", ino, c->pages, c->pages * ps >> 20,
			  c->unknown ? "(unreadable)" : c->path ? c->path : c->ino ? "-" : "(no memory cgroup)");
	}
}

static void summary(struct pm_sink *k)
{
	size_t n = 0;
	for (size_t i = 0; i < k->capsum; i++)
		if (k->sum[i].pages)
			k->sum[n++] = k->sum[i];
	if (n)
		qsort(k->sum, n, sizeof(*k->sum), cmp_sum);
	char sym[80], lng[1024];
	uint64_t ps = k->ps;
	if (k->json) {
		kd_json_begin_array(k->s, "summary");
		for (size_t i = 0; i < n; i++) {
			kd_json_begin_object(k->s, NULL);
			kd_json_hex(k->s, "flags", k->sum[i].flags);
			kd_json_u64(k->s, "pages", k->sum[i].pages);
			kd_json_u64(k->s, "mb", k->sum[i].pages * ps >> 20);
			kd_json_string(k->s, "symbolic", kd_kpf_symbolic(k->sum[i].flags, sym, sizeof(sym)));
			kd_json_string(k->s, "long", kd_kpf_long(k->sum[i].flags, lng, sizeof(lng)));
			kd_json_end_object(k->s);
		}
		kd_json_end_array(k->s);
		kd_json_u64(k->s, "total_pages", k->total);
		kd_json_u64(k->s, "total_mb", k->total * ps >> 20);
		if (k->cgroup)
			cgroup_summary(k);
		return;
	}
	kd_printf(k->s, "             flags\tpage-count       MB  symbolic-flags\t\t\tlong-symbolic-flags\n");
	for (size_t i = 0; i < n; i++)
		kd_printf(k->s, "0x%016" PRIx64 "\t%10" PRIu64 " %8" PRIu64 "  %s\t%s\n", k->sum[i].flags,
			  k->sum[i].pages, k->sum[i].pages * ps >> 20,
			  kd_kpf_symbolic(k->sum[i].flags, sym, sizeof(sym)),
			  kd_kpf_long(k->sum[i].flags, lng, sizeof(lng)));
	kd_printf(k->s, "             total\t%10" PRIu64 " %8" PRIu64 "\n", k->total, k->total * ps >> 20);
	if (k->cgroup)
		cgroup_summary(k);
}

// -d: the word in page-types' layout, then one line per set bit.
static struct kd_error *describe(struct kd_session *s, const char *spec)
{
	uint64_t flags;
	struct kd_error *err = kd_parse_u64(spec, false, &flags);
	if (err) {
		kd_error_destroy(err);
		struct kd_kpf_filter f;
		if ((err = kd_kpf_filter_parse(spec, &f)))
			return err;
		flags = f.bits;
	}
	char sym[80], lng[1024];
	if (kd_json_mode(s)) {
		kd_json_begin_object(s, NULL);
		kd_json_hex(s, "flags", flags);
		kd_json_string(s, "symbolic", kd_kpf_symbolic(flags, sym, sizeof(sym)));
		kd_json_begin_array(s, "bits");
	} else {
		kd_printf(s, "             flags\tsymbolic-flags\t\t\tlong-symbolic-flags\n");
		kd_printf(s, "0x%016" PRIx64 "\t%s\t%s\n", flags, kd_kpf_symbolic(flags, sym, sizeof(sym)),
			  kd_kpf_long(flags, lng, sizeof(lng)));
	}
	for (unsigned b = 0; b < 64; b++) {
		if (!((flags >> b) & 1))
			continue;
		const struct kd_kpf_info *in = kd_kpf_find(b);
		if (kd_json_mode(s)) {
			kd_json_begin_object(s, NULL);
			kd_json_u64(s, "bit", b);
			kd_json_string(s, "name", in ? in->name : NULL);
			kd_json_string(s, "meaning", in ? in->meaning : "no name: not a bit the kernel reports");
			kd_json_end_object(s);
		} else if (in) {
			kd_printf(s, "  %2u %c %-15s %s\n", b, in->letter, in->name, in->meaning);
		} else {
			kd_printf(s, "  %2u ? %-15s %s\n", b, "-", "no name: not a bit the kernel reports");
		}
	}
	if (kd_json_mode(s)) {
		kd_json_end_array(s);
		kd_json_end_object(s);
	}
	return NULL;
}

// -a START[,END] or START+N: byte addresses, or page numbers after
// "page:"; END is exclusive; +N counts pages in both forms, as page-types'
// option -a with OFFSET+SIZE does.
static struct kd_error *parse_range(const char *spec, uint64_t ps, struct pm_range *r)
{
	bool pages = strncmp(spec, "page:", 5) == 0;
	const char *p = pages ? spec + 5 : spec;
	char lo_s[64];
	const char *sep = strpbrk(p, ",+");
	bool plus = sep && *sep == '+';
	size_t n = sep ? (size_t)(sep - p) : strlen(p);
	if (n == 0 || n >= sizeof(lo_s))
		return kd_error_create(KD_ERR_USAGE, "-a: bad range '%s'", spec);
	memcpy(lo_s, p, n);
	lo_s[n] = '\0';
	uint64_t lo, hi = 0;
	struct kd_error *err = kd_parse_u64(lo_s, true, &lo);
	if (!err && sep)
		err = kd_parse_u64(sep + 1, true, &hi);
	if (err)
		return kd_error_prefix(err, "-a");
	if (!pages)
		lo /= ps;
	if (plus)
		hi = hi > UINT64_MAX - lo ? UINT64_MAX : lo + hi;
	else if (!sep)
		hi = lo + 1;
	else if (!pages)
		hi = (hi + ps - 1) / ps;
	if (hi <= lo)
		return kd_error_create(KD_ERR_USAGE, "-a: empty range '%s'", spec);
	r->lo = lo;
	r->hi = hi;
	return NULL;
}

static struct kd_error *pagemap_run(struct kd_session *s, const struct kd_args *a)
{
	const struct kd_optval *v = a->opt;
	if (a->argc > 1)
		return kd_error_create(KD_ERR_USAGE, "unexpected argument '%s'", a->argv[1]);
	if (v[O_D].arg)
		return describe(s, v[O_D].arg);
	if (v[O_P].arg && v[O_F].arg)
		return kd_error_create(KD_ERR_USAGE, "-p and -f exclude each other");
	const char *dump = kd_dump_path(s);
	bool live = v[O_LIVE].count || !dump || strcmp(dump, "/proc/kcore") == 0;
	if (!live && v[O_F].arg)
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "-f reads the running kernel's page cache: give --live (on a dump, see files and kmem -p)");
	struct pm_sink k = {
		.s = s, .by_va = v[O_P].arg || v[O_F].arg, .raw = v[O_R].count, .list_each = v[O_LL].count,
		.list_ranges = v[O_L].count && !v[O_LL].count, .no_summary = v[O_N].count,
		.mapcnt = v[O_M].count, .cgroup = v[O_C].count, .json = kd_json_mode(s),
		.ps = live ? live_page_size() : kd_page_size(s),
	};
	k.need_count = k.mapcnt || (k.json && (k.list_each || k.list_ranges));
	struct pm_range r = { 0, UINT64_MAX };
	struct kd_error *err = NULL;
	if (v[O_B].arg && (err = kd_kpf_filter_parse(v[O_B].arg, &k.filter)))
		return err;
	k.has_filter = v[O_B].arg != NULL;
	if (v[O_A].arg && (err = parse_range(v[O_A].arg, k.ps, &r)))
		return err;
	const char *owner = NULL;
	if (!live && k.cgroup) {
		if ((err = kd_pages_load(s)) || (err = pm_cg_create(s, &k.cg)))
			return err;
		owner = pm_page_owner_state(s);
	}
	long pid = 0;
	if (v[O_P].arg) {
		uint64_t p;
		if ((err = kd_parse_u64(v[O_P].arg, false, &p)))
			return kd_error_prefix(err, "-p");
		pid = (long)p;
	}
	if (k.json) {
		kd_json_begin_object(s, NULL);
		if (k.list_each || k.list_ranges)
			kd_json_begin_array(s, k.list_each ? "pages" : "ranges");
	} else if (k.list_each || k.list_ranges) {
		if (k.by_va)
			kd_printf(s, "voffset\t");
		if (k.cgroup)
			kd_printf(s, "cgroup\t");
		if (k.mapcnt)
			kd_printf(s, "map-cnt\t");
		kd_printf(s, k.list_each ? "offset\tflags\n" : "offset\tlen\tflags\n");
	}
	if (!live)
		err = v[O_P].arg ? pm_dump_pid(&k, pid, &r) : pm_dump_frames(&k, &r);
	else if (v[O_P].arg)
		err = pm_live_pid(&k, pid, &r);
	else if (v[O_F].arg)
		err = pm_live_file(&k, v[O_F].arg, &r);
	else
		err = pm_live_frames(&k, &r);
	flush_run(&k);
	if (k.json && (k.list_each || k.list_ranges))
		kd_json_end_array(s);
	if (!err && !k.no_summary) {
		if (!k.json && (k.list_each || k.list_ranges))
			kd_printf(s, "\n\n");
		summary(&k);
	}
	if (k.json && owner)
		kd_json_string(s, "page_owner", owner);
	if (k.json)
		kd_json_end_object(s);
	if (owner && strcmp(owner, "absent") == 0)
		kd_warn(s, "pagemap: page_owner: none in this kernel (built without CONFIG_PAGE_OWNER): no allocation stacks");
	else if (owner)
		kd_warn(s, "pagemap: page_owner: the kernel has CONFIG_PAGE_OWNER; its allocation stacks are not decoded");
	if (k.cg) {
		struct kd_error *cerr = pm_cg_end(k.cg);
		if (!err)
			err = cerr;
		else
			kd_error_destroy(cerr);
		pm_cg_destroy(k.cg);
	}
	free(k.cgsum);
	if (k.root_hint)
		kd_warn(s, "pagemap: the kernel hid the page frames (pfn 0): reading them needs root (CAP_SYS_ADMIN)");
	free(k.sum);
	return err;
}

static const struct kd_command commands[] = {
	{
		.name = "pagemap",
		.summary = "what each page is: page-types for processes, files and all memory",
		.help = "Show the kernel's view of pages as tools/mm/page-types does, in its layout:\n"
			"for a process (-p PID: the pages its mappings hold), a file's page-cache\n"
			"pages (-f FILE), or every page frame of the machine (the default).  Per\n"
			"page: the virtual page (voffset), the page frame (offset), the map count\n"
			"(-M) and the flags word of /proc/kpageflags, written with one letter per\n"
			"bit; -l joins runs of equal flags, -L lists each page; then a summary by\n"
			"flags value (sorted by value).  The flags shown are page-types' well-known\n"
			"ones unless -r (raw) is given.  pagemap -d FLAGS explains a flags word,\n"
			"one line per bit; pagemap -d 0xffffffffffffffff lists every bit.\n"
			"Without a dump (or with --live) this reads the running kernel's /proc\n"
			"files (root needed for page frames and flags).  On a dump the same words\n"
			"are computed from the dump: the process's VMAs and page tables, and each\n"
			"page's flags from its struct page as the kernel's stable_page_flags()\n"
			"does (-f needs the running kernel).  -C adds each page's memory cgroup\n"
			"(the inode /proc/kpagecgroup gives: '@INO', 0 for none, '?' when it\n"
			"cannot be read) to the lists and, after the summary, the pages of each\n"
			"cgroup with its path (on a dump: the folio's memcg_data, as the kernel's\n"
			"page_cgroup_ino() reads it); on a dump it also says whether the kernel\n"
			"keeps page_owner allocation stacks (not decoded).\n\n"
			"JSON\n"
			"  --json prints one object: \"summary\" (unless -N), an array of\n"
			"  {flags, pages, mb, symbolic, long} by flags value, then total_pages and\n"
			"  total_mb; with -L \"pages\", with -l \"ranges\", arrays of objects:\n"
			"    vaddr, vpn    the virtual address and page number (-p; -f: in the file)\n"
			"    pfn           the page frame (swap_offset for a swapped page)\n"
			"    pages         the range's length in pages (-l)\n"
			"    flags         the flags shown (well-known, or raw with -r), as in the text\n"
			"    symbolic      flags with page-types' one letter per bit\n"
			"    long          flags as comma-separated long names\n"
			"    kpageflags    the word /proc/kpageflags holds, before either view\n"
			"    mapcount      /proc/kpagecount: how many times the frame is mapped\n"
			"    cgroup        /proc/kpagecgroup: the memory cgroup's inode (-C)\n"
			"    pagemap_entry the /proc/PID/pagemap entry (-p, -f), and its bits:\n"
			"                  swapped, file_or_shared, exclusive, soft_dirty\n"
			"  A range's values are its first page's.  Hexadecimal values are strings\n"
			"  (\"0x...\"); -d FLAGS --json gives {flags, symbolic, bits: [{bit, name,\n"
			"  meaning}]}.\n\n"
			"EXAMPLES\n"
			"  kdive> pagemap -p 1234                 summary of a process's pages\n"
			"  kdive> pagemap -p 1234 -L -b anon      its anonymous pages, one per line\n"
			"  kdive> pagemap -C -N                   pages per memory cgroup\n"
			"  kdive> pagemap -a page:0x1000,0x2000 -l  frames 0x1000-0x1fff as ranges\n"
			"  kdive> pagemap -f /usr/lib/x86_64-linux-gnu/libc.so.6\n"
			"  kdive> pagemap -d 0x828",
		.options = pagemap_opts,
		.flags = 0,
		.run = pagemap_run,
	},
	{ NULL },
};

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "pagemap",
	.version = "1",
	.commands = commands,
};
