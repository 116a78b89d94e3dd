// SPDX-License-Identifier: GPL-3.0-or-later
// Data symbols for kernels built without CONFIG_KALLSYMS_ALL (Debian's
// arm64 kernels: kallsyms holds text symbols only).  The commands need a
// few data symbols (init_task, __per_cpu_offset, runqueues, the BTF
// bounds...); they are found elsewhere in the dump, each checked, and added
// to the symbol table with their origin (`sym -v`).  Only names the table
// lacks are added: kallsyms, a System.map or a vmlinux always win.
//
//  - VMCOREINFO's SYMBOL(name) entries that lie in the kernel image
//    (kernel/vmcore_info.c; SYMBOL(mem_section) is the array's value, a
//    linear-map pointer, and is left out by that rule);
//  - __start_BTF/__stop_BTF: a scan of the image for a BTF header
//    (include/uapi/linux/btf.h: magic 0xeB9F, version 1) whose sections
//    fit, as the types layer then parses;
//  - init_task (once types are loaded): a scan of the image for a
//    task_struct whose comm is "swapper/0", pid 0, and whose tasks list's
//    next entry points back at it;
//  - runqueues and __per_cpu_offset: the adrp/add and adrp/ldr pairs of a
//    small scheduler function (idle_cpu, nr_iowait_cpu: cpu_rq(cpu) is
//    per_cpu(runqueues, cpu), kernel/sched/sched.h), an ordered pair of
//    their targets accepted when every CPU's rq->cpu is that CPU and its
//    rq->idle is the task "swapper/CPU";
//  - modules: an adrp pair in print_modules() or find_module_all() whose
//    target is a list of struct module with printable names, linked both ways;
//  - per-cpu variables: BTF's .data..percpu DATASEC gives each one's offset
//    from __per_cpu_start, which is runqueues minus its offset;
//  - exported variables (jiffies, init_net, _totalram_pages, node_data ...):
//    a scan of the image for the kernel's export table (__ksymtab), checked
//    by its order and against kallsyms' text symbols;
//  - objects init_task points at (init_nsproxy and the init namespaces,
//    init_fs, init_files, init_cred; init_mm when its pgd is swapper_pg_dir),
//    by its BTF members;
//  - other variables a small function uses (datasyms_code.c's table).
// The code is decoded by datasyms_code.c (A64): every address a function
// forms from an ADRP page is a candidate; the checks decide.
#include "config.h"

#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/arch.h>
#include <kdive/output.h>
#include <kdive/dump.h>
#include <kdive/session.h>
#include <kdive/symbols.h>
#include <kdive/types.h>
#include <kdive/vm.h>

#include "datasyms_code.h"
#include "session_priv.h"
#include "symtab.h"
#include "types.h"

enum {
	CHUNK = 64 * 1024,
	SCAN_LIMIT = 128 << 20,   // bytes of image scanned after _etext
	SCAN_HOLE = 32 << 20,     // stop after this much unreadable in a row
	BTF_HDR = 24,
	MAX_TARGETS = 24,
	FUNC_BYTES = 1024,        // instructions decoded per function
};

static bool present(struct kd_symtab *t, const char *name)
{
	struct kd_symbol sym;
	return kd_symtab_find(t, name, &sym);
}

// size 0: unknown (kd_symbol_at() then lets it reach one page).
static void add_sized(struct kd_symtab *t, const char *name, uint64_t addr, uint64_t size, const char *origin)
{
	kd_symtab_set_origin(t, kd_symtab_origin(t, origin));
	kd_error_destroy(kd_symtab_add(t, name, strlen(name), 'D', addr, size, 0));
	kd_symtab_set_origin(t, 0);
}

static void add(struct kd_symtab *t, const char *name, uint64_t addr, const char *origin)
{
	add_sized(t, name, addr, 0, origin);
}

// The size of a struct by name, 0 if the types do not know it.
static uint64_t type_size(struct kd_session *s, const char *type)
{
	uint64_t size = 0;
	struct kd_error *err = kd_type_size(s, type, &size);
	kd_error_destroy(err);
	return err ? 0 : size;
}

static uint64_t sym_addr(struct kd_symtab *t, const char *name)
{
	struct kd_symbol sym;
	return kd_symtab_find(t, name, &sym) ? sym.address : 0;
}

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

