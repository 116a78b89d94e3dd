/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A tiny BTF written with libbpf's BTF writer: the task_struct,
 * signal_struct, mm_struct and list_head that kd_task_foreach and ps use,
 * at the offsets of fuzz_mem.h, plus an enum, a typedef, a union and a
 * function prototype so that every kind kdive handles appears; and the
 * struct module, module_layout and mod_kallsyms that the module list walk
 * (shell/core/kmodules.c) uses, at the offsets of fuzz_mem.h.  fuzz_tasks
 * loads it; mkseeds_mem writes it as the seed of fuzz_btf.
 */
#ifndef KD_FUZZ_BTF_H
#define KD_FUZZ_BTF_H
#include <bpf/btf.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_mem.h"

/* The raw BTF bytes (malloc'ed) and their size; NULL on failure. */
static inline void *fuzz_tiny_btf(size_t *size_ret)
{
	struct btf *b = btf__new_empty();
	if (!b)
		return NULL;
	// Fields go to the type added last: pointers to a struct not yet
	// defined point to a forward declaration.
	int u32 = btf__add_int(b, "unsigned int", 4, 0);
	int i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	int u64 = btf__add_int(b, "long unsigned int", 8, 0);
	int chr = btf__add_int(b, "char", 1, BTF_INT_CHAR);
	int comm = btf__add_array(b, u32, chr, 16);
	int u64p = btf__add_ptr(b, u64);
	int pid_t_ = btf__add_typedef(b, "pid_t", i32);
	int lhp = btf__add_ptr(b, btf__add_fwd(b, "list_head", BTF_FWD_STRUCT));
	int tsp = btf__add_ptr(b, btf__add_fwd(b, "task_struct", BTF_FWD_STRUCT));
	int lh = btf__add_struct(b, "list_head", 16);
	btf__add_field(b, "next", lhp, 0, 0);
	btf__add_field(b, "prev", lhp, 64, 0);
	int sig = btf__add_struct(b, "signal_struct", SIG_SIZE);
	btf__add_field(b, "nr_threads", i32, 0, 0);
	btf__add_field(b, "thread_head", lh, SIG_THREAD_HEAD * 8, 0);
	int sigp = btf__add_ptr(b, sig);
	int mm = btf__add_struct(b, "mm_struct", MM_SIZE);
	btf__add_field(b, "pgd", u64p, MM_PGD * 8, 0);
	btf__add_field(b, "total_vm", u64, MM_TOTAL_VM * 8, 0);
	int mmp = btf__add_ptr(b, mm);
	int ts = btf__add_struct(b, "task_struct", TS_SIZE);
	btf__add_field(b, "__state", u32, TS_STATE * 8, 0);
	btf__add_field(b, "flags", u32, TS_FLAGS * 8, 0);
	btf__add_field(b, "cpu", u32, TS_CPU * 8, 0);
	btf__add_field(b, "tasks", lh, TS_TASKS * 8, 0);
	btf__add_field(b, "mm", mmp, TS_MM * 8, 0);
	btf__add_field(b, "pid", pid_t_, TS_PID * 8, 0);
	btf__add_field(b, "tgid", pid_t_, TS_TGID * 8, 0);
	btf__add_field(b, "real_parent", tsp, TS_REAL_PARENT * 8, 0);
	btf__add_field(b, "parent", tsp, TS_PARENT * 8, 0);
	btf__add_field(b, "signal", sigp, TS_SIGNAL * 8, 0);
	btf__add_field(b, "thread_node", lh, TS_THREAD_NODE * 8, 0);
	btf__add_field(b, "comm", comm, TS_COMM * 8, 0);
	btf__add_field(b, "start_time", u64, TS_START_TIME * 8, 0);
	btf__add_union(b, "u", 8);
	btf__add_field(b, "a", u64, 0, 0);
	btf__add_field(b, "b", i32, 0, 3);
	btf__add_enum(b, "pid_type", 4);
	btf__add_enum_value(b, "PIDTYPE_PID", 0);
	btf__add_enum_value(b, "PIDTYPE_TGID", 1);
	int proto = btf__add_func_proto(b, i32);
	btf__add_func_param(b, "t", tsp);
	btf__add_func(b, "wake_up_process", BTF_FUNC_GLOBAL, proto);
	btf__add_var(b, "init_task", BTF_VAR_GLOBAL_ALLOCATED, ts);
	// Added last, so the ids of the types above stay as they were.
	int voidp = btf__add_ptr(b, 0);
	int chrp = btf__add_ptr(b, chr);
	int mks = btf__add_struct(b, "mod_kallsyms", MKS_SIZE);
	btf__add_field(b, "symtab", voidp, MKS_SYMTAB * 8, 0);
	btf__add_field(b, "num_symtab", u32, MKS_NUM * 8, 0);
	btf__add_field(b, "strtab", chrp, MKS_STRTAB * 8, 0);
	btf__add_field(b, "typetab", chrp, MKS_TYPETAB * 8, 0);
	int mksp = btf__add_ptr(b, mks);
	int layout = btf__add_struct(b, "module_layout", 16);
	btf__add_field(b, "base", voidp, 0, 0);
	btf__add_field(b, "size", u32, 64, 0);
	int mname = btf__add_array(b, u32, chr, MOD_NAME_LEN);
	btf__add_struct(b, "module", MOD_SIZE);
	btf__add_field(b, "list", lh, MOD_LIST * 8, 0);
	btf__add_field(b, "name", mname, MOD_NAME * 8, 0);
	btf__add_field(b, "kallsyms", mksp, MOD_KALLSYMS * 8, 0);
	btf__add_field(b, "core_layout", layout, MOD_CORE_BASE * 8, 0);
	uint32_t size;
	const void *raw = btf__raw_data(b, &size);
	void *copy = raw ? malloc(size) : NULL;
	if (copy) {
		memcpy(copy, raw, size);
		*size_ret = size;
	}
	btf__free(b);
	return copy;
}

/*
 * The files a memory-walk target opens its dumps with, made once per
 * process: the tiny BTF above (--btf) and a System.map holding one data
 * symbol at addr (--system-map), each a memfd.  Aborts if they cannot be
 * made: the target would test nothing.
 */
static inline void fuzz_btf_and_map(const char *sym, uint64_t addr, char btf_path[64], char map_path[64])
{
	size_t bsize;
	void *btf = fuzz_tiny_btf(&bsize);
	char map[128];
	snprintf(map, sizeof(map), "%016llx D %s\n", (unsigned long long)addr, sym);
	if (!btf || fuzz_memfd("kdive-fuzz-btf", btf, bsize, btf_path) < 0 ||
	    fuzz_memfd("kdive-fuzz-map", map, strlen(map), map_path) < 0)
		abort();
	free(btf);
}

#endif
