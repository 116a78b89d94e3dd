// SPDX-License-Identifier: GPL-3.0-or-later
// mkbekernel: a synthetic ELF vmcore of a kernel on a machine kdive has no
// page-table walker for, in that machine's byte order, for the test that
// runs ps, mod, log, struct, p and rd on it (tests/real/t1011-be-kernel.sh).
// Like kexec's /proc/vmcore (kernel/crash_core.c, kexec-tools), the PT_LOADs
// carry virtual addresses: the kernel image first (at KIMG, overlapping the
// RAM below it physically, as kexec lists it), then the direct map in two
// segments with a physical hole between them (no segment maps it).
// It writes
//   OUT         the vmcore: a VMCOREINFO note (the printk ring's SIZE/OFFSET
//               entries as log_buf_vmcoreinfo_setup() exports them) and memory;
//   OUT.btf     a small BTF in the dump's byte order (libbpf's writer):
//               task_struct, signal_struct, mm_struct, module (6.4's mem[]),
//               mod_kallsyms, list_head and their members;
//   OUT.map     a System.map (_stext, linux_banner, init_task, modules, prb...);
//   OUT.truth   what it wrote, one fact a line, for the test to compare with:
//               task PID PPID TGID ST CPU ADDR COMM / module NAME ADDR BASE SIZE
//               / log SEQ TS_NSEC LEVEL TEXT / u64|u32|u16 VADDR HEX /
//               sym NAME VADDR / hole VADDR / machine NAME.
// Objects follow the kernel's C layouts in the dump's byte order (every field
// through bd_put); the offsets below are this generator's own, and kdive
// finds them in the BTF and VMCOREINFO it writes.  Machines: s390x
// (big-endian, 4 KiB pages, identity direct map, kernel image high),
// ppc64 (big-endian, 64 KiB pages, PAGE_OFFSET 0xc000000000000000) and
// riscv64 (little-endian control, 4 KiB pages).
// Usage: mkbekernel s390x|ppc64|riscv64 OUT
#include <elf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "bedump.h"

struct machine {
	const char *name;
	bool be;
	unsigned em;
	uint32_t page_size;
	uint64_t dmap, kimg; // direct map base (PAGE_OFFSET), kernel image address
};

static const struct machine machines[] = {
	{ "s390x", true, EM_S390, 4096, 0, 0x000003ffe0000000ull },
	{ "ppc64", true, EM_PPC64, 65536, 0xc000000000000000ull, 0xc000000000010000ull },
	{ "riscv64", false, EM_RISCV, 4096, 0xff60000000000000ull, 0xffffffff80000000ull },
};

// Physical memory: RAM [0, LOW_END) and [HIGH_PA, MEM); the hole between
// is in no segment.  The image is IMG_SZ bytes at IMG_PA, inside low RAM.
enum {
	MEM = 0x100000, LOW_END = 0x80000, HIGH_PA = 0xa0000, IMG_PA = 0x10000, IMG_SZ = 0x40000,
	DATA_OFF = 0x10000, // file offset of physical address 0
};

// Offsets in the image (from KIMG).
enum {
	I_STEXT = 0, I_BANNER = 0x100, I_INIT_TASK = 0x1000, I_MODULES = 0x2000, I_PRB = 0x2100,
	I_RB_STATIC = 0x2200, I_VALUES = 0x3000, I_INIT_SIGNAL = 0x4000, I_END = 0x5000,
};
// Physical addresses of objects in high RAM (reached through the direct map).
enum {
	P_TASKS = 0xa0000, P_SIGNALS = 0xb0000, P_MM = 0xb8000, P_MODS = 0xc0000, P_MODSYMS = 0xc8000,
	P_DESCS = 0xd0000, P_INFOS = 0xd1000, P_DATA = 0xd4000,
};