// Where the scans start: after the text (kallsyms has _etext), else _stext.
static uint64_t scan_start(struct kd_symtab *t)
{
	uint64_t a = sym_addr(t, "_etext");
	return a ? a : sym_addr(t, "_stext");
}

// The chunk to try after the unreadable chunk at va (both CHUNK-aligned):
// the one holding the first mapped page at or above it, by the page tables,
// or va + CHUNK when the chunk itself has a mapped page (excluded from the
// dump) or the backend cannot scan.  Past to (or the top) when nothing more
// is mapped.
static uint64_t skip_unmapped(struct kd_session *s, uint64_t va, uint64_t to)
{
	uint64_t mva, mpa, msize, next = va + CHUNK;
	struct kd_error *err = kd_next_mapped(s, NULL, va, to, &mva, &mpa, &msize);
	if (!err) {
		uint64_t c = mva & ~(uint64_t)(CHUNK - 1);
		if (c > next)
			next = c;
	} else if (err->code == KD_ERR_NOTFOUND && to > next) {
		next = to;
	}
	kd_error_destroy(err);
	return next < va ? UINT64_MAX & ~(uint64_t)(CHUNK - 1) : next;
}

/*
 * Call fn on each readable chunk of [from, to) (scan_image: [from, from +
 * SCAN_LIMIT)), with 64 bytes of the next chunk so that a match may
 * straddle; fn returns true to stop.  Unreadable chunks (the freed init sections, the end of the image)
 * are skipped; a long unreadable stretch ends the scan.
 */
static void scan_range(struct kd_session *s, uint64_t from, uint64_t to,
		       bool (*fn)(struct kd_session *s, uint64_t va, const uint8_t *buf, size_t len, void *arg),
		       void *arg)
{
	uint8_t *buf = malloc(CHUNK + 64);
	if (!buf)
		return;
	uint64_t hole = 0;
	for (uint64_t va = from & ~(uint64_t)(CHUNK - 1); va < to && hole < SCAN_HOLE; va += CHUNK) {
		struct kd_error *ierr = kd_check_interrupt(s);
		if (ierr) {
			kd_error_destroy(ierr);
			break;
		}
		if (!rd(s, va, buf, CHUNK)) {
			// Unmapped stretches are skipped by the page tables in one
			// step (each failed read builds an error: a 32 MiB hole read
			// chunk by chunk was most of the time of a fuzz input); a
			// chunk mapped but not in the dump is stepped over as before.
			uint64_t next = skip_unmapped(s, va, to);
			hole += next - va;
			va = next - CHUNK; // the loop adds CHUNK
			continue;
		}
		hole = 0;
		size_t len = CHUNK;
		if (rd(s, va + CHUNK, buf + CHUNK, 64))
			len += 64;
		if (fn(s, va, buf, len, arg))
			break;
	}
	free(buf);
}

static void scan_image(struct kd_session *s, uint64_t from,
		       bool (*fn)(struct kd_session *s, uint64_t va, const uint8_t *buf, size_t len, void *arg),
		       void *arg)
{
	scan_range(s, from, from + SCAN_LIMIT, fn, arg);
}

/* ---- the BTF bounds ------------------------------------------------------------- */

struct btf_hit {
	uint64_t start, size;
};

static bool btf_chunk(struct kd_session *s, uint64_t va, const uint8_t *b, size_t len, void *arg)
{
	struct btf_hit *h = arg;
	for (size_t i = 0; i + BTF_HDR <= len && i < CHUNK; i += 4) {
		if (kd_dump_u16(s, b + i) != 0xeb9f || b[i + 2] != 1 || b[i + 3] != 0)
			continue;
		uint32_t hdr = kd_dump_u32(s, b + i + 4), toff = kd_dump_u32(s, b + i + 8),
			 tlen = kd_dump_u32(s, b + i + 12), soff = kd_dump_u32(s, b + i + 16),
			 slen = kd_dump_u32(s, b + i + 20);
		if (hdr < BTF_HDR || hdr > 256 || toff % 4 || !tlen || !slen || (uint64_t)toff + tlen > soff ||
		    (uint64_t)hdr + soff + slen > (256u << 20))
			continue;
		// The string section starts and ends with NUL.
		uint64_t strs = va + i + hdr + soff;
		uint8_t first = 1, last = 1;
		if (!rd(s, strs, &first, 1) || !rd(s, strs + slen - 1, &last, 1) || first || last)
			continue;
		h->start = va + i;
		h->size = (uint64_t)hdr + soff + slen;
		return true;
	}
	return false;
}

