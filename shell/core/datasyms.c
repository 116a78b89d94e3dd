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
//    from __per_cpu_start, which is runqueues minus its offset.
// A64 instructions are decoded here (ADRP, ADD immediate, LDR with an
// unsigned or a pre-indexed offset: Arm ARM C6.2): every address a function
// forms from an ADRP page is a candidate; the checks decide.  Registers are
// not tracked through other instructions, so a stale value only adds a
// candidate the checks refuse.
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

static void add(struct kd_symtab *t, const char *name, uint64_t addr, const char *origin)
{
	kd_symtab_set_origin(t, kd_symtab_origin(t, origin));
	kd_error_destroy(kd_symtab_add(t, name, strlen(name), 'D', addr, 0, 0));
	kd_symtab_set_origin(t, 0);
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

/*
 * Call fn on each readable chunk of [from, from + SCAN_LIMIT) (with 64
 * bytes of the next chunk so that a match may straddle); fn returns true to
 * stop.  Unreadable chunks (the freed init sections, the end of the image)
 * are skipped; a long unreadable stretch ends the scan.
 */
static void scan_image(struct kd_session *s, uint64_t from,
		       bool (*fn)(struct kd_session *s, uint64_t va, const uint8_t *buf, size_t len, void *arg),
		       void *arg)
{
	uint8_t *buf = malloc(CHUNK + 64);
	if (!buf)
		return;
	uint64_t hole = 0;
	for (uint64_t va = from & ~(uint64_t)(CHUNK - 1); va < from + SCAN_LIMIT && hole < SCAN_HOLE; va += CHUNK) {
		struct kd_error *ierr = kd_check_interrupt(s);
		if (ierr) {
			kd_error_destroy(ierr);
			break;
		}
		if (!rd(s, va, buf, CHUNK)) {
			hole += CHUNK;
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

/*
 * A table with data symbols (CONFIG_KALLSYMS_ALL, or a System.map) needs
 * none of this: the fallback runs only when there are (almost) none, so
 * such kernels see exactly their own table.
 */
static bool has_data_symbols(struct kd_symtab *t)
{
	size_t n = kd_symtab_count(t), data = 0;
	for (size_t i = 0; i < n && data < 16; i++) {
		struct kd_symbol sym;
		kd_symtab_get(t, i, &sym);
		data += strchr("DdBb", sym.type) != NULL && sym.type;
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

// The targets of ADRP+ADD and ADRP+LDR pairs in a function's first bytes.
static size_t code_targets(struct kd_session *s, uint64_t addr, uint64_t size, uint64_t *out)
{
	uint8_t code[FUNC_BYTES];
	if (!size || size > FUNC_BYTES)
		size = FUNC_BYTES;
	if (!rd(s, addr, code, (size_t)size))
		return 0;
	uint64_t val[32] = { 0 }; // a register's known address (ADRP, then ADD)
	size_t n = 0;
	for (uint64_t i = 0; i + 4 <= size && n < MAX_TARGETS; i += 4) {
		// A64 instructions are little-endian whatever the data's order.
		uint32_t insn = (uint32_t)code[i] | (uint32_t)code[i + 1] << 8 | (uint32_t)code[i + 2] << 16 |
				(uint32_t)code[i + 3] << 24;
		unsigned rd_ = insn & 31, rn = (insn >> 5) & 31;
		uint64_t target = 0;
		if ((insn & 0x9f000000u) == 0x90000000u) { // ADRP
			int64_t imm = (int64_t)((((insn >> 5) & 0x7ffffu) << 2) | ((insn >> 29) & 3));
			imm = (imm ^ (1ll << 20)) - (1ll << 20); // sign-extend 21 bits
			val[rd_] = ((addr + i) & ~0xfffull) + (uint64_t)(imm << 12);
			continue;
		}
		if ((insn & 0xff800000u) == 0x91000000u && val[rn]) { // ADD Xd, Xn, #imm{, lsl 12}
			uint64_t imm = (insn >> 10) & 0xfff;
			target = val[rn] + (insn & (1u << 22) ? imm << 12 : imm);
			val[rd_] = target;
		} else if ((insn & 0xffc00000u) == 0xf9400000u && val[rn]) { // LDR Xt, [Xn, #imm]
			target = val[rn] + ((insn >> 10) & 0xfff) * 8;
			val[rd_] = 0; // Xt now holds the loaded value
		} else if ((insn & 0xffe00c00u) == 0xf8400c00u && val[rn]) { // LDR Xt, [Xn, #simm]!
			int64_t imm = (int64_t)((insn >> 12) & 0x1ff);
			imm = (imm ^ 0x100) - 0x100;
			target = val[rn] + (uint64_t)imm;
			val[rn] = target; // written back
			if (rd_ != rn)
				val[rd_] = 0;
		}
		if (!target)
			continue;
		bool dup = false;
		for (size_t j = 0; j < n; j++)
			dup |= out[j] == target;
		if (!dup)
			out[n++] = target;
	}
	return n;
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
		size_t n = code_targets(s, addr, size, tg);
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
		size_t n = code_targets(s, addr, size, tg);
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
			add(t, name, start + vi[i].offset, how);
	}
}
#endif

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
			add(t, "init_task", it.found,
			    "scan: task_struct with comm \"swapper/0\", pid 0 and a linked tasks list");
	}
	if (!present(t, "runqueues") || !present(t, "__per_cpu_offset"))
		find_runqueues(s, t, comm.offset);
	find_modules(s, t);
#ifdef HAVE_LIBBPF
	percpu_vars(s, t);
#endif
	kd_error_destroy(kd_symtab_index(t));
}