// The kernel's structures as this generator lays them out (all 64-bit).
enum {
	TS_STATE = 0, TS_FLAGS = 4, TS_CPU = 8, TS_TASKS = 16, TS_MM = 32, TS_ACTIVE_MM = 40,
	TS_EXIT_STATE = 48, TS_PID = 52, TS_TGID = 56, TS_REAL_PARENT = 64, TS_PARENT = 72,
	TS_GROUP_LEADER = 80, TS_THREAD_NODE = 88, TS_SIGNAL = 104, TS_COMM = 112, TS_START_TIME = 128,
	TS_UTIME = 136, TS_STIME = 144, TS_SIZE = 0x100,
	SIG_NR_THREADS = 0, SIG_THREAD_HEAD = 8, SIG_SIZE = 64,
	MM_PGD = 0, MM_TOTAL_VM = 8, MM_RSS = 16, MM_NR_COUNTERS = 4, MM_SIZE = 64,
	MOD_STATE = 0, MOD_LIST = 8, MOD_NAME = 24, MOD_NAME_LEN = 56, MOD_MEM = 80, MOD_MEM_N = 7,
	MOD_KALLSYMS = 192, MOD_REFCNT = 200, MOD_TAINTS = 208, MOD_SIZE = 256,
	MM_BASE = 0, MM_MSIZE = 8, MODMEM_SIZE = 16,
	MKS_SYMTAB = 0, MKS_NUM = 8, MKS_STRTAB = 16, MKS_TYPETAB = 24, MKS_SIZE = 32,
};
// printk_ringbuffer (kernel/printk/printk_ringbuffer.h), 64-bit.
enum {
	RB_DESC_RING = 0, DR_COUNT_BITS = 0, DR_DESCS = 8, DR_INFOS = 16, DR_HEAD_ID = 24, DR_TAIL_ID = 32,
	RB_TEXT_RING = 48, TR_SIZE_BITS = 0, TR_DATA = 8, RB_SIZE = 88,
	DESC_SIZE = 24, INFO_SIZE = 88, INFO_DEV = 24, COUNT_BITS = 3, SIZE_BITS = 12,
};

static const struct machine *M;
static unsigned char mem[MEM];
static FILE *truth;

static void put(uint64_t pa, unsigned size, uint64_t v)
{
	bd_put(mem + pa, size, v, M->be);
}

static uint64_t dm(uint64_t pa) { return M->dmap + pa; }
static uint64_t img(uint64_t off) { return M->kimg + off; }
static uint64_t img_pa(uint64_t off) { return IMG_PA + off; }

/* ---- tasks ---- */

struct task {
	int pid, tgid, ppid;
	const char *comm;
	uint32_t state;
	const char *st; // what ps shows for state
	unsigned cpu;
	bool kthread;
	uint64_t pa; // filled in
};

// init_task (pid 0), init, kthreadd, a process of three threads, a stopped shell.
static struct task tasks[] = {
	{ 0, 0, 0, "swapper/0", 0x0000, "RU", 0, true, 0 },
	{ 1, 1, 0, "init", 0x0001, "IN", 1, false, 0 },
	{ 2, 2, 0, "kthreadd", 0x0402, "ID", 0, true, 0 },
	{ 100, 100, 1, "daemon", 0x0001, "IN", 1, false, 0 },
	{ 101, 100, 1, "daemon-worker", 0x0002, "UN", 0, false, 0 },
	{ 102, 100, 1, "daemon-io", 0x0000, "RU", 1, false, 0 },
	{ 200, 200, 1, "sh", 0x0004, "ST", 0, false, 0 },
};
enum { NTASKS = sizeof(tasks) / sizeof(tasks[0]) };

static uint64_t task_va(const struct task *t)
{
	return t->pid == 0 ? img(I_INIT_TASK) : dm(t->pa);
}

static struct task *by_pid(int pid)
{
	for (size_t i = 0; i < NTASKS; i++)
		if (tasks[i].pid == pid)
			return &tasks[i];
	abort();
}

static uint64_t signal_va(int tgid)
{
	return tgid == 0 ? img(I_INIT_SIGNAL) : dm(P_SIGNALS + (uint64_t)tgid * 0x40);
}

static uint64_t signal_pa(int tgid)
{
	return tgid == 0 ? img_pa(I_INIT_SIGNAL) : P_SIGNALS + (uint64_t)tgid * 0x40;
}