/* ---- the kernel's export table (__ksymtab) ----------------------------------------- */

/*
 * struct kernel_symbol with CONFIG_HAVE_ARCH_PREL32_RELOCATIONS (x86_64,
 * arm64 ...; include/linux/export-internal.h, include/linux/export.h before
 * 6.5): three s32 offsets, each relative to its own field: the value, the
 * name and the namespace (strings in __ksymtab_strings, after the tables).
 * __ksymtab and __ksymtab_gpl are each sorted by name (the linker script's
 * SORT(___ksymtab+*)).  A run is accepted only when KSYM_RUN consecutive
 * entries have identifier names in strictly ascending order and values in
 * the image; the whole table is then read to its end, and kept only if its
 * text symbols agree with kallsyms.
 */
enum { KSYM_ENTRY = 12, KSYM_RUN = 16, KSYM_NAME = 128, KSYM_STR_SPAN = 16 << 20 };

struct ksym {
	char name[KSYM_NAME];
	uint64_t value;
};

struct ksym_scan {
	struct kd_symtab *t;
	uint64_t img_lo, img_hi;   // values must lie in [img_lo, img_hi)
	uint64_t skip;             // entries below are part of a table already read
	struct ksym *v;            // the entries found
	size_t n, cap;
	unsigned tables;
};

static int32_t s32_at(struct kd_session *s, const uint8_t *p)
{
	return (int32_t)kd_dump_u32(s, p);
}

// The entry at va (its 12 bytes in e): name and value, if they are plausible.
static bool ksym_entry(struct kd_session *s, const struct ksym_scan *k, uint64_t va, const uint8_t *e,
		       struct ksym *out)
{
	int32_t voff = s32_at(s, e), noff = s32_at(s, e + 4), nsoff = s32_at(s, e + 8);
	if (noff <= 0 || noff > KSYM_STR_SPAN || nsoff <= 0 || nsoff > KSYM_STR_SPAN)
		return false;
	uint64_t value = va + (uint64_t)(int64_t)voff;
	if (value < k->img_lo || value >= k->img_hi)
		return false;
	char name[KSYM_NAME];
	uint64_t at = va + 4 + (uint64_t)noff;
	// The string may end before the page does: read what the page holds.
	size_t len = KSYM_NAME, in_page = 4096 - (size_t)(at & 4095);
	if (!rd(s, at, name, len < in_page ? len : in_page))
		return false;
	if (in_page < len && !rd(s, at + in_page, name + in_page, len - in_page))
		len = in_page;
	size_t i = 0;
	for (; i < len && name[i]; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i && c >= '0' && c <= '9')))
			return false;
	}
	if (!i || i == len)
		return false;
	memcpy(out->name, name, i + 1);
	out->value = value;
	return true;
}

static bool ksym_push(struct ksym_scan *k, const struct ksym *e)
{
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 4096;
		struct ksym *v = realloc(k->v, cap * sizeof(*v));
		if (!v)
			return false;
		k->v = v;
		k->cap = cap;
	}
	k->v[k->n++] = *e;
	return true;
}

// Read the table that starts at va to its end (the first entry out of order).
static uint64_t ksym_table(struct kd_session *s, struct ksym_scan *k, uint64_t va)
{
	struct ksym prev = { 0 }, cur;
	size_t first = k->n;
	uint8_t e[KSYM_ENTRY];
	for (; rd(s, va, e, sizeof(e)) && ksym_entry(s, k, va, e, &cur); va += KSYM_ENTRY) {
		if (k->n > first && strcmp(prev.name, cur.name) >= 0)
			break;
		if (!ksym_push(k, &cur))
			break;
		prev = cur;
	}
	return va;
}

static bool ksym_chunk(struct kd_session *s, uint64_t va, const uint8_t *b, size_t len, void *arg)
{
	struct ksym_scan *k = arg;
	for (size_t i = 0; i + KSYM_ENTRY <= len && i < CHUNK; i += 4) {
		uint64_t at = va + i;
		if (at < k->skip)
			continue;
		struct ksym a, b2;
		if (!ksym_entry(s, k, at, b + i, &a))
			continue;
		// KSYM_RUN entries in order make a table.
		bool run = true;
		uint8_t e[KSYM_ENTRY];
		for (unsigned j = 1; j < KSYM_RUN && run; j++) {
			uint64_t next = at + (uint64_t)j * KSYM_ENTRY;
			run = rd(s, next, e, sizeof(e)) && ksym_entry(s, k, next, e, &b2) && strcmp(a.name, b2.name) < 0;
			a = b2;
		}
		if (!run)
			continue;
		k->skip = ksym_table(s, k, at);
		k->tables++;
	}
	return false;
}

// Are the table's text symbols where kallsyms has them?  (Most of them: a
// name may be both a static function and another's export.)
static bool ksym_agrees(const struct ksym_scan *k)
{
	size_t text = 0, same = 0;
	for (size_t i = 0; i < k->n; i++) {
		struct kd_symbol sym;
		if (!kd_symtab_find(k->t, k->v[i].name, &sym) || (sym.type != 'T' && sym.type != 't'))
			continue;
		text++;
		same += sym.address == k->v[i].value;
	}
	return text >= 16 && same * 100 >= text * 99;
}

// The exported symbols the table lacks, from __ksymtab and __ksymtab_gpl.
// Both lie in RO_DATA before the BTF (include/asm-generic/vmlinux.lds.h):
// the scan stops there when the BTF was found.
static void ksymtab_symbols(struct kd_session *s, struct kd_symtab *t, uint64_t stext)
{
	uint64_t from = scan_start(t), btf = sym_addr(t, "__start_BTF");
	struct ksym_scan k = { .t = t, .img_lo = stext, .img_hi = stext + (1ull << 30) };
	scan_range(s, from, btf > from && btf - from < SCAN_LIMIT ? btf + CHUNK : from + SCAN_LIMIT, ksym_chunk, &k);
	if (k.n && ksym_agrees(&k)) {
		for (size_t i = 0; i < k.n; i++)
			if (!present(t, k.v[i].name))
				add(t, k.v[i].name, k.v[i].value, "scan: the kernel's export table (__ksymtab)");
	}
	free(k.v);
}

/*
 * A table with data symbols (CONFIG_KALLSYMS_ALL, or a System.map) needs
 * none of this: the fallback runs only when there are (almost) none, so
 * such kernels see exactly their own table.
 */
static bool has_data_symbols(struct kd_symtab *t)
{
	// From the end: kallsyms lists .data and .bss after the text, so a
	// kernel that has them answers after a few symbols, not 60,000.
	size_t n = kd_symtab_count(t), data = 0;
	for (size_t i = n; i > 0 && data < 16; i--) {
		struct kd_symbol sym;
		kd_symtab_get(t, i - 1, &sym);
		data += sym.type == 'D' || sym.type == 'd' || sym.type == 'B' || sym.type == 'b';
	}
	return data >= 16;
}

/* ---- stage 1: without types ----------------------------------------------------- */

void kd_datasyms_early(struct kd_session *s, struct kd_symtab *t)
{
	if (has_data_symbols(t))
		return;
	kd_symtab_set_fallback(t);
	uint64_t stext = sym_addr(t, "_stext");
	if (!stext)
		stext = kd_symtab_vmci_symbol(s, "_stext");
	if (!stext)
		return;
	// VMCOREINFO's SYMBOL()s inside the image.
	for (size_t i = 0; i < s->vmci.n; i++) {
		const char *k = s->vmci.keys[i];
		size_t kl = strlen(k);
		if (strncmp(k, "SYMBOL(", 7) != 0 || kl < 9 || k[kl - 1] != ')')
			continue;
		char name[128];
		if (kl - 8 >= sizeof(name))
			continue;
		memcpy(name, k + 7, kl - 8);
		name[kl - 8] = '\0';
		uint64_t v = kd_symtab_vmci_symbol(s, name);
		if (v >= stext && v - stext < (1ull << 30) && !present(t, name))
			add(t, name, v, "VMCOREINFO");
	}
	if (!present(t, "__start_BTF")) {
		struct btf_hit h = { 0 };
		scan_image(s, scan_start(t), btf_chunk, &h);
		if (h.start && !present(t, "__stop_BTF")) {
			add(t, "__start_BTF", h.start, "scan: BTF header in the image");
			add(t, "__stop_BTF", h.start + h.size, "scan: BTF header in the image (+ its size)");
		}
	}
	ksymtab_symbols(s, t, stext);
}

/* ---- stage 2: with types -------------------------------------------------------- */

struct init_task_scan {
	uint64_t comm, pid, tasks; // task_struct member offsets
	uint64_t found;
};