static void write_tasks(void)
{
	for (size_t i = 0; i < NTASKS; i++)
		tasks[i].pa = tasks[i].pid == 0 ? img_pa(I_INIT_TASK) : P_TASKS + i * 0x400;
	// init_task.tasks: the group leaders in order; each thread group's
	// signal->thread_head: its threads in order.
	size_t leaders[NTASKS], nl = 0;
	for (size_t i = 0; i < NTASKS; i++)
		if (tasks[i].pid == tasks[i].tgid)
			leaders[nl++] = i;
	for (size_t k = 0; k < nl; k++) {
		struct task *t = &tasks[leaders[k]], *nx = &tasks[leaders[(k + 1) % nl]],
			    *pv = &tasks[leaders[(k + nl - 1) % nl]];
		put(t->pa + TS_TASKS, 8, task_va(nx) + TS_TASKS);
		put(t->pa + TS_TASKS + 8, 8, task_va(pv) + TS_TASKS);
		if (k == 0)
			fprintf(truth, "p init_task.tasks.next %016llx\n", (unsigned long long)(task_va(nx) + TS_TASKS));
	}
	uint64_t mm_va = dm(P_MM);
	for (size_t i = 0; i < NTASKS; i++) {
		struct task *t = &tasks[i];
		uint64_t p = t->pa;
		put(p + TS_STATE, 4, t->state);
		put(p + TS_FLAGS, 4, t->kthread ? 0x00200000 : 0x00400100); // PF_KTHREAD; PF_FORKNOEXEC|PF_SUPERPRIV
		put(p + TS_CPU, 4, t->cpu);
		put(p + TS_PID, 4, (uint32_t)t->pid);
		put(p + TS_TGID, 4, (uint32_t)t->tgid);
		uint64_t parent = task_va(by_pid(t->ppid));
		put(p + TS_REAL_PARENT, 8, parent);
		put(p + TS_PARENT, 8, parent);
		put(p + TS_GROUP_LEADER, 8, task_va(by_pid(t->tgid)));
		put(p + TS_SIGNAL, 8, signal_va(t->tgid));
		if (!t->kthread) {
			put(p + TS_MM, 8, mm_va);
			put(p + TS_ACTIVE_MM, 8, mm_va);
		}
		memcpy(mem + p + TS_COMM, t->comm, strlen(t->comm));
		put(p + TS_START_TIME, 8, 1000000ull * (uint64_t)(t->pid + 1));
		// the thread list through signal->thread_head
		size_t ths[NTASKS], nt = 0;
		for (size_t j = 0; j < NTASKS; j++)
			if (tasks[j].tgid == t->tgid)
				ths[nt++] = j;
		size_t me = 0;
		while (ths[me] != i)
			me++;
		uint64_t head = signal_va(t->tgid) + SIG_THREAD_HEAD;
		put(p + TS_THREAD_NODE, 8, me + 1 < nt ? task_va(&tasks[ths[me + 1]]) + TS_THREAD_NODE : head);
		put(p + TS_THREAD_NODE + 8, 8, me ? task_va(&tasks[ths[me - 1]]) + TS_THREAD_NODE : head);
		if (t->pid == t->tgid) {
			uint64_t sp = signal_pa(t->tgid);
			put(sp + SIG_NR_THREADS, 4, (uint32_t)nt);
			put(sp + SIG_THREAD_HEAD, 8, task_va(&tasks[ths[0]]) + TS_THREAD_NODE);
			put(sp + SIG_THREAD_HEAD + 8, 8, task_va(&tasks[ths[nt - 1]]) + TS_THREAD_NODE);
		}
		fprintf(truth, "task %d %d %d %s %u %016llx %s\n", t->pid, t->ppid, t->tgid, t->st, t->cpu,
			(unsigned long long)task_va(t), t->comm);
	}
	// One mm shared by the user processes: total_vm 0x1234 pages,
	// rss counters file 10, anon 20, swap 5, shmem 3.
	put(P_MM + MM_PGD, 8, dm(P_MM + 0x1000)); // its top page table, in the direct map
	put(P_MM + MM_TOTAL_VM, 8, 0x1234);
	static const uint64_t rss[MM_NR_COUNTERS] = { 10, 20, 5, 3 };
	for (unsigned k = 0; k < MM_NR_COUNTERS; k++)
		put(P_MM + MM_RSS + 8 * k, 8, rss[k]);
	fprintf(truth, "mm total_vm %u rss %u\n", 0x1234, 10 + 20 + 3);
}

/* ---- modules ---- */