static bool init_task_chunk(struct kd_session *s, uint64_t va, const uint8_t *b, size_t len, void *arg)
{
	struct init_task_scan *it = arg;
	static const char comm[] = "swapper/0"; // with its NUL
	const uint8_t *p = b, *end = b + len;
	while ((p = memmem(p, (size_t)(end - p), comm, sizeof(comm))) != NULL) {
		uint64_t at = va + (uint64_t)(p - b);
		p++;
		if (at - va >= CHUNK || at < it->comm)
			continue;
		uint64_t task = at - it->comm, next, prev;
		uint8_t pid[4];
		if (task % 8 || !rd(s, task + it->pid, pid, 4) || kd_dump_u32(s, pid) != 0)
			continue;
		if (!rd64(s, task + it->tasks, &next) || !rd64(s, next + 8, &prev) ||
		    prev != task + it->tasks)
			continue;
		it->found = task;
		return true;
	}
	return false;
}

// Does (offs = __per_cpu_offset, rq = runqueues) hold for every CPU?
static bool check_runqueues(struct kd_session *s, uint64_t offs, uint64_t rq, uint64_t rq_cpu,
			    uint64_t rq_idle, uint64_t comm, unsigned ncpus)
{
	for (unsigned c = 0; c < ncpus; c++) {
		uint64_t off, idle;
		uint8_t cpu[4];
		char name[16], want[24];
		if (!rd64(s, offs + 8ull * c, &off) || !rd(s, rq + off + rq_cpu, cpu, 4) ||
		    kd_dump_u32(s, cpu) != c || !rd64(s, rq + off + rq_idle, &idle) ||
		    !rd(s, idle + comm, name, sizeof(name)))
			return false;
		snprintf(want, sizeof(want), "swapper/%u", c);
		if (strncmp(name, want, sizeof(name)) != 0 || strlen(want) >= sizeof(name))
			return false;
	}
	return true;
}

static void find_runqueues(struct kd_session *s, struct kd_symtab *t, uint64_t comm)
{
	const struct kd_arch_info *ai = kd_arch_info_get(s);
	struct kd_member_info m_cpu, m_idle;
	if (!ai || ai->e_machine != EM_AARCH64)
		return;
	struct kd_error *err = kd_type_member(s, "rq", "cpu", &m_cpu);
	if (!err)
		err = kd_type_member(s, "rq", "idle", &m_idle);
	if (err) {
		kd_error_destroy(err);
		return;
	}
	unsigned ncpus = kd_dump_nr_cpus(s);
	if (!ncpus)
		ncpus = 1;
	static const char *const funcs[] = { "idle_cpu", "nr_iowait_cpu", "available_idle_cpu" };
	for (size_t f = 0; f < sizeof(funcs) / sizeof(funcs[0]); f++) {
		uint64_t addr, size, tg[MAX_TARGETS];
		bool exact;
		if (!kd_symtab_extent(s, funcs[f], &addr, &size, &exact))
			continue;
		size_t n = kd_code_targets(s, addr, size, tg, MAX_TARGETS);
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < n; j++) {
				if (i == j || !check_runqueues(s, tg[i], tg[j], m_cpu.offset, m_idle.offset, comm, ncpus))
					continue;
				char why[128];
				snprintf(why, sizeof(why), "code: adrp pair in %s(), checked on every CPU's rq", funcs[f]);
				if (!present(t, "__per_cpu_offset"))
					add(t, "__per_cpu_offset", tg[i], why);
				if (!present(t, "runqueues"))
					add(t, "runqueues", tg[j], why);
				return;
			}
	}
}

// Is head the `modules` list: every entry a struct module (list member at
// list_off) with a printable, NUL-terminated name, linked both ways, back to
// head within a bound?  An empty list cannot be told apart: refused.
static bool check_modules(struct kd_session *s, uint64_t head, uint64_t list_off, uint64_t name_off)
{
	uint64_t cur = head, next, prev;
	unsigned n = 0;
	for (; n < 65536; n++) {
		if (!rd64(s, cur, &next) || !rd64(s, next + 8, &prev) || prev != cur)
			return false;
		if (next == head)
			return n > 0;
		char name[56];
		if (!rd(s, next - list_off + name_off, name, sizeof(name)) || !memchr(name, 0, sizeof(name)) || !name[0])
			return false;
		for (const char *c = name; *c; c++)
			if (*c <= ' ' || *c > '~')
				return false;
		cur = next;
	}
	return false;
}

static void find_modules(struct kd_session *s, struct kd_symtab *t)
{
	const struct kd_arch_info *ai = kd_arch_info_get(s);
	struct kd_member_info m_list, m_name;
	if (!ai || ai->e_machine != EM_AARCH64 || present(t, "modules"))
		return;
	struct kd_error *err = kd_type_member(s, "module", "list", &m_list);
	if (!err)
		err = kd_type_member(s, "module", "name", &m_name);
	if (err) {
		kd_error_destroy(err);
		return;
	}
	// Both walk the list: list_for_each_entry(mod, &modules, list) (kernel/module/).
	static const char *const funcs[] = { "print_modules", "find_module_all" };
	for (size_t f = 0; f < sizeof(funcs) / sizeof(funcs[0]); f++) {
		uint64_t addr, size, tg[MAX_TARGETS];
		bool exact;
		if (!kd_symtab_extent(s, funcs[f], &addr, &size, &exact))
			continue;
		size_t n = kd_code_targets(s, addr, size, tg, MAX_TARGETS);
		for (size_t i = 0; i < n; i++)
			if (check_modules(s, tg[i], m_list.offset, m_name.offset)) {
				char why[128];
				snprintf(why, sizeof(why), "code: adrp pair in %s(), checked as a list of modules", funcs[f]);
				add(t, "modules", tg[i], why);
				return;
			}
	}
}

#ifdef HAVE_LIBBPF
// Per-cpu variables: __per_cpu_start + each VAR's offset in .data..percpu.
static void percpu_vars(struct kd_session *s, struct kd_symtab *t)
{
	struct kd_types *ty = s->types;
	if (!ty || !ty->btf)
		return;
	int32_t sec_id = btf__find_by_name_kind(ty->btf, ".data..percpu", BTF_KIND_DATASEC);
	if (sec_id <= 0)
		return;
	const struct btf_type *sec = btf__type_by_id(ty->btf, (uint32_t)sec_id);
	const struct btf_var_secinfo *vi = btf_var_secinfos(sec);
	uint64_t start = sym_addr(t, "__per_cpu_start");
	const char *how = "BTF .data..percpu offset + __per_cpu_start";
	if (!start) {
		// __per_cpu_start from a per-cpu variable the table has (runqueues).
		uint64_t rq = sym_addr(t, "runqueues");
		for (uint32_t i = 0; rq && i < btf_vlen(sec); i++) {
			const struct btf_type *v = btf__type_by_id(ty->btf, vi[i].type);
			if (v && strcmp(btf__name_by_offset(ty->btf, v->name_off), "runqueues") == 0 && rq >= vi[i].offset) {
				start = rq - vi[i].offset;
				add(t, "__per_cpu_start", start, "runqueues - its BTF .data..percpu offset");
			}
		}
		how = "BTF .data..percpu offset + __per_cpu_start (from runqueues)";
	}
	if (!start)
		return;
	for (uint32_t i = 0; i < btf_vlen(sec); i++) {
		const struct btf_type *v = btf__type_by_id(ty->btf, vi[i].type);
		const char *name = v ? btf__name_by_offset(ty->btf, v->name_off) : NULL;
		if (name && *name && !present(t, name))
			add_sized(t, name, start + vi[i].offset, vi[i].size, how);
	}
}
#endif