static void write_modules(void)
{
	static const struct {
		const char *name;
		uint64_t base_off, text, data, refcnt;
	} mods[] = {
		{ "be_alpha", 0x10000, 0x3000, 0x1000, 2 },
		{ "be_beta_driver", 0x20000, 0x5000, 0x2000, 0 },
	};
	enum { N = sizeof(mods) / sizeof(mods[0]) };
	uint64_t head_pa = img_pa(I_MODULES), head_va = img(I_MODULES);
	// The modules' code lies outside every segment (as vmalloc'ed module
	// memory does in a vmcore); base is only a number here.
	uint64_t mod_base = M->kimg + 0x10000000ull;
	for (unsigned i = 0; i < N; i++) {
		uint64_t p = P_MODS + i * 0x400ull, ks = P_MODSYMS + i * 0x400ull;
		uint64_t nx = i + 1 < N ? dm(p + 0x400) + MOD_LIST : head_va;
		uint64_t pv = i ? dm(p - 0x400) + MOD_LIST : head_va;
		put(p + MOD_STATE, 4, 0); // MODULE_STATE_LIVE
		put(p + MOD_LIST, 8, nx);
		put(p + MOD_LIST + 8, 8, pv);
		memcpy(mem + p + MOD_NAME, mods[i].name, strlen(mods[i].name));
		uint64_t base = mod_base + mods[i].base_off;
		put(p + MOD_MEM + 0 * MODMEM_SIZE + MM_BASE, 8, base);              // MOD_TEXT
		put(p + MOD_MEM + 0 * MODMEM_SIZE + MM_MSIZE, 4, mods[i].text);
		put(p + MOD_MEM + 1 * MODMEM_SIZE + MM_BASE, 8, base + mods[i].text); // MOD_DATA
		put(p + MOD_MEM + 1 * MODMEM_SIZE + MM_MSIZE, 4, mods[i].data);
		put(p + MOD_KALLSYMS, 8, dm(ks));
		// refcnt holds the references plus MODULE_REF_BASE (1,
		// kernel/module/main.c); /proc/modules shows the references.
		put(p + MOD_REFCNT, 4, mods[i].refcnt + 1);
		// mod_kallsyms: two symbols after the null one, Elf64_Sym in
		// the dump's order, their names in strtab, types in typetab.
		uint64_t sym = ks + 0x40, str = ks + 0x100, typ = ks + 0x200;
		put(ks + MKS_SYMTAB, 8, dm(sym));
		put(ks + MKS_NUM, 4, 3);
		put(ks + MKS_STRTAB, 8, dm(str));
		put(ks + MKS_TYPETAB, 8, dm(typ));
		char names[2][64];
		snprintf(names[0], sizeof(names[0]), "%s_init", mods[i].name);
		snprintf(names[1], sizeof(names[1]), "%s_table", mods[i].name);
		uint32_t so = 1;
		for (unsigned j = 0; j < 2; j++) {
			uint64_t y = sym + 24 * (j + 1);
			put(y + 0, 4, so);                     // st_name
			mem[y + 4] = j ? STT_OBJECT | STB_GLOBAL << 4 : STT_FUNC | STB_GLOBAL << 4;
			put(y + 6, 2, j ? 2 : 1);              // st_shndx
			uint64_t at = j ? base + mods[i].text + 0x80 : base + 0x40;
			put(y + 8, 8, at);                     // st_value
			put(y + 16, 8, 0x20);                  // st_size
			memcpy(mem + str + so, names[j], strlen(names[j]));
			so += (uint32_t)strlen(names[j]) + 1;
			mem[typ + j + 1] = j ? 'D' : 'T';
			fprintf(truth, "modsym %s %016llx %s\n", names[j], (unsigned long long)at, mods[i].name);
		}
		fprintf(truth, "module %s %016llx %016llx %llu %llu\n", mods[i].name, (unsigned long long)dm(p),
			(unsigned long long)base, (unsigned long long)(mods[i].text + mods[i].data),
			(unsigned long long)mods[i].refcnt);
	}
	put(head_pa, 8, dm(P_MODS) + MOD_LIST);
	put(head_pa + 8, 8, dm(P_MODS + (N - 1) * 0x400ull) + MOD_LIST);
}

/* ---- the printk ring ---- */

static void write_printk(void)
{
	static const struct {
		const char *text;
		int level;
		uint32_t caller; // thread id, or 0x80000000 | cpu
	} recs[] = {
		{ "Linux version 6.1.0-bekernel (kdive@mkbekernel) #1 SMP", 5, 0x80000000u },
		{ "Kernel command line: console=ttyS0 root=/dev/vda", 6, 0x80000000u },
		{ "daemon[100]: big-endian record, level 4", 4, 100 },
		{ "sh: stopped by signal", 3, 200 },
	};
	enum { N = sizeof(recs) / sizeof(recs[0]) };
	uint64_t rb = img_pa(I_RB_STATIC);
	put(img_pa(I_PRB), 8, img(I_RB_STATIC));
	put(rb + RB_DESC_RING + DR_COUNT_BITS, 4, COUNT_BITS);
	put(rb + RB_DESC_RING + DR_DESCS, 8, dm(P_DESCS));
	put(rb + RB_DESC_RING + DR_INFOS, 8, dm(P_INFOS));
	put(rb + RB_DESC_RING + DR_HEAD_ID, 8, N - 1);
	put(rb + RB_DESC_RING + DR_TAIL_ID, 8, 0);
	put(rb + RB_TEXT_RING + TR_SIZE_BITS, 4, SIZE_BITS);
	put(rb + RB_TEXT_RING + TR_DATA, 8, dm(P_DATA));
	uint64_t lpos = 0;
	for (unsigned id = 0; id < N; id++) {
		size_t len = strlen(recs[id].text);
		uint64_t begin = lpos, next = begin + ((8 + len + 7) & ~(size_t)7);
		put(P_DATA + begin, 8, id);
		memcpy(mem + P_DATA + begin + 8, recs[id].text, len);
		lpos = next;
		uint64_t d = P_DESCS + id * DESC_SIZE, in = P_INFOS + id * INFO_SIZE;
		put(d + 0, 8, 2ull << 62 | id); // desc_finalized
		put(d + 8, 8, begin);
		put(d + 16, 8, next);
		uint64_t ts = 1000000000ull * id + 250000000ull + 1000ull * id;
		put(in + 0, 8, id);        // seq
		put(in + 8, 8, ts);        // ts_nsec
		put(in + 16, 2, len);      // text_len
		mem[in + 18] = 0;          // facility
		// u8 flags:5, level:3: the first bitfield takes the most
		// significant bits on big-endian machines, the least on others.
		mem[in + 19] = (unsigned char)(M->be ? recs[id].level : recs[id].level << 5);
		put(in + 20, 4, recs[id].caller);
		fprintf(truth, "log %u %llu %d %s\n", id, (unsigned long long)ts, recs[id].level, recs[id].text);
	}
}

static size_t vmcoreinfo(char *buf, size_t size)
{
	size_t n = 0;
#define V(...) n += (size_t)snprintf(buf + n, size - n, __VA_ARGS__)
	V("OSRELEASE=6.1.0-bekernel\nPAGESIZE=%u\nKERNELOFFSET=0\n", M->page_size);
	V("SYMBOL(_stext)=%llx\nSYMBOL(prb)=%llx\n", (unsigned long long)img(I_STEXT),
	  (unsigned long long)img(I_PRB));
	V("SIZE(printk_ringbuffer)=%d\nOFFSET(printk_ringbuffer.desc_ring)=%d\n", RB_SIZE, RB_DESC_RING);
	V("OFFSET(printk_ringbuffer.text_data_ring)=%d\nOFFSET(prb_desc_ring.count_bits)=%d\n", RB_TEXT_RING,
	  DR_COUNT_BITS);
	V("OFFSET(prb_desc_ring.descs)=%d\nOFFSET(prb_desc_ring.infos)=%d\n", DR_DESCS, DR_INFOS);
	V("OFFSET(prb_desc_ring.head_id)=%d\nOFFSET(prb_desc_ring.tail_id)=%d\n", DR_HEAD_ID, DR_TAIL_ID);
	V("SIZE(prb_desc)=%d\nOFFSET(prb_desc.state_var)=0\nOFFSET(prb_desc.text_blk_lpos)=8\n", DESC_SIZE);
	V("OFFSET(prb_data_blk_lpos.begin)=0\nOFFSET(prb_data_blk_lpos.next)=8\n");
	V("SIZE(printk_info)=%d\nOFFSET(printk_info.seq)=0\nOFFSET(printk_info.ts_nsec)=8\n", INFO_SIZE);
	V("OFFSET(printk_info.text_len)=16\nOFFSET(printk_info.caller_id)=20\n");
	V("OFFSET(printk_info.dev_info)=%d\nSIZE(dev_printk_info)=64\n", INFO_DEV);
	V("OFFSET(dev_printk_info.subsystem)=0\nLENGTH(printk_info_subsystem)=16\n");
	V("OFFSET(dev_printk_info.device)=16\nLENGTH(printk_info_device)=48\n");
	V("OFFSET(prb_data_ring.size_bits)=%d\nOFFSET(prb_data_ring.data)=%d\n", TR_SIZE_BITS, TR_DATA);
	V("OFFSET(atomic_long_t.counter)=0\n");
#undef V
	return n;
}

/* ---- BTF ---- */