// The static objects init_task points at (init/init_task.c): its fields
// are set at build time and never changed for swapper/0, so each pointer is
// the variable's address (accepted when it lies in the kernel image).
static void init_task_objects(struct kd_session *s, struct kd_symtab *t, uint64_t task)
{
	static const struct {
		const char *name, *type, *path; // path: a pointer member of type at the object
		int from;                       // -1: init_task, else the index of the object it is in
		const char *is;                 // the object's own type (its size is the symbol's)
	} objs[] = {
		{ "init_nsproxy", "task_struct", "nsproxy", -1, "nsproxy" },
		{ "init_fs", "task_struct", "fs", -1, "fs_struct" },
		{ "init_files", "task_struct", "files", -1, "files_struct" },
		{ "init_cred", "task_struct", "real_cred", -1, "cred" },
		{ "init_signals", "task_struct", "signal", -1, "signal_struct" },
		{ "init_sighand", "task_struct", "sighand", -1, "sighand_struct" },
		{ "init_struct_pid", "task_struct", "thread_pid", -1, "pid" },
		{ "init_ipc_ns", "nsproxy", "ipc_ns", 0, "ipc_namespace" },
		{ "init_uts_ns", "nsproxy", "uts_ns", 0, "uts_namespace" },
		{ "init_cgroup_ns", "nsproxy", "cgroup_ns", 0, "cgroup_namespace" },
		{ "init_time_ns", "nsproxy", "time_ns", 0, "time_namespace" },
		// The idle task borrows the last user mm (lazy TLB): only an
		// mm in the image whose pgd is swapper_pg_dir is init_mm.
		{ "init_mm", "task_struct", "active_mm", -1, "mm_struct" },
	};
	enum { N = sizeof(objs) / sizeof(objs[0]) };
	uint64_t at[N] = { 0 };
	uint64_t stext = sym_addr(t, "_stext");
	for (size_t i = 0; i < N; i++) {
		uint64_t base = objs[i].from < 0 ? task : at[objs[i].from], v;
		struct kd_member_info m;
		struct kd_error *err = base ? kd_type_member(s, objs[i].type, objs[i].path, &m)
					    : kd_error_create(KD_ERR_NOTFOUND, "no base");
		if (err) {
			kd_error_destroy(err);
			continue;
		}
		if (!rd64(s, base + m.offset, &v) || v < stext || v - stext >= (1ull << 30) || v % 8)
			continue;
		if (strcmp(objs[i].name, "init_mm") == 0) {
			uint64_t pgd, swapper = sym_addr(t, "swapper_pg_dir");
			struct kd_member_info mp;
			struct kd_error *e2 = kd_type_member(s, "mm_struct", "pgd", &mp);
			bool good = !e2 && swapper && rd64(s, v + mp.offset, &pgd) && pgd == swapper;
			kd_error_destroy(e2);
			if (!good)
				continue;
		}
		at[i] = v;
		if (present(t, objs[i].name))
			continue;
		char why[96];
		snprintf(why, sizeof(why), "%s.%s of %s", objs[i].type, objs[i].path,
			 objs[i].from < 0 ? "init_task" : objs[objs[i].from].name);
		add_sized(t, objs[i].name, v, type_size(s, objs[i].is), why);
	}
}

// The sizes of the data symbols found here whose C type the types layer
// knows (types_var.c's well-known variables: init_task, init_net ...), so
// that kd_symbol_at() lets them reach their end and no further.
static void well_known_sizes(struct kd_session *s, struct kd_symtab *t)
{
	for (size_t i = 0, n = kd_symtab_count(t); i < n; i++) {
		struct kd_symbol sym;
		kd_symtab_get(t, i, &sym);
		const char *type = sym.size || sym.module ? NULL : kd_types_well_known(sym.name);
		const char *origin = type ? kd_symtab_origin_of(t, sym.name, sym.address) : NULL;
		if (origin && strcmp(origin, "kallsyms") != 0)
			kd_symtab_set_size(t, i, type_size(s, type));
	}
}

void kd_datasyms_typed(struct kd_session *s)
{
	struct kd_symtab *t = s->symtab;
	if (!t || !kd_symtab_fallback(t))
		return;
	struct kd_member_info comm, pid, tasks;
	struct kd_error *err = kd_type_member(s, "task_struct", "comm", &comm);
	if (!err)
		err = kd_type_member(s, "task_struct", "pid", &pid);
	if (!err)
		err = kd_type_member(s, "task_struct", "tasks", &tasks);
	if (err) {
		kd_error_destroy(err);
		return;
	}
	if (!present(t, "init_task")) {
		struct init_task_scan it = { .comm = comm.offset, .pid = pid.offset, .tasks = tasks.offset };
		scan_image(s, scan_start(t), init_task_chunk, &it);
		if (it.found)
			add_sized(t, "init_task", it.found, type_size(s, "task_struct"),
				  "scan: task_struct with comm \"swapper/0\", pid 0 and a linked tasks list");
	}
	uint64_t init_task = sym_addr(t, "init_task");
	if (init_task)
		init_task_objects(s, t, init_task);
	if (!present(t, "runqueues") || !present(t, "__per_cpu_offset"))
		find_runqueues(s, t, comm.offset);
	find_modules(s, t);
	kd_datasyms_code(s, t);
#ifdef HAVE_LIBBPF
	percpu_vars(s, t);
#endif
	well_known_sizes(s, t);
	kd_error_destroy(kd_symtab_index(t));
}