static int write_btf(const char *path)
{
	struct btf *b = btf__new_empty();
	if (!b)
		return -1;
	int u32 = btf__add_int(b, "unsigned int", 4, 0);
	int i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	int ul = btf__add_int(b, "long unsigned int", 8, 0);
	int l64 = btf__add_int(b, "long int", 8, BTF_INT_SIGNED);
	int u64 = btf__add_int(b, "long long unsigned int", 8, 0);
	int chr = btf__add_int(b, "char", 1, BTF_INT_CHAR);
	int comm = btf__add_array(b, u32, chr, 16);
	int modname = btf__add_array(b, u32, chr, MOD_NAME_LEN);
	int voidp = btf__add_ptr(b, 0);
	int chrp = btf__add_ptr(b, chr);
	int ulp = btf__add_ptr(b, ul);
	int pid_t_ = btf__add_typedef(b, "pid_t", i32);
	int u64_t = btf__add_typedef(b, "u64", u64);
	int lhp = btf__add_ptr(b, btf__add_fwd(b, "list_head", BTF_FWD_STRUCT));
	int tsp = btf__add_ptr(b, btf__add_fwd(b, "task_struct", BTF_FWD_STRUCT));
	int lh = btf__add_struct(b, "list_head", 16);
	btf__add_field(b, "next", lhp, 0, 0);
	btf__add_field(b, "prev", lhp, 64, 0);
	int at = btf__add_struct(b, NULL, 4);
	btf__add_field(b, "counter", i32, 0, 0);
	int atomic_t_ = btf__add_typedef(b, "atomic_t", at);
	int alt = btf__add_struct(b, NULL, 8);
	btf__add_field(b, "counter", l64, 0, 0);
	int atomic_long_t_ = btf__add_typedef(b, "atomic_long_t", alt);
	int sig = btf__add_struct(b, "signal_struct", SIG_SIZE);
	btf__add_field(b, "nr_threads", i32, SIG_NR_THREADS * 8, 0);
	btf__add_field(b, "thread_head", lh, SIG_THREAD_HEAD * 8, 0);
	int sigp = btf__add_ptr(b, sig);
	int rss_arr = btf__add_array(b, u32, atomic_long_t_, MM_NR_COUNTERS);
	int rss = btf__add_struct(b, "mm_rss_stat", MM_NR_COUNTERS * 8);
	btf__add_field(b, "count", rss_arr, 0, 0);
	int mm = btf__add_struct(b, "mm_struct", MM_SIZE);
	btf__add_field(b, "pgd", ulp, MM_PGD * 8, 0);
	btf__add_field(b, "total_vm", ul, MM_TOTAL_VM * 8, 0);
	btf__add_field(b, "rss_stat", rss, MM_RSS * 8, 0);
	int mmp = btf__add_ptr(b, mm);
	btf__add_enum(b, NULL, 4);
	btf__add_enum_value(b, "MM_FILEPAGES", 0);
	btf__add_enum_value(b, "MM_ANONPAGES", 1);
	btf__add_enum_value(b, "MM_SWAPENTS", 2);
	btf__add_enum_value(b, "MM_SHMEMPAGES", 3);
	btf__add_enum_value(b, "NR_MM_COUNTERS", 4);
	int ts = btf__add_struct(b, "task_struct", TS_SIZE);
	btf__add_field(b, "__state", u32, TS_STATE * 8, 0);
	btf__add_field(b, "flags", u32, TS_FLAGS * 8, 0);
	btf__add_field(b, "cpu", u32, TS_CPU * 8, 0);
	btf__add_field(b, "tasks", lh, TS_TASKS * 8, 0);
	btf__add_field(b, "mm", mmp, TS_MM * 8, 0);
	btf__add_field(b, "active_mm", mmp, TS_ACTIVE_MM * 8, 0);
	btf__add_field(b, "exit_state", i32, TS_EXIT_STATE * 8, 0);
	btf__add_field(b, "pid", pid_t_, TS_PID * 8, 0);
	btf__add_field(b, "tgid", pid_t_, TS_TGID * 8, 0);
	btf__add_field(b, "real_parent", tsp, TS_REAL_PARENT * 8, 0);
	btf__add_field(b, "parent", tsp, TS_PARENT * 8, 0);
	btf__add_field(b, "group_leader", tsp, TS_GROUP_LEADER * 8, 0);
	btf__add_field(b, "thread_node", lh, TS_THREAD_NODE * 8, 0);
	btf__add_field(b, "signal", sigp, TS_SIGNAL * 8, 0);
	btf__add_field(b, "comm", comm, TS_COMM * 8, 0);
	btf__add_field(b, "start_time", u64_t, TS_START_TIME * 8, 0);
	btf__add_field(b, "utime", u64_t, TS_UTIME * 8, 0);
	btf__add_field(b, "stime", u64_t, TS_STIME * 8, 0);
	btf__add_enum(b, "module_state", 4);
	int mstate = btf__find_by_name(b, "module_state");
	btf__add_enum_value(b, "MODULE_STATE_LIVE", 0);
	btf__add_enum_value(b, "MODULE_STATE_COMING", 1);
	btf__add_enum_value(b, "MODULE_STATE_GOING", 2);
	btf__add_enum_value(b, "MODULE_STATE_UNFORMED", 3);
	int mks = btf__add_struct(b, "mod_kallsyms", MKS_SIZE);
	btf__add_field(b, "symtab", voidp, MKS_SYMTAB * 8, 0);
	btf__add_field(b, "num_symtab", u32, MKS_NUM * 8, 0);
	btf__add_field(b, "strtab", chrp, MKS_STRTAB * 8, 0);
	btf__add_field(b, "typetab", chrp, MKS_TYPETAB * 8, 0);
	int mksp = btf__add_ptr(b, mks);
	int mm_ = btf__add_struct(b, "module_memory", MODMEM_SIZE);
	btf__add_field(b, "base", voidp, MM_BASE * 8, 0);
	btf__add_field(b, "size", u32, MM_MSIZE * 8, 0);
	int mem_arr = btf__add_array(b, u32, mm_, MOD_MEM_N);
	btf__add_struct(b, "module", MOD_SIZE);
	btf__add_field(b, "state", mstate, MOD_STATE * 8, 0);
	btf__add_field(b, "list", lh, MOD_LIST * 8, 0);
	btf__add_field(b, "name", modname, MOD_NAME * 8, 0);
	btf__add_field(b, "mem", mem_arr, MOD_MEM * 8, 0);
	btf__add_field(b, "kallsyms", mksp, MOD_KALLSYMS * 8, 0);
	btf__add_field(b, "refcnt", atomic_t_, MOD_REFCNT * 8, 0);
	btf__add_field(b, "taints", ul, MOD_TAINTS * 8, 0);
	(void)ts;
	int r = btf__set_endianness(b, M->be ? BTF_BIG_ENDIAN : BTF_LITTLE_ENDIAN);
	uint32_t size = 0;
	const void *raw = r ? NULL : btf__raw_data(b, &size);
	r = raw ? bd_write(path, raw, size) : -1;
	btf__free(b);
	return r;
}

/* ---- the vmcore ---- */

static void phdr(unsigned char *ph, uint32_t type, uint64_t off, uint64_t va, uint64_t pa, uint64_t size)
{
	bd_put(ph + 0, 4, type, M->be);
	bd_put(ph + 4, 4, type == PT_LOAD ? PF_R | PF_W | PF_X : 0, M->be);
	bd_put(ph + 8, 8, off, M->be);
	bd_put(ph + 16, 8, va, M->be);
	bd_put(ph + 24, 8, pa, M->be);
	bd_put(ph + 32, 8, size, M->be);
	bd_put(ph + 40, 8, size, M->be);
}

static int write_core(const char *path)
{
	enum { NPH = 4, NOTE_OFF = 0x200 };
	static unsigned char head[DATA_OFF];
	bool be = M->be;
	memcpy(head, ELFMAG, SELFMAG);
	head[EI_CLASS] = ELFCLASS64;
	head[EI_DATA] = be ? ELFDATA2MSB : ELFDATA2LSB;
	head[EI_VERSION] = EV_CURRENT;
	bd_put(head + 16, 2, ET_CORE, be);
	bd_put(head + 18, 2, M->em, be);
	bd_put(head + 20, 4, EV_CURRENT, be);
	bd_put(head + 32, 8, 64, be); // e_phoff
	bd_put(head + 52, 2, 64, be); // e_ehsize
	bd_put(head + 54, 2, 56, be); // e_phentsize
	bd_put(head + 56, 2, NPH, be);
	char vmci[4096];
	size_t vlen = vmcoreinfo(vmci, sizeof(vmci));
	unsigned char *n = head + NOTE_OFF;
	bd_put(n, 4, 11, be);
	bd_put(n + 4, 4, vlen, be);
	bd_put(n + 8, 4, 0, be);
	memcpy(n + 12, "VMCOREINFO", 11);
	memcpy(n + 24, vmci, vlen);
	size_t nlen = 24 + ((vlen + 3) & ~(size_t)3);
	if (NOTE_OFF + nlen > sizeof(head))
		return -1;
	phdr(head + 64, PT_NOTE, NOTE_OFF, 0, 0, nlen);
	// the kernel image first (kexec's order), then the direct map
	phdr(head + 64 + 56, PT_LOAD, DATA_OFF + IMG_PA, img(0), IMG_PA, IMG_SZ);
	phdr(head + 64 + 112, PT_LOAD, DATA_OFF, dm(0), 0, LOW_END);
	phdr(head + 64 + 168, PT_LOAD, DATA_OFF + HIGH_PA, dm(HIGH_PA), HIGH_PA, MEM - HIGH_PA);
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	bool ok = fwrite(head, 1, sizeof(head), f) == sizeof(head) && fwrite(mem, 1, MEM, f) == MEM;
	return fclose(f) == 0 && ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: mkbekernel s390x|ppc64|riscv64 OUT\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++)
		if (strcmp(argv[1], machines[i].name) == 0)
			M = &machines[i];
	if (!M) {
		fprintf(stderr, "mkbekernel: unknown machine '%s'\n", argv[1]);
		return 2;
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s.truth", argv[2]);
	if (!(truth = fopen(path, "w"))) {
		perror(path);
		return 1;
	}
	fprintf(truth, "machine %s\n", M->name);
	static const char banner[] = "Linux version 6.1.0-bekernel (kdive@mkbekernel) #1 SMP\n";
	memcpy(mem + img_pa(I_BANNER), banner, sizeof(banner));
	write_tasks();
	write_modules();
	write_printk();
	// Known values for rd, in the dump's order.
	uint64_t v = img_pa(I_VALUES);
	put(v + 0, 8, 0x0123456789abcdefull);
	put(v + 8, 8, 0xfffffffffffffffeull);
	put(v + 16, 4, 0x89abcdef);
	put(v + 20, 4, 5);
	put(v + 24, 2, 0xfedc);
	put(v + 26, 2, 0x0102);
	put(v + 28, 2, 0x8000);
	put(v + 30, 2, 0x0007);
	fprintf(truth, "u64 %016llx 0123456789abcdef fffffffffffffffe\n", (unsigned long long)img(I_VALUES));
	fprintf(truth, "u32 %016llx 89abcdef 00000005\n", (unsigned long long)img(I_VALUES + 16));
	fprintf(truth, "u16 %016llx fedc 0102 8000 0007\n", (unsigned long long)img(I_VALUES + 24));
	// The same values through the direct map (the image's RAM).
	fprintf(truth, "u64dm %016llx 0123456789abcdef fffffffffffffffe\n",
		(unsigned long long)dm(img_pa(I_VALUES)));
	fprintf(truth, "hole %016llx\n", (unsigned long long)dm(LOW_END + 0x1000));
	// System.map, by address.
	static const struct {
		const char *name;
		char type;
		uint64_t off;
	} syms[] = {
		{ "_stext", 'T', I_STEXT }, { "linux_banner", 'D', I_BANNER }, { "init_task", 'D', I_INIT_TASK },
		{ "modules", 'D', I_MODULES }, { "prb", 'D', I_PRB }, { "printk_rb_static", 'd', I_RB_STATIC },
		{ "kdive_values", 'd', I_VALUES }, { "init_signals", 'D', I_INIT_SIGNAL }, { "_end", 'B', I_END },
	};
	snprintf(path, sizeof(path), "%s.map", argv[2]);
	FILE *map = fopen(path, "w");
	if (!map) {
		perror(path);
		return 1;
	}
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		fprintf(map, "%016llx %c %s\n", (unsigned long long)img(syms[i].off), syms[i].type, syms[i].name);
		fprintf(truth, "sym %s %016llx\n", syms[i].name, (unsigned long long)img(syms[i].off));
	}
	if (fclose(map)) {
		perror(path);
		return 1;
	}
	snprintf(path, sizeof(path), "%s.btf", argv[2]);
	if (write_btf(path)) {
		fprintf(stderr, "mkbekernel: cannot write the BTF '%s'\n", path);
		return 1;
	}
	if (write_core(argv[2])) {
		perror(argv[2]);
		return 1;
	}
	if (fclose(truth)) {
		perror("truth");
		return 1;
	}
	return 0;
}
